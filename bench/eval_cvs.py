"""Benchmark: the offline CV_PARSER against the hand-checked CV labels.

Usage: .venv/bin/python bench/eval_cvs.py [--corpus ../shared/corpus] [--runs 5]

Every PDF in <corpus>/cvs with a label in <corpus>/labels/<name>.json is extracted
(cvpath.documents.extract_text) and parsed (parse_cv_document); the parse is compared
field by field, as LABELLING.md says: case-insensitive after fold_for_matching, links
without scheme, trailing slash or "www.", dates as (start, end) pairs per experience
and education entry with the label's "present" standing for an open end.

Single-valued fields (name, email, phone) count a true positive when equal, a false
positive when a different value was predicted and a false negative when the label's
value was missed. List fields are matched as multisets. Printed: per field precision,
recall, F1 and counts; per-file misses (labelled, not found) and extras (found, not
labelled); the parser's time per CV (text extraction excluded).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cvpath.agents.offline.cv_parser import ParsedCV, parse_cv_document
from cvpath.documents import extract_text, fold_for_matching

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
FIELDS = (
    "name",
    "email",
    "phone",
    "links",
    "employers",
    "titles",
    "dates",
    "institutions",
    "degrees",
    "skills",
    "section headings",
)
CONTACT_FIELDS = ("name", "email", "phone", "links")


@dataclass
class FieldScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class FileResult:
    name: str
    misses: dict[str, list[str]] = field(default_factory=dict)
    extras: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class CvEvaluation:
    fields: dict[str, FieldScore]
    files: list[FileResult]
    ms_per_cv: float


def _norm(value: str) -> str:
    return fold_for_matching(value).rstrip(":").strip()


def _norm_link(value: str) -> str:
    folded = _norm(value)
    for prefix in ("https://", "http://", "www."):
        folded = folded.removeprefix(prefix)
    return folded.rstrip("/")


def _norm_date(value: str | None) -> str:
    return "present" if value is None or value == "present" else value


def _compare(
    expected: Iterable[str], predicted: Iterable[str], score: FieldScore
) -> tuple[list[str], list[str]]:
    """Multiset comparison; returns (misses, extras) and adds to ``score``."""
    want, got = Counter(expected), Counter(predicted)
    common = want & got
    score.tp += sum(common.values())
    score.fn += sum((want - common).values())
    score.fp += sum((got - common).values())
    return sorted((want - common).elements()), sorted((got - common).elements())


def _predicted(parsed: ParsedCV) -> dict[str, list[str]]:
    cv = parsed.cv
    basics = cv.basics
    links: list[str] = []
    if basics is not None:
        links.extend([basics.url] if basics.url else [])
        links.extend(p.url for p in basics.profiles if p.url)
    dates = [f"{w.start_date}|{_norm_date(w.end_date)}" for w in cv.work]
    dates += [f"{e.start_date}|{_norm_date(e.end_date)}" for e in cv.education]
    return {
        "name": [_norm(basics.name)] if basics and basics.name else [],
        "email": [_norm(basics.email)] if basics and basics.email else [],
        "phone": [_norm(basics.phone)] if basics and basics.phone else [],
        "links": [_norm_link(link) for link in links],
        "employers": [_norm(w.name) for w in cv.work if w.name],
        "titles": [_norm(w.position) for w in cv.work if w.position],
        "dates": dates,
        "institutions": [_norm(e.institution) for e in cv.education if e.institution],
        "degrees": [_norm(e.study_type) for e in cv.education if e.study_type],
        "skills": [_norm(k) for s in cv.skills for k in s.keywords],
        "section headings": [_norm(h) for h in parsed.headings],
    }


def _expected(label: dict[str, Any]) -> dict[str, list[str]]:
    def one(key: str) -> list[str]:
        return [_norm(label[key])] if label.get(key) else []

    experience, education = label.get("experience", []), label.get("education", [])
    dates = [f"{e['start']}|{_norm_date(e['end'])}" for e in experience]
    dates += [f"{e['start']}|{_norm_date(e['end'])}" for e in education]
    return {
        "name": one("name"),
        "email": one("email"),
        "phone": one("phone"),
        "links": [_norm_link(link) for link in label.get("links", [])],
        "employers": [_norm(e["employer"]) for e in experience if e.get("employer")],
        "titles": [_norm(e["title"]) for e in experience if e.get("title")],
        "dates": dates,
        "institutions": [_norm(e["institution"]) for e in education if e.get("institution")],
        "degrees": [_norm(e["degree"]) for e in education if e.get("degree")],
        "skills": [_norm(s) for s in label.get("skills", [])],
        "section headings": [_norm(s) for s in label.get("sections", [])],
    }


def corpus_texts(corpus_dir: Path) -> dict[str, str]:
    """Extracted text of every labelled corpus CV, by file stem, in name order."""
    texts: dict[str, str] = {}
    for pdf in sorted((corpus_dir / "cvs").glob("*.pdf")):
        if (corpus_dir / "labels" / f"{pdf.stem}.json").is_file():
            texts[pdf.stem] = extract_text(pdf.read_bytes(), filename=pdf.name).text
    return texts


def evaluate_texts(corpus_dir: Path, texts: dict[str, str], runs: int = 3) -> CvEvaluation:
    """Score already-extracted texts (the corpus tests cache the extraction)."""
    scores = {name: FieldScore() for name in FIELDS}
    files: list[FileResult] = []
    timings: list[float] = []
    for stem, text in texts.items():
        label = json.loads((corpus_dir / "labels" / f"{stem}.json").read_text(encoding="utf-8"))
        parsed = parse_cv_document(text)
        for _ in range(runs):
            started = time.perf_counter()
            parse_cv_document(text)
            timings.append((time.perf_counter() - started) * 1000)
        expected, predicted = _expected(label), _predicted(parsed)
        result = FileResult(stem)
        for name in FIELDS:
            misses, extras = _compare(expected[name], predicted[name], scores[name])
            if misses:
                result.misses[name] = misses
            if extras:
                result.extras[name] = extras
        files.append(result)
    return CvEvaluation(scores, files, statistics.median(timings) if timings else 0.0)


def evaluate_cvs(corpus_dir: Path, runs: int = 3) -> CvEvaluation:
    """Extract, parse and score every labelled CV of ``corpus_dir`` (the corpus root)."""
    return evaluate_texts(corpus_dir, corpus_texts(corpus_dir), runs)


def format_cv_table(ev: CvEvaluation, *, details: bool = True) -> str:
    rows = [f"{'field':<17} {'P':>6} {'R':>6} {'F1':>6} {'TP':>5} {'FP':>5} {'FN':>5}"]
    for name, score in ev.fields.items():
        rows.append(
            f"{name:<17} {score.precision:6.3f} {score.recall:6.3f} {score.f1:6.3f} "
            f"{score.tp:5d} {score.fp:5d} {score.fn:5d}"
        )
    rows.append(
        f"parser time: {ev.ms_per_cv:.1f} ms per CV (median, extraction excluded), {len(ev.files)} CVs"
    )
    if details:
        for result in ev.files:
            if not result.misses and not result.extras:
                rows.append(f"  {result.name}: all fields match")
                continue
            rows.append(f"  {result.name}:")
            for name in FIELDS:
                if name in result.misses:
                    rows.append(f"    {name} missed: {result.misses[name]}")
                if name in result.extras:
                    rows.append(f"    {name} extra:  {result.extras[name]}")
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the shared corpus folder")
    parser.add_argument("--runs", type=int, default=5, help="timed parses per CV")
    args = parser.parse_args()
    if not (args.corpus / "labels").is_dir():
        print(f"no corpus at {args.corpus} (expected cvs/ and labels/): pass --corpus", file=sys.stderr)
        return 2
    print(format_cv_table(evaluate_cvs(args.corpus, args.runs)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
