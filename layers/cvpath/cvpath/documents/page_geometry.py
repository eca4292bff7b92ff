"""Where the text runs of a PDF page start, collected while plain extraction runs.

pypdf's plain extraction calls a visitor with each run of text and the
matrices that place it. From those start positions (no widths: pypdf does not
report them) this module answers three cheap questions that decide whether a
page needs the costlier layout pass:

* is there a second column edge: a position well inside the page where many
  lines start?
* does the content stream already read one column after the other (few
  switches between the two sides), or line by line across them?
* if it reads column by column, are both sides real columns (enough text, wide
  enough), or is one a narrow date or label column?
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

# A second column edge: a position (3-point buckets) where runs start on at least
# this many lines, at least this far into the page.
EDGE_MIN_LINES = 5
EDGE_MIN_OFFSET = 0.12
# A stream that reads column after column switches sides a few times at most (a
# header above the columns, a footer below); one drawn line by line across the
# columns switches on nearly every line.
MAX_SWITCHES_IN_COLUMN_ORDER = 4
# The same bars as the layout check (cvpath.documents.columns): the smaller side
# holds at least 15% of the characters and spans at least 25% of the text width.
MIN_MINOR_CHAR_SHARE = 0.15
MIN_SIDE_SHARE = 0.25


@dataclass(frozen=True)
class TextRun:
    x: float
    y: float
    characters: int
    starts_line: bool


@dataclass
class PageRuns:
    """The visitor: pass ``visit`` as ``visitor_text`` to ``page.extract_text``."""

    runs: list[TextRun] = field(default_factory=list)
    _previous: tuple[float, float, float] | None = None  # x, y, estimated end

    def visit(self, text: str, cm: list[float], tm: list[float], _font: object, size: float) -> None:
        characters = len(text.strip())
        if not characters:
            return
        # Text space origin -> device space: the text matrix, then the CTM.
        a, b = tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3]
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        em = abs(size) * (a * a + b * b) ** 0.5
        previous = self._previous
        # Some generators (Chrome) show one glyph per operator, so not every run
        # starts something: only the first on a line or one after a clear jump does.
        # Half an em per character is a typical advance; two ems of slack keep word
        # gaps and wide fonts from counting as jumps.
        starts = (
            previous is None or abs(y - previous[1]) > 1.0 or not previous[0] <= x <= previous[2] + 2 * em
        )
        self.runs.append(TextRun(x, y, characters, starts))
        self._previous = (x, y, x + 0.5 * em * characters)


def column_edge(runs: Sequence[TextRun], page_width: float) -> float | None:
    """The x where the most lines start well inside the text, if enough do."""
    starts = [run for run in runs if run.starts_line]
    if len(starts) < EDGE_MIN_LINES:
        return None
    left = min(run.x for run in starts)
    lines_by_edge: dict[int, set[int]] = defaultdict(set)
    for run in starts:
        if run.x - left >= EDGE_MIN_OFFSET * page_width:
            lines_by_edge[round(run.x / 3)].add(round(run.y))
    if not lines_by_edge:
        return None
    bucket, lines = max(lines_by_edge.items(), key=lambda item: (len(item[1]), -item[0]))
    return bucket * 3.0 - 1.5 if len(lines) >= EDGE_MIN_LINES else None


def side_switches(runs: Sequence[TextRun], edge: float) -> int:
    """How often consecutive line starts, in stream order, change sides of ``edge``."""
    sides = [run.x >= edge for run in runs if run.starts_line]
    return sum(1 for before, after in pairwise(sides) if before != after)


def sides_are_columns(
    runs: Sequence[TextRun], edge: float, page_right: float, page_left: float = 0.0
) -> bool:
    """Both sides of ``edge`` hold a real column's share of text and width."""
    right_chars = sum(run.characters for run in runs if run.x >= edge)
    left_chars = sum(run.characters for run in runs if run.x < edge)
    if min(left_chars, right_chars) < MIN_MINOR_CHAR_SHARE * (left_chars + right_chars):
        return False
    # Without widths, the text block's right margin is taken to mirror its left one.
    left = min(run.x for run in runs)
    right = page_right - (left - page_left)
    return min(edge - left, right - edge) >= MIN_SIDE_SHARE * (right - left)
