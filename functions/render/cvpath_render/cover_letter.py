"""The cover letter: its model, its render blocks and its PDF layout.

The letter is signed by the CV's owner: in a combined PDF it repeats the CV's
header (name and contact details), so either part stands on its own when printed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from cvpath.errors import ValidationFailed
from cvpath.models import Basics, Model, NonBlank
from cvpath_render.blocks import Header, LetterBlocks, Text
from cvpath_render.content import build_header
from cvpath_render.text_policy import TextPolicy

if TYPE_CHECKING:
    from cvpath_render.reportlab_api import Flowable
    from cvpath_render.styles import Styles


class CoverLetter(Model):
    """A cover letter as the tailoring step writes it (camelCase on the wire, like the CV)."""

    recipient: str | None = Field(default=None, description="e.g. Hiring Manager; lines separated by \\n")
    company: str | None = Field(default=None, description="e.g. Northwind Logistics")
    greeting: NonBlank = Field(description="e.g. Dear Ms Okafor,")
    paragraphs: list[NonBlank] = Field(min_length=1, description="The body, one string per paragraph")
    closing: NonBlank = Field(description="e.g. Kind regards,")
    signature: NonBlank = Field(description="The sender's name as signed")


def build_letter_blocks(
    letter: CoverLetter, sender: Basics | Header | None, policy: TextPolicy
) -> LetterBlocks:
    """The letter's text, cleaned by ``policy``; ``sender`` gives the header (or none)."""
    header = build_header(sender, policy) if isinstance(sender, Basics) else sender
    recipient: list[Text] = []
    if letter.recipient:
        cleaned = policy.clean(letter.recipient, "coverLetter.recipient", multiline=True)
        recipient.extend(Text("coverLetter.recipient", line) for line in cleaned.split("\n") if line)
    if (company := policy.clean(letter.company, "coverLetter.company")) != "":
        recipient.append(Text("coverLetter.company", company))
    paragraphs = tuple(
        Text(f"coverLetter.paragraphs.{i}", cleaned)
        for i, paragraph in enumerate(letter.paragraphs)
        if (cleaned := policy.clean(paragraph, f"coverLetter.paragraphs.{i}"))
    )
    return LetterBlocks(
        header=header,
        recipient=tuple(recipient),
        greeting=_required(policy, letter.greeting, "coverLetter.greeting"),
        paragraphs=paragraphs,
        closing=_required(policy, letter.closing, "coverLetter.closing"),
        signature=_required(policy, letter.signature, "coverLetter.signature"),
        warnings=tuple(policy.warnings),
    )


def _required(policy: TextPolicy, value: str, path: str) -> Text:
    cleaned = policy.clean(value, path)
    if not cleaned:
        raise ValidationFailed(f"{path} has no printable text left", details={"field": path})
    return Text(path, cleaned)


def letter_story(blocks: LetterBlocks, styles: Styles) -> list[Flowable]:
    """The letter's flowables, in the order of ``blocks.texts()``."""
    from cvpath_render.flowables.base import markup
    from cvpath_render.flowables.header import HeaderFlowable
    from cvpath_render.reportlab_api import Paragraph, Spacer

    story: list[Flowable] = []
    if blocks.header is not None:
        story += [HeaderFlowable(blocks.header, styles), Spacer(1, 18)]
    story += [Paragraph(markup(line.value), styles.body) for line in blocks.recipient]
    if blocks.recipient:
        story.append(Spacer(1, 14))
    story.append(Paragraph(markup(blocks.greeting.value), styles.letter_body))
    story += [Paragraph(markup(p.value), styles.letter_body) for p in blocks.paragraphs]
    closing = Paragraph(markup(blocks.closing.value), styles.letter_body)
    closing.spaceBefore = 16
    closing.keepWithNext = 1
    signature = Paragraph(markup(blocks.signature.value, font=styles.label_font), styles.letter_body)
    signature.spaceBefore = 22  # room for a handwritten signature on a printout
    return [*story, closing, signature]
