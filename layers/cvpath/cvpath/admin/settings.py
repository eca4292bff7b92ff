"""Platform settings as operators read and change them (the one row of ``public.platform_settings``).

Nothing caches this row: admission and settlement read it in their own
transactions (``cvpath.governance.profiles.platform_settings``), so a change
committed here applies to the very next run, with no restart or deploy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import psycopg
import psycopg.errors
from psycopg.rows import dict_row

from cvpath.admin.audit import Actor, record
from cvpath.errors import NotFound, ValidationFailed
from cvpath.money import money_text

# What an operator may change; the order is the order of the audit snapshot.
SETTING_NAMES = (
    "global_free_mode",
    "service_fee_rate",
    "minimum_balance",
    "free_daily_quota",
    "guest_daily_quota",
    "default_monthly_cap",
    "failed_run_policy",
    "default_hourly_limit",
)
# Settings whose NULL means something ("same as the free quota", "no hourly limit").
NULLABLE_SETTINGS = frozenset({"guest_daily_quota", "default_hourly_limit"})
FEE_QUANTUM = Decimal("0.0001")  # service_fee_rate is numeric(5, 4)

_COLUMNS = """global_free_mode, service_fee_rate, minimum_balance, free_daily_quota, guest_daily_quota,
              default_monthly_cap, failed_run_policy, default_hourly_limit, currency,
              updated_by, updated_at"""


@dataclass(frozen=True)
class PlatformSettingsRow:
    global_free_mode: bool
    service_fee_rate: Decimal
    minimum_balance: Decimal
    free_daily_quota: int
    guest_daily_quota: int | None
    default_monthly_cap: Decimal
    failed_run_policy: str
    default_hourly_limit: int | None
    currency: str
    updated_by: UUID | None
    updated_at: datetime

    def values(self) -> dict[str, Any]:
        """The settings an operator controls, as JSON (amounts as fixed-point text): the audit snapshot."""
        return {
            "global_free_mode": self.global_free_mode,
            "service_fee_rate": f"{self.service_fee_rate.quantize(FEE_QUANTUM):f}",
            "minimum_balance": money_text(self.minimum_balance),
            "free_daily_quota": self.free_daily_quota,
            "guest_daily_quota": self.guest_daily_quota,
            "default_monthly_cap": money_text(self.default_monthly_cap),
            "failed_run_policy": self.failed_run_policy,
            "default_hourly_limit": self.default_hourly_limit,
        }


def read_settings(conn: psycopg.Connection[Any], *, for_update: bool = False) -> PlatformSettingsRow:
    with conn.cursor(row_factory=dict_row) as cur:
        # A static choice between two statements, not composed SQL.
        if for_update:
            cur.execute(f"SELECT {_COLUMNS} FROM public.platform_settings FOR UPDATE")
        else:
            cur.execute(f"SELECT {_COLUMNS} FROM public.platform_settings")
        row = cur.fetchone()
    if row is None:
        raise NotFound("platform_settings has no row: run the migrations")
    return PlatformSettingsRow(**row)


def update_settings(
    conn: psycopg.Connection[Any], actor: Actor, changes: Mapping[str, Any]
) -> PlatformSettingsRow:
    """Apply ``changes`` (only the settings given) and audit ``settings.update``; the row afterwards.

    Why lock, then merge in Python, then write every column: the audit row must
    describe exactly the change made, so ``before`` is read under the row lock a
    concurrent update waits on; the second of two concurrent updates then sees
    the first's result as its ``before``, and the last to commit wins.
    """
    unknown = sorted(set(changes) - set(SETTING_NAMES))
    if unknown:
        raise ValidationFailed(f"unknown settings: {', '.join(unknown)}", details={"unknown": unknown})
    refused_nulls = sorted(k for k, v in changes.items() if v is None and k not in NULLABLE_SETTINGS)
    if refused_nulls:
        raise ValidationFailed(
            f"these settings cannot be null: {', '.join(refused_nulls)}", details={"fields": refused_nulls}
        )
    try:
        return _apply(conn, actor, changes)
    except psycopg.errors.CheckViolation as exc:
        # The request models keep to the table's CHECKs; this catches a caller that does not.
        constraint = exc.diag.constraint_name
        raise ValidationFailed(
            f"the settings break the rule {constraint}", details={"constraint": constraint}
        ) from None


def _apply(conn: psycopg.Connection[Any], actor: Actor, changes: Mapping[str, Any]) -> PlatformSettingsRow:
    with conn.transaction():
        before = read_settings(conn, for_update=True)
        merged = {name: getattr(before, name) for name in SETTING_NAMES} | dict(changes)
        with conn.cursor(row_factory=dict_row) as cur:
            # statement_timestamp(), not now(): the transaction started before it
            # waited for the row lock, and updated_at must follow commit order.
            cur.execute(
                f"""UPDATE public.platform_settings
                    SET global_free_mode = %(global_free_mode)s,
                        service_fee_rate = %(service_fee_rate)s,
                        minimum_balance = %(minimum_balance)s,
                        free_daily_quota = %(free_daily_quota)s,
                        guest_daily_quota = %(guest_daily_quota)s,
                        default_monthly_cap = %(default_monthly_cap)s,
                        failed_run_policy = %(failed_run_policy)s,
                        default_hourly_limit = %(default_hourly_limit)s,
                        updated_by = %(actor)s,
                        updated_at = statement_timestamp()
                    RETURNING {_COLUMNS}""",
                {**merged, "actor": actor.user_id},
            )
            row = cur.fetchone()
        assert row is not None  # the row was locked above
        after = PlatformSettingsRow(**row)
        record(conn, actor, "settings.update", "settings", None, before=before.values(), after=after.values())
    return after
