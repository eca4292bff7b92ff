"""Settle and MarkFailed: charge what a run cost, release the rest of its reservation.

Cost is every audited attempt of the run (``llm_generation_logs.cost_usd``,
retries and failovers included). For a PAID run the ledger gets, in order:
  * SETTLE  the provider cost, taken from the reservation first;
  * FEE     the service fee on it (successful runs only), likewise;
  * RELEASE whatever of the reservation is left, back to the available balance.
A charge larger than the reservation takes the rest from the available balance,
never more than is there (the balance cannot go negative); what could not be
collected is recorded on the settlement as ``uncollected``.
FREE and BYOK runs, and runs admitted in global free mode, touch no account.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

import psycopg
from psycopg.types.json import Jsonb

from cvpath.db.run_status import run_cost
from cvpath.errors import RunNotFound
from cvpath.governance import ledger
from cvpath.governance.profiles import platform_settings
from cvpath.governance.quotas import release_cap
from cvpath.money import MONEY_QUANTUM


@dataclass(frozen=True)
class Settlement:
    run_id: UUID
    tier: str
    actual_cost: Decimal
    fee: Decimal
    charged: Decimal
    released: Decimal
    balance_after: Decimal | None

    def to_json(self) -> dict[str, Any]:
        data = {k: (None if v is None else str(v)) for k, v in asdict(self).items()}
        data["tier"] = self.tier
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Settlement:
        return cls(
            run_id=UUID(data["run_id"]),
            tier=data["tier"],
            actual_cost=Decimal(data["actual_cost"]),
            fee=Decimal(data["fee"]),
            charged=Decimal(data["charged"]),
            released=Decimal(data["released"]),
            balance_after=None if data["balance_after"] is None else Decimal(data["balance_after"]),
        )


def settle(conn: psycopg.Connection[Any], run_id: UUID, *, succeeded: bool) -> Settlement:
    """Settle the run once; a retry (or a concurrent twin) returns the first Settlement unchanged."""
    with conn.transaction():
        claimed = conn.execute(
            """UPDATE public.pipeline_runs SET settled_at = now(), settlement = '{}'
               WHERE id = %s AND settled_at IS NULL
               RETURNING user_id, coalesce(tier::text, 'FREE'), reserved_amount, coalesce(admission, '{}')""",
            [run_id],
        ).fetchone()
        if claimed is None:
            return _replay(conn, run_id)
        user_id, tier, reserved, admission = claimed
        cost = run_cost(conn, run_id)
        result = Settlement(run_id, tier, cost, Decimal(0), Decimal(0), Decimal(0), None)
        uncollected = Decimal(0)
        if tier == "PAID" and not admission.get("free_mode", False) and user_id is not None:
            result, uncollected = _settle_paid(conn, run_id, user_id, cost, reserved, succeeded=succeeded)
        record = {**result.to_json(), "succeeded": succeeded, "uncollected": str(uncollected)}
        conn.execute(
            """UPDATE public.pipeline_runs SET actual_cost = %s, fee_amount = %s, settlement = %s
               WHERE id = %s""",
            [cost, result.fee, Jsonb(record), run_id],
        )
    return result


def _settle_paid(
    conn: psycopg.Connection[Any],
    run_id: UUID,
    user_id: UUID,
    cost: Decimal,
    reserved: Decimal,
    *,
    succeeded: bool,
) -> tuple[Settlement, Decimal]:
    settings = platform_settings(conn)
    account = ledger.account(conn, user_id)
    if account is None:  # an admitted PAID run always has one; a tier change later must not crash Settle
        return Settlement(run_id, "PAID", cost, Decimal(0), Decimal(0), Decimal(0), None), Decimal(0)
    if succeeded:
        base = cost
        fee = (cost * settings.service_fee_rate).quantize(MONEY_QUANTUM, rounding=ROUND_HALF_UP)
    else:
        base = cost if settings.failed_run_policy == "charge_incurred" else Decimal(0)
        fee = Decimal(0)
    # Lock order, as in Admit: the profile first, then the account (two orders could deadlock).
    release_cap(conn, user_id, held=reserved, charged=Decimal(0))
    held = reserved
    available = account.balance
    if base + fee > held:
        # Why a locked read here only: the overage is taken from the available
        # balance, capped at what is there, and that needs the current figure.
        row = conn.execute(
            "SELECT balance FROM public.user_accounts WHERE id = %s FOR UPDATE", [account.id]
        ).fetchone()
        assert row is not None
        available = row[0]
    charged = Decimal(0)
    fee_charged = Decimal(0)
    last: ledger.Entry | None = None
    for kind, due in (("SETTLE", base), ("FEE", fee)):
        from_held = min(due, held)
        from_balance = min(due - from_held, available)
        if from_held == 0 and from_balance == 0:
            continue
        last = ledger.post(
            conn,
            account.id,
            kind,
            amount=-from_balance,
            reserved_delta=-from_held,
            run_id=run_id,
            idempotency_key=f"{kind.lower()}:{run_id}",
        )
        assert last is not None  # within the reservation and the available balance, under the row lock
        held -= from_held
        available -= from_balance
        charged += from_held + from_balance
        if kind == "FEE":
            fee_charged = from_held + from_balance
    if held > 0:
        last = ledger.post(
            conn,
            account.id,
            "RELEASE",
            amount=held,
            reserved_delta=-held,
            run_id=run_id,
            idempotency_key=f"release:{run_id}",
        )
        assert last is not None
    release_cap(conn, user_id, held=Decimal(0), charged=charged)
    balance_after = last.balance_after if last is not None else account.balance
    settlement = Settlement(run_id, "PAID", cost, fee_charged, charged, held, balance_after)
    return settlement, base + fee - charged


def _replay(conn: psycopg.Connection[Any], run_id: UUID) -> Settlement:
    row = conn.execute("SELECT settlement FROM public.pipeline_runs WHERE id = %s", [run_id]).fetchone()
    if row is None:
        raise RunNotFound(f"run {run_id} does not exist", details={"run_id": str(run_id)})
    return Settlement.from_json(row[0])
