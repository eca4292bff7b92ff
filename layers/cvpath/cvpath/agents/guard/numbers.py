"""Numeric claims in free text, normalised so that ``50K`` = ``50k`` = ``50,000`` and ``20 %`` = ``20%``.

A claim is a value and a unit (``""``, ``"%"``, ``"x"`` for multipliers, ``"ord"``
for ordinals). Currency symbols and a trailing ``+`` are ignored: ``$50K+`` and
``50k`` make the same claim. Digits glued to letters (``S3``, ``HTML5``, ``k8s``,
``3D``) are names, not claims.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from cvpath.documents import fold_for_matching

_NUMBER_RE = re.compile(
    r"(?<![\w.,])[$€£¥]?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:(?P<pct>\s?(?:%|percent\b|per\s?cent\b))"
    r"|(?P<ord>st|nd|rd|th)\b"
    r"|(?P<mag>(?:k|m|mm|bn|b)\b|\s(?:thousand|million|billion)\b)"
    r"|(?P<times>x\b|\stimes\b))?"
    r"\+?(?!\w)"
)
# The word before a small number that makes it a version rather than a metric: "Python 3", "Java 8".
_VERSION_CONTEXT_RE = re.compile(r"(?P<word>[^\W\d_][\w+#.]*)\s$")

_MAGNITUDES = {
    "k": Decimal(1_000),
    "thousand": Decimal(1_000),
    "m": Decimal(1_000_000),
    "mm": Decimal(1_000_000),
    "million": Decimal(1_000_000),
    "b": Decimal(1_000_000_000),
    "bn": Decimal(1_000_000_000),
    "billion": Decimal(1_000_000_000),
}


@dataclass(frozen=True, order=True)
class NumberClaim:
    value: str
    unit: str
    surface: str
    # The word right before the number when it reads like a version ("python" in "Python 3").
    version_of: str | None = None


def _canonical_value(number: str, magnitude: str | None) -> str:
    try:
        value = Decimal(number.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern only admits decimal digits
        return number
    if magnitude:
        value *= _MAGNITUDES[magnitude.strip()]
    normal = value.normalize()
    return format(normal, "f")


def number_claims(text: str) -> list[NumberClaim]:
    """Every numeric claim in ``text``, in order of appearance."""
    folded = fold_for_matching(text)
    claims: list[NumberClaim] = []
    for match in _NUMBER_RE.finditer(folded):
        unit = ""
        if match.group("pct"):
            unit = "%"
        elif match.group("ord"):
            unit = "ord"
        elif match.group("times"):
            unit = "x"
        version_of = None
        number = match.group("num")
        if not unit and not match.group("mag") and len(number.split(".")[0]) <= 2:
            context = _VERSION_CONTEXT_RE.search(folded[: match.start()])
            version_of = context.group("word") if context else None
        claims.append(
            NumberClaim(
                value=_canonical_value(number, match.group("mag")),
                unit=unit,
                surface=match.group(0).strip(),
                version_of=version_of,
            )
        )
    return claims


@dataclass(frozen=True)
class NumberSet:
    """The numbers some source text states, for :meth:`supports` lookups."""

    pairs: frozenset[tuple[str, str]]
    values: frozenset[str]

    @classmethod
    def of(cls, texts: Iterable[str]) -> NumberSet:
        claims = [claim for text in texts for claim in number_claims(text)]
        return cls(
            pairs=frozenset((claim.value, claim.unit) for claim in claims),
            values=frozenset(claim.value for claim in claims),
        )

    def supports(self, claim: NumberClaim) -> bool:
        """True when the source states this number with this unit; a bare number only needs the value.

        Why a bare number may drop its unit ("20%" -> "20") but not gain one: adding
        "%" or "x" to a number changes what it claims.
        """
        if (claim.value, claim.unit) in self.pairs:
            return True
        return claim.unit == "" and claim.value in self.values
