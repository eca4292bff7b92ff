"""What the local runtime knows about a template's functions, queues and state machine (resolved values)."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cvpath.errors import ConfigurationError
from local.aws.routes import HttpRoute

_UNRESOLVED = re.compile(r"\$\{([^}]*)\}")


@dataclass(frozen=True)
class FunctionDef:
    logical_id: str
    handler: str
    code_uri: Path
    timeout_s: int
    memory_mb: int
    environment: dict[str, str]
    routes: tuple[HttpRoute, ...] = ()
    schedules: tuple[str, ...] = ()
    queue_sources: tuple[str, ...] = ()
    batch_size: int | None = None
    # SQS event FunctionResponseTypes has ReportBatchItemFailures: the handler answers batchItemFailures.
    partial_batch_response: bool = False

    def load_handler(self) -> Callable[[dict[str, Any], Any], Any]:
        """Import ``module.attr`` of ``handler``; ConfigurationError naming this function if that fails."""
        module_name, dot, attribute = self.handler.rpartition(".")
        details = {"function": self.logical_id, "handler": self.handler}
        if not dot or not module_name:
            raise ConfigurationError(
                f"{self.logical_id}: handler {self.handler!r} is not 'module.function'", details=details
            )
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise ConfigurationError(
                f"{self.logical_id}: cannot import {module_name} for handler {self.handler} ({exc})",
                details=details,
            ) from exc
        handler = getattr(module, attribute, None)
        if not callable(handler):
            raise ConfigurationError(
                f"{self.logical_id}: {module_name} has no callable {attribute}", details=details
            )
        return handler  # type: ignore[no-any-return]


@dataclass(frozen=True)
class QueueDef:
    logical_id: str
    visibility_timeout_s: int
    dead_letter: str | None
    max_receive_count: int | None


@dataclass(frozen=True)
class StateMachineDef:
    logical_id: str
    definition_path: Path
    substitutions: dict[str, str]

    def definition(self) -> str:
        """The ASL text with every ``${Name}`` substituted; ConfigurationError naming any left over."""
        try:
            text = self.definition_path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigurationError(
                f"cannot read the state machine definition {self.definition_path.name}",
                details={"path": str(self.definition_path), "error": type(exc).__name__},
            ) from exc
        missing = sorted({name for name in _UNRESOLVED.findall(text) if name not in self.substitutions})
        if missing:
            raise ConfigurationError(
                f"{self.logical_id}: unresolved substitutions in {self.definition_path.name}: "
                + ", ".join(missing),
                details={"state_machine": self.logical_id, "unresolved": missing},
            )
        return _UNRESOLVED.sub(lambda match: self.substitutions[match.group(1)], text)
