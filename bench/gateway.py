"""Benchmark: what the LLM gateway adds to a provider call, and how fast it fails over.

Usage: .venv/bin/python bench/gateway.py [--requests 2000] [--concurrency 1,16] [--failovers 300]

The fake provider runs in its own process (``cvpath llm fake-server``) on
loopback, so its work does not compete with the client for this process's GIL.

* Overhead: the same OpenAI-compatible request (an ~8 KB prompt, the size of
  a parsed CV plus instructions) sent by a bare ``httpx.Client`` (same pool
  settings, keep-alive) and through ``ProviderChain.complete`` (key lookup,
  wire mapping, kill-switch check, streamed and capped read, classification,
  a redacted ``Attempt`` handed to a recorder).
  - Capacity first: each of the threads sends back to back, bare-only then
    chain-only (three alternating runs, median): requests per second.
  - Latency at half of that capacity: the threads send on a schedule, each
    alternating bare and chain calls (the order flips every round), so both see
    the same load. Added = chain - bare, at p50 and p99.
  Why not back to back for latency too: with two CPUs, 16 threads sending back
  to back saturate the machine, and a call's latency is then mostly its place
  in the GIL queue, which swings by milliseconds between runs and by call
  position. The capacity column shows the saturated cost instead.
* Failover: a two-link chain whose first link fails (an injected 503, or a
  port with nothing listening) and whose second answers, backoff zero; the
  time is the whole ``complete`` call, from start to the first success.

Targets: added p50 <= 1 ms, added p99 <= 5 ms, failover <= 10 ms.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from pydantic import SecretStr

from cvpath.llm.chain import ProviderChain
from cvpath.llm.clients.base import new_http_client
from cvpath.llm.keys import KeySource
from cvpath.llm.types import Attempt, AttemptRecorder, CallContext, ChatMessage, ChatRequest
from local.fake_llm import unused_port

KEY = SecretStr("sk-bench-0123456789abcdefghijklmnop")
CONTEXT = CallContext(run_id="bench", agent="CV_TAILOR")
SYSTEM = "You tailor CVs. Answer with one JSON object that matches the schema. " * 28
USER = "Senior platform engineer, 8 years of Python, AWS Lambda, PostgreSQL, Step Functions. " * 72
REQUEST = ChatRequest(
    model="bench-model",
    system=SYSTEM,
    messages=[ChatMessage(role="user", content=USER)],
    max_tokens=1024,
)


class DiscardingRecorder(AttemptRecorder):
    """The audit log's cost is its own benchmark; here the attempt is built and handed over."""

    def record(self, context: CallContext, attempt: Attempt) -> None:
        return None


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def start_fake_server() -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-c", "from local.commands.llm import llm_app; llm_app()", "fake-server"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    # Our own interpreter running our own module: no untrusted input.
    process = subprocess.Popen(  # noqa: S603
        [*command, "--port", "0"], stdout=subprocess.PIPE, text=True, env=env
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    if "listening on" not in first:
        process.kill()
        raise SystemExit(f"the fake server did not start: {first!r}")
    return process, first.split()[-1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run_threads(
    calls: list[Callable[[], object]], total: int, concurrency: int, *, interval_s: float = 0.0
) -> list[list[float]]:
    """Latencies (ms) per call kind. ``total`` calls spread over ``concurrency`` threads;
    thread t's i-th call is ``calls[(i + t) % len(calls)]``. With ``interval_s`` each
    thread sends one call per interval (staggered), else back to back."""

    def worker(thread: int, count: int) -> list[list[float]]:
        times: list[list[float]] = [[] for _ in calls]
        start = time.perf_counter() + interval_s * thread / concurrency
        for i in range(count):
            if interval_s:
                time.sleep(max(0.0, start + i * interval_s - time.perf_counter()))
            kind = (i + thread) % len(calls)
            started = time.perf_counter()
            calls[kind]()
            times[kind].append((time.perf_counter() - started) * 1000)
        return times

    shares = [total // concurrency + (1 if i < total % concurrency else 0) for i in range(concurrency)]
    merged: list[list[float]] = [[] for _ in calls]
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for times in pool.map(worker, range(concurrency), shares):
            for kind, values in enumerate(times):
                merged[kind] += values
    return merged


def capacity(call: Callable[[], object], total: int, concurrency: int) -> float:
    started = time.perf_counter()
    run_threads([call], total, concurrency)
    return total / (time.perf_counter() - started)


def overhead(url: str, requests: int, concurrency: int) -> dict[str, Any]:
    bare_http = new_http_client()
    body = {
        "model": "bench-model",
        "messages": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": USER}],
        "temperature": 0.0,
        "max_tokens": 1024,
    }
    headers = {"authorization": f"Bearer {KEY.get_secret_value()}", "content-type": "application/json"}

    def bare() -> str:
        response = bare_http.post(f"{url}/v1/chat/completions", json=body, headers=headers, timeout=30.0)
        response.raise_for_status()
        return str(response.json()["choices"][0]["message"]["content"])

    chain = ProviderChain.from_json(
        [{"provider": "openai", "model": "bench-model", "base_url": url, "timeout_s": 30}],
        keys=KeySource(overrides={"openai": KEY}),
        recorder=DiscardingRecorder(),
        http=new_http_client(),
    )

    def through_chain() -> str:
        return chain.complete(REQUEST, CONTEXT).response.text

    if bare() != through_chain():
        raise SystemExit("the bare call and the chain disagree on the answer")
    run_threads([bare, through_chain], 400, concurrency)  # warm-up: connections, imports, caches

    rates: dict[str, list[float]] = {"bare": [], "chain": []}
    for run in range(3):
        rates["bare"].append(capacity(bare, requests // 2, concurrency))
        rates["chain"].append(capacity(through_chain, requests // 2, concurrency))
        progress(f"  {concurrency} threads: capacity run {run + 1}/3")
    bare_rps = statistics.median(rates["bare"])
    chain_rps = statistics.median(rates["chain"])

    # Half of the bare capacity, spread over the threads.
    interval_s = concurrency / (0.5 * bare_rps)
    bare_ms, chain_ms = run_threads([bare, through_chain], 2 * requests, concurrency, interval_s=interval_s)
    progress(
        f"  {concurrency} threads: {len(bare_ms)} + {len(chain_ms)} paced requests at {0.5 * bare_rps:.0f}/s"
    )
    bare_http.close()
    return {
        "concurrency": concurrency,
        "requests": len(chain_ms),
        "rate": 0.5 * bare_rps,
        "bare_p50": percentile(bare_ms, 0.50),
        "chain_p50": percentile(chain_ms, 0.50),
        "bare_p99": percentile(bare_ms, 0.99),
        "chain_p99": percentile(chain_ms, 0.99),
        "bare_rps": bare_rps,
        "chain_rps": chain_rps,
    }


def failover(url: str, first_link: str, runs: int) -> dict[str, Any]:
    """``first_link``: "503" (injected through the control route) or "refused" (a closed port)."""
    control = httpx.Client(timeout=10.0)
    first_url = f"http://127.0.0.1:{unused_port()}" if first_link == "refused" else url
    chain = ProviderChain.from_json(
        [
            {"provider": "openai", "model": "first", "base_url": first_url, "max_retries": 0},
            {"provider": "openai", "model": "second", "base_url": url},
        ],
        keys=KeySource(overrides={"openai": KEY}),
        recorder=DiscardingRecorder(),
        backoff_base_s=0.0,
        http=new_http_client(),
    )
    times: list[float] = []
    for number in range(runs + 20):
        if first_link == "503":
            control.post(f"{url}/_fake/script", json={"items": [{"fault": "status", "status": 503}]})
        started = time.perf_counter()
        result = chain.complete(REQUEST, CONTEXT)
        elapsed = (time.perf_counter() - started) * 1000
        if result.model != "second" or len(result.attempts) != 2:
            raise SystemExit(
                f"failover did not happen as scripted: {[a.error_code for a in result.attempts]}"
            )
        if number >= 20:  # the first runs warm up
            times.append(elapsed)
    control.close()
    progress(f"  failover from {first_link}: {len(times)} runs")
    return {
        "from": first_link,
        "runs": len(times),
        "p50": percentile(times, 0.5),
        "p99": percentile(times, 0.99),
    }


def print_overhead(rows: list[dict[str, Any]]) -> None:
    prompt_kb = (len(SYSTEM) + len(USER)) / 1024
    print(
        f"\nGateway overhead vs a bare httpx call (fake OpenAI provider, loopback, {prompt_kb:.1f} KB prompt)"
    )
    print(
        f"{'threads':>7}  {'calls':>5}  {'at':>7}  {'bare p50':>9}  {'chain p50':>9}  {'added p50':>9}  "
        f"{'bare p99':>9}  {'chain p99':>9}  {'added p99':>9}  {'capacity bare/chain':>19}  target"
    )
    for row in rows:
        added_p50 = row["chain_p50"] - row["bare_p50"]
        added_p99 = row["chain_p99"] - row["bare_p99"]
        verdict = "met" if added_p50 <= 1.0 and added_p99 <= 5.0 else "MISSED"
        rates = f"{row['bare_rps']:.0f} / {row['chain_rps']:.0f} /s"
        print(
            f"{row['concurrency']:>7}  {row['requests']:>5}  {row['rate']:>5.0f}/s  "
            f"{row['bare_p50']:>6.3f} ms  {row['chain_p50']:>6.3f} ms  {added_p50:>+6.3f} ms  "
            f"{row['bare_p99']:>6.3f} ms  {row['chain_p99']:>6.3f} ms  {added_p99:>+6.3f} ms  "
            f"{rates:>19}  {verdict}"
        )
    print("target: added p50 <= 1 ms and added p99 <= 5 ms (latency at half the bare capacity)")


def print_failover(rows: list[dict[str, Any]]) -> None:
    print("\nFailover to the first success (two-link chain, backoff 0, whole complete() call)")
    print(f"{'first link':>20}  {'runs':>5}  {'p50':>9}  {'p99':>9}  target")
    labels = {"503": "injected 503", "refused": "connection refused"}
    for row in rows:
        verdict = "met" if row["p50"] <= 10.0 else "MISSED"
        print(
            f"{labels[row['from']]:>20}  {row['runs']:>5}  {row['p50']:>6.3f} ms  {row['p99']:>6.3f} ms  "
            f"{verdict} (<= 10 ms)"
        )


# --- token table -------------------------------------------------------------------
# The token table (compact JSON vs indented JSON vs TOON, per corpus CV) belongs to
# the PromptBuilder and is printed by bench/prompt_tokens.py; `make bench` runs both.


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="paced calls per mode and thread count")
    parser.add_argument("--concurrency", default="1,16", help="comma-separated thread counts")
    parser.add_argument("--failovers", type=int, default=300, help="failover runs per kind")
    args = parser.parse_args()
    levels = [int(level) for level in args.concurrency.split(",")]
    # Each injected failure logs a failover warning; hundreds of them would bury the table.
    logging.getLogger("cvpath.llm.chain").setLevel(logging.ERROR)

    process, url = start_fake_server()
    progress(f"fake provider at {url} (pid {process.pid})")
    try:
        overhead_rows = []
        for level in levels:
            progress(
                f"overhead with {level} thread(s): capacity, then {args.requests} paced calls of each kind"
            )
            overhead_rows.append(overhead(url, args.requests, level))
        progress(f"failover: {args.failovers} runs each")
        failover_rows = [failover(url, kind, args.failovers) for kind in ("503", "refused")]
    finally:
        process.terminate()
        process.wait(timeout=10)
    print_overhead(overhead_rows)
    print_failover(failover_rows)
    print(f"\n(python {sys.version.split()[0]}, httpx {httpx.__version__}, {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
