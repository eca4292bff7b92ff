"""report.md: a person's summary of report.json.

What it shows, in order: who applied for what, the outcome, the score before
and after with its dimensions, the top gaps with their evidence, what the
tailor changed and what the guard removed, the cost, and the states with their
durations. A section whose data is absent says so in a sentence instead of
disappearing, so a reader can tell "nothing to show" from "not run".
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cvpath.reports.markdown_text import amount, escape, signed, table

MAX_GAPS = 5
MAX_QUOTE_CHARS = 160


def render_markdown(report: Mapping[str, Any]) -> str:
    """The Markdown summary of a report built by :func:`cvpath.reports.build_report`."""
    lines = [*_title(report), *_score(report), *_gaps(report), *_changes(report), *_guard(report)]
    lines += [*_costs(report), *_states(report), *_files(report)]
    return "\n".join(lines).rstrip() + "\n"


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _title(report: Mapping[str, Any]) -> Iterator[str]:
    name = _dict(_dict(report.get("cv")).get("basics")).get("name") or "Unnamed candidate"
    job = _dict(report.get("job"))
    target = escape(job["title"]) if job.get("title") else "an unparsed job"
    if job.get("company"):
        target += f" at {escape(job['company'])}"
    yield f"# {escape(name)} \u2192 {target}"
    yield ""
    yield f"Run {escape(report.get('run_id', '?'))}: **{escape(report.get('status', 'UNKNOWN'))}**"
    error = _dict(report.get("error"))
    if error:
        where = f" in {escape(error['state'])}" if error.get("state") else ""
        message = f": {escape(error['message'])}" if error.get("message") else ""
        yield ""
        yield f"> **Failed{where}** ({escape(error.get('code') or 'Unknown')}){message}"
    yield ""


def _score(report: Mapping[str, Any]) -> Iterator[str]:
    yield "## Score"
    yield ""
    before, after = _dict(report.get("score_before")), _dict(report.get("score_after"))
    if not before or not after:
        yield "No score: the run did not reach the scorer."
        yield ""
        return
    delta = report.get("score_delta")
    change = f" ({signed(delta)})" if isinstance(delta, int | float) else ""
    yield f"**{before['overall']:.1f} \u2192 {after['overall']:.1f}**{change}"
    yield ""
    after_values = {dim["name"]: dim["value"] for dim in _list(after.get("dimensions"))}
    rows = []
    for dim in _list(before.get("dimensions")):
        new = after_values.get(dim["name"])
        rows.append(
            [
                escape(dim["name"]),
                f"{dim['weight']:.0%}",
                f"{dim['value']:.1f}",
                "" if new is None else f"{new:.1f}",
                "" if new is None else signed(new - dim["value"]),
            ]
        )
    yield from table(["Dimension", "Weight", "Before", "After", "Change"], rows, right=(1, 2, 3, 4))
    yield ""


def _gaps(report: Mapping[str, Any]) -> Iterator[str]:
    yield "## Top gaps"
    yield ""
    analysis, job = _dict(report.get("analysis")), _dict(report.get("job"))
    if not analysis:
        yield "No analysis: the run did not reach the job analyzer."
        yield ""
        return
    asked = {req["id"]: (req, "nice-to-have") for req in _list(job.get("niceToHave"))}
    asked.update({req["id"]: (req, "must-have") for req in _list(job.get("mustHave"))})
    rank = {("must-have", "missing"): 0, ("must-have", "partial"): 1, ("nice-to-have", "missing"): 2}
    gaps = []
    for row in _list(analysis.get("requirements")):
        if row.get("status") not in ("missing", "partial") or row.get("requirementId") not in asked:
            continue
        requirement, priority = asked[row["requirementId"]]
        gaps.append((rank.get((priority, row["status"]), 3), requirement, priority, row))
    gaps.sort(key=lambda gap: gap[0])
    if not gaps:
        yield "No gaps: the CV shows every requirement the job lists."
        yield ""
        return
    for _, requirement, priority, row in gaps[:MAX_GAPS]:
        asks = f"- **{escape(_short(requirement['text']))}** ({priority}, {row['status']}): "
        quotes = [item["quote"] for item in _list(row.get("evidence")) if item.get("quote")]
        if quotes:
            yield asks + f"the CV shows only \u201c{escape(_short(quotes[0]))}\u201d"
        else:
            yield asks + "the CV does not show it"
    if len(gaps) > MAX_GAPS:
        yield f"- \u2026 and {len(gaps) - MAX_GAPS} more in report.json"
    yield ""


def _short(text: str) -> str:
    # A requirement or quote can be a whole paragraph; report.json has it in full.
    return text if len(text) <= MAX_QUOTE_CHARS else text[: MAX_QUOTE_CHARS - 1].rstrip() + "\u2026"


def _changes(report: Mapping[str, Any]) -> Iterator[str]:
    yield "## What the tailor changed"
    yield ""
    source, tailored = _dict(report.get("cv")), _dict(report.get("tailored_cv"))
    if not tailored:
        yield "No tailored CV: the run did not reach the tailor."
        yield ""
        return
    order = [escape(name) for name in _list(tailored.get("sectionOrder"))]
    yield f"- Sections shown, in order: {', '.join(order) or 'none'}"
    for section, bullets in (("work", "highlights"), ("projects", "highlights")):
        kept, had = _list(tailored.get(section)), _list(source.get(section))
        if not had:
            continue
        kept_bullets = sum(len(_list(entry.get(bullets))) for entry in kept)
        had_bullets = sum(len(_list(entry.get(bullets))) for entry in had)
        yield (
            f"- {section.capitalize()}: {len(kept)} of {len(had)} entries kept, "
            f"{kept_bullets} of {had_bullets} bullets"
        )
    old_summary = _dict(source.get("basics")).get("summary")
    new_summary = _dict(tailored.get("basics")).get("summary")
    if old_summary or new_summary:
        yield f"- Summary: {'unchanged' if old_summary == new_summary else 'rewritten'}"
    yield ""


def _guard(report: Mapping[str, Any]) -> Iterator[str]:
    yield "## What the guard removed"
    yield ""
    guard = _dict(report.get("guard_report"))
    findings = _list(guard.get("findings"))
    if not guard:
        yield "No guard report: the run did not reach the tailor."
    elif not findings:
        yield "Nothing: every claim in the tailored CV traces back to the source CV."
    for finding in findings:
        yield (
            f"- {escape(finding.get('kind', '?'))} at {escape(finding.get('path', '?'))}: "
            f"\u201c{escape(finding.get('value', ''))}\u201d {escape(finding.get('action', ''))} "
            f"({escape(finding.get('reason', ''))})"
        )
    yield ""


def _costs(report: Mapping[str, Any]) -> Iterator[str]:
    costs = _dict(report.get("costs"))
    yield "## Costs"
    yield ""
    yield f"Total: {amount(costs.get('total', '0'))} {escape(costs.get('currency', 'USD'))}"
    yield ""
    rows = [
        [
            escape(row.get("agent") or "-"),
            escape(row.get("provider")),
            escape(row.get("model")),
            str(row.get("attempts", 0)),
            _outcome(row),
            str(row.get("input_tokens", 0)),
            str(row.get("output_tokens", 0)),
            amount(row.get("cost", "0")),
        ]
        for row in _list(costs.get("by_agent"))
    ]
    if not rows:
        yield "No LLM calls were recorded."
    else:
        headers = ["Agent", "Provider", "Model", "Attempts", "Outcome", "Tokens in", "Tokens out", "Cost"]
        yield from table(headers, rows, right=(3, 5, 6, 7))
    yield ""


def _outcome(row: Mapping[str, Any]) -> str:
    """``answered``, or why not (``skipped: missing_key``, ``failed: provider_unavailable``)."""
    if int(row.get("answered") or 0) > 0:
        return "answered"
    errors = [str(code) for code in _list(row.get("errors"))]
    verb = "skipped" if errors == ["missing_key"] else "failed"
    return escape(f"{verb}: {', '.join(errors)}" if errors else "no answer")


def _states(report: Mapping[str, Any]) -> Iterator[str]:
    yield "## States"
    yield ""
    rows = [
        [
            escape(state.get("name")),
            escape(state.get("status")),
            f"{state.get('duration_ms') or 0} ms",
            str(state.get("attempts") or 1),
        ]
        for state in _list(report.get("states"))
    ]
    if not rows:
        yield "No state timings were recorded."
    else:
        yield from table(["State", "Status", "Duration", "Attempts"], rows, right=(2, 3))
    yield ""


def _files(report: Mapping[str, Any]) -> Iterator[str]:
    yield "## Files"
    yield ""
    files = _list(report.get("artifacts"))
    if not files:
        yield "No files were written."
    yield from (f"- {escape(name)}" for name in files)
    if report.get("cover_letter"):
        yield ""
        yield "A cover letter was composed from the CV's own facts (stored with the run)."
