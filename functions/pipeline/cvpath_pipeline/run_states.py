"""Lambda entry points of the run's own states: Admit, Settle and MarkFailed.

Each parses its event, makes one call into ``cvpath.db.run_status`` and
returns a small result. Errors leave under the names the state machine's
Catch matches (:mod:`cvpath.pipeline_errors`). Logs carry the run id and error
codes, never an error message (it can quote a CV) or a secret. Imports stay
light: no boto3.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cvpath.db import run_status
from cvpath.db.pool import step_connection
from cvpath.errors import Conflict, ValidationFailed
from cvpath.money import money_text
from cvpath.pipeline_errors import task_errors
from cvpath_pipeline.run_failure import read_failure

logger = Logger(service="pipeline")


class RunEvent(BaseModel):
    """A state's input: the run id and, for Settle and MarkFailed, the execution's id.

    Why other keys are ignored: a state may be handed more of the execution's input than it reads.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    run_id: UUID
    execution_id: str | None = Field(default=None, max_length=2048)


def parse_run_event(event: object, state: str) -> RunEvent:
    """The event as a ``RunEvent``; ``ValidationFailed`` naming the fields (never their values)."""
    if not isinstance(event, dict):
        raise ValidationFailed(
            f"the {state} event is a JSON object with a run_id, not {type(event).__name__}",
            details={"state": state, "type": type(event).__name__},
        )
    try:
        return RunEvent.model_validate(event)
    except ValidationError as exc:
        fields = [".".join(str(p) for p in error["loc"]) for error in exc.errors(include_input=False)]
    raise ValidationFailed(f"invalid {state} event: check {', '.join(fields)}", details={"fields": fields})


@logger.inject_lambda_context(clear_state=True)
def admit_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Admit the run (quotas, limits, spend cap, balance reservation), then QUEUED -> RUNNING.

    A refusal (``QuotaExceeded``, ``InsufficientBalance``, ``SpendCapReached``,
    ``SubscriptionInactive``) leaves under its own name before any provider is
    called; MarkFailed ends the run as REJECTED.
    """
    from cvpath.governance.admission import admit

    with task_errors(logger, "pipeline.Admit", event):
        parsed = parse_run_event(event, "Admit")
        logger.append_keys(run_id=str(parsed.run_id))
        with step_connection() as conn:
            admission = admit(conn, parsed.run_id)
            run_status.mark_running(conn, parsed.run_id, parsed.execution_id)
    logger.info(
        "run admitted",
        extra={
            "tier": admission.effective_tier,
            "free_mode": admission.free_mode,
            "notices": admission.notices,
        },
    )
    return {
        "run_id": str(parsed.run_id),
        "admitted": True,
        "tier": admission.effective_tier,
        "free_mode": admission.free_mode,
        "reserved": money_text(admission.reserved),
        "notices": list(admission.notices),
    }


@logger.inject_lambda_context(clear_state=True)
def settle_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Charge the run (every attempt's cost plus the fee for PAID; the rest of the reservation is
    released), then finish it as SUCCEEDED."""
    from cvpath.governance.settlement import settle

    with task_errors(logger, "pipeline.Settle", event):
        parsed = parse_run_event(event, "Settle")
        logger.append_keys(run_id=str(parsed.run_id))
        with step_connection() as conn:
            settlement = settle(conn, parsed.run_id, succeeded=True)
            cost = settlement.actual_cost
            status = run_status.mark_succeeded(
                conn, parsed.run_id, actual_cost=cost, execution_arn=parsed.execution_id
            )
        if status != "SUCCEEDED":
            raise Conflict(
                f"run {parsed.run_id} had already finished as {status}; it cannot succeed",
                details={"run_id": str(parsed.run_id), "status": status},
            )
    logger.info("run settled", extra={"actual_cost": str(cost), "charged": str(settlement.charged)})
    return {
        "run_id": str(parsed.run_id),
        "status": "SUCCEEDED",
        "actual_cost": money_text(cost),
        "fee": money_text(settlement.fee),
        "charged": money_text(settlement.charged),
    }


@logger.inject_lambda_context(clear_state=True)
def mark_failed_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Record a caught failure on the run: FAILED, or REJECTED for a refusal such as QuotaExceeded.

    A failure that cannot be read still fails the run, as ``Unknown``. A run that
    had already finished keeps its first outcome. The reservation made at Admit is
    released; the operator's policy decides whether provider costs already
    incurred are charged (PAID only).
    """
    from cvpath.governance.settlement import settle

    with task_errors(logger, "pipeline.MarkFailed", event):
        parsed = parse_run_event(event, "MarkFailed")
        logger.append_keys(run_id=str(parsed.run_id))
        failure = read_failure(event.get("failure"))
        with step_connection() as conn:
            settle(conn, parsed.run_id, succeeded=False)
            run_status.mark_failed(
                conn,
                parsed.run_id,
                status=failure.outcome,
                error_code=failure.error_code,
                error_message=failure.error_message,
                error_state=failure.error_state,
                execution_arn=parsed.execution_id,
            )
    logger.info(
        "run marked failed",
        extra={"outcome": failure.outcome, "error_code": failure.error_code, "state": failure.error_state},
    )
    return {
        "run_id": str(parsed.run_id),
        "outcome": failure.outcome,
        "error_code": failure.error_code,
        "error_state": failure.error_state,
    }
