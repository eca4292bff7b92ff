"""Benchmark: render the 2-page example CV (examples/cv.json) with engines V1 and V2.

Usage: .venv/bin/python bench/render.py [--warm 50] [--fresh 5]

Warm: in this process, after one untimed run of each, --warm interleaved rounds of
  * "render": layout to PDF bytes only, no self-check (what the <= 35 ms target is about),
  * "render + check": the public API, i.e. render then the ATS self-check,
  * "check alone": the self-check on a finished PDF (read back with cvpath.documents, match),
  * "docx + check": the DOCX export with its self-check, for comparison.
Fresh: --fresh new Python processes per engine import the package, register the
fonts (importing ReportLab), render and check once, then once more; the medians
show what a cold Lambda pays on its first render.
Memory: tracemalloc's peak over one warm render with its check, and the process's
peak resident set size (ru_maxrss) in the fresh processes.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "cv.json"
TARGET_MS = 35.0

# Runs in a fresh interpreter; prints one JSON line of timings (ms).
_FRESH = """
import json, resource, sys, time
marks = [time.perf_counter()]
import cvpath_render
from cvpath.models import cv_from_json_resume
marks.append(time.perf_counter())
import cvpath_render.reportlab_api
marks.append(time.perf_counter())
from cvpath_render.fonts import register_fonts
from cvpath_render.styles import USED_FONTS
register_fonts(USED_FONTS)
marks.append(time.perf_counter())
cv = cv_from_json_resume(json.load(open(sys.argv[1], encoding="utf-8")))
from cvpath_render.api import render_cv_pdf
from cvpath_render.ats_check import check_pdf
from cvpath_render.engine_v1 import draft_v1
from cvpath_render.engine_v2 import draft_v2
marks.append(time.perf_counter())
draft = (draft_v1 if sys.argv[2] == "v1" else draft_v2)(cv)
marks.append(time.perf_counter())
import pypdf
marks.append(time.perf_counter())
check_pdf(draft.pdf.data, draft.expected)
marks.append(time.perf_counter())
render_cv_pdf(cv, engine=sys.argv[2])
marks.append(time.perf_counter())
steps = ["import", "reportlab", "fonts", "modules", "draft", "pypdf", "check", "again"]
result = {step: (b - a) * 1e3 for step, a, b in zip(steps, marks, marks[1:])}
result["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(result))
"""


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(actions: dict[str, Callable[[], object]], runs: int) -> dict[str, list[float]]:
    """Time each action ``runs`` times, interleaved, so load changes hit all of them alike."""
    for action in actions.values():
        action()  # warm-up: fonts, styles and imports are in place before timing
    samples: dict[str, list[float]] = {label: [] for label in actions}
    started = time.perf_counter()
    for index in range(runs):
        for label, action in actions.items():
            t0 = time.perf_counter()
            action()
            samples[label].append((time.perf_counter() - t0) * 1e3)
        if (index + 1) % 10 == 0 or index + 1 == runs:
            rate = (index + 1) * len(actions) / (time.perf_counter() - started)
            print(f"  warm: {index + 1:>3}/{runs} rounds of {len(actions)} renders, {rate:5.1f} renders/s")
    return samples


def fresh_runs(engine: str, count: int) -> list[dict[str, float]]:
    results = []
    for index in range(count):
        done = subprocess.run(  # noqa: S603 - our own interpreter and script, fixed arguments
            [sys.executable, "-c", _FRESH, str(EXAMPLE), engine],
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )
        results.append(json.loads(done.stdout))
        print(f"  fresh {engine}: {index + 1}/{count} processes")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render benchmark (examples/cv.json, V1 and V2).")
    parser.add_argument("--warm", type=int, default=50, help="warm renders per engine and variant")
    parser.add_argument("--fresh", type=int, default=5, help="fresh processes per engine")
    args = parser.parse_args(argv)

    from cvpath.models import cv_from_json_resume
    from cvpath_render import render_cv_docx_checked, render_cv_pdf
    from cvpath_render.ats_check import check_pdf
    from cvpath_render.engine_v1 import draft_v1
    from cvpath_render.engine_v2 import draft_v2

    cv = cv_from_json_resume(json.loads(EXAMPLE.read_text(encoding="utf-8")))
    samples = {"v1": draft_v1(cv), "v2": draft_v2(cv)}
    source = EXAMPLE.relative_to(REPO)
    print(f"render benchmark: {source}; {args.warm} warm rounds, {args.fresh} fresh processes")
    for engine, sample in samples.items():
        print(f"  {engine}: {sample.pdf.pages} pages, {len(sample.pdf.data) / 1024:.0f} KB")

    actions: dict[str, Callable[[], object]] = {
        "v1 render": lambda: draft_v1(cv),
        "v2 render": lambda: draft_v2(cv),
        "v1 render + check": lambda: render_cv_pdf(cv, engine="v1"),
        "v2 render + check": lambda: render_cv_pdf(cv, engine="v2"),
        "v2 check alone": lambda: check_pdf(samples["v2"].pdf.data, samples["v2"].expected),
        "docx + check": lambda: render_cv_docx_checked(cv),
    }
    warm = timed(actions, args.warm)

    tracemalloc.start()
    render_cv_pdf(cv, engine="v2")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    fresh = {engine: fresh_runs(engine, args.fresh) for engine in ("v1", "v2")}

    print("\nwarm (ms)                  p50      p95      min")
    for label, values in warm.items():
        p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
        print(f"  {label:<22} {p50:7.1f}  {p95:7.1f}  {min(values):7.1f}")
    print("\nfresh process (ms, median of each step)")
    print(
        "  engine  import package  import reportlab  register fonts  1st render"
        "  import pypdf  1st check  2nd render+check  peak RSS"
    )
    for engine, results in fresh.items():

        def med(key: str, results: list[dict[str, float]] = results) -> float:
            return statistics.median(r[key] for r in results)

        print(
            f"  {engine:<6} {med('import'):14.0f} {med('reportlab'):17.0f} {med('fonts'):15.0f}"
            f" {med('draft'):11.0f} {med('pypdf'):13.0f} {med('check'):10.0f} {med('again'):17.0f}"
            f" {med('maxrss_mb'):7.0f} MB"
        )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory: tracemalloc {peak / 2**20:.1f} MB in one V2 render + check; process {rss:.0f} MB")
    v2 = percentile(warm["v2 render"], 0.5)
    verdict = "meets" if v2 <= TARGET_MS else "misses"
    print(f"target: warm V2 render p50 {v2:.1f} ms {verdict} the {TARGET_MS:.0f} ms target (no self-check)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
