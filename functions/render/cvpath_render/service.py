"""The render function's logic, shared by its HTTP routes and its state machine tasks."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from cvpath.documents import ExtractedText, extract_text
from cvpath.errors import ValidationFailed
from cvpath_render.inputs import load_cover_letter, load_cv, validation_failed
from cvpath_render.output import DOCX, PDF, Artifact, render_package
from cvpath_render.requests import RenderRequest

_ModelT = TypeVar("_ModelT", bound=BaseModel)


def parse_model(model: type[_ModelT], payload: object) -> _ModelT:
    """``model.model_validate`` with a ``ValidationFailed`` that names the fields."""
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        raise validation_failed("request", exc) from None


def render(request: RenderRequest) -> list[Artifact]:
    """Every artifact the request asks for, each ATS-checked."""
    from cvpath_render.api import render_cv_docx_checked
    from cvpath_render.output import ArtifactKind

    cv = load_cv(request.cv)
    if request.format == "docx":
        result = render_cv_docx_checked(cv, section_order=request.section_order, page_size=request.page_size)
        return [
            Artifact(
                ArtifactKind.CV_DOCX, "cv.docx", DOCX, result.docx, None, result.warnings, result.ats_report
            )
        ]
    letter = load_cover_letter(request.cover_letter) if request.cover_letter is not None else None
    return render_package(
        cv,
        letter,
        request.output_mode,
        request.engine,
        section_order=request.section_order if request.engine == "v2" else None,
        page_size=request.page_size,
    )


def describe(artifact: Artifact, *, with_data: bool) -> dict[str, Any]:
    import base64

    info: dict[str, Any] = {
        "kind": artifact.kind.value,
        "filename": artifact.filename,
        "contentType": artifact.content_type,
        "bytes": len(artifact.data),
        "pages": artifact.pages,
        "warnings": list(artifact.warnings),
    }
    if with_data:
        info["dataBase64"] = base64.b64encode(artifact.data).decode("ascii")
    return info


def extracted_body(result: ExtractedText, *, with_text: bool = True) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": result.kind,
        "pages": result.pages,
        "characters": result.characters,
        "columnsDetected": result.columns_detected,
        "warnings": list(result.warnings),
    }
    if with_text:
        body["text"] = result.text
    return body


def json_body(event: Any) -> object:
    """The request's JSON body, or ``ValidationFailed`` for an empty or invalid one."""
    import json

    raw = event.decoded_body if event.is_base64_encoded else event.body
    if not raw:
        raise ValidationFailed("the request body is empty; send a JSON object", details={"field": "body"})
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValidationFailed(f"the request body is not valid JSON ({exc.__class__.__name__})") from None


def font_files() -> int:
    """How many font files the renderer can find (the health check's one real probe)."""
    from cvpath_render.fonts import find_font_dir

    return len(list(find_font_dir().glob("*.ttf")))


def extract(data: bytes, *, filename: str | None, content_type: str | None) -> ExtractedText:
    return extract_text(data, filename=filename, content_type=content_type)


__all__ = ["DOCX", "PDF", "describe", "extract", "extracted_body", "parse_model", "render"]
