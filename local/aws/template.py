"""template.yaml read as data: the functions, queues, buckets and state machine the local runtime builds.

Why: template.yaml is the single source of truth for the topology. The local
runtime never lists a handler, route, schedule or queue of its own; it reads them
here, with intrinsics resolved to the names of the local stack (``LocalNames``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cvpath.errors import ConfigurationError
from local.aws.cfn_yaml import load_cfn_yaml
from local.aws.local_names import LocalNames
from local.aws.routes import HttpRoute, best_route
from local.aws.template_model import FunctionDef, QueueDef, StateMachineDef
from local.aws.template_parts import parse_functions, parse_queues, parse_state_machine

__all__ = [
    "TEMPLATE_PATH",
    "FunctionDef",
    "HttpRoute",
    "LocalNames",
    "QueueDef",
    "StateMachineDef",
    "Template",
    "load_cfn_yaml",
    "load_template",
]

# local/aws/template.py -> the checkout root.
TEMPLATE_PATH = Path(__file__).resolve().parents[2] / "template.yaml"


@dataclass(frozen=True)
class Template:
    path: Path
    functions: dict[str, FunctionDef]
    queues: dict[str, QueueDef]
    buckets: tuple[str, ...]
    state_machine: StateMachineDef
    names: LocalNames
    # The raw template (intrinsics in long form), for checks that need more than the above.
    document: dict[str, Any] = field(default_factory=dict, repr=False)

    def route(self, method: str, path: str) -> tuple[FunctionDef, dict[str, str]] | None:
        """The function serving ``method path`` and its path parameters; exact routes beat parameterised."""
        candidates = [(fn, route) for fn in self.functions.values() for route in fn.routes]
        match = best_route([route for _fn, route in candidates], method, path)
        if match is None:
            return None
        route, parameters = match
        function = next(fn for fn, candidate in candidates if candidate is route)
        return function, parameters

    def function_name(self, logical_id: str) -> str:
        """The local Lambda function name of ``logical_id``."""
        return self.names.ref(self, logical_id)

    def function_by_name(self, name_or_arn: str) -> FunctionDef:
        """The function a Lambda call names: function name, ARN (qualified or not) or logical id."""
        name = name_or_arn
        if name.startswith("arn:"):
            parts = name.split(":")
            name = parts[6] if len(parts) > 6 else name
        for logical_id, function in self.functions.items():
            if name in (logical_id, self.function_name(logical_id)):
                return function
        raise ConfigurationError(
            f"no function in {self.path.name} is called {name}", details={"function": name_or_arn}
        )


def load_template(path: Path = TEMPLATE_PATH, names: LocalNames | None = None) -> Template:
    """Read and resolve a SAM template; ConfigurationError on anything the local runtime cannot use."""
    names = names or LocalNames()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(
            f"cannot read the template {path}", details={"path": str(path), "error": type(exc).__name__}
        ) from exc
    try:
        document = load_cfn_yaml(text)
    except ConfigurationError as exc:
        raise ConfigurationError(
            f"{path.name}: {exc.message}", details={**exc.details, "path": str(path)}
        ) from exc
    resources = document.get("Resources")
    if not isinstance(resources, Mapping) or not resources:
        raise ConfigurationError(f"{path.name} has no Resources", details={"path": str(path)})
    base = path.resolve().parent
    return Template(
        path=path,
        functions={fn.logical_id: fn for fn in parse_functions(document, names, base)},
        queues={queue.logical_id: queue for queue in parse_queues(document)},
        buckets=tuple(lid for lid, res in resources.items() if res.get("Type") == "AWS::S3::Bucket"),
        state_machine=parse_state_machine(document, names, base),
        names=names,
        document=document,
    )
