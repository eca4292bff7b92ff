"""The money ledger: one account per PAID user and its append-only entries.

Invariants, checked by ``verify`` (and ``cvpath billing verify``):
  * an account's ``balance`` equals the sum of its entries' ``amount`` and its
    ``reserved`` the sum of their ``reserved_delta``;
  * its last entry (by ``seq``) carries the account's balance and reserved.

Every entry is written by ``post``: one statement that updates the account under
a condition and inserts the entry with the values the update returned. The
account row stays locked until the transaction ends, so no other entry for that
account can slip in between, and ``seq`` (drawn at insert) follows that order.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import dict_row

from cvpath.errors import NotFound, ValidationFailed
from cvpath.money import MONEY_QUANTUM

# numeric(14, 6) holds less than 1e8; a larger top-up is refused, not rounded.
MAX_AMOUNT = Decimal("1e8")


@dataclass(frozen=True)
class Account:
    id: UUID
    user_id: UUID
    balance: Decimal
    reserved: Decimal
    currency: str


@dataclass(frozen=True)
class Entry:
    id: UUID
    seq: int
    kind: str
    amount: Decimal
    reserved_delta: Decimal
    balance_after: Decimal
    reserved_after: Decimal
    run_id: UUID | None
    idempotency_key: str | None


_ENTRY_COLUMNS = """id, seq, kind::text AS kind, amount, reserved_delta, balance_after, reserved_after,
                    run_id, idempotency_key"""


def money(value: object, *, what: str = "amount") -> Decimal:
    """A finite Decimal with at most 6 places and |value| < 1e8; ``ValidationFailed`` otherwise.

    Floats are refused: a binary fraction is not an amount of money.
    """
    if isinstance(value, (bool, float)):
        raise ValidationFailed(f"the {what} must be a decimal string or Decimal, not a float", details={})
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationFailed(f"the {what} is not a number", details={}) from None
    if not amount.is_finite():
        raise ValidationFailed(f"the {what} must be a finite number", details={"amount": str(amount)})
    if abs(amount) >= MAX_AMOUNT:
        raise ValidationFailed(f"the {what} must be below 100000000", details={"amount": str(amount)})
    if amount != amount.quantize(MONEY_QUANTUM):
        raise ValidationFailed(f"the {what} has more than 6 decimal places", details={"amount": str(amount)})
    return amount


def account(conn: psycopg.Connection[Any], user_id: UUID) -> Account | None:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            "SELECT id, user_id, balance, reserved, currency FROM public.user_accounts WHERE user_id = %s",
            [user_id],
        )
        row = cur.fetchone()
    return None if row is None else Account(**row)


def post(
    conn: psycopg.Connection[Any],
    account_id: UUID,
    kind: str,
    *,
    amount: Decimal,
    reserved_delta: Decimal = Decimal(0),
    balance_floor: Decimal = Decimal(0),
    run_id: UUID | None = None,
    idempotency_key: str | None = None,
    description: str | None = None,
    created_by: UUID | None = None,
) -> Entry | None:
    """Apply one entry to the account if the balance stays >= ``balance_floor``; ``None`` if it would not.

    The account update and the insert are one statement: the decision is taken
    on the row as it is when the lock is granted, never on an earlier read.
    """
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            f"""WITH moved AS (
                    UPDATE public.user_accounts
                    SET balance = balance + %(amount)s, reserved = reserved + %(delta)s
                    WHERE id = %(account)s AND balance + %(amount)s >= %(floor)s AND reserved + %(delta)s >= 0
                    RETURNING id, balance, reserved)
                INSERT INTO public.ledger_entries
                    (account_id, kind, amount, reserved_delta, balance_after, reserved_after, run_id,
                     idempotency_key, description, created_by, created_at)
                SELECT id, %(kind)s::public.ledger_entry_kind, %(amount)s, %(delta)s, balance, reserved,
                       %(run)s, %(key)s, %(description)s, %(created_by)s, clock_timestamp()
                FROM moved
                RETURNING {_ENTRY_COLUMNS}""",
            {
                "amount": amount,
                "delta": reserved_delta,
                "account": account_id,
                "floor": balance_floor,
                "kind": kind,
                "run": run_id,
                "key": idempotency_key,
                "description": description,
                "created_by": created_by,
            },
        )
        row = cur.fetchone()
    return None if row is None else Entry(**row)


def entry_by_key(conn: psycopg.Connection[Any], idempotency_key: str) -> Entry | None:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            f"SELECT {_ENTRY_COLUMNS} FROM public.ledger_entries WHERE idempotency_key = %s",
            [idempotency_key],
        )
        row = cur.fetchone()
    return None if row is None else Entry(**row)


def top_up(
    conn: psycopg.Connection[Any],
    user_id: UUID,
    amount: object,
    *,
    idempotency_key: str | None = None,
    description: str | None = None,
) -> Entry:
    """Credit the user's account; a repeated ``idempotency_key`` returns the first entry, credits nothing."""
    value = money(amount, what="top-up")
    if value <= 0:
        raise ValidationFailed("a top-up must be a positive amount", details={"amount": str(value)})
    _check_text(idempotency_key, description)
    target = _account_or_fail(conn, user_id)
    if idempotency_key is not None and (done := entry_by_key(conn, idempotency_key)) is not None:
        return done
    try:
        # A savepoint: a concurrent twin that committed first makes our insert a
        # unique violation, which must undo our balance update too.
        with conn.transaction():
            entry = post(
                conn,
                target.id,
                "TOP_UP",
                amount=value,
                idempotency_key=idempotency_key,
                description=description,
            )
    except psycopg.errors.UniqueViolation:
        done = entry_by_key(conn, idempotency_key) if idempotency_key is not None else None
        if done is None:
            raise
        return done
    except psycopg.errors.NumericValueOutOfRange:
        raise ValidationFailed(
            "the balance would exceed the largest amount an account holds", details={}
        ) from None
    assert entry is not None  # a credit always passes the floor
    return entry


def adjust(
    conn: psycopg.Connection[Any],
    user_id: UUID,
    amount: object,
    *,
    reason: str,
    created_by: UUID | None = None,
) -> Entry:
    """An operator's correction (signed); it may not take the available balance below 0."""
    value = money(amount, what="adjustment")
    if value == 0:
        raise ValidationFailed("an adjustment must move money", details={})
    if not reason.strip():
        raise ValidationFailed("an adjustment needs a reason", details={})
    _check_text(None, reason)
    target = _account_or_fail(conn, user_id)
    with conn.transaction():
        entry = post(
            conn, target.id, "ADJUSTMENT", amount=value, description=reason.strip(), created_by=created_by
        )
    if entry is None:
        raise ValidationFailed(
            "the adjustment would take the available balance below 0",
            details={"amount": str(value), "balance": str(target.balance)},
        )
    return entry


def verify(conn: psycopg.Connection[Any]) -> list[str]:
    """Every broken invariant, one line each; an empty list means the ledger holds."""
    problems: list[str] = []
    # One statement per check: each sees one snapshot, so a concurrent settle is seen whole or not at all.
    rows = conn.execute(
        """SELECT a.user_id, a.balance, a.reserved, coalesce(s.amount, 0), coalesce(s.reserved, 0),
                  l.balance_after, l.reserved_after
           FROM public.user_accounts a
           LEFT JOIN (SELECT account_id, sum(amount) AS amount, sum(reserved_delta) AS reserved
                      FROM public.ledger_entries GROUP BY account_id) s ON s.account_id = a.id
           LEFT JOIN LATERAL (SELECT balance_after, reserved_after FROM public.ledger_entries e
                              WHERE e.account_id = a.id ORDER BY seq DESC LIMIT 1) l ON true
           ORDER BY a.created_at, a.id"""
    ).fetchall()
    for user_id, balance, reserved, sum_amount, sum_reserved, last_balance, last_reserved in rows:
        if balance != sum_amount:
            problems.append(f"user {user_id}: balance {balance} but the ledger sums to {sum_amount}")
        if reserved != sum_reserved:
            problems.append(f"user {user_id}: reserved {reserved} but the ledger sums to {sum_reserved}")
        if last_balance is not None and (last_balance, last_reserved) != (balance, reserved):
            problems.append(
                f"user {user_id}: last entry says balance {last_balance} reserved {last_reserved}, "
                f"the account {balance} / {reserved}"
            )
    for run_id, held in conn.execute(
        """SELECT e.run_id, sum(e.reserved_delta)
           FROM public.ledger_entries e JOIN public.pipeline_runs r ON r.id = e.run_id
           WHERE r.settled_at IS NOT NULL GROUP BY e.run_id HAVING sum(e.reserved_delta) <> 0"""
    ).fetchall():
        problems.append(f"run {run_id}: settled but {held} of its reservation is still held")
    return problems


def _account_or_fail(conn: psycopg.Connection[Any], user_id: UUID) -> Account:
    found = account(conn, user_id)
    if found is None:
        raise NotFound(
            f"user {user_id} has no account (only PAID users hold money)", details={"user_id": str(user_id)}
        )
    return found


def _check_text(idempotency_key: str | None, description: str | None) -> None:
    if idempotency_key is not None and not 8 <= len(idempotency_key) <= 200:
        raise ValidationFailed("an idempotency key has 8 to 200 characters", details={})
    if description is not None and len(description) > 500:
        raise ValidationFailed("a description has at most 500 characters", details={})
