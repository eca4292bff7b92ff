"""The cheap column prescreen on text run start positions."""

from __future__ import annotations

from cvpath.documents.page_geometry import PageRuns, TextRun, column_edge, side_switches, sides_are_columns

WIDTH = 600.0
IDENTITY = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]


def _runs(rows: list[tuple[float, float, int]]) -> list[TextRun]:
    return [TextRun(x, y, characters, starts_line=True) for x, y, characters in rows]


LEFT = [(40.0, 700.0 - 15 * row, 18) for row in range(10)]
RIGHT = [(230.0, 700.0 - 15 * row, 60) for row in range(10)]


def test_a_second_column_edge_is_found_where_many_lines_start() -> None:
    edge = column_edge(_runs(LEFT + RIGHT), WIDTH)
    assert edge is not None
    assert 225 <= edge <= 231


def test_a_single_column_has_no_edge() -> None:
    assert column_edge(_runs(LEFT), WIDTH) is None


def test_column_order_switches_once_and_line_by_line_switches_every_line() -> None:
    column_order = _runs(LEFT + RIGHT)
    line_by_line = _runs([run for pair in zip(LEFT, RIGHT, strict=True) for run in pair])
    assert side_switches(column_order, 228.0) == 1
    assert side_switches(line_by_line, 228.0) == 19


def test_a_narrow_or_thin_side_is_not_a_column() -> None:
    assert sides_are_columns(_runs(LEFT + RIGHT), 228.0, WIDTH)
    dates = [(40.0, 700.0 - 45 * row, 18) for row in range(4)]
    assert not sides_are_columns(_runs(dates + RIGHT), 228.0, WIDTH)  # 11% of the text
    narrow = [(470.0, 700.0 - 15 * row, 60) for row in range(10)]
    assert not sides_are_columns(_runs(LEFT + narrow), 468.0, WIDTH)  # right side 17% wide


def test_glyph_by_glyph_runs_start_only_at_line_starts_and_jumps() -> None:
    # Given a Chrome-style stream: one glyph per operator along a line, then a far jump
    runs = PageRuns()
    for index, char in enumerate("Engineer"):
        runs.visit(char, IDENTITY, [1.0, 0.0, 0.0, 1.0, 40.0 + 5.5 * index, 700.0], None, 10.0)
    runs.visit("2019 - 2024", IDENTITY, [1.0, 0.0, 0.0, 1.0, 480.0, 700.0], None, 10.0)
    runs.visit("Next line", IDENTITY, [1.0, 0.0, 0.0, 1.0, 40.0, 685.0], None, 10.0)
    assert [run.starts_line for run in runs.runs] == [True, *([False] * 7), True, True]
