"""What each agent step of a run reads and writes.

A step reads the run's snapshots (``import_data``, ``job_data``) and the outputs
of earlier steps (``tailor_data``), builds its agent's input model from them,
and splits the agent's output into the kinds it stores. An output that an
earlier step has not written yet is ``AgentInputMissing``, naming that step.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import psycopg
from pydantic import BaseModel, ValidationError

from cvpath.agents.base import AgentName
from cvpath.agents.inputs import (
    CVParserInput,
    CVTailorInput,
    CVValidatorInput,
    JobAnalyzerInput,
    JobParserInput,
    ScorerInput,
)
from cvpath.db.agent_outputs import OutputKind, read_output
from cvpath.db.runs import ImportSnapshot, RunRecord, load_import, load_job_text
from cvpath.errors import AgentInputMissing, ValidationFailed
from cvpath.models import CV, Analysis, ComparativeScore, Job, TailoredCV, TailorResult, ValidationReport
from cvpath.models.json_resume import cv_from_json_resume

M = TypeVar("M", bound=BaseModel)
Conn = psycopg.Connection[Any]
Outputs = list[tuple[OutputKind, BaseModel]]

# The step that writes each kind: named in AgentInputMissing.
PRODUCER: Mapping[OutputKind, AgentName] = {
    "PARSED_CV": AgentName.CV_PARSER,
    "VALIDATION": AgentName.CV_VALIDATOR,
    "PARSED_JOB": AgentName.JOB_PARSER,
    "ANALYSIS": AgentName.JOB_ANALYZER,
    "TAILORED_CV": AgentName.CV_TAILOR,
}


@dataclass(frozen=True)
class Ready:
    """An output that needs no agent call (a CV imported as JSON is already structured)."""

    output: BaseModel


@dataclass(frozen=True)
class StepSpec:
    kinds: tuple[OutputKind, ...]
    # The kind whose id a step reports as its output_id.
    primary: OutputKind
    load: Callable[[Conn, RunRecord], BaseModel | Ready]
    # How the agent's output becomes rows; None: the whole output is the one kind.
    split: Callable[[Any], Outputs] | None = None

    def outputs(self, output: BaseModel) -> Outputs:
        return self.split(output) if self.split else [(self.primary, output)]


def field_errors(exc: ValidationError) -> list[str]:
    """``loc: message`` per error, never the input (it may be a CV)."""
    return [
        f"{'.'.join(str(part) for part in error['loc']) or 'value'}: {error['msg']}"
        for error in exc.errors(include_url=False, include_input=False, include_context=False)
    ]


def build(model: type[M], what: str, **fields: Any) -> M:
    """``model(**fields)``, a ``ValidationFailed`` naming the fields (not their values) when invalid."""
    try:
        return model(**fields)
    except ValidationError as exc:
        problems = field_errors(exc)
    raise ValidationFailed(f"{what} is invalid: {'; '.join(problems[:5])}", details={"fields": problems[:20]})


def stored(conn: Conn, run: RunRecord, kind: OutputKind, model: type[M], agent: AgentName) -> M:
    row = read_output(conn, run.id, kind)
    if row is None:
        producer = PRODUCER[kind]
        raise AgentInputMissing(
            f"{agent.value} needs the {kind} output of run {run.id}: run {producer.value} first",
            details={
                "run_id": str(run.id),
                "agent": agent.value,
                "missing": kind,
                "run_first": producer.value,
            },
        )
    try:
        return model.model_validate_json(row.content_json)
    except ValidationError as exc:
        problems = field_errors(exc)
    raise ValidationFailed(
        f"the stored {kind} of run {run.id} is not a valid {model.__name__}: {'; '.join(problems[:5])}",
        details={"run_id": str(run.id), "kind": kind, "fields": problems[:20]},
    )


def import_snapshot(conn: Conn, run: RunRecord, agent: AgentName) -> ImportSnapshot:
    snapshot = load_import(conn, run.import_data_id) if run.import_data_id else None
    if snapshot is None:
        raise AgentInputMissing(
            f"run {run.id} has no CV snapshot (import_data): it must be created with one",
            details={"run_id": str(run.id), "agent": agent.value, "missing": "import_data"},
        )
    return snapshot


def cv_from_import(snapshot: ImportSnapshot) -> CV:
    """The CV of an import's ``content``: a canonical CV, or a plain JSON Resume document.

    Both readings are tried, the one its ``source_format`` suggests first: a
    JSON Resume master CV may have been stored in either form.
    """
    readers: list[Callable[[Any], CV]] = [_canonical_cv, cv_from_json_resume]
    if snapshot.source_format == "JSON_RESUME":
        readers.reverse()
    problems: list[str] = []
    for read in readers:
        try:
            return read(snapshot.content)
        except ValidationError as exc:
            problems = problems or field_errors(exc)
    raise ValidationFailed(
        f"the imported CV is neither a CV nor a JSON Resume document: {'; '.join(problems[:5])}",
        details={"import_data_id": str(snapshot.id), "fields": problems[:20]},
    )


def _canonical_cv(content: Any) -> CV:
    # JSON mode: the stored form has enums and dates as strings, which strict Python mode refuses.
    return CV.model_validate_json(json.dumps(content))


def _job_text(conn: Conn, run: RunRecord, agent: AgentName) -> str:
    text = load_job_text(conn, run.job_data_id) if run.job_data_id else None
    if text is None:
        raise AgentInputMissing(
            f"run {run.id} has no job snapshot (job_data): it must be created with one",
            details={"run_id": str(run.id), "agent": agent.value, "missing": "job_data"},
        )
    return text


def _checked_cv(conn: Conn, run: RunRecord, agent: AgentName) -> CV:
    # Later steps use the validator's CV: the parsed one with only its safe repairs.
    return stored(conn, run, "VALIDATION", ValidationReport, agent).cv


def _load_cv_parser(conn: Conn, run: RunRecord) -> BaseModel | Ready:
    snapshot = import_snapshot(conn, run, AgentName.CV_PARSER)
    if snapshot.content is not None:
        return Ready(cv_from_import(snapshot))
    return build(CVParserInput, "the CV text", text=snapshot.raw_text or "")


def _load_cv_validator(conn: Conn, run: RunRecord) -> BaseModel:
    agent = AgentName.CV_VALIDATOR
    cv = stored(conn, run, "PARSED_CV", CV, agent)
    return build(CVValidatorInput, "the CV", cv=cv, text=import_snapshot(conn, run, agent).raw_text)


def _load_job_parser(conn: Conn, run: RunRecord) -> BaseModel:
    return build(JobParserInput, "the job text", text=_job_text(conn, run, AgentName.JOB_PARSER))


def _load_job_analyzer(conn: Conn, run: RunRecord) -> BaseModel:
    agent = AgentName.JOB_ANALYZER
    cv = _checked_cv(conn, run, agent)
    job = stored(conn, run, "PARSED_JOB", Job, agent)
    return build(JobAnalyzerInput, "the analyzer input", cv=cv, job=job)


def _load_cv_tailor(conn: Conn, run: RunRecord) -> BaseModel:
    agent = AgentName.CV_TAILOR
    cv = _checked_cv(conn, run, agent)
    job = stored(conn, run, "PARSED_JOB", Job, agent)
    analysis = stored(conn, run, "ANALYSIS", Analysis, agent)
    return build(CVTailorInput, "the tailor input", cv=cv, job=job, analysis=analysis)


def _load_scorer(conn: Conn, run: RunRecord) -> BaseModel:
    agent = AgentName.COMPARATIVE_SCORER
    cv = _checked_cv(conn, run, agent)
    tailored = stored(conn, run, "TAILORED_CV", TailoredCV, agent)
    job = stored(conn, run, "PARSED_JOB", Job, agent)
    return build(ScorerInput, "the scorer input", cv=cv, tailored_cv=tailored, job=job)


def _split_tailor(result: TailorResult) -> Outputs:
    return [("TAILORED_CV", result.tailored_cv), ("GUARD_REPORT", result.guard_report)]


def _split_scores(score: ComparativeScore) -> Outputs:
    return [("SCORE_BEFORE", score.before), ("SCORE_AFTER", score.after), ("SCORE_COMPARISON", score)]


STEPS: Mapping[AgentName, StepSpec] = {
    AgentName.CV_PARSER: StepSpec(("PARSED_CV",), "PARSED_CV", _load_cv_parser),
    AgentName.CV_VALIDATOR: StepSpec(("VALIDATION",), "VALIDATION", _load_cv_validator),
    AgentName.JOB_PARSER: StepSpec(("PARSED_JOB",), "PARSED_JOB", _load_job_parser),
    AgentName.JOB_ANALYZER: StepSpec(("ANALYSIS",), "ANALYSIS", _load_job_analyzer),
    AgentName.CV_TAILOR: StepSpec(
        ("TAILORED_CV", "GUARD_REPORT"), "TAILORED_CV", _load_cv_tailor, _split_tailor
    ),
    AgentName.COMPARATIVE_SCORER: StepSpec(
        ("SCORE_BEFORE", "SCORE_AFTER", "SCORE_COMPARISON"), "SCORE_COMPARISON", _load_scorer, _split_scores
    ),
}
