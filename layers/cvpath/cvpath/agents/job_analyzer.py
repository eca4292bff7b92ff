"""JOB_ANALYZER: per job requirement, met / partial / missing, with verbatim evidence from the CV.

Whoever answered, :func:`reconcile` checks the analysis against the CV: evidence
citing an unknown id or quoting text the item does not contain is dropped, and a
status left without evidence becomes ``missing``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cvpath.agents.base import Agent, AgentDeps, AgentName, AgentOutcome
from cvpath.agents.inputs import JobAnalyzerInput
from cvpath.models import Analysis

SYSTEM_PROMPT = """\
You are JOB_ANALYZER. For every requirement of the job in the context block "job" (mustHave and \
niceToHave, by id), decide whether the CV in the context block "cv" meets it: "met", "partial" or "missing".
- Each met or partial requirement needs evidence: the id of the CV bullet (or entry) that shows it and a \
quote copied verbatim from that item. A missing requirement has no evidence.
- Judge only from what the CV states. Related experience that is not the same skill is "partial", say why.
- strengths: the met must-haves; gaps: the missing must-haves; summary: one or two sentences."""


class JobAnalyzer(Agent[JobAnalyzerInput, Analysis, Analysis]):
    name = AgentName.JOB_ANALYZER
    prompt_version = "job_analyzer/1"
    system_prompt = SYSTEM_PROMPT
    input_model = JobAnalyzerInput
    answer_model = Analysis
    output_model = Analysis
    task = "Analyse how this CV meets each requirement of this job."

    def prompt_context(self, data: JobAnalyzerInput) -> Mapping[str, Any]:
        return {"job": data.job, "cv": data.cv}

    def offline(self, data: JobAnalyzerInput) -> Analysis:
        from cvpath.agents.offline.job_analyzer import analyze

        return analyze(data.cv, data.job)

    def finish(self, data: JobAnalyzerInput, answer: Analysis) -> tuple[Analysis, list[str]]:
        from cvpath.agents.analysis_check import reconcile

        return reconcile(answer, data.cv, data.job)


AGENT = JobAnalyzer()


def run(data: JobAnalyzerInput, deps: AgentDeps) -> AgentOutcome[Analysis]:
    return AGENT.run(data, deps)
