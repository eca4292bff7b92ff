"""Markdown to plain text: drop the markup, keep every word a reader would see.

Not a renderer: headings, emphasis, links, lists, quotes, tables and code
fences lose their syntax and keep their text. Link targets stay in parentheses
because a CV's links (a portfolio, a profile) are content. HTML tags are
removed, entities decoded. List items become "• " lines so bullets survive.
"""

from __future__ import annotations

import html
import re

# Lines that are pure markup go with their line break, so they leave no blank line.
_FENCE_RE = re.compile(r"^ {0,3}(?:`{3,}|~{3,}).*(?:\n|$)", re.MULTILINE)
_HEADING_RE = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)
_RULE_OR_UNDERLINE_RE = re.compile(r"^ {0,3}(?:[-=*_][ \t]*){3,}(?:\n|$)", re.MULTILINE)
_TABLE_DIVIDER_RE = re.compile(r"^ *\|?(?: *:?-{2,}:? *\|)+ *:?-*:? *\|? *(?:\n|$)", re.MULTILINE)
_BULLET_RE = re.compile(r"^([ \t]*)[-*+][ \t]+", re.MULTILINE)
_QUOTE_RE = re.compile(r"^ {0,3}>[ \t]?", re.MULTILINE)
_IMAGE_RE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK_RE = re.compile(r"\[([^\]]+)\]\(<?([^)\s>]+)>?(?:[ \t]+\"[^\"]*\")?\)")
_REFERENCE_LINK_RE = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_AUTOLINK_RE = re.compile(r"<((?:https?://|mailto:)[^>\s]+|[^>\s@]+@[^>\s@]+)>")
_BREAK_TAG_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_STRONG_RE = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS_RE = re.compile(
    r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])|(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])"
)
_STRIKE_RE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_CODE_RE = re.compile(r"`+([^`\n]+?)`+")
_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
# Escaped characters are parked in plane-15 private use while the markup is
# removed, so "\\*" never starts emphasis; they come back as themselves.
_PARK_BASE = 0xF0000
_PARKED_RE = re.compile("[\U000f0000-\U000f007f]")
_SIGNALS_RE = re.compile(r"^ {0,3}#{1,6}[ \t]+\S|\[[^\]\n]+\]\([^)\n]+\)|\*\*\S[^*\n]*\*\*", re.MULTILINE)


def looks_like_markdown(text: str) -> bool:
    """True for text with Markdown headings, links or strong emphasis (at least two signals)."""
    return len(_SIGNALS_RE.findall(text, 0, 200_000)) >= 2


def _link(match: re.Match[str]) -> str:
    label, target = match.group(1), match.group(2)
    bare_target = target.removeprefix("mailto:")
    return label if label in (target, bare_target) else f"{label} ({bare_target})"


def _table_row(line: str) -> str:
    if line.count("|") < 2:
        return line
    cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
    return " | ".join(cell for cell in cells if cell)


def markdown_to_text(markdown: str) -> str:
    """The visible text of a Markdown document, line structure kept."""
    text = _ESCAPE_RE.sub(lambda match: chr(_PARK_BASE + ord(match.group(1))), markdown)
    text = _FENCE_RE.sub("", text)
    text = _HEADING_RE.sub(r"\1", text)
    text = _TABLE_DIVIDER_RE.sub("", text)
    text = _RULE_OR_UNDERLINE_RE.sub("", text)
    text = _QUOTE_RE.sub("", text)
    text = _BULLET_RE.sub(r"\1• ", text)
    text = _IMAGE_RE.sub(r"\1", text)
    text = _LINK_RE.sub(_link, text)
    text = _REFERENCE_LINK_RE.sub(r"\1", text)
    text = _AUTOLINK_RE.sub(lambda match: match.group(1).removeprefix("mailto:"), text)
    text = _BREAK_TAG_RE.sub("\n", text)
    text = _TAG_RE.sub("", text)
    text = _CODE_RE.sub(r"\1", text)
    text = _STRONG_RE.sub(r"\2", text)
    text = _EMPHASIS_RE.sub(lambda match: match.group(1) or match.group(2), text)
    text = _STRIKE_RE.sub(r"\1", text)
    text = "\n".join(_table_row(line) for line in text.split("\n"))
    text = _PARKED_RE.sub(lambda match: chr(ord(match.group(0)) - _PARK_BASE), text)
    return html.unescape(text)
