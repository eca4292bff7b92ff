"""The caller's app preferences: one row per owner, or the defaults while none was saved.

A guest's row moves to the user at registration (``migrate_guest_to_user``
keeps the newer of the two when both exist).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from cvpath.db.runs import Owner


@dataclass(frozen=True)
class Preferences:
    # The defaults are the table's column defaults (0002): what an owner without a row gets.
    locale: str = "en"
    theme: str = "system"
    default_engine: str = "v1"
    cover_letter_format: str = "none"
    analytics_opt_out: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    # None: never saved (the values are the defaults).
    updated_at: datetime | None = None


_COLUMNS = "locale, theme, default_engine, cover_letter_format, analytics_opt_out, extra, updated_at"


def _preferences(row: tuple[Any, ...]) -> Preferences:
    locale, theme, engine, cover_letter, opt_out, extra, updated_at = row
    return Preferences(locale, theme, engine, cover_letter, bool(opt_out), dict(extra), updated_at)


def get_preferences(conn: psycopg.Connection[Any], owner: Owner) -> Preferences:
    clause, value = owner.clause()
    row = conn.execute(f"SELECT {_COLUMNS} FROM public.user_preferences WHERE {clause}", [value]).fetchone()
    return Preferences() if row is None else _preferences(row)


def put_preferences(conn: psycopg.Connection[Any], owner: Owner, preferences: Preferences) -> Preferences:
    """Replace the owner's preferences with ``preferences`` (its ``updated_at`` is ignored), in one statement.

    The conflict target names the partial unique index of the owner's kind (0002),
    so two first saves racing end as one row, the later one's values.
    """
    target = "user_id" if owner.user_id is not None else "guest_id"
    row = conn.execute(
        f"""INSERT INTO public.user_preferences AS p
                (user_id, guest_id, locale, theme, default_engine, cover_letter_format,
                 analytics_opt_out, extra)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
            ON CONFLICT ({target}) WHERE {target} IS NOT NULL DO UPDATE SET
                locale = excluded.locale, theme = excluded.theme, default_engine = excluded.default_engine,
                cover_letter_format = excluded.cover_letter_format,
                analytics_opt_out = excluded.analytics_opt_out, extra = excluded.extra
            RETURNING {_COLUMNS}""",
        [
            owner.user_id,
            owner.guest_id,
            preferences.locale,
            preferences.theme,
            preferences.default_engine,
            preferences.cover_letter_format,
            preferences.analytics_opt_out,
            Jsonb(preferences.extra),
        ],
    ).fetchone()
    assert row is not None
    return _preferences(row)
