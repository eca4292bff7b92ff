"""Benchmark: the offline JOB_PARSER against the hand-checked job labels.

Usage: .venv/bin/python bench/eval_jobs.py [--corpus ../shared/corpus] [--misses]

For each posting in <corpus>/jobs/*.txt with a label in <corpus>/labels/jobs/<name>.json:
title (exact after normalisation, and token overlap), seniority, min_years, must-have
skills precision/recall/F1 and nice-to-have precision/recall. Skills are compared by
their taxonomy canonical name when the label canonicalises, else by folded text.
Predicted must-have skills are the keywords of the "Required" JobSkill (the union of
the must-have requirements' keywords); nice-to-have the "Preferred" one.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from cvpath.agents.offline.job_parser import parse_job_text
from cvpath.agents.taxonomy import get_taxonomy
from cvpath.documents import fold_for_matching
from cvpath.models import Job

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
_TOKEN_RE = re.compile(r"[a-z0-9+#.]+")


@dataclass(frozen=True)
class JobResult:
    name: str
    title_expected: str
    title_got: str
    title_exact: bool
    title_overlap: float
    seniority_expected: str | None
    seniority_got: str | None
    years_expected: int | None
    years_got: int | None
    must_expected: frozenset[str]
    must_got: frozenset[str]
    nice_expected: frozenset[str]
    nice_got: frozenset[str]

    @property
    def seniority_ok(self) -> bool:
        return self.seniority_expected == self.seniority_got

    @property
    def years_ok(self) -> bool:
        return self.years_expected == self.years_got


@dataclass
class JobEvaluation:
    results: list[JobResult] = field(default_factory=list)
    seconds: float = 0.0

    def _mean(self, values: list[float]) -> float:
        return sum(values) / len(values) if values else 0.0

    @property
    def title_accuracy(self) -> float:
        return self._mean([float(r.title_exact) for r in self.results])

    @property
    def title_overlap(self) -> float:
        return self._mean([r.title_overlap for r in self.results])

    @property
    def seniority_accuracy(self) -> float:
        return self._mean([float(r.seniority_ok) for r in self.results])

    @property
    def years_accuracy(self) -> float:
        return self._mean([float(r.years_ok) for r in self.results])

    def must(self) -> tuple[float, float, float]:
        return _prf(self.results, nice=False)

    def nice(self) -> tuple[float, float, float]:
        return _prf(self.results, nice=True)


def _prf(results: list[JobResult], *, nice: bool) -> tuple[float, float, float]:
    """Micro-averaged precision, recall and F1 over all postings."""
    hits = expected = got = 0
    for result in results:
        want, have = (
            (result.nice_expected, result.nice_got) if nice else (result.must_expected, result.must_got)
        )
        hits += len(want & have)
        expected += len(want)
        got += len(have)
    precision = hits / got if got else (1.0 if not expected else 0.0)
    recall = hits / expected if expected else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def skill_key(name: str) -> str:
    """The taxonomy's canonical name when it knows the skill, else the folded text."""
    canonical = get_taxonomy().canonical(name)
    return fold_for_matching(canonical if canonical else name)


def _title_key(title: str) -> str:
    return " ".join(_TOKEN_RE.findall(fold_for_matching(title)))


def _token_overlap(expected: str, got: str) -> float:
    want, have = (
        set(_TOKEN_RE.findall(fold_for_matching(expected))),
        set(_TOKEN_RE.findall(fold_for_matching(got))),
    )
    return len(want & have) / len(want | have) if want | have else 1.0


def _skills_of(job: Job, name: str) -> frozenset[str]:
    return frozenset(skill_key(k) for skill in job.skills if skill.name == name for k in skill.keywords)


def evaluate_job(name: str, text: str, label: dict[str, object]) -> JobResult:
    job = parse_job_text(text)
    title = str(label["title"])
    must = label.get("must_have_skills") or []
    nice = label.get("nice_to_have_skills") or []
    assert isinstance(must, list)
    assert isinstance(nice, list)
    years = label.get("min_years")
    return JobResult(
        name=name,
        title_expected=title,
        title_got=job.title,
        title_exact=_title_key(title) == _title_key(job.title),
        title_overlap=_token_overlap(title, job.title),
        seniority_expected=str(label["seniority"]) if label.get("seniority") else None,
        seniority_got=job.seniority.value if job.seniority else None,
        years_expected=years if isinstance(years, int) else None,
        years_got=job.min_years,
        must_expected=frozenset(skill_key(str(s)) for s in must),
        must_got=_skills_of(job, "Required"),
        nice_expected=frozenset(skill_key(str(s)) for s in nice),
        nice_got=_skills_of(job, "Preferred"),
    )


def evaluate_jobs(corpus_dir: Path) -> JobEvaluation:
    """Parse every labelled posting in ``corpus_dir`` and compare it with its label."""
    evaluation = JobEvaluation()
    started = time.perf_counter()
    for path in sorted((corpus_dir / "jobs").glob("*.txt")):
        label_path = corpus_dir / "labels" / "jobs" / f"{path.stem}.json"
        if not label_path.is_file():
            continue
        label = json.loads(label_path.read_text(encoding="utf-8"))
        evaluation.results.append(evaluate_job(path.stem, path.read_text(encoding="utf-8"), label))
    evaluation.seconds = time.perf_counter() - started
    return evaluation


def _fmt(values: frozenset[str]) -> str:
    return ", ".join(sorted(values)) or "-"


def format_job_table(ev: JobEvaluation, *, misses: bool = True) -> str:
    """One row per posting, the totals, and (with ``misses``) what each posting got wrong."""
    header = f"{'job':<40} {'title':>5} {'sen':>4} {'yrs':>4} "
    rows = [header + f"{'must P':>7} {'must R':>7} {'nice P':>7} {'nice R':>7}"]
    for r in ev.results:
        mp, mr, _ = _prf([r], nice=False)
        np_, nr, _ = _prf([r], nice=True)
        rows.append(
            f"{r.name:<40} {'ok' if r.title_exact else f'{r.title_overlap:.2f}':>5} "
            f"{'ok' if r.seniority_ok else 'x':>4} {'ok' if r.years_ok else 'x':>4} "
            f"{mp:>7.2f} {mr:>7.2f} {np_:>7.2f} {nr:>7.2f}"
        )
    mp, mr, mf = ev.must()
    np_, nr, nf = ev.nice()
    rows += [
        "",
        f"postings: {len(ev.results)} in {ev.seconds:.2f} s",
        f"title: exact {ev.title_accuracy:.2f}, token overlap {ev.title_overlap:.2f}",
        f"seniority accuracy: {ev.seniority_accuracy:.2f}   min_years accuracy: {ev.years_accuracy:.2f}",
        f"must-have skills: P {mp:.2f}  R {mr:.2f}  F1 {mf:.2f}",
        f"nice-to-have skills: P {np_:.2f}  R {nr:.2f}  F1 {nf:.2f}",
    ]
    if misses:
        rows.append("")
        for r in ev.results:
            lines = []
            if not r.title_exact:
                lines.append(f"  title: expected {r.title_expected!r}, got {r.title_got!r}")
            if not r.seniority_ok:
                lines.append(f"  seniority: expected {r.seniority_expected}, got {r.seniority_got}")
            if not r.years_ok:
                lines.append(f"  min_years: expected {r.years_expected}, got {r.years_got}")
            for label, missed in (
                ("must missed", r.must_expected - r.must_got),
                ("must extra", r.must_got - r.must_expected),
                ("nice missed", r.nice_expected - r.nice_got),
                ("nice extra", r.nice_got - r.nice_expected),
            ):
                if missed:
                    lines.append(f"  {label}: {_fmt(missed)}")
            if lines:
                rows.append(f"{r.name}:")
                rows.extend(lines)
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--no-misses", action="store_true", help="print the table and totals only")
    args = parser.parse_args(argv)
    if not (args.corpus / "labels" / "jobs").is_dir():
        print(f"no job labels under {args.corpus}", file=sys.stderr)
        return 1
    print(format_job_table(evaluate_jobs(args.corpus), misses=not args.no_misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
