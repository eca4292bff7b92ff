"""The agents' LLM path: real HTTP to the fake provider, per-agent chains ending offline, guards on answers.

Nothing of ours is patched: the chain calls the fake OpenAI-compatible server
over loopback, and the agent's finish step (guard, reconciler, code scorer)
judges whatever the "model" answered.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import SecretStr

from cvpath.agents import AgentDeps, get_agent
from cvpath.agents.inputs import CVParserInput, CVTailorInput, JobAnalyzerInput, ScorerInput
from cvpath.errors import InvalidOutput, ValidationFailed
from cvpath.llm.chain import ProviderChain
from cvpath.llm.keys import KeySource
from cvpath.llm.redact import forget_secrets
from cvpath.llm.types import CallContext, CollectingRecorder, ProviderSpec
from cvpath.models import CV, Analysis, Job, TailoredCV
from local.fake_llm import FakeLLMServer, Fault, Reply

CANARY = "sk-CANARY-" + uuid.uuid4().hex

SOURCE_CV: dict[str, Any] = {
    "basics": {"name": "Ada Example", "email": "ada@example.org", "phone": "+44 20 7946 0000"},
    "work": [
        {
            "name": "Initech",
            "position": "Backend Engineer",
            "startDate": "2019-03",
            "highlights": [
                {"text": "Built REST APIs in Python and Django serving 2 million requests a day"},
                {"text": "Moved reporting from MySQL to PostgreSQL"},
            ],
        },
        {
            "name": "Hooli",
            "position": "Software Developer",
            "startDate": "2016-01",
            "endDate": "2019-02",
            "highlights": [{"text": "Wrote data pipelines with Celery and Redis"}],
        },
    ],
    "education": [{"institution": "University of Leeds", "studyType": "BSc", "area": "Computer Science"}],
    "skills": [{"name": "Languages", "keywords": ["Python", "SQL"]}],
}
JOB: dict[str, Any] = {
    "title": "Senior Backend Engineer",
    "mustHave": [
        {"text": "Strong Python and Django", "kind": "skill", "keywords": ["Python", "Django"]},
        {"text": "PostgreSQL in production", "kind": "skill", "keywords": ["PostgreSQL"]},
    ],
    "niceToHave": [{"text": "Kubernetes", "kind": "skill", "keywords": ["Kubernetes"]}],
}


@pytest.fixture
def server() -> Iterator[FakeLLMServer]:
    with FakeLLMServer(require_key=CANARY) as fake:
        yield fake
    forget_secrets()


def deps_for(server: FakeLLMServer, recorder: CollectingRecorder, *, llm_retries: int = 0) -> AgentDeps:
    """The per-agent chain shape of the seeds: a keyed provider first, offline last."""
    links = [
        ProviderSpec(provider="openai", model="gpt-4.1-mini", base_url=server.url, max_retries=llm_retries),
        ProviderSpec(provider="offline", model="offline", max_retries=0),
    ]
    keys = KeySource(overrides={"openai": SecretStr(CANARY)})
    chain = ProviderChain(links, keys=keys, recorder=recorder, sleep=lambda _s: None, backoff_base_s=0)
    return AgentDeps(completer=chain, context=CallContext(run_id=str(uuid.uuid4())))


def source() -> CV:
    return CV.model_validate(SOURCE_CV)


def job() -> Job:
    return Job.model_validate(JOB)


def test_the_parser_takes_the_models_answer_when_it_validates(server: FakeLLMServer) -> None:
    server.script(Reply(json.dumps(SOURCE_CV)))
    recorder = CollectingRecorder()
    outcome = get_agent("cv_parser").run(CVParserInput(text="Ada Example ..."), deps_for(server, recorder))
    assert outcome.provider == "openai"
    assert outcome.output == source()
    # The key travelled in a header but is in no recorded attempt.
    assert CANARY not in json.dumps([a.model_dump() for _, a in recorder.attempts])


def test_when_the_provider_is_down_the_chain_answers_offline(server: FakeLLMServer) -> None:
    server.script(Fault.unavailable(), Fault.unavailable())
    recorder = CollectingRecorder()
    text = (
        "Ada Example\nada@example.org\n\nExperience\nBackend Engineer, Initech  2019 - Present\n- Built APIs"
    )
    outcome = get_agent("cv_parser").run(CVParserInput(text=text), deps_for(server, recorder, llm_retries=1))
    assert outcome.provider == "offline"
    assert [a.provider for _, a in recorder.attempts] == ["openai", "openai", "offline"]
    assert outcome.output.basics is not None
    assert outcome.output.basics.email == "ada@example.org"


def test_an_answer_invalid_twice_is_validation_failed(server: FakeLLMServer) -> None:
    server.script(Reply('{"basics": {"name": 42}}'), Reply("not json at all"))
    with pytest.raises(InvalidOutput) as caught:
        get_agent("cv_parser").run(CVParserInput(text="Ada"), deps_for(server, CollectingRecorder()))
    assert isinstance(caught.value, ValidationFailed)


def fabricated_tailoring(cv: CV) -> dict[str, Any]:
    """A tailored CV from a 'model' that invents an employer, a metric and a source id."""
    initech, hooli = cv.work
    api, postgres = initech.highlights
    return {
        "basics": {"name": "Ada Example", "email": "ada@example.org", "phone": "+44 20 7946 0000"},
        "work": [
            {
                "name": "Initech",
                "position": "Backend Engineer",
                "startDate": "2019-03",
                "highlights": [
                    {"text": api.text, "sourceBulletIds": [api.id]},
                    {
                        "text": "Moved reporting to PostgreSQL, cutting costs by 45%",
                        "sourceBulletIds": [postgres.id],
                    },
                    {"text": "Led Kubernetes migration", "sourceBulletIds": ["b-0123456789ab"]},
                ],
            },
            {
                "name": "Globex Corporation",
                "position": "Staff Engineer",
                "startDate": "2014-01",
                "endDate": "2015-12",
                "highlights": [
                    {"text": hooli.highlights[0].text, "sourceBulletIds": [hooli.highlights[0].id]}
                ],
            },
        ],
        "skills": [{"name": "Languages", "keywords": ["Python", "SQL", "Kubernetes"]}],
        "sectionOrder": ["work", "skills"],
    }


def test_the_guard_removes_what_an_llm_invented(server: FakeLLMServer) -> None:
    cv = source()
    analysis = Analysis(requirements=[])
    server.script(Reply(json.dumps(fabricated_tailoring(cv))))
    outcome = get_agent("cv_tailor").run(
        CVTailorInput(cv=cv, job=job(), analysis=analysis), deps_for(server, CollectingRecorder())
    )
    assert outcome.provider == "openai"
    tailored = outcome.output.tailored_cv
    report = outcome.output.guard_report
    rendered = tailored.model_dump_json()
    assert "Globex" not in rendered
    assert "45%" not in rendered
    assert "b-0123456789ab" not in rendered
    assert "Kubernetes" not in rendered
    kinds = {finding.kind.value for finding in report.findings}
    assert {"employer", "number", "bullet_source", "skill"} <= kinds
    assert any("Globex" in finding.value for finding in report.findings)
    assert outcome.repairs  # the outcome says what was repaired
    # What survived traces to the source CV.
    assert tailored.unknown_sources(cv) == []
    assert [entry.name for entry in tailored.work] == ["Initech"]


def test_the_analyzer_drops_evidence_the_cv_does_not_contain(server: FakeLLMServer) -> None:
    cv, parsed_job = source(), job()
    api = cv.work[0].highlights[0]
    rows = [
        {
            "requirementId": req.id,
            "status": "met",
            "evidence": [{"sourceId": api.id, "quote": "Ten years of Django at Google"}],
        }
        for req in parsed_job.requirements()
    ]
    server.script(Reply(json.dumps({"requirements": rows})))
    outcome = get_agent("job_analyzer").run(
        JobAnalyzerInput(cv=cv, job=parsed_job), deps_for(server, CollectingRecorder())
    )
    analysis = outcome.output
    assert analysis.inconsistencies(cv, parsed_job) == []
    quotes = [item.quote for row in analysis.requirements for item in row.evidence]
    assert "Ten years of Django at Google" not in quotes
    assert outcome.repairs


def test_a_narrative_cannot_move_the_scores(server: FakeLLMServer) -> None:
    cv, parsed_job = source(), job()
    tailored = TailoredCV.model_validate(
        {
            **SOURCE_CV,
            "work": [
                {
                    **SOURCE_CV["work"][0],
                    "highlights": [
                        {"text": b.text, "sourceBulletIds": [b.id]} for b in cv.work[0].highlights
                    ],
                }
            ],
        }
    )
    offline = get_agent("comparative_scorer").run(
        ScorerInput(cv=cv, tailored_cv=tailored, job=parsed_job), AgentDeps.offline()
    )
    server.script(Reply(json.dumps({"narrative": "Ignore the numbers: the overall score is 100."})))
    narrated = get_agent("comparative_scorer").run(
        ScorerInput(cv=cv, tailored_cv=tailored, job=parsed_job), deps_for(server, CollectingRecorder())
    )
    assert narrated.provider == "openai"
    assert narrated.output.before == offline.output.before
    assert narrated.output.after == offline.output.after
    assert narrated.output.delta == offline.output.delta
    assert narrated.output.narrative is not None
