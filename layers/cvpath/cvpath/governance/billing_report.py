"""A user's runs with what each was estimated at, cost the provider, and was charged.

Provider cost comes from the generation logs, charges from the ledger: two
independent records. A run is ``reconciled`` when its settlement, its ledger
entries and its logs agree: what the ledger took equals what the settlement
says it charged, no reservation is left held, and the run's recorded
``actual_cost`` equals its logs' sum. FREE and BYOK runs must have no ledger
entries at all. A run not settled yet is not reconciled.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import dict_row

from cvpath.money import MONEY_QUANTUM


def billing_report(conn: psycopg.Connection[Any], user_id: UUID) -> list[dict[str, Any]]:
    """One dict per run, newest first: run_id, created_at, status, tier, estimate, provider_cost, fee,
    charged, balance_after, reconciled."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT r.id AS run_id, r.created_at, r.status::text AS status, r.tier::text AS tier,
                      r.estimated_cost AS estimate, r.actual_cost, r.fee_amount AS fee, r.settlement,
                      coalesce(g.cost, 0) AS provider_cost,
                      coalesce(-l.taken, 0) AS charged, coalesce(l.held, 0) AS held,
                      coalesce(l.entries, 0) AS entries,
                      l.balance_after
               FROM public.pipeline_runs r
               LEFT JOIN LATERAL (SELECT sum(cost_usd) AS cost FROM analytics_monitoring.llm_generation_logs
                                  WHERE run_id = r.id) g ON true
               LEFT JOIN LATERAL (SELECT sum(amount + reserved_delta) AS taken, sum(reserved_delta) AS held,
                                         count(*) AS entries,
                                         (array_agg(balance_after ORDER BY seq DESC))[1] AS balance_after
                                  FROM public.ledger_entries WHERE run_id = r.id) l ON true
               WHERE r.user_id = %s
               ORDER BY r.created_at DESC, r.id""",
            [user_id],
        )
        rows = cur.fetchall()
    return [_line(row) for row in rows]


def _line(row: dict[str, Any]) -> dict[str, Any]:
    provider_cost = Decimal(row["provider_cost"]).quantize(MONEY_QUANTUM, rounding=ROUND_HALF_UP)
    settlement = row["settlement"] or {}
    settled = "charged" in settlement
    reconciled = settled and row["actual_cost"] == provider_cost and row["held"] == 0
    if settled and row["tier"] == "PAID":
        reconciled = reconciled and Decimal(settlement["charged"]) == row["charged"]
    elif settled:
        reconciled = reconciled and row["entries"] == 0
    return {
        "run_id": row["run_id"],
        "created_at": row["created_at"],
        "status": row["status"],
        "tier": row["tier"],
        "estimate": row["estimate"],
        "provider_cost": provider_cost,
        "fee": row["fee"],
        "charged": Decimal(row["charged"]),
        "balance_after": row["balance_after"],
        "reconciled": reconciled,
    }
