"""Benchmark: whole offline pipelines on the real state machine, and the handlers' cold import cost.

Usage: .venv/bin/python bench/pipeline.py [--runs 10] [--url URL]

It creates a scratch database (on ``--url``, else ``DATABASE_URL``, else the
embedded server), starts the local moto stack from template.yaml, and:

1. baseline: runs the same tasks by calling the handlers one after another,
   with no state machine (Admit, ExtractText, the six agents, Render, Settle);
2. pipeline: runs ``--runs`` executions of statemachine/tailoring.asl.json
   with the offline provider (the bundled PDF CV and job: ExtractText included).

It prints per-state times, the wall time per pipeline, the time spent inside
handlers and the orchestration overhead (wall minus handler time), compared
with the baseline; then each handler module's cold import time, measured with
``python -X importtime`` in a fresh interpreter. Targets on this machine: a
pipeline <= 5 s without retries; agent handlers import <= 300 ms, render <= 400 ms.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from scratch_database import scratch_database, server_url

ROOT = Path(__file__).resolve().parents[1]
CV = ROOT / "examples" / "sample_cv.pdf"
JOB = ROOT / "examples" / "sample_job.txt"
# The modules Lambda imports first, per function group, with their targets (ms).
IMPORT_TARGETS = {
    "cvpath_agents.handlers": 300,
    "cvpath_pipeline.run_states": 300,
    "cvpath_render.handlers": 400,
    "cvpath_render.tasks": 400,
}
BASELINE_TASKS = [
    ("AdmitFunction", None),
    ("ExtractTextFunction", "cv"),
    ("CvParserFunction", None),
    ("CvValidatorFunction", None),
    ("JobParserFunction", None),
    ("JobAnalyzerFunction", None),
    ("CvTailorFunction", None),
    ("ComparativeScorerFunction", None),
    ("RenderFunction", "render"),
    ("SettleFunction", None),
]


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered):8.0f} {p95:8.0f}"


def critical_path_ms(calls: list[Any]) -> float:
    """Handler time on the critical path: the two Parallel branches overlap, so only the longer counts."""
    spent: dict[str, float] = defaultdict(float)
    for call in calls:
        spent[call.function] += call.duration_ms
    cv_branch = spent.pop("CvParserFunction", 0.0) + spent.pop("CvValidatorFunction", 0.0)
    job_branch = spent.pop("JobParserFunction", 0.0)
    return sum(spent.values()) + max(cv_branch, job_branch)


def _event(submission: Any, extra: str | None) -> dict[str, Any]:
    event: dict[str, Any] = {"run_id": submission.execution_input["run_id"]}
    if extra:
        event[extra] = submission.execution_input[extra]
    return event


def bench_pipelines(runs: int) -> None:
    from cvpath.config import get_settings
    from cvpath.db.pool import close_pool, connect
    from local.aws.cloud import local_cloud
    from local.aws.executions import run_execution
    from local.tailoring.handler_logs import handler_logs_to, preload_task_handlers
    from local.tailoring.submission import RunOptions, read_cv, read_job, submit

    cv, job = read_cv(CV), read_job(JOB)
    options = RunOptions(engine="v2", cover_letter="none", provider="offline")
    url = get_settings().database_url
    assert url is not None
    log = ROOT / ".cvpath" / "bench" / "pipeline-handlers.jsonl"
    with ExitStack() as stack:
        conn = stack.enter_context(connect(url.get_secret_value(), autocommit=True))
        cloud = stack.enter_context(local_cloud())
        preload_task_handlers(cloud.template)
        # The handlers' JSON logs go to a file, as in `cvpath tailor`: the figures stay readable.
        stack.enter_context(handler_logs_to(log))
        # Warm-up: first imports, font registration and pool start are not what is measured.
        warm = submit(conn, cloud.s3, cloud.bucket, cv, job, options)
        run_execution(cloud, str(warm.run_id), warm.execution_input)

        baseline: list[float] = []
        for _ in range(runs):
            submission = submit(conn, cloud.s3, cloud.bucket, cv, job, options)
            started = time.perf_counter()
            for logical_id, extra in BASELINE_TASKS:
                cloud.invoke(logical_id, _event(submission, extra))
            baseline.append((time.perf_counter() - started) * 1000)

        walls: list[float] = []
        inside: list[float] = []
        per_state: dict[str, list[float]] = defaultdict(list)
        for number in range(runs):
            submission = submit(conn, cloud.s3, cloud.bucket, cv, job, options)
            cloud.calls.clear()
            result = run_execution(cloud, str(submission.run_id), submission.execution_input)
            if result.status != "SUCCEEDED":
                raise SystemExit(f"run {number + 1} ended {result.status}: {result.error} {result.cause}")
            walls.append(result.wall_ms)
            inside.append(critical_path_ms(cloud.calls))
            for state in result.states:
                per_state[state.name].append(state.duration_ms)
    close_pool()

    print(f"\n{runs} offline pipelines (PDF CV, ExtractText included), ms: median p95")
    for name, values in per_state.items():
        print(f"  {name:<22}{_ms(values)}")
    overhead = [wall - handlers for wall, handlers in zip(walls, inside, strict=True)]
    print(f"  {'pipeline wall':<22}{_ms(walls)}   (target <= 5000 ms)")
    print(f"  {'inside handlers':<22}{_ms(inside)}   (critical path: the longer Parallel branch)")
    print(f"  {'orchestration':<22}{_ms(overhead)}   (wall minus that handler time)")
    print(f"  {'baseline: direct calls':<22}{_ms(baseline)}   (the same ten tasks, no state machine)")
    verdict = "within" if statistics.median(walls) <= 5000 else "OVER"
    print(
        f"  -> median pipeline {statistics.median(walls) / 1000:.2f} s: {verdict} the 5 s target; "
        f"the state machine adds {statistics.median(walls) - statistics.median(baseline):.0f} ms"
    )


def lambda_site() -> Path:
    """A folder with only what the Lambda packages ship: the layer's and the render function's requirements.

    Why: the dev venv also holds click, rich and typer, which httpx imports when
    present (its CLI); Lambda has none of them, so timing imports there would mislead.
    """
    version = f"{sys.version_info.major}{sys.version_info.minor}"
    target = ROOT / ".cvpath" / "bench" / f"lambda-site-py{version}"
    if not target.is_dir():
        uv = shutil.which("uv") or str(ROOT / ".cvpath" / "tools" / "bin" / "uv")
        requirements = [
            ROOT / "layers" / "cvpath" / "requirements.txt",
            ROOT / "functions" / "render" / "requirements.txt",
        ]
        print(f"installing the Lambda requirements into {target.relative_to(ROOT)} (once) ...", flush=True)
        subprocess.run(  # noqa: S603 - our uv, our requirement files
            [uv, "pip", "install", "--quiet", "--target", str(target), "--python", sys.executable]
            + [arg for path in requirements for arg in ("-r", str(path))],
            env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"},
            check=True,
            timeout=600,
        )
    return target


def cold_import_ms(module: str, paths: list[Path] | None) -> float:
    """The module's cumulative import time in a fresh interpreter (``-X importtime``), in ms.

    With ``paths``, the interpreter is isolated (``-I -S``: no site-packages, not
    even the venv's, no PYTHONPATH) and sees only the standard library and those
    folders, as Lambda sees /var/task and /opt/python.
    """
    # Bytecode caches are kept (written by the first run): what is measured is import work, not compiling.
    code = f"import {module}"
    args = [sys.executable, "-X", "importtime"]
    if paths is not None:
        code = f"import sys; sys.path[:0] = {[str(path) for path in paths]!r}; {code}"
        args += ["-I", "-S"]
    done = subprocess.run(  # noqa: S603 - our interpreter, our module names
        [*args, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    for line in done.stderr.splitlines():
        parts = [part.strip() for part in line.removeprefix("import time:").split("|")]
        if len(parts) == 3 and parts[2] == module:
            return int(parts[1]) / 1000
    raise RuntimeError(f"no importtime line for {module}")


def bench_imports(repeats: int = 7) -> None:
    site = lambda_site()
    code_dirs = [
        ROOT / "layers" / "cvpath",
        *(ROOT / "functions" / name for name in ("agents", "pipeline", "render")),
    ]
    lambda_paths = [site, *code_dirs]

    def median(module: str, paths: list[Path] | None) -> float:
        return statistics.median(cold_import_ms(module, paths) for _ in range(repeats))

    print(f"\ncold import, median of {repeats} fresh interpreters (Python {sys.version.split()[0]}), ms")
    print(f"  {'module':<30}{'Lambda pkg':>10}{'dev venv':>10}")
    print(f"  {'json (baseline)':<30}{median('json', lambda_paths):10.1f}{median('json', None):10.1f}")
    for module, target in IMPORT_TARGETS.items():
        packaged = median(module, lambda_paths)
        verdict = "ok" if packaged <= target else "OVER"
        print(f"  {module:<30}{packaged:10.1f}{median(module, None):10.1f}   target <= {target}: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--url", help="PostgreSQL server URL (default: DATABASE_URL or the embedded one)")
    args = parser.parse_args()

    from cvpath.config import get_settings

    with scratch_database(server_url(args.url)) as scratch_url:
        os.environ["DATABASE_URL"] = scratch_url
        get_settings.cache_clear()
        bench_pipelines(args.runs)
    bench_imports()


if __name__ == "__main__":
    main()
