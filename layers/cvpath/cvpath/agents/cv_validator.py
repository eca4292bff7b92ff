"""CV_VALIDATOR: check and repair a parsed CV without inventing anything.

The deterministic checks always run, whoever answered: the model may add
issues, but the CV that leaves this agent is the input CV with only the safe
repairs of :func:`validate_cv` (ordering, exact duplicates). A model's changed
CV is never taken over, so a "filled gap" cannot be an invented fact.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cvpath.agents.base import Agent, AgentDeps, AgentName, AgentOutcome
from cvpath.agents.inputs import CVValidatorInput
from cvpath.models import ValidationReport

SYSTEM_PROMPT = """\
You are CV_VALIDATOR. Check the structured CV in the context block "cv" against its source text in \
"cv_text" and report problems as issues: dates out of order or overlapping, missing contact data (email, \
phone, name), entries without dates, duplicated entries, text that was lost in parsing.
- Flag missing data as an issue; never fill it in.
- Return the CV unchanged in "cv"; put every finding in "issues" with a code, severity, JSON path and message.
- Set "language" to the ISO 639-1 code of the CV's language."""


class CVValidator(Agent[CVValidatorInput, ValidationReport, ValidationReport]):
    name = AgentName.CV_VALIDATOR
    prompt_version = "cv_validator/1"
    system_prompt = SYSTEM_PROMPT
    input_model = CVValidatorInput
    answer_model = ValidationReport
    output_model = ValidationReport
    task = "Validate this CV."

    def precheck(self, data: CVValidatorInput) -> None:
        # The quality gate (UnparseableCV) runs before any provider is paid to look at nothing.
        from cvpath.agents.offline.cv_validator import validate_cv

        validate_cv(data.cv, data.text)

    def prompt_context(self, data: CVValidatorInput) -> Mapping[str, Any]:
        return {"cv": data.cv, "cv_text": data.text or ""}

    def offline(self, data: CVValidatorInput) -> ValidationReport:
        from cvpath.agents.offline.cv_validator import validate_cv

        return validate_cv(data.cv, data.text)

    def finish(self, data: CVValidatorInput, answer: ValidationReport) -> tuple[ValidationReport, list[str]]:
        from cvpath.agents.offline.cv_validator import validate_cv

        checked = validate_cv(data.cv, data.text)
        known = {(issue.code, issue.path) for issue in checked.issues}
        extra = [issue for issue in answer.issues if (issue.code, issue.path) not in known]
        report = checked.model_copy(
            update={"issues": [*checked.issues, *extra], "language": checked.language or answer.language}
        )
        ignored = (
            [] if answer.cv == data.cv else ["the model's edited CV was ignored: only checked repairs apply"]
        )
        return ValidationReport.model_validate(report.model_dump()), ignored


AGENT = CVValidator()


def run(data: CVValidatorInput, deps: AgentDeps) -> AgentOutcome[ValidationReport]:
    return AGENT.run(data, deps)
