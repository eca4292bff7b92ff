"""Money in CVPath: US dollars to 6 places (micro-dollars), the precision of every money column."""

from __future__ import annotations

from decimal import Decimal

MONEY_QUANTUM = Decimal("0.000001")


def money_text(amount: Decimal) -> str:
    """``amount`` at 6 places in fixed-point notation ("0.000000", never "0E-10")."""
    return f"{amount.quantize(MONEY_QUANTUM):f}"
