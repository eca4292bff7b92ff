"""Benchmark: the public API's routes through the local gateway, and its handler's cold import.

Usage: .venv/bin/python bench/api.py [--requests 400] [--concurrency 8] [--url POSTGRES_URL]

Latency: ``cvpath serve`` in this process on a scratch database; 8 threads,
each with its own keep-alive ``httpx.Client``, send back to back. Measured per
request on the client, so it includes the HTTP server, the API Gateway event,
Mangum, FastAPI and the database. ``GET /api/health`` (no database, no token)
is the baseline of the same run: what the gateway and the app framework cost
alone. ``POST /api/guest`` writes a guest and its profile and signs a JWT;
``GET /api/me`` verifies one and reads the guest row. ``GET /api/runs/{id}``
reads a finished run (one real execution of the state machine, made first):
its row, recorded state timings, outputs and costs. ``POST /api/applications``
checks the job text with the pipeline's job gate and writes the application
and its job snapshot.

Each route is measured at the given concurrency and at 1: the local gateway is
one Python process, so at 8 the requests queue behind one another on 2 cores
(the baseline alone shows it); at 1 the figure is one request's own cost.

Cold import: ``cvpath_api.app`` in a fresh, isolated interpreter that sees
only what the PublicApiFunction ships (the layer, functions/api and its
requirements). Targets on this machine: p50 <= 15 ms; import <= 900 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from pipeline import cold_import_ms, lambda_site

ROOT = Path(__file__).resolve().parents[1]
P50_TARGET_MS = 15.0
IMPORT_TARGET_MS = 900.0
SAMPLE_CV_JSON = ROOT / "examples" / "cv.json"
SAMPLE_JOB = ROOT / "examples" / "sample_job.txt"
MODULE = "cvpath_api.app"


def api_site() -> Path:
    """The API function's own requirements (FastAPI, Mangum, PyJWT, argon2), next to ``lambda_site()``.

    Why a second folder: ``lambda_site()`` holds the layer's (and render's) packages;
    the API function adds its own on top, as its deployment package does.
    """
    version = f"{sys.version_info.major}{sys.version_info.minor}"
    target = ROOT / ".cvpath" / "bench" / f"api-site-py{version}"
    if not target.is_dir():
        uv = shutil.which("uv") or str(ROOT / ".cvpath" / "tools" / "bin" / "uv")
        requirements = ROOT / "functions" / "api" / "requirements.txt"
        print(f"installing the API requirements into {target.relative_to(ROOT)} (once) ...", flush=True)
        command = [uv, "pip", "install", "--quiet", "--target", str(target), "--python", sys.executable]
        subprocess.run(  # noqa: S603 - our uv, our requirement file
            [*command, "-r", str(requirements)],
            env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"},
            check=True,
            timeout=600,
        )
    return target


def bench_import(repeats: int = 7) -> None:
    paths = [api_site(), lambda_site(), ROOT / "layers" / "cvpath", ROOT / "functions" / "api"]

    def median(name: str, where: list[Path] | None) -> float:
        return statistics.median(cold_import_ms(name, where) for _ in range(repeats))

    print(f"\ncold import, median of {repeats} fresh interpreters (Python {sys.version.split()[0]}), ms")
    print(f"  {'module':<30}{'Lambda pkg':>10}{'dev venv':>10}")
    print(f"  {'json (baseline)':<30}{median('json', paths):10.1f}{median('json', None):10.1f}")
    print(
        f"  {'fastapi (framework alone)':<30}{median('fastapi', paths):10.1f}{median('fastapi', None):10.1f}"
    )
    packaged = median(MODULE, paths)
    verdict = f"target <= {IMPORT_TARGET_MS:.0f}: " + ("ok" if packaged <= IMPORT_TARGET_MS else "OVER")
    print(f"  {MODULE:<30}{packaged:10.1f}{median(MODULE, None):10.1f}   {verdict}")


@contextmanager
def gateway() -> Iterator[str]:
    """``cvpath serve`` on a free loopback port in a background thread; yields its base URL."""
    from local.serve import serve

    ready, stop = threading.Event(), threading.Event()
    failures: list[Exception] = []
    port = _free_port()

    def run() -> None:
        try:
            serve(port=port, ready=ready, stop=stop, log=lambda line: None)
        except Exception as exc:  # noqa: BLE001 - reported by the caller
            failures.append(exc)
            ready.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        if not ready.wait(60) or failures:
            raise RuntimeError(f"cvpath serve did not start: {failures}")
        yield f"http://127.0.0.1:{port}"
    finally:
        stop.set()
        thread.join(20)


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


Send = Callable[[httpx.Client], httpx.Response]


def _latencies(base: str, send: Send, expected: int, requests: int, concurrency: int) -> list[float]:
    """Per-request latency (ms) of ``requests`` calls spread over ``concurrency`` threads."""
    samples: list[float] = []
    lock = threading.Lock()
    per_thread = max(1, requests // concurrency)

    def worker() -> None:
        mine: list[float] = []
        with httpx.Client(base_url=base, timeout=30) as client:
            for _ in range(per_thread):
                started = time.perf_counter()
                answer = send(client)
                mine.append((time.perf_counter() - started) * 1000)
                if answer.status_code != expected:
                    raise RuntimeError(f"{answer.request.url.path}: {answer.status_code} {answer.text[:200]}")
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if len(samples) != per_thread * concurrency:
        raise RuntimeError("a worker failed; see its traceback above")
    return samples


def bench_latency(url: str | None, requests: int, concurrency: int) -> None:
    from scratch_database import scratch_database, server_url

    from cvpath.config import get_settings
    from cvpath.db.pool import close_pool

    os.environ.setdefault("CVPATH_JWT_SECRET", secrets.token_urlsafe(48))
    with scratch_database(server_url(url)) as scratch, _environ("DATABASE_URL", scratch):
        get_settings.cache_clear()
        with gateway() as base:
            token = httpx.post(f"{base}/api/guest", timeout=30).json()["guest_token"]
            auth = {"Authorization": f"Bearer {token}"}
            cv_id, run_id = _finished_run(base, auth)
            application = {"cv_id": cv_id, "job_description": SAMPLE_JOB.read_text(encoding="utf-8")}
            cases: list[tuple[str, Send, int]] = [
                ("GET /api/health (baseline)", lambda c: c.get("/api/health"), 200),
                ("POST /api/guest", lambda c: c.post("/api/guest"), 201),
                ("GET /api/me", lambda c: c.get("/api/me", headers=auth), 200),
                ("GET /api/runs/{id}", lambda c: c.get(f"/api/runs/{run_id}", headers=auth), 200),
                (
                    "POST /api/applications",
                    lambda c: c.post("/api/applications", json=application, headers=auth),
                    201,
                ),
            ]
            # Warm-up: first imports, the pool's connections, the handler's event loops.
            for _, send, expected in cases:
                _latencies(base, send, expected, concurrency * 4, concurrency)
            # Concurrency 1 as well: one request's own cost, with no queueing behind the GIL. In Lambda
            # every concurrent request has its own container, so that is the figure a user meets there.
            for level in sorted({concurrency, 1}, reverse=True):
                _print_latencies(base, cases, requests if level > 1 else requests // 4, level)
        # The pool points at the scratch database, which is about to be dropped.
        close_pool()
        get_settings.cache_clear()


def _print_latencies(base: str, cases: list[tuple[str, Send, int]], requests: int, concurrency: int) -> None:
    print(f"\nthrough the local gateway, {requests} requests at concurrency {concurrency}, ms")
    print(f"  {'route':<30}{'p50':>8}{'p99':>8}{'req/s':>8}")
    for name, send, expected in cases:
        started = time.perf_counter()
        samples = sorted(_latencies(base, send, expected, requests, concurrency))
        rate = len(samples) / (time.perf_counter() - started)
        p50 = statistics.median(samples)
        p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
        verdict = "" if "baseline" in name else f"   target p50 <= {P50_TARGET_MS:.0f}: "
        verdict += "" if "baseline" in name else ("ok" if p50 <= P50_TARGET_MS else "OVER")
        print(f"  {name:<30}{p50:8.1f}{p99:8.1f}{rate:8.0f}{verdict}")


def _finished_run(base: str, auth: dict[str, str]) -> tuple[str, str]:
    """A CV (the bundled sample as JSON Resume), an application and one run to success; (cv id, run id)."""
    with httpx.Client(base_url=base, timeout=60, headers=auth) as client:
        cv = client.post(
            "/api/cvs", json={"json_resume": json.loads(SAMPLE_CV_JSON.read_text(encoding="utf-8"))}
        )
        cv.raise_for_status()
        job = SAMPLE_JOB.read_text(encoding="utf-8")
        application = client.post(
            "/api/applications", json={"cv_id": cv.json()["id"], "job_description": job}
        )
        application.raise_for_status()
        started = client.post(f"/api/applications/{application.json()['id']}/runs", json={})
        started.raise_for_status()
        run_id = started.json()["run_id"]
        deadline = time.monotonic() + 120
        while (status := client.get(f"/api/runs/{run_id}").json()["status"]) in ("QUEUED", "RUNNING"):
            if time.monotonic() > deadline:
                raise RuntimeError(f"run {run_id} did not finish in 120 s")
            time.sleep(0.5)
        if status != "SUCCEEDED":
            raise RuntimeError(f"run {run_id} ended {status}")
        return cv.json()["id"], run_id


@contextmanager
def _environ(name: str, value: str) -> Iterator[None]:
    previous = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--url", help="PostgreSQL server URL (default: DATABASE_URL or the embedded one)")
    args = parser.parse_args()
    bench_latency(args.url, args.requests, args.concurrency)
    bench_import()


if __name__ == "__main__":
    main()
