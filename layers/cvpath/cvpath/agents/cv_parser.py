"""CV_PARSER: a CV's text to the structured ``CV``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cvpath.agents.base import Agent, AgentDeps, AgentName, AgentOutcome
from cvpath.agents.inputs import CVParserInput
from cvpath.errors import UnparseableCV
from cvpath.models import CV

SYSTEM_PROMPT = """\
You are CV_PARSER. Convert the CV text in the context block "cv_text" into one JSON Resume object.
- Copy names, employers, job titles, institutions, degrees and bullet points exactly as written.
- Dates: YYYY-MM when a month is printed, else YYYY; leave endDate out when the role is ongoing \
(Present, Current, Now).
- Put each bullet point of a job or project in "highlights" as {"text": ...}, one item per bullet, verbatim.
- Put skills in "skills" (name = the group label, keywords = the items as printed). A group of programming \
languages is a skill group, not "languages".
- Leave every "id" empty: ids are derived from the content.
- Contact details (email, phone, links) go in "basics" only when printed in the CV."""


class CVParser(Agent[CVParserInput, CV, CV]):
    name = AgentName.CV_PARSER
    prompt_version = "cv_parser/1"
    system_prompt = SYSTEM_PROMPT
    input_model = CVParserInput
    answer_model = CV
    output_model = CV
    task = "Parse this CV."

    def precheck(self, data: CVParserInput) -> None:
        if not data.text.strip():
            raise UnparseableCV("the CV has no text to parse", details={"reason": "empty"})

    def prompt_context(self, data: CVParserInput) -> Mapping[str, Any]:
        return {"cv_text": data.text}

    def offline(self, data: CVParserInput) -> CV:
        from cvpath.agents.offline.cv_parser import parse_cv_text

        return parse_cv_text(data.text)

    def finish(self, data: CVParserInput, answer: CV) -> tuple[CV, list[str]]:
        return answer, []


AGENT = CVParser()


def run(data: CVParserInput, deps: AgentDeps) -> AgentOutcome[CV]:
    return AGENT.run(data, deps)
