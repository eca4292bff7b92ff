"""GET /api/admin/users, GET and PATCH /api/admin/users/{id}: find a user, see and change their limits.

A PATCH changes tier, limits and BYOK subscription status through the
governance profile, and moves money only as a ledger ADJUSTMENT with a reason;
all of it in one transaction with one "user.update" audit row.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal, Self
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field, model_validator

from cvpath.web.deps import Connection
from cvpath.web.errors import error_responses
from cvpath_admin.deps import AdminActor, CurrentAdmin

router = APIRouter(prefix="/api/admin", tags=["users"], responses=error_responses(401, 403, 422, 503))

Tier = Literal["FREE", "PAID", "BYOK"]
SubscriptionStatus = Literal["NONE", "TRIALING", "ACTIVE", "PAST_DUE", "CANCELED", "EXPIRED"]
NO_NUL = r"^[^\x00]*$"
# numeric(14, 6): at most 8 digits before the point and 6 after.
AMOUNT = r"^[+-]?[0-9]{1,8}(\.[0-9]{1,6})?$"
CAP = r"^[0-9]{1,8}(\.[0-9]{1,6})?$"


class UserListItem(BaseModel):
    id: UUID
    email: str
    created_at: datetime
    is_admin: bool
    tier: Tier


class UserList(BaseModel):
    items: list[UserListItem]


class EffectiveLimits(BaseModel):
    daily: int | None = Field(description="runs per UTC day; null: no limit")
    hourly: int | None = Field(description="runs per UTC hour; null: no limit")
    monthly_cap: str | None = Field(description="USD per UTC month (PAID only); null: no cap")


class Account(BaseModel):
    balance: str = Field(description="available USD, decimal string")
    reserved: str = Field(description="USD held by runs in flight")
    currency: str


class UserDetail(BaseModel):
    id: UUID
    email: str
    display_name: str | None
    created_at: datetime
    last_login_at: datetime | None
    email_verified: bool
    is_admin: bool
    tier: Tier
    billed_as: Tier = Field(description="the tier a run would be billed as now (an inactive BYOK runs FREE)")
    notices: list[str]
    subscription_status: SubscriptionStatus
    daily_quota: int | None = Field(description="the user's own daily limit; null: the platform default")
    daily_used: int
    hourly_limit: int | None = Field(description="the user's own hourly limit; null: the platform default")
    hourly_used: int
    monthly_cap: str | None = Field(description="the user's own monthly cap; null: the platform default")
    monthly_spent: str
    monthly_reserved: str
    effective_limits: EffectiveLimits
    account: Account | None = Field(description="null: the user holds no money (not PAID)")
    byok_provider: str | None = Field(description="the provider of the stored BYOK key (never the key)")
    recent_runs: int
    recent_runs_days: int
    last_run_at: datetime | None


class BalanceAdjustmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: str = Field(
        pattern=AMOUNT, max_length=20, description='signed USD as a decimal string, e.g. "-2.50"; not 0'
    )
    reason: str = Field(min_length=1, max_length=500, pattern=NO_NUL, description="kept on the ledger entry")

    @model_validator(mode="after")
    def _moves_money_for_a_reason(self) -> Self:
        if Decimal(self.amount) == 0:
            raise ValueError("an adjustment must move money: amount is 0")
        if not self.reason.strip():
            raise ValueError("an adjustment needs a reason")
        return self


class UserPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tier: Tier | None = None
    daily_limit: int | None = Field(default=None, ge=0, le=1_000_000)
    hourly_limit: int | None = Field(default=None, ge=0, le=1_000_000)
    monthly_cap: str | None = Field(
        default=None, pattern=CAP, max_length=20, description="USD, decimal string"
    )
    subscription_status: SubscriptionStatus | None = None
    reset_limits: bool = Field(
        default=False,
        description="return daily, hourly and monthly cap to the platform defaults (before the values given)",
    )
    balance_adjustment: BalanceAdjustmentIn | None = None

    @model_validator(mode="after")
    def _changes_something(self) -> Self:
        values = (
            self.tier,
            self.daily_limit,
            self.hourly_limit,
            self.monthly_cap,
            self.subscription_status,
            self.balance_adjustment,
        )
        if not self.reset_limits and all(value is None for value in values):
            raise ValueError("nothing to change: give at least one field")
        return self


@router.get("/users", response_model=UserList, summary="Find users by email or id")
def list_users(
    admin: CurrentAdmin,
    conn: Connection,
    query: Annotated[
        str | None,
        Query(max_length=320, pattern=NO_NUL, description="part of an email (any case), or a user id"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> UserList:
    from dataclasses import asdict

    from cvpath.admin.users import search_users

    return UserList(items=[UserListItem(**asdict(user)) for user in search_users(conn, query, limit=limit)])


@router.get("/users/{id}", response_model=UserDetail, summary="One user", responses=error_responses(404))
def get_user(id: UUID, admin: CurrentAdmin, conn: Connection) -> UserDetail:
    from cvpath.admin.users import user_detail

    return UserDetail(**user_detail(conn, id))


@router.patch(
    "/users/{id}",
    response_model=UserDetail,
    summary="Change a user's tier, limits, subscription status or balance",
    responses=error_responses(404, 409),
)
def patch_user(id: UUID, change: UserPatch, actor: AdminActor, conn: Connection) -> UserDetail:
    from cvpath.admin.users import BalanceAdjustment, LimitsChange, update_user

    adjustment = change.balance_adjustment
    detail = update_user(
        conn,
        actor,
        id,
        LimitsChange(
            tier=change.tier,
            daily_limit=change.daily_limit,
            hourly_limit=change.hourly_limit,
            monthly_cap=None if change.monthly_cap is None else Decimal(change.monthly_cap),
            subscription_status=change.subscription_status,
            reset_limits=change.reset_limits,
        ),
        None if adjustment is None else BalanceAdjustment(Decimal(adjustment.amount), adjustment.reason),
    )
    return UserDetail(**detail)
