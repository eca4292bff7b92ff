"""JOB_PARSER: a job description's text to ``Job`` with must-have and nice-to-have requirements."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cvpath.agents.base import Agent, AgentDeps, AgentName, AgentOutcome
from cvpath.agents.inputs import JobParserInput
from cvpath.models import Job

SYSTEM_PROMPT = """\
You are JOB_PARSER. Extract the job in the context block "job_text" into one Job object.
- title, company and location as the posting states them; seniority from the title, else from the years asked.
- minYears: the binding minimum number of years the posting asks for, or leave it out.
- mustHave: requirements the posting states as required ("required", "must", "minimum qualifications"). \
niceToHave: those it calls preferred, a plus, a bonus or nice to have. Quote each requirement's text from \
the posting; put the skill names that satisfy it in "keywords".
- responsibilities: the duties, one item each, as written.
- Leave every "id" empty: ids are derived from the content."""


class JobParser(Agent[JobParserInput, Job, Job]):
    name = AgentName.JOB_PARSER
    prompt_version = "job_parser/1"
    system_prompt = SYSTEM_PROMPT
    input_model = JobParserInput
    answer_model = Job
    output_model = Job
    task = "Parse this job description."

    def precheck(self, data: JobParserInput) -> None:
        from cvpath.agents.offline.job_gate import check_job_text

        check_job_text(data.text)

    def prompt_context(self, data: JobParserInput) -> Mapping[str, Any]:
        return {"job_text": data.text}

    def offline(self, data: JobParserInput) -> Job:
        from cvpath.agents.offline.job_parser import parse_job_text

        return parse_job_text(data.text)

    def finish(self, data: JobParserInput, answer: Job) -> tuple[Job, list[str]]:
        return answer, []


AGENT = JobParser()


def run(data: JobParserInput, deps: AgentDeps) -> AgentOutcome[Job]:
    return AGENT.run(data, deps)
