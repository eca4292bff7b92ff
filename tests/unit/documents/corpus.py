"""The shared CV corpus and its labels, scored the way LABELLING.md asks.

Used by the corpus test and by bench/extraction.py. The corpus is not part of
the repository: it sits beside the checkout, at ``<repo root>/../shared/corpus``
(CI clones the repository next to ``shared/``), and callers skip when it is
missing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cvpath.documents import InOrderResult, find_in_order

REPO_ROOT = Path(__file__).resolve().parents[3]
CORPUS = REPO_ROOT.parent / "shared" / "corpus"
CATEGORIES = ("name", "email", "employers", "sections")


@dataclass(frozen=True)
class CorpusCV:
    name: str
    path: Path
    label: dict[str, Any]

    def expected(self) -> dict[str, list[str]]:
        """Per category, the strings that must come back, each list in reading order."""
        return {
            "name": [self.label["name"]],
            "email": [self.label["email"]] if self.label.get("email") else [],
            "employers": [entry["employer"] for entry in self.label["experience"]],
            "sections": list(self.label["sections"]),
        }


def corpus_cvs() -> list[CorpusCV]:
    """Every labelled CV PDF, sorted by file name (empty when the corpus is absent)."""
    folder = CORPUS / "cvs"
    if not folder.is_dir():
        return []
    cvs = []
    for path in sorted(folder.glob("*.pdf")):
        label_path = CORPUS / "labels" / f"{path.stem}.json"
        if label_path.is_file():
            cvs.append(CorpusCV(path.name, path, json.loads(label_path.read_text(encoding="utf-8"))))
    return cvs


@dataclass(frozen=True)
class Score:
    results: dict[str, InOrderResult]

    @property
    def hits(self) -> int:
        return sum(result.hits for result in self.results.values())

    @property
    def total(self) -> int:
        return sum(result.total for result in self.results.values())

    @property
    def in_order(self) -> bool:
        """Every category found completely and in its order (names, employers, sections)."""
        return all(result.in_order for result in self.results.values())

    def cell(self, category: str) -> str:
        result = self.results[category]
        return f"{result.hits}/{result.total}"


def score(text: str, cv: CorpusCV) -> Score:
    return Score({category: find_in_order(text, needles) for category, needles in cv.expected().items()})


def source_columns() -> dict[str, str]:
    """The "columns" field of cvs/SOURCES.tsv per file ("1", "1 + left date column", "2 (sidebar)")."""
    sources = CORPUS / "cvs" / "SOURCES.tsv"
    if not sources.is_file():
        return {}
    lines = sources.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    rows = [dict(zip(header, line.split("\t"), strict=False)) for line in lines[1:] if line.strip()]
    return {row["file"]: row.get("columns", "") for row in rows}


def render_table(headers: list[str], rows: list[list[str]]) -> str:
    """A plain fixed-width table (first column left-aligned, the others right-aligned)."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        first, *rest = cells
        return "  ".join(
            [
                first.ljust(widths[0]),
                *(cell.rjust(width) for cell, width in zip(rest, widths[1:], strict=True)),
            ]
        )

    return "\n".join(
        [line(headers), "  ".join("-" * width for width in widths), *(line(row) for row in rows)]
    )
