"""Benchmark: CV text extraction, reading order by strategy and time per page.

Usage: .venv/bin/python bench/extraction.py [--runs 5]

Part 1, reading order. For every corpus CV (../shared/corpus, labels in
../shared/corpus/labels) and a synthetic set (two-column pages drawn line by
line or column by column, and one-column pages with date columns or a skills
table), it counts the labelled strings found in reading order, per strategy:

  plain     pypdf page.extract_text(): content-stream order
  layout    pypdf extraction_mode="layout": fixed-width rows, sorted by position
  split     layout mode + the gutter split on every page (no plain fallback)
  ours      cvpath.documents.extract_text: plain, prescreen, split on a real gutter
  pdfminer  pdfminer.six extract_text, as a reference (dev dependency, not shipped)

Part 2, time. Per corpus PDF, the median of --runs runs of extract_text (gate,
normalisation, columns) against plain pypdf in the same process, in ms per page.
Target: at most 100 ms per page.
"""

from __future__ import annotations

import argparse
import io
import logging
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from pypdf import PdfReader

from cvpath.documents import extract_text, find_in_order
from cvpath.documents.columns import split_columns
from tests.unit.documents import pdf_factory as factory
from tests.unit.documents.corpus import CATEGORIES, CORPUS, corpus_cvs, render_table, score

TARGET_MS_PER_PAGE = 100.0
Strategy = Callable[[bytes], str]


def plain(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def layout(data: bytes) -> str:
    return "\n".join(
        page.extract_text(extraction_mode="layout") for page in PdfReader(io.BytesIO(data)).pages
    )


def split_everywhere(data: bytes) -> str:
    pages = []
    for page in PdfReader(io.BytesIO(data)).pages:
        rows = page.extract_text(extraction_mode="layout").splitlines()
        pages.append("\n".join(split_columns(rows) or rows))
    return "\n".join(pages)


def ours(data: bytes) -> str:
    return extract_text(data).text


def strategies() -> dict[str, Strategy]:
    found: dict[str, Strategy] = {"plain": plain, "layout": layout, "split": split_everywhere, "ours": ours}
    try:
        from pdfminer.high_level import extract_text as pdfminer_text
    except ImportError:
        print("pdfminer.six is not installed: its reference column is left out", flush=True)
        return found
    found["pdfminer"] = lambda data: pdfminer_text(io.BytesIO(data))
    return found


@dataclass
class Case:
    name: str
    data: bytes
    expected: list[list[str]]  # each list must come back in its order

    def hits(self, text: str) -> tuple[int, int, bool]:
        results = [find_in_order(text, needles) for needles in self.expected]
        return sum(r.hits for r in results), sum(r.total for r in results), all(r.in_order for r in results)


def corpus_cases() -> list[Case]:
    return [
        Case(cv.name, cv.path.read_bytes(), [cv.expected()[category] for category in CATEGORIES])
        for cv in corpus_cvs()
    ]


def synthetic_cases() -> list[Case]:
    left_first = [factory.NAME, *factory.SIDEBAR_HEADINGS, *factory.MAIN_HEADINGS]
    main_first = [factory.NAME, *factory.MAIN_HEADINGS, *factory.SIDEBAR_HEADINGS]
    entries = [part for title, place, dates in factory.ENTRIES for part in (title, dates, place)]
    skills = [part for row in factory.SKILL_ROWS for part in row]
    return [
        Case("2col left sidebar, line by line", factory.two_column_pdf(interleaved=True), [left_first]),
        Case("2col left sidebar, column by column", factory.two_column_pdf(interleaved=False), [left_first]),
        Case(
            "2col right sidebar, line by line",
            factory.two_column_pdf(interleaved=True, sidebar="right"),
            [main_first],
        ),
        Case("2col equal, line by line", factory.two_column_pdf(interleaved=True, ratio=0.5), [left_first]),
        Case(
            "2col no header, line by line",
            factory.two_column_pdf(interleaved=True, header=False),
            [left_first[1:]],
        ),
        Case("1col + right date column", factory.date_column_pdf("right"), [entries]),
        Case("1col + left date column", factory.date_column_pdf("left"), [entries]),
        Case("1col + skills table", factory.skills_table_pdf(), [skills]),
    ]


def compare(title: str, cases: list[Case], candidates: dict[str, Strategy]) -> None:
    print(f"\n{title}: labelled strings found in order, per strategy", flush=True)
    rows = []
    totals = {name: [0, 0, 0] for name in candidates}
    for case in cases:
        row = [case.name]
        for name, strategy in candidates.items():
            hits, total, in_order = case.hits(strategy(case.data))
            totals[name][0] += hits
            totals[name][1] += total
            totals[name][2] += in_order
            row.append(f"{hits}/{total}{'' if in_order else ' x'}")
        rows.append(row)
        print(f"  measured {case.name}", flush=True)
    rows.append(["TOTAL hits", *(f"{hits}/{total}" for hits, total, _ in totals.values())])
    rows.append(["TOTAL files in order", *(f"{ok}/{len(cases)}" for _, _, ok in totals.values())])
    print(render_table(["case (x = out of order)", *candidates], rows), flush=True)


def median_ms(action: Callable[[], object], runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def timing(runs: int) -> None:
    print(
        f"\ntime per corpus PDF: median of {runs} runs, same process (after one warm-up run each)", flush=True
    )
    rows = []
    worst = 0.0
    for index, cv in enumerate(corpus_cvs(), start=1):
        data = cv.path.read_bytes()
        result = extract_text(data)
        plain(data)
        ours_ms = median_ms(partial(extract_text, data), runs)
        plain_ms = median_ms(partial(plain, data), runs)
        outcome = score(result.text, cv)
        per_page = ours_ms / result.pages
        worst = max(worst, per_page)
        print(f"  [{index}] {cv.name}: {per_page:.0f} ms/page", flush=True)
        rows.append(
            [
                cv.name,
                str(result.pages),
                str(result.characters),
                "yes" if result.columns_detected else "no",
                *(outcome.cell(category) for category in CATEGORIES),
                "yes" if outcome.in_order else "NO",
                f"{ours_ms:.1f}",
                f"{per_page:.1f}",
                f"{plain_ms / result.pages:.1f}",
            ]
        )
    headers = ["file", "pages", "chars", "columns", *CATEGORIES, "in order", "ms", "ms/page", "pypdf ms/page"]
    print(render_table(headers, rows))
    verdict = "met" if worst <= TARGET_MS_PER_PAGE else "MISSED"
    print(
        f"\nslowest: {worst:.1f} ms/page; target <= {TARGET_MS_PER_PAGE:.0f} ms/page: {verdict}", flush=True
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5, help="timed runs per file (median reported)")
    args = parser.parse_args(argv)
    # pypdf and pdfminer log font quirks of some corpus files at WARNING; not ours to fix.
    for name in ("pypdf", "pdfminer"):
        logging.getLogger(name).setLevel(logging.ERROR)
    cases = corpus_cases()
    if not cases:
        print(f"corpus not found at {CORPUS}: nothing to measure", file=sys.stderr)
        return 1
    candidates = strategies()
    compare(f"corpus ({len(cases)} CVs)", cases, candidates)
    compare("synthetic layouts", synthetic_cases(), candidates)
    timing(args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
