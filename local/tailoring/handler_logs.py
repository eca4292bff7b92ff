"""Where the handlers' logs go while ``cvpath tailor`` runs them in process.

In Lambda, Powertools writes JSON log lines to stdout and CloudWatch keeps
them. Here stdout is the user's terminal and shows the run's progress, so the
lines go to a file per run instead (``.cvpath/logs/<run_id>.jsonl``), as
complete as CloudWatch would have them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO

from cvpath.errors import ConfigurationError
from local.aws.template import Template

# The Powertools services of the task handlers (Logger(service=...)).
HANDLER_SERVICES = ("agents", "pipeline", "render", "telemetry")


def preload_task_handlers(template: Template) -> None:
    """Import every handler the state machine calls, so that their loggers exist before they log."""
    for target in template.state_machine.substitutions.values():
        try:
            template.function_by_name(target).load_handler()
        except ConfigurationError:
            continue  # a substitution that is not a function (a bucket name, say)


@contextmanager
def handler_logs_to(path: Path) -> Iterator[Path]:
    """Send the handlers' stream logs to ``path`` (appended) until the block ends."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        stream = stack.enter_context(path.open("a", encoding="utf-8"))
        for service in HANDLER_SERVICES:
            for handler in logging.getLogger(service).handlers:
                if type(handler) is logging.StreamHandler:
                    stack.callback(_restore, handler, handler.setStream(stream))
        yield path


def _restore(handler: logging.StreamHandler[IO[str]], stream: IO[str] | None) -> None:
    if stream is not None:
        handler.setStream(stream)
