"""Benchmark: does the scorer rank each paired CV highest against the job it was written for?

Usage: .venv/bin/python bench/eval_pairs.py [--corpus ../shared/corpus]

Parses the paired CVs of ``pairs.tsv`` (offline CV parser) and every job of the
corpus (offline job parser), scores every CV against every job with the
deterministic scorer, and prints the matrix of overall scores (CVs as rows,
jobs as columns). For each paired CV it then compares its own job's score with
the best unrelated job and with the primary-teacher posting (a deliberately
distant job). A margin below ``CLEAR_MARGIN`` points is flagged.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cvpath.agents.offline.cv_parser import parse_cv_text
from cvpath.agents.offline.job_parser import parse_job_text
from cvpath.agents.scoring import score_cv
from cvpath.documents import extract_text
from cvpath.models import CV, Job

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
DISTANT_JOB = "rm_primary_english_teacher.txt"
CLEAR_MARGIN = 10.0


@dataclass(frozen=True)
class PairResult:
    cv: str
    own_job: str
    own: float
    best_other_job: str
    best_other: float
    distant: float
    rank: int

    @property
    def margin(self) -> float:
        return round(self.own - self.best_other, 1)


@dataclass(frozen=True)
class PairsMatrix:
    cvs: list[str]
    jobs: list[str]
    overall: dict[tuple[str, str], float]
    pairs: list[PairResult]


def _pairs(corpus_dir: Path) -> list[tuple[str, str]]:
    with (corpus_dir / "pairs.tsv").open(encoding="utf-8", newline="") as handle:
        return [(row["resume"], row["job"]) for row in csv.DictReader(handle, delimiter="\t")]


def _parse_cv(path: Path) -> CV:
    return parse_cv_text(extract_text(path.read_bytes(), filename=path.name).text)


def pairs_matrix(corpus_dir: Path, *, as_of: date | None = None) -> PairsMatrix:
    """Every paired CV scored against every job of the corpus.

    ``as_of`` is the day ongoing jobs count up to; by default the scorer's own
    (the latest date each CV shows), as in the pipeline.
    """
    pairs = _pairs(corpus_dir)
    cv_names = sorted({cv for cv, _ in pairs})
    job_names = sorted(path.name for path in (corpus_dir / "jobs").glob("*.txt"))
    cvs = {name: _parse_cv(corpus_dir / "cvs" / name) for name in cv_names}
    jobs: dict[str, Job] = {
        name: parse_job_text((corpus_dir / "jobs" / name).read_text(encoding="utf-8")) for name in job_names
    }
    overall = {(c, j): score_cv(cvs[c], jobs[j], as_of=as_of).overall for c in cv_names for j in job_names}
    results: list[PairResult] = []
    for cv_name, own_job in pairs:
        others = [(overall[(cv_name, j)], j) for j in job_names if j != own_job]
        best_score, best_job = max(others, key=lambda item: (item[0], item[1]))
        results.append(
            PairResult(
                cv=cv_name,
                own_job=own_job,
                own=overall[(cv_name, own_job)],
                best_other_job=best_job,
                best_other=best_score,
                distant=overall[(cv_name, DISTANT_JOB)],
                rank=1 + sum(score > overall[(cv_name, own_job)] for score, _ in others),
            )
        )
    return PairsMatrix(cvs=cv_names, jobs=job_names, overall=overall, pairs=results)


def _short(name: str) -> str:
    return name.removeprefix("rm_").rsplit(".", 1)[0]


def format_pairs_matrix(m: PairsMatrix) -> str:
    """The matrix (jobs as numbered columns, with a legend) and one verdict line per pair."""
    lines = ["Jobs:"]
    lines += [f"  j{index:02d} {_short(job)}" for index, job in enumerate(m.jobs, start=1)]
    width = max(len(_short(cv)) for cv in m.cvs)
    header = " " * width + "".join(f"  j{index:02d}" for index in range(1, len(m.jobs) + 1))
    lines += ["", "Overall score (CV rows x job columns; * = the CV's own job):", header]
    own = {(pair.cv, pair.own_job) for pair in m.pairs}
    for cv in m.cvs:
        cells = "".join(f" {m.overall[(cv, job)]:4.0f}{'*' if (cv, job) in own else ' '}" for job in m.jobs)
        lines.append(f"{_short(cv):<{width}}{cells}")
    lines.append("")
    for pair in m.pairs:
        verdict = "clear" if pair.margin >= CLEAR_MARGIN else "NOT CLEAR"
        lines.append(
            f"{_short(pair.cv)}: own job {_short(pair.own_job)} {pair.own:.1f} (rank {pair.rank} of "
            f"{len(m.jobs)}); best other "
            f"{_short(pair.best_other_job)} {pair.best_other:.1f} (margin {pair.margin:+.1f}, {verdict}); "
            f"{_short(DISTANT_JOB)} {pair.distant:.1f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument(
        "--as-of",
        type=date.fromisoformat,
        default=None,
        help="count ongoing jobs up to this day (YYYY-MM-DD) instead of each CV's latest date",
    )
    args = parser.parse_args(argv)
    if not (args.corpus / "pairs.tsv").is_file():
        print(f"no corpus at {args.corpus} (expected pairs.tsv there)", file=sys.stderr)
        return 2
    started = time.perf_counter()
    matrix = pairs_matrix(args.corpus, as_of=args.as_of)
    elapsed = time.perf_counter() - started
    print(format_pairs_matrix(matrix))
    print(f"\n{len(matrix.cvs)} CVs x {len(matrix.jobs)} jobs scored in {elapsed:.1f} s")
    # A figure to read, not a gate: the verdict is printed above, and `make bench` runs on.
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
