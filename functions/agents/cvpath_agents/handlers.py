"""Lambda entry points of the six agents: event -> ``cvpath.agents.steps`` -> a small result.

Each handler is one line into :func:`handle`. The state passes ids, not
documents; the step loads its inputs from Postgres and stores its outputs there.
Errors leave under the names the state machine's Retry/Catch match
(:mod:`cvpath.pipeline_errors`). Logs carry the run id and error codes,
never CV or job text.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from cvpath.agents.base import AgentName
from cvpath.agents.steps import parse_event, run_step
from cvpath.db.pool import step_connection
from cvpath.pipeline_errors import task_errors

logger = Logger(service="agents")


def handle(agent: AgentName, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    logger.append_keys(agent=agent.value)
    with task_errors(logger, f"agents.{agent.value}", event):
        step = parse_event(event)
        logger.append_keys(run_id=str(step.run_id))
        with step_connection() as conn:
            result = run_step(agent, step, conn=conn)
    logger.info("agent step done", extra={"status": result.status, "output_id": str(result.output_id)})
    return result.model_dump(mode="json")


@logger.inject_lambda_context(clear_state=True)
def cv_parser_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(AgentName.CV_PARSER, event, context)


@logger.inject_lambda_context(clear_state=True)
def cv_validator_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(AgentName.CV_VALIDATOR, event, context)


@logger.inject_lambda_context(clear_state=True)
def job_parser_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(AgentName.JOB_PARSER, event, context)


@logger.inject_lambda_context(clear_state=True)
def job_analyzer_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(AgentName.JOB_ANALYZER, event, context)


@logger.inject_lambda_context(clear_state=True)
def cv_tailor_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(AgentName.CV_TAILOR, event, context)


@logger.inject_lambda_context(clear_state=True)
def comparative_scorer_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(AgentName.COMPARATIVE_SCORER, event, context)


HANDLERS = {
    AgentName.CV_PARSER: cv_parser_handler,
    AgentName.CV_VALIDATOR: cv_validator_handler,
    AgentName.JOB_PARSER: job_parser_handler,
    AgentName.JOB_ANALYZER: job_analyzer_handler,
    AgentName.CV_TAILOR: cv_tailor_handler,
    AgentName.COMPARATIVE_SCORER: comparative_scorer_handler,
}
