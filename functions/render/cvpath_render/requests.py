"""What the render function accepts and answers, on the HTTP path and as a task.

The HTTP path carries documents inline (base64); the state machine passes S3
locations, because a state's payload is capped at 256 KB.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

from cvpath.errors import ValidationFailed


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid", alias_generator=to_camel, validate_by_name=True)


class RenderRequest(_Wire):
    cv: dict[str, Any]
    engine: Literal["v1", "v2"] = "v2"
    output_mode: Literal["pdf_only", "combined_pdf", "separate"] = "pdf_only"
    format: Literal["pdf", "docx"] = "pdf"
    cover_letter: dict[str, Any] | None = None
    section_order: list[str] | None = None
    page_size: Literal["A4", "Letter", "a4", "letter"] = "A4"


class S3Location(_Wire):
    bucket: str = Field(min_length=3, max_length=63)
    key: str = Field(min_length=1, max_length=1024)


class DocumentSource(_Wire):
    """A document either inline (base64) or in S3: exactly one of the two."""

    filename: str | None = Field(default=None, max_length=255)
    content_type: str | None = Field(default=None, max_length=255)
    data_base64: str | None = None
    s3: S3Location | None = None

    @model_validator(mode="after")
    def _exactly_one_source(self) -> DocumentSource:
        if (self.data_base64 is None) == (self.s3 is None):
            raise ValueError("give exactly one of dataBase64 or s3")
        return self

    def inline_bytes(self, *, field: str = "dataBase64") -> bytes:
        if self.data_base64 is None:
            raise ValidationFailed(f"missing {field}", details={"field": "dataBase64"})
        return decode_base64(self.data_base64, field="dataBase64")


class ExtractTextTask(_Wire):
    document: DocumentSource
    # Where to write the extracted text; without it the text is returned inline.
    output: S3Location | None = None


class RenderTask(_Wire):
    render: RenderRequest
    output: S3Location  # key is a prefix: artifacts are written beneath it


def decode_base64(value: str, *, field: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed(f"{field} is not valid base64", details={"field": field}) from None
