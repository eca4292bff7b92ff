"""JSON Resume's ``basics`` (with ``location`` and ``profiles``) and ``meta``.

Optional text is ``None`` when absent. An empty string is kept as given: JSON
Resume's own sample writes ``"image": ""`` for "none", and keeping it is what
makes import and export lossless.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field

from cvpath.models.common import Model
from cvpath.models.entry import Entry

_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _check_email(value: str) -> str:
    if value and not _EMAIL_RE.match(value):
        raise ValueError("is not an email address")
    return value


Email = Annotated[str, AfterValidator(_check_email), Field(json_schema_extra={"format": "email"})]


class Location(Model):
    address: str | None = Field(default=None, description="Lines separated by \\n")
    postal_code: str | None = None
    city: str | None = None
    country_code: str | None = Field(default=None, description="ISO-3166-1 alpha-2, e.g. US, AU, IN")
    region: str | None = Field(default=None, description="State, province or region")


class Profile(Entry):
    id_prefix = "profile"

    network: str | None = Field(default=None, description="e.g. GitHub, LinkedIn")
    username: str | None = None
    url: str | None = None

    def identity(self) -> tuple[str | None, ...]:
        return (self.network, self.username, self.url)


class Basics(Model):
    name: str | None = None
    label: str | None = Field(default=None, description="e.g. Web Developer")
    image: str | None = Field(default=None, description="URL of a JPEG or PNG picture")
    email: Email | None = None
    phone: str | None = None
    url: str | None = Field(default=None, description="Personal website")
    summary: str | None = None
    location: Location | None = None
    profiles: list[Profile] = Field(default_factory=list)


class Meta(Model):
    """Tooling information; JSON Resume puts the schema version here."""

    canonical: str | None = Field(default=None, description="URL of the latest version of this document")
    version: str | None = Field(default=None, description="Semantic version, e.g. v1.0.0")
    last_modified: str | None = Field(default=None, description="e.g. 2017-12-24T15:53:00")
