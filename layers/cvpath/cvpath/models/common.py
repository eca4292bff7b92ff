"""The base model, the small text types and content-derived ids every model shares.

Naming convention (one for every model in ``cvpath.models``): Python attributes
are snake_case, and each has a camelCase alias generated from the attribute name
(``start_date`` <-> ``startDate``), which is exactly JSON Resume's spelling. Input
is accepted under either spelling; dumps and JSON Schemas use the aliases by
default (``serialize_by_alias``), so the wire form is always camelCase and nobody
has to remember to pass ``by_alias=True``.

Ids: entries, bullets and job requirements carry an ``id`` derived from their
content by :func:`derive_id`. Leave it empty and the containing model fills it in;
give one and it must equal the derived value, so a stale or invented id (say, from
an LLM) is a validation error instead of a silent mismatch.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from typing import Annotated, Protocol, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema
from pydantic.alias_generators import to_camel

# 12 hex digits (48 bits): a CV with 10,000 bullets collides with odds of about
# 1 in 5 million, and the containing model still rejects duplicates outright.
_ID_HASH_LENGTH = 12


def _field_title(name: str, _info: object) -> str:
    # "start_date" -> "Start date"; pydantic's default would title-case the alias ("Startdate").
    return name.replace("_", " ").capitalize()


class Model(BaseModel):
    """Base of every canonical model: strict, closed, camelCase on the wire."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        allow_inf_nan=False,
        # Why: containers write derived ids into their children; revalidating
        # copies them, so a caller's objects are never changed behind its back.
        revalidate_instances="always",
        # Why: inputs are CVs (personal data) and errors end up in logs and re-ask
        # prompts; the location and the message are enough to act on.
        hide_input_in_errors=True,
        field_title_generator=_field_title,
    )


def _reject_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty or only whitespace")
    return value


NonBlank = Annotated[
    str,
    AfterValidator(_reject_blank),
    WithJsonSchema({"type": "string", "minLength": 1, "pattern": r"\S"}),
]
"""A string that carries content: blank text is rejected rather than kept."""

ID_PATTERN = rf"^[a-z]+-[0-9a-f]{{{_ID_HASH_LENGTH}}}$"
_ID_RE = re.compile(ID_PATTERN)


def _check_id_shape(value: str) -> str:
    if value and not _ID_RE.match(value):
        raise ValueError("must be empty (to have it derived) or a derived id such as 'b-0123456789ab'")
    return value


DerivedId = Annotated[
    str,
    AfterValidator(_check_id_shape),
    Field(
        description="Derived from the content; leave empty to have it computed.",
        json_schema_extra={"pattern": f"^$|{ID_PATTERN}"},
    ),
]
"""The ``id`` field of entries, bullets and requirements ("" until derived)."""

RefId = Annotated[str, Field(pattern=ID_PATTERN)]
"""A reference to a derived id (a bullet, an entry or a requirement)."""


def derive_id(prefix: str, *parts: str | int | None) -> str:
    """A stable id such as ``work-3f2a9c1b7e4d``: the prefix and a hash of ``parts``.

    The same parts give the same id in every process and on every machine (no
    salted ``hash()``); the JSON encoding keeps ``("a b", "c")`` and ``("a", "b c")``
    apart.
    """
    payload = json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()
    return f"{prefix}-{digest[:_ID_HASH_LENGTH]}"


class HasId(Protocol):
    id: str


_ItemT = TypeVar("_ItemT", bound=HasId)


def assign_ids(
    items: Sequence[_ItemT],
    *,
    loc: str,
    make_id: Callable[[_ItemT, int], str],
    identity: Callable[[_ItemT], Hashable],
) -> None:
    """Write the derived id into each item, or check the one it already carries.

    ``make_id(item, n)`` receives the occurrence number ``n`` of the item's identity
    among its siblings (0 for the first). Why occurrence and not list position:
    reordering or inserting entries then leaves every other id unchanged, while two
    identical siblings still get distinct ids.
    """
    seen: Counter[Hashable] = Counter()
    for index, item in enumerate(items):
        key = identity(item)
        expected = make_id(item, seen[key])
        seen[key] += 1
        if item.id and item.id != expected:
            raise ValueError(
                f"{loc}.{index}.id {item.id!r} does not match its content (expected {expected!r}); "
                "ids are derived from the content, leave them out to have them computed"
            )
        item.id = expected


def reject_duplicates(ids: Sequence[str], *, what: str) -> None:
    """Raise naming the first id that occurs twice."""
    seen: set[str] = set()
    for value in ids:
        if value in seen:
            raise ValueError(f"duplicate {what} '{value}'")
        seen.add(value)
