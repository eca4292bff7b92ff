"""Markdown building blocks that keep CV and job text inert.

Text from a CV or a job is data, not markup: a name with an asterisk, a skill
like ``C#|F#`` or an employer in ``[brackets]`` must print as written, and must
not open emphasis, split a table cell or become a link.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Characters that start inline markup or end a table cell. Line-start markers
# (#, -, +, 1.) need no escape: escaped text is always placed after a prefix.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
# "&copy;" would print as a symbol; a lone "&" (R&D) is left alone.
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")


def escape(value: object) -> str:
    """``value`` as one line of literal Markdown text."""
    text = " ".join(str(value).split())
    return _ENTITY.sub("&amp;", _SPECIAL.sub(r"\\\1", text))


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, right: Sequence[int] = ()) -> list[str]:
    """A pipe table; cells are used as given (escape CV or job text first)."""
    align = ["---:" if index in right else "---" for index in range(len(headers))]
    lines = [_row(headers), _row(align)]
    lines += [_row(row) for row in rows]
    return lines


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def signed(value: float) -> str:
    return f"{value:+.1f}"


def amount(value: object) -> str:
    """A decimal string as dollars to 6 places (text that is not a number is escaped as is)."""
    from decimal import Decimal, InvalidOperation

    try:
        return f"${Decimal(str(value)):.6f}"
    except InvalidOperation:
        return escape(value)
