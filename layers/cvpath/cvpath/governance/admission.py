"""Admit: decide, in one transaction, whether a run may start, and record what it is billed as.

The steps, each one statement:
  1. claim the run (``admitted_at IS NULL``): a retried or concurrent Admit for the
     same run finds it claimed, waits for the first to finish and replays its Admission;
  2. count the run against the hourly and daily limits and hold its estimate
     against the monthly cap (``quotas.count_run``);
  3. PAID: reserve the estimate from the available balance with a RESERVE entry
     (``ledger.post``), refused below the estimate or the minimum balance;
  4. record the tier, the reservation and the Admission on the run.
A refusal raises the named error and the transaction rolls everything back.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import psycopg
from psycopg.types.json import Jsonb

from cvpath.db.runs import Owner
from cvpath.errors import Conflict, InsufficientBalance, RunNotFound
from cvpath.governance import ledger
from cvpath.governance.estimate import AgentChain, Estimate, estimate_cost
from cvpath.governance.profiles import (
    ACTIVE_STATUSES,
    PlatformSettings,
    Profile,
    ensure_profile,
    platform_settings,
    status_word,
)
from cvpath.governance.quota_windows import utc_now
from cvpath.governance.quotas import Limits, count_run

# A run admitted before its CV is extracted (an uploaded file) is estimated as a long CV.
DEFAULT_CV_CHARS = 16_000
FREE_MODE_NOTICE = "global free mode: no quota is used and nothing is charged"


@dataclass(frozen=True)
class Admission:
    run_id: UUID
    tier: str
    effective_tier: str
    free_mode: bool
    estimate: Decimal
    reserved: Decimal
    byok_provider: str | None
    notices: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(run_id=str(self.run_id), estimate=str(self.estimate), reserved=str(self.reserved))
        data["notices"] = list(self.notices)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Admission:
        return cls(
            run_id=UUID(data["run_id"]),
            tier=data["tier"],
            effective_tier=data["effective_tier"],
            free_mode=bool(data["free_mode"]),
            estimate=Decimal(data["estimate"]),
            reserved=Decimal(data["reserved"]),
            byok_provider=data["byok_provider"],
            notices=tuple(data["notices"]),
        )


def admit(conn: psycopg.Connection[Any], run_id: UUID, *, now: datetime | None = None) -> Admission:
    """Admit the run or raise ``QuotaExceeded``, ``SpendCapReached`` or ``InsufficientBalance``.

    Idempotent: a second call for an admitted run returns the same Admission and counts nothing.
    """
    now = utc_now(now)
    with conn.transaction():
        claimed = conn.execute(
            """UPDATE public.pipeline_runs SET admitted_at = now(), admission = '{}', estimated_cost = 0
               WHERE id = %s AND admitted_at IS NULL AND status IN ('QUEUED', 'RUNNING')
               RETURNING user_id, guest_id""",
            [run_id],
        ).fetchone()
        if claimed is None:
            return _replay(conn, run_id)
        owner = Owner(user_id=claimed[0], guest_id=claimed[1])
        settings = platform_settings(conn)
        profile = ensure_profile(conn, owner)
        effective, byok_provider, notices = effective_tier(profile)
        estimate = estimate_run(
            conn,
            run_id,
            profile,
            fee_rate=settings.service_fee_rate if effective == "PAID" else Decimal(0),
            at=now,
        )
        paid = effective == "PAID" and not settings.global_free_mode
        if settings.global_free_mode:
            notices = (FREE_MODE_NOTICE, *notices)
        if estimate.unpriced:
            names = ", ".join(estimate.unpriced)
            notices = (*notices, f"no known price for the models of {names}: counted as 0")
        admission = Admission(
            run_id=run_id,
            tier=profile.tier,
            effective_tier=effective,
            free_mode=settings.global_free_mode,
            estimate=estimate.total,
            reserved=estimate.total if paid else Decimal(0),
            byok_provider=byok_provider,
            notices=notices,
        )
        # Written before the hot rows are touched: the profile and account locks
        # are then held for two statements and the commit, nothing more. A
        # refusal below rolls this back with everything else.
        conn.execute(
            """UPDATE public.pipeline_runs
               SET tier = %s::public.user_tier, reserved_amount = %s, estimated_cost = %s, admission = %s
               WHERE id = %s""",
            [effective, admission.reserved, estimate.total, Jsonb(admission.to_json()), run_id],
        )
        if not settings.global_free_mode:
            target = ledger.account(conn, owner.user_id) if paid and owner.user_id is not None else None
            count_run(
                conn,
                profile.id,
                limits_for(profile, effective, settings, guest=owner.guest_id is not None),
                cap_amount=admission.reserved,
                now=now,
                tier=effective,
            )
            if paid:
                assert owner.user_id is not None  # guests are FREE (a CHECK on the profile)
                _reserve(conn, owner.user_id, target, run_id, estimate.total, settings, tier=effective)
    return admission


def effective_tier(profile: Profile) -> tuple[str, str | None, tuple[str, ...]]:
    """(tier billed, BYOK provider, notices): an inactive or keyless BYOK runs as FREE, never fails."""
    if profile.tier != "BYOK":
        return profile.tier, None, ()
    if profile.subscription_status not in ACTIVE_STATUSES:
        word = status_word(profile.subscription_status)
        return "FREE", None, (f"BYOK subscription is {word}: this run uses the FREE tier",)
    if profile.api_key_provider is None:
        return "FREE", None, ("no BYOK key is stored: this run uses the FREE tier",)
    return "BYOK", profile.api_key_provider, ()


def limits_for(
    profile: Profile, effective: str, settings: PlatformSettings, *, guest: bool = False
) -> Limits:
    daily = profile.daily_quota
    # A guest's own platform quota, when an operator set one; otherwise guests share the FREE quota.
    if daily is None and guest and settings.guest_daily_quota is not None:
        daily = settings.guest_daily_quota
    if daily is None and effective == "FREE":
        daily = settings.free_daily_quota
    hourly = profile.hourly_limit if profile.hourly_limit is not None else settings.default_hourly_limit
    cap = None
    if effective == "PAID":
        cap = profile.monthly_cap if profile.monthly_cap is not None else settings.default_monthly_cap
    return Limits(hourly=hourly, daily=daily, cap=cap)


def estimate_run(
    conn: psycopg.Connection[Any], run_id: UUID, profile: Profile, *, fee_rate: Decimal, at: datetime
) -> Estimate:
    """The run's estimate from its snapshots' lengths and the chains it will use."""
    row = conn.execute(
        """SELECT length(coalesce(i.raw_text, i.content::text)), length(j.raw_text)
           FROM public.pipeline_runs r
           LEFT JOIN public.import_data i ON i.id = r.import_data_id
           LEFT JOIN public.job_data j ON j.id = r.job_data_id
           WHERE r.id = %s""",
        [run_id],
    ).fetchone()
    assert row is not None  # claimed in this transaction
    cv_chars = DEFAULT_CV_CHARS if row[0] is None else int(row[0])
    chains = [
        AgentChain(agent, profile.provider_chain or links, int(max_output))
        for agent, links, max_output in conn.execute(
            """SELECT agent::text, provider_chain, max_output_tokens
               FROM public.default_model_config ORDER BY agent"""
        ).fetchall()
    ]
    return estimate_cost(chains, cv_chars=cv_chars, job_chars=int(row[1] or 0), fee_rate=fee_rate, at=at)


def _reserve(
    conn: psycopg.Connection[Any],
    user_id: UUID,
    target: ledger.Account | None,
    run_id: UUID,
    amount: Decimal,
    settings: PlatformSettings,
    *,
    tier: str,
) -> Decimal:
    """Hold ``amount`` on the account (read beforehand only for its id), or raise ``InsufficientBalance``."""
    required = max(amount, settings.minimum_balance)
    entry = None
    if target is not None and amount > 0:
        entry = ledger.post(
            conn,
            target.id,
            "RESERVE",
            amount=-amount,
            reserved_delta=amount,
            balance_floor=max(Decimal(0), settings.minimum_balance - amount),
            run_id=run_id,
            idempotency_key=f"reserve:{run_id}",
        )
    elif target is not None and target.balance >= required:
        return Decimal(0)  # nothing to hold, and the minimum balance is there
    if entry is not None:
        return amount
    # Read after the refusal, only to explain it.
    now_account = ledger.account(conn, user_id)
    available = Decimal(0) if now_account is None else now_account.balance
    held = Decimal(0) if now_account is None else now_account.reserved
    raise InsufficientBalance(
        f"the available balance ({available}) does not cover this run: it needs {required} "
        f"(estimate {amount}, minimum balance {settings.minimum_balance})",
        details={
            "limit": str(available),
            "used": str(held),
            "resets_at": None,
            "tier": tier,
            "required": str(required),
        },
    )


def _replay(conn: psycopg.Connection[Any], run_id: UUID) -> Admission:
    row = conn.execute(
        "SELECT admission, status::text FROM public.pipeline_runs WHERE id = %s", [run_id]
    ).fetchone()
    if row is None:
        raise RunNotFound(f"run {run_id} does not exist", details={"run_id": str(run_id)})
    if row[0] is None:
        raise Conflict(
            f"run {run_id} has finished ({row[1]}) without being admitted",
            details={"run_id": str(run_id), "status": row[1]},
        )
    return Admission.from_json(row[0])
