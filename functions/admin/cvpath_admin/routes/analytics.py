"""GET /api/admin/llm-analytics (JSON) and /api/admin/llm-analytics/export.csv: LLM cost per group.

The figures and their exact definitions are ``cvpath.admin.analytics``'s.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from cvpath.web.deps import Connection
from cvpath.web.errors import error_responses
from cvpath_admin.deps import CurrentAdmin

router = APIRouter(prefix="/api/admin", tags=["analytics"], responses=error_responses(401, 403, 422, 503))

GroupByParam = Literal["provider", "model", "agent", "user", "day"]
Since = Annotated[datetime | None, Query(alias="from", description="ISO 8601; default: `to` minus 7 days")]
Until = Annotated[datetime | None, Query(alias="to", description="ISO 8601; default: now")]
GroupBy = Annotated[GroupByParam, Query(description="what one item is")]


class LlmFiguresOut(BaseModel):
    requests: int = Field(description="attempts (each retry and failover counts)")
    successes: int
    success_rate: float | None = Field(description="successes / requests; null without requests")
    input_tokens: int
    output_tokens: int
    cost_usd: str = Field(description="booked provider cost, decimal string", examples=["1.234567"])
    estimated_cost_usd: str = Field(description="cost_usd plus the logged fee, decimal string")
    ledger_actual_cost_usd: str = Field(description="what SETTLE and FEE ledger entries took, decimal string")
    p50_latency_ms: int | None = Field(description="from the latency histogram (see the module doc)")
    p95_latency_ms: int | None
    calls: int = Field(description="logical calls: chain_position 0, attempt 1")
    first_link_failures: int = Field(description="calls whose first provider produced no success")
    failover_rate: float | None = Field(description="first_link_failures / calls; null without calls")


class LlmGroupOut(LlmFiguresOut):
    key: str | None = Field(description="the provider, model, agent, user/guest id or UTC day (YYYY-MM-DD)")
    owner: Literal["user", "guest"] | None = Field(None, description="group_by=user only")


class LlmAnalyticsOut(BaseModel):
    from_: datetime = Field(alias="from", description="widened to the UTC hour")
    to: datetime
    group_by: GroupByParam
    aggregated_until: datetime | None = Field(
        description="hours before this came from the hourly rollups, the rest from the raw log"
    )
    items: list[LlmGroupOut]
    totals: LlmFiguresOut


@router.get(
    "/llm-analytics",
    response_model=LlmAnalyticsOut,
    response_model_by_alias=True,
    summary="LLM requests, tokens, cost, latency and failover per group",
)
def llm_analytics(
    admin: CurrentAdmin,
    conn: Connection,
    since: Since = None,
    until: Until = None,
    group_by: GroupBy = "provider",
) -> LlmAnalyticsOut:
    from cvpath.admin.analytics import llm_analytics as compute

    result = compute(conn, start=since, end=until, group_by=group_by)
    return LlmAnalyticsOut.model_validate(
        {
            "from": result.start,
            "to": result.end,
            "group_by": result.group_by,
            "aggregated_until": result.aggregated_until,
            "items": [{"key": g.key, "owner": g.owner, **g.figures.report()} for g in result.groups],
            "totals": result.totals.report(),
        }
    )


@router.get(
    "/llm-analytics/export.csv",
    response_class=Response,
    summary="The same figures as CSV, one row per group",
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "RFC 4180 CSV"}},
)
def llm_analytics_csv(
    admin: CurrentAdmin,
    conn: Connection,
    since: Since = None,
    until: Until = None,
    group_by: GroupBy = "provider",
) -> Response:
    from cvpath.admin.analytics import analytics_csv
    from cvpath.admin.analytics import llm_analytics as compute

    result = compute(conn, start=since, end=until, group_by=group_by)
    return Response(
        analytics_csv(result),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="llm-analytics-{group_by}.csv"'},
    )
