"""Parse a template's resources into FunctionDef / QueueDef / StateMachineDef, intrinsics resolved locally."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from cvpath.errors import ConfigurationError
from local.aws.intrinsics import IntrinsicResolver
from local.aws.local_names import FUNCTION_TYPES, QUEUE_TYPE, STATE_MACHINE_TYPES, LocalNames
from local.aws.routes import ANY_METHOD, DEFAULT_ROUTE, HttpRoute
from local.aws.template_model import FunctionDef, QueueDef, StateMachineDef

# Locally the URL comes straight from DATABASE_URL; an SSM name would send the code to SSM.
# Pointers to AWS parameter stores: locally the values themselves come from the environment.
LOCAL_DROPPED_ENVIRONMENT = frozenset(
    {
        "CVPATH_DATABASE_URL_PARAMETER",
        "CVPATH_VAULT_KEY_PARAMETER",
        "CVPATH_LLM_KEY_PARAMETER_PREFIX",
        "CVPATH_JWT_SECRET_PARAMETER",
    }
)
# Lambda's own defaults when neither the function nor Globals say.
DEFAULT_TIMEOUT_S = 3
DEFAULT_MEMORY_MB = 128
DEFAULT_SQS_BATCH_SIZE = 10


def _resources(document: Mapping[str, Any], types: frozenset[str]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for logical_id, resource in (document.get("Resources") or {}).items():
        if isinstance(resource, Mapping) and resource.get("Type") in types:
            yield logical_id, resource.get("Properties") or {}


def _logical_id_of_arn(value: Any, *, what: str) -> str:
    # Events and redrive policies point at a queue by !GetAtt Queue.Arn.
    if isinstance(value, Mapping) and isinstance(value.get("Fn::GetAtt"), list):
        return str(value["Fn::GetAtt"][0])
    raise ConfigurationError(f"{what} must be !GetAtt <Queue>.Arn", details={"what": what})


def parse_functions(document: Mapping[str, Any], names: LocalNames, base: Path) -> list[FunctionDef]:
    resolver = IntrinsicResolver(document, names)
    globals_fn: Mapping[str, Any] = (document.get("Globals") or {}).get("Function") or {}
    functions = []
    for logical_id, own in _resources(document, FUNCTION_TYPES):
        properties = {**globals_fn, **own}
        handler = properties.get("Handler")
        if not isinstance(handler, str):
            raise ConfigurationError(f"{logical_id} has no Handler", details={"function": logical_id})
        code_uri = properties.get("CodeUri")
        functions.append(
            FunctionDef(
                logical_id=logical_id,
                handler=handler,
                code_uri=(base / code_uri).resolve() if isinstance(code_uri, str) else base,
                timeout_s=int(resolver.resolve(properties.get("Timeout", DEFAULT_TIMEOUT_S))),
                memory_mb=int(resolver.resolve(properties.get("MemorySize", DEFAULT_MEMORY_MB))),
                environment=_environment(logical_id, globals_fn, own, resolver),
                **_events(logical_id, own.get("Events") or {}, resolver),
            )
        )
    return functions


def _environment(
    logical_id: str, globals_fn: Mapping[str, Any], own: Mapping[str, Any], resolver: IntrinsicResolver
) -> dict[str, str]:
    merged = {
        **((globals_fn.get("Environment") or {}).get("Variables") or {}),
        **((own.get("Environment") or {}).get("Variables") or {}),
    }
    environment = {}
    for name, value in merged.items():
        if name in LOCAL_DROPPED_ENVIRONMENT:
            continue
        resolved = resolver.resolve_str(value, what=f"{logical_id} environment {name}")
        if resolved is not None:
            environment[name] = resolved
    return environment


def _events(logical_id: str, events: Mapping[str, Any], resolver: IntrinsicResolver) -> dict[str, Any]:
    routes: list[HttpRoute] = []
    schedules: list[str] = []
    queues: list[str] = []
    batch_size: int | None = None
    partial = False
    for event_name, event in events.items():
        kind = event.get("Type")
        properties = event.get("Properties") or {}
        if kind in ("HttpApi", "Api"):
            method = str(properties.get("Method", ANY_METHOD)).upper()
            if method in ("*", "X-AMAZON-APIGATEWAY-ANY-METHOD"):
                method = ANY_METHOD
            routes.append(HttpRoute(method, str(properties.get("Path", DEFAULT_ROUTE))))
        elif kind in ("Schedule", "ScheduleV2"):
            expression = properties.get("Schedule", properties.get("ScheduleExpression"))
            resolved = resolver.resolve_str(expression, what=f"{logical_id} event {event_name}")
            if not resolved:
                raise ConfigurationError(
                    f"{logical_id} event {event_name} has no schedule expression",
                    details={"function": logical_id, "event": event_name},
                )
            schedules.append(resolved)
        elif kind == "SQS":
            queues.append(
                _logical_id_of_arn(properties.get("Queue"), what=f"{logical_id} event {event_name} Queue")
            )
            batch_size = int(resolver.resolve(properties.get("BatchSize", DEFAULT_SQS_BATCH_SIZE)))
            partial = partial or "ReportBatchItemFailures" in (properties.get("FunctionResponseTypes") or [])
    return {
        "routes": tuple(routes),
        "schedules": tuple(schedules),
        "queue_sources": tuple(queues),
        "batch_size": batch_size,
        "partial_batch_response": partial,
    }


def parse_queues(document: Mapping[str, Any]) -> list[QueueDef]:
    queues = []
    for logical_id, properties in _resources(document, frozenset({QUEUE_TYPE})):
        redrive = properties.get("RedrivePolicy") or {}
        dead_letter = redrive.get("deadLetterTargetArn")
        queues.append(
            QueueDef(
                logical_id=logical_id,
                visibility_timeout_s=int(properties.get("VisibilityTimeout", 30)),
                dead_letter=_logical_id_of_arn(
                    dead_letter, what=f"{logical_id} RedrivePolicy.deadLetterTargetArn"
                )
                if dead_letter is not None
                else None,
                max_receive_count=int(redrive["maxReceiveCount"]) if "maxReceiveCount" in redrive else None,
            )
        )
    return queues


def parse_state_machine(document: Mapping[str, Any], names: LocalNames, base: Path) -> StateMachineDef:
    machines = list(_resources(document, STATE_MACHINE_TYPES))
    if len(machines) != 1:
        raise ConfigurationError(
            f"the template must define exactly one state machine, found {len(machines)}",
            details={"state_machines": [lid for lid, _ in machines]},
        )
    logical_id, properties = machines[0]
    uri = properties.get("DefinitionUri")
    if not isinstance(uri, str):
        raise ConfigurationError(
            f"{logical_id} needs a DefinitionUri (a path to the ASL file)",
            details={"state_machine": logical_id},
        )
    resolver = IntrinsicResolver(document, names)
    substitutions = {}
    for name, value in (properties.get("DefinitionSubstitutions") or {}).items():
        resolved = resolver.resolve_str(value, what=f"{logical_id} substitution {name}")
        if resolved is not None:
            substitutions[name] = resolved
    return StateMachineDef(logical_id, (base / uri).resolve(), substitutions)
