"""Lambda entry points of the six agents: event -> ``cvpath.agents.steps`` -> a small result.

Each handler is one line into :func:`handle`. The state passes ids, not
documents; the step loads its inputs from Postgres and stores its outputs there.
Errors leave under the names the state machine's Retry/Catch match
(:mod:`cvpath.pipeline_errors`). Logs carry the run id and error codes,
never CV or job text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from cvpath.agents.base import AgentName
from cvpath.agents.steps import parse_event, run_step
from cvpath.db.pool import step_connection
from cvpath.pipeline_errors import task_errors

logger = Logger(service="agents")
Handler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


def handle(agent: AgentName, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    logger.append_keys(agent=agent.value)
    with task_errors(logger, f"agents.{agent.value}", event):
        step = parse_event(event)
        logger.append_keys(run_id=str(step.run_id))
        with step_connection() as conn:
            result = run_step(agent, step, conn=conn)
    logger.info("agent step done", extra={"status": result.status, "output_id": str(result.output_id)})
    return result.model_dump(mode="json")


def _handler_for(agent: AgentName) -> Handler:
    """The Lambda entry point of ``agent``: one line into :func:`handle`."""

    @logger.inject_lambda_context(clear_state=True)
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return handle(agent, event, context)

    handler.__name__ = handler.__qualname__ = f"{agent.value}_handler"
    return cast(Handler, handler)


HANDLERS: dict[AgentName, Handler] = {agent: _handler_for(agent) for agent in AgentName}
# The names template.yaml gives as each function's Handler.
cv_parser_handler = HANDLERS[AgentName.CV_PARSER]
cv_validator_handler = HANDLERS[AgentName.CV_VALIDATOR]
job_parser_handler = HANDLERS[AgentName.JOB_PARSER]
job_analyzer_handler = HANDLERS[AgentName.JOB_ANALYZER]
cv_tailor_handler = HANDLERS[AgentName.CV_TAILOR]
comparative_scorer_handler = HANDLERS[AgentName.COMPARATIVE_SCORER]
