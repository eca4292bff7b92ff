"""Amounts, tiers, statuses and UTC windows, without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from cvpath.errors import ValidationFailed
from cvpath.governance.ledger import money
from cvpath.governance.profiles import parse_status, parse_tier, status_word
from cvpath.governance.quota_windows import first_of_next_month, next_hour, next_midnight, utc_now


@pytest.mark.parametrize(
    "value", ["NaN", "sNaN", "Infinity", "-inf", "1e8", "99999999.9999999", "x", 0.1, False]
)
def test_money_refuses_what_is_not_an_exact_bounded_amount(value: object) -> None:
    with pytest.raises(ValidationFailed):
        money(value)


def test_money_keeps_exact_decimals() -> None:
    assert money("99999999.999999") == Decimal("99999999.999999")
    assert money(" -0.000001 ") == Decimal("-0.000001")
    assert money(7) == Decimal(7)


def test_tiers_and_statuses_parse_from_enum_names_and_the_issues_words() -> None:
    assert parse_tier(" paid ") == "PAID"
    assert [parse_status(w) for w in ("active", "inactive", "cancelled", "expired", "PAST_DUE")] == [
        "ACTIVE",
        "NONE",
        "CANCELED",
        "EXPIRED",
        "PAST_DUE",
    ]
    assert [status_word(s) for s in ("TRIALING", "PAST_DUE", "CANCELED", "EXPIRED")] == [
        "active",
        "inactive",
        "cancelled",
        "expired",
    ]
    for bad in ("GOLD", ""):
        with pytest.raises(ValidationFailed):
            parse_tier(bad)
    with pytest.raises(ValidationFailed):
        parse_status("paused")


def test_windows_are_utc_and_roll_over_years() -> None:
    paris = timezone(timedelta(hours=1))
    late = utc_now(datetime(2030, 12, 31, 23, 30, tzinfo=UTC))
    assert next_hour(late) == datetime(2031, 1, 1, 0, 0, tzinfo=UTC)
    assert next_midnight(late) == datetime(2031, 1, 1, tzinfo=UTC)
    assert first_of_next_month(date(2030, 12, 5)) == date(2031, 1, 1)
    assert utc_now(datetime(2030, 1, 1, 0, 30, tzinfo=paris)).date() == date(2029, 12, 31)
    with pytest.raises(ValueError, match="timezone-aware"):
        utc_now(datetime(2030, 1, 1))
