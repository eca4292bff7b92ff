"""CV_TAILOR: the CV rewritten for the job, every bullet traced to its sources, then guarded.

The fabrication guard runs on every answer, an LLM's or the offline one: what
does not trace to the source CV is removed and listed in the guard report, and
is never rendered.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cvpath.agents.base import Agent, AgentDeps, AgentName, AgentOutcome
from cvpath.agents.inputs import CVTailorInput
from cvpath.models import TailoredCV, TailorResult

SYSTEM_PROMPT = """\
You are CV_TAILOR. Rewrite the CV in the context block "cv" for the job in "job", using the gap analysis \
in "analysis".
- Keep every employer, job title, institution, degree and date exactly as in the CV. Add no entry.
- Reorder sections, entries, bullets and skills by relevance to the job; leave out what does not help.
- You may reword a bullet to use the job's terms, but only with facts from the bullets it rewrites. Every \
bullet must list in "sourceBulletIds" the ids of the CV bullets it was written from.
- Every number in a bullet must appear in its source bullets. No new metrics, tools or achievements.
- "summary": two sentences at most, only from facts in the CV.
- "sectionOrder": the sections to show, most relevant first.
- Leave every entry and bullet "id" empty: ids are derived from the content."""


class CVTailor(Agent[CVTailorInput, TailoredCV, TailorResult]):
    name = AgentName.CV_TAILOR
    prompt_version = "cv_tailor/1"
    system_prompt = SYSTEM_PROMPT
    input_model = CVTailorInput
    answer_model = TailoredCV
    output_model = TailorResult
    task = "Tailor this CV to this job."

    def prompt_context(self, data: CVTailorInput) -> Mapping[str, Any]:
        return {"job": data.job, "analysis": data.analysis, "cv": data.cv}

    def offline(self, data: CVTailorInput) -> TailoredCV:
        from cvpath.agents.offline.cv_tailor import tailor

        return tailor(data.cv, data.job, data.analysis)

    def finish(self, data: CVTailorInput, answer: TailoredCV) -> tuple[TailorResult, list[str]]:
        from cvpath.agents.guard import guard_tailored

        result = guard_tailored(data.cv, answer)
        repairs = [f"{f.action}: {f.path} ({f.reason})" for f in result.guard_report.findings]
        return result, repairs


AGENT = CVTailor()


def run(data: CVTailorInput, deps: AgentDeps) -> AgentOutcome[TailorResult]:
    return AGENT.run(data, deps)
