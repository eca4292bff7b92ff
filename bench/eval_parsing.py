"""Corpus evaluation of the offline agents: CV parsing, job parsing and CV-to-job matching.

Usage: .venv/bin/python bench/eval_parsing.py [--corpus ../shared/corpus]

Three tables, each from its own module (run them alone for the details):

1. CVs (``eval_cvs``): every PDF in ``corpus/cvs`` is extracted and parsed by
   the offline CV parser, then compared field by field with ``corpus/labels``:
   precision, recall and F1 for name, email, phone, links, employers, titles,
   dates, institutions, degrees, skills and section headings. Targets: contact
   fields >= 0.95, employers and institutions >= 0.90, dates >= 0.85, skills
   F1 >= 0.80.
2. Jobs (``eval_jobs``): title, seniority, minimum years and must-have /
   nice-to-have skills against ``corpus/labels/jobs``.
3. Matching (``eval_pairs``): the paired CVs of ``pairs.tsv`` scored by the
   deterministic scorer against every job: a CV must score clearly higher on
   its own job than on an unrelated one.

Not a timed test: the figures are printed, never asserted. The corpus tests in
tests/unit/agents guard the measured floors.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from eval_cvs import evaluate_cvs, format_cv_table
from eval_jobs import evaluate_jobs, format_job_table
from eval_pairs import format_pairs_matrix, pairs_matrix

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the shared corpus folder")
    args = parser.parse_args()
    corpus: Path = args.corpus
    if not (corpus / "labels").is_dir():
        print(f"no corpus at {corpus} (expected cvs/, jobs/, labels/): pass --corpus", file=sys.stderr)
        return 2
    for title, run in (
        ("CV parsing (offline CV_PARSER vs labels)", lambda: format_cv_table(evaluate_cvs(corpus))),
        ("Job parsing (offline JOB_PARSER vs labels)", lambda: format_job_table(evaluate_jobs(corpus))),
        (
            "Matching (deterministic scorer, paired CVs x jobs)",
            lambda: format_pairs_matrix(pairs_matrix(corpus)),
        ),
    ):
        print(f"== {title}", flush=True)
        started = time.perf_counter()
        print(run())
        print(f"({time.perf_counter() - started:.1f} s)\n", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
