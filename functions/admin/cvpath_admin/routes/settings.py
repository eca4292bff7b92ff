"""GET and PUT /api/admin/settings: global free mode, the service fee, the minimum balance and the quotas.

PUT changes only the settings it names (an unknown name is 422) and takes
effect on the next request: nothing caches the settings row.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Literal
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, model_validator

from cvpath.web.deps import Connection
from cvpath.web.errors import error_responses
from cvpath_admin.deps import AdminActor, CurrentAdmin

if TYPE_CHECKING:
    from cvpath.admin.settings import PlatformSettingsRow

router = APIRouter(prefix="/api/admin", tags=["settings"], responses=error_responses(401, 403, 422, 503))

FailedRunPolicy = Literal["charge_incurred", "waive"]
Quota = Annotated[StrictInt, Field(ge=0, le=1_000_000)]
Amount = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=6)]
# Settings whose null has a meaning; the others refuse an explicit null.
_NULLABLE = frozenset({"guest_daily_quota", "default_hourly_limit"})


class SettingsUpdate(BaseModel):
    """The settings to change; those not given keep their value."""

    model_config = ConfigDict(extra="forbid")

    global_free_mode: StrictBool | None = Field(
        default=None, description="on: no run uses a quota or is charged, whatever the tier"
    )
    service_fee_rate: Annotated[Decimal, Field(ge=0, le=1, max_digits=5, decimal_places=4)] | None = Field(
        default=None, description="charged on top of provider cost for PAID runs: 0.2 = 20 %; 0 to 1"
    )
    minimum_balance: Amount | None = Field(default=None, description="USD a PAID account keeps")
    free_daily_quota: Quota | None = Field(default=None, description="runs a day for a FREE user")
    guest_daily_quota: Quota | None = Field(
        default=None, description="runs a day for a guest; null: the same as free_daily_quota"
    )
    default_monthly_cap: Amount | None = Field(default=None, description="USD a PAID user spends a month")
    failed_run_policy: FailedRunPolicy | None = None
    default_hourly_limit: Quota | None = Field(default=None, description="runs an hour; null: no limit")

    @model_validator(mode="after")
    def _some_change_and_no_stray_null(self) -> SettingsUpdate:
        if not self.model_fields_set:
            raise ValueError("name at least one setting to change")
        nulls = sorted(n for n in self.model_fields_set - _NULLABLE if getattr(self, n) is None)
        if nulls:
            raise ValueError(f"these settings cannot be null: {', '.join(nulls)}")
        return self


class SettingsOut(BaseModel):
    global_free_mode: bool
    service_fee_rate: str = Field(examples=["0.2000"])
    minimum_balance: str = Field(examples=["1.000000"])
    free_daily_quota: int
    guest_daily_quota: int | None
    default_monthly_cap: str = Field(examples=["50.000000"])
    failed_run_policy: FailedRunPolicy
    default_hourly_limit: int | None
    currency: str
    updated_by: UUID | None
    updated_at: datetime


def _out(row: PlatformSettingsRow) -> SettingsOut:
    return SettingsOut.model_validate(
        {**row.values(), "currency": row.currency, "updated_by": row.updated_by, "updated_at": row.updated_at}
    )


@router.get("/settings", response_model=SettingsOut, summary="The platform settings")
def get_settings(admin: CurrentAdmin, conn: Connection) -> SettingsOut:
    from cvpath.admin.settings import read_settings

    return _out(read_settings(conn))


@router.put("/settings", response_model=SettingsOut, summary="Change some platform settings (audited)")
def put_settings(body: SettingsUpdate, actor: AdminActor, conn: Connection) -> SettingsOut:
    from cvpath.admin.settings import update_settings

    return _out(update_settings(conn, actor, body.model_dump(exclude_unset=True)))
