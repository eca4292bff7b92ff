"""`cvpath render` and `cvpath extract-text`: the renderer and the extractor alone."""

from __future__ import annotations

import json
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cvpath.errors import ValidationFailed
from local.commands.errors import friendly_errors


class EngineChoice(StrEnum):
    V1 = "v1"
    V2 = "v2"


class LetterFormat(StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    NONE = "none"


def _read_json(path: Path, what: str) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValidationFailed(f"{what} file {path} does not exist") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValidationFailed(f"{what} file {path} is not valid JSON: {exc}") from None


@friendly_errors
def render_command(
    cv: Annotated[Path, typer.Option("--cv", help="CV as JSON Resume (or a tailored CV) JSON.")],
    out: Annotated[Path, typer.Option("--out", help="Output file: .pdf, or .docx for a Word CV.")],
    engine: Annotated[EngineChoice, typer.Option(help="v1: fixed layout; v2: order from the input.")] = (
        EngineChoice.V2
    ),
    cover_letter: Annotated[
        Path | None, typer.Option("--cover-letter", help="Cover letter JSON to add.")
    ] = None,
    letter_format: Annotated[
        LetterFormat, typer.Option(help="pdf: after the CV in one PDF; docx: a separate .docx beside it.")
    ] = LetterFormat.PDF,
) -> None:
    """Render a CV (and optionally a cover letter); every file is ATS-checked before it is written."""
    from cvpath_render.requests import RenderRequest
    from cvpath_render.service import parse_model, render

    letter = _read_json(cover_letter, "cover letter") if cover_letter else None
    if letter is not None and letter_format is LetterFormat.NONE:
        letter = None
    mode = {None: "pdf_only", LetterFormat.PDF: "combined_pdf", LetterFormat.DOCX: "separate"}
    request = parse_model(
        RenderRequest,
        {
            "cv": _read_json(cv, "CV"),
            "engine": engine.value,
            "format": "docx" if out.suffix.lower() == ".docx" else "pdf",
            "outputMode": mode[letter_format if letter is not None else None],
            "coverLetter": letter,
        },
    )
    started = time.perf_counter()
    artifacts = render(request)
    elapsed_ms = (time.perf_counter() - started) * 1000
    out.parent.mkdir(parents=True, exist_ok=True)
    for artifact in artifacts:
        target = out if artifact is artifacts[0] else out.with_name(f"{out.stem}.{artifact.filename}")
        target.write_bytes(artifact.data)
        pages = f", {artifact.pages} page(s)" if artifact.pages else ""
        typer.echo(f"wrote {target} ({len(artifact.data):,} bytes{pages}; ATS check passed)")
        for warning in artifact.warnings:
            typer.echo(f"  warning: {warning}", err=True)
    typer.echo(f"rendered with engine {engine.value} in {elapsed_ms:.0f} ms", err=True)


@friendly_errors
def extract_text_command(
    file: Annotated[Path, typer.Argument(help="A CV: PDF, DOCX, text, Markdown or JSON Resume.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print text and stats as one JSON object.")] = False,
) -> None:
    """Extract a document's text through the quality gate (stats go to stderr)."""
    from cvpath.documents import extract_text

    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise ValidationFailed(f"{file} does not exist") from None
    started = time.perf_counter()
    result = extract_text(data, filename=file.name)
    elapsed_ms = (time.perf_counter() - started) * 1000
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
        return
    sys.stdout.write(result.text + ("\n" if not result.text.endswith("\n") else ""))
    columns = ", two columns detected" if result.columns_detected else ""
    typer.echo(
        f"{file.name}: {result.kind}, {result.pages} page(s), {result.characters:,} characters{columns}"
        f", {elapsed_ms:.0f} ms",
        err=True,
    )
    for warning in result.warnings:
        typer.echo(f"  warning: {warning}", err=True)
