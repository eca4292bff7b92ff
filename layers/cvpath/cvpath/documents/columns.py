"""Column detection on a page's fixed-width layout text.

pypdf's layout mode renders a page as rows of characters whose positions follow
the real glyph positions (it measures every string with the font's widths). Two
columns show up there as a vertical gutter: grid columns that stay blank on
almost every row. Rows that cross the gutter (a full-width header, a spanning
section) are kept whole; the rows between them are read left part first, then
right part, which is the reading order the corpus labels use.

A one-column CV also has vertical gaps: a right-aligned date column (rendercv),
a left date column (moderncv), a "label: value" skills table. Reading those
column by column would tear every date away from its job, so a gutter only
counts when both sides carry real text: enough rows and characters on each side,
and a smaller side that is not mostly dates.

Positions in the grid are faithful, lengths only roughly (every character takes
one cell whatever its real width), so :mod:`cvpath.documents.pdf_text` first
checks the two sides on real coordinates and uses this module to confirm the
gutter and re-read the rows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# A word space is one grid cell, justified text stretches it to two; a gap
# between columns is wider (about 1.5 em at the average character width).
MIN_GUTTER_CELLS = 3
# Rows that cross the gap right before the right column: a full-width header
# above the columns is fine, but when more than a third of the rows cross it, the
# gap is incidental (aligned fields inside one column).
MAX_CROSSING_SHARE = 0.34
CROSSING_WINDOW_CELLS = 4
# Each side must span at least this share of the text block's width. Sidebars
# take 25-40% (the corpus's Reactive Resume sidebar: 34%) and real columns up to
# half; date and location columns take 15-20% (moderncv, rendercv).
MIN_SIDE_SHARE = 0.25
MIN_PAGE_ROWS = 8
MIN_ROWS_PER_SIDE = 5
# A real sidebar holds a sizeable part of the page's text (the Reactive Resume
# sidebar in the corpus holds 18%); a date or location column holds far less,
# and most of its rows are dates ("June 2022 -", "Present", "2 years 10 months").
MIN_MINOR_CHAR_SHARE = 0.15
MAX_MINOR_DATE_ROW_SHARE = 0.4

_DATE_LIKE_RE = re.compile(
    r"\b(?:19|20)\d{2}\b|\b(?:present|current|now|today)\b|\b\d+\s+(?:years?|months?|yrs?|mos?)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Gutter:
    """Grid cells [window_start, right_start) stay blank on the rows that are split."""

    window_start: int
    right_start: int


def _occupancy(rows: Sequence[str], width: int) -> list[int]:
    counts = [0] * width
    for row in rows:
        for index, char in enumerate(row[:width]):
            if char != " ":
                counts[index] += 1
    return counts


def find_gutter(rows: Sequence[str]) -> Gutter | None:
    """The most convincing vertical gap between two blocks of text, if any."""
    text_rows = [row for row in rows if row.strip()]
    if len(text_rows) < MIN_PAGE_ROWS:
        return None
    width = max(len(row.rstrip()) for row in text_rows)
    left = min(len(row) - len(row.lstrip()) for row in text_rows)
    span = width - left
    occupancy = _occupancy(text_rows, width)
    tolerance = int(MAX_CROSSING_SHARE * len(text_rows))
    best: tuple[tuple[int, int], Gutter] | None = None
    cell = left
    while cell < width:
        if occupancy[cell] > tolerance:
            cell += 1
            continue
        start = cell
        while cell < width and occupancy[cell] <= tolerance:
            cell += 1
        # The gap's right edge is sharp (the right column is left-aligned); its left
        # edge is ragged, so only the cells just before the right column are checked.
        if cell - start < MIN_GUTTER_CELLS or min(cell - left, width - cell) < MIN_SIDE_SHARE * span:
            continue
        gutter = Gutter(max(start, cell - CROSSING_WINDOW_CELLS), cell)
        crossing = sum(1 for row in text_rows if row[gutter.window_start : gutter.right_start].strip())
        rank = (crossing, -(cell - start))
        if best is None or rank < best[0]:
            best = (rank, gutter)
    return None if best is None else best[1]


def _crosses(row: str, gutter: Gutter) -> bool:
    return bool(row[gutter.window_start : gutter.right_start].strip())


def _is_real_column_pair(rows: Sequence[str], gutter: Gutter) -> bool:
    left = [row[: gutter.window_start].strip() for row in rows]
    right = [row[gutter.right_start :].strip() for row in rows]
    sides = [[part for part in left if part], [part for part in right if part]]
    if min(len(side) for side in sides) < MIN_ROWS_PER_SIDE:
        return False
    chars = [sum(len(part) for part in side) for side in sides]
    minor = sides[0] if chars[0] <= chars[1] else sides[1]
    if min(chars) < MIN_MINOR_CHAR_SHARE * sum(chars):
        return False
    date_rows = sum(1 for part in minor if _DATE_LIKE_RE.search(part))
    return date_rows <= MAX_MINOR_DATE_ROW_SHARE * len(minor)


def split_columns(rows: Sequence[str]) -> list[str] | None:
    """Rows re-read column by column, or None when the page is not in columns.

    Runs of rows that do not cross the gutter are emitted as their left parts,
    a blank row, then their right parts; crossing rows stay whole, in place.
    """
    gutter = find_gutter(rows)
    if gutter is None:
        return None
    if not _is_real_column_pair([row for row in rows if not _crosses(row, gutter)], gutter):
        return None
    lines: list[str] = []
    band: list[str] = []

    def flush_band() -> None:
        if band:
            lines.extend(row[: gutter.window_start].strip() for row in band)
            lines.append("")
            lines.extend(row[gutter.right_start :].strip() for row in band)
            band.clear()

    for row in rows:
        if _crosses(row, gutter):
            flush_band()
            lines.append(row.strip())
        else:
            band.append(row)
    flush_band()
    return lines
