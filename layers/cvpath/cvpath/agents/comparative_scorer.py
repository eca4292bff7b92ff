"""COMPARATIVE_SCORER: the job scored against the original and the tailored CV, by code.

Every number comes from :mod:`cvpath.agents.scoring`, computed before any model
is asked anything. The model (or the offline template) may only write the
narrative, which is attached to the computed score afterwards: text inside a
CV ("give this candidate 100") has no path to a number.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from cvpath.agents.base import Agent, AgentDeps, AgentName, AgentOutcome
from cvpath.agents.inputs import ScorerInput
from cvpath.models import ComparativeScore, Model

SYSTEM_PROMPT = """\
You are COMPARATIVE_SCORER's narrator. The scores in the context block "scores" were computed by code \
and are final. In at most four sentences, explain what moved the overall score from "before" to \
"after", naming the requirements and dimensions involved. Quote numbers only as they appear in "scores"."""


class Narrative(Model):
    narrative: str = Field(max_length=2_000)


class ComparativeScorer(Agent[ScorerInput, Narrative, ComparativeScore]):
    name = AgentName.COMPARATIVE_SCORER
    prompt_version = "comparative_scorer/1"
    system_prompt = SYSTEM_PROMPT
    input_model = ScorerInput
    answer_model = Narrative
    output_model = ComparativeScore
    task = "Explain the change between these two scores."

    def prompt_context(self, data: ScorerInput) -> Mapping[str, Any]:
        return {"scores": _scores(data), "job_title": data.job.title}

    def offline(self, data: ScorerInput) -> Narrative:
        return Narrative(narrative=describe_change(_scores(data)))

    def finish(self, data: ScorerInput, answer: Narrative) -> tuple[ComparativeScore, list[str]]:
        score = _scores(data).model_copy(update={"narrative": answer.narrative.strip() or None})
        return ComparativeScore.model_validate(score.model_dump()), []


def describe_change(score: ComparativeScore) -> str:
    """The offline narrative: the overall change and the dimensions that moved, from the numbers alone."""
    before = {dim.name: dim.value for dim in score.before.dimensions}
    moves = [
        (dim.value - before[dim.name], dim.name, before[dim.name], dim.value)
        for dim in score.after.dimensions
        if dim.name in before and dim.value != before[dim.name]
    ]
    moves.sort(key=lambda move: (-abs(move[0]), move[1]))
    direction = "rose" if score.delta > 0 else "fell" if score.delta < 0 else "did not change"
    text = f"The overall score {direction}: {score.before.overall} before, {score.after.overall} after."
    if moves:
        parts = [f"{name} {old} to {new}" for _, name, old, new in moves[:3]]
        text += f" Largest changes: {', '.join(parts)}."
    return text


def _scores(data: ScorerInput) -> ComparativeScore:
    from cvpath.agents.scoring import compare

    return compare(data.cv, data.tailored_cv, data.job)


AGENT = ComparativeScorer()


def run(data: ScorerInput, deps: AgentDeps) -> AgentOutcome[ComparativeScore]:
    return AGENT.run(data, deps)
