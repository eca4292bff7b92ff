"""``cvpath serve``: the whole local stack behind one HTTP port, with no Docker.

It starts moto in server mode in this process (so other tools, such as the AWS
CLI with ``--endpoint-url``, can see the same S3, SQS and Step Functions), builds
the template's stack there, and serves the template's HttpApi routes on
``host:port`` through the handlers they name. The state machine's Lambda tasks
and the SQS event sources run those handlers in process too.

Why moto's server rather than ``mock_aws``: handlers and the state machine talk
to AWS over HTTP exactly as deployed (``AWS_ENDPOINT_URL``), and the stack stays
inspectable from outside while ``serve`` runs. A user's own ``AWS_ENDPOINT_URL``
is overridden inside this process only.
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

from cvpath.errors import ConfigurationError
from local.aws.cloud import FAKE_CREDENTIALS, LocalCloud, provisioned_cloud
from local.aws.function_runtime import environ_applied
from local.aws.lambda_seam import MOTO_CONFIG
from local.aws.template import Template, load_template
from local.gateway.http_server import GatewayApp, GatewayServer, require_loopback
from local.gateway.sqs_poller import QueueSource, SqsPoller


@contextmanager
def moto_server() -> Iterator[str]:
    """moto in server mode on a free loopback port, Lambda and Step Functions execution configured.

    Yields the endpoint URL. Also sets ``MOTO_PORT``: moto's Step Functions
    interpreter calls Lambda at ``localhost:$MOTO_PORT``.
    """
    from moto.server import ThreadedMotoServer

    # Why: werkzeug logs every AWS call of every handler; the gateway logs what matters.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        # Why reset: moto's backends are process-wide and outlive a server, so a second
        # serve() in one process would find the first one's stack.
        _post(f"{endpoint}/moto-api/reset", b"")
        _post(f"{endpoint}/moto-api/config", json.dumps(MOTO_CONFIG).encode())
        with environ_applied({"MOTO_PORT": str(port)}):
            yield endpoint
        _post(f"{endpoint}/moto-api/reset", b"")
    finally:
        server.stop()


def _post(url: str, data: bytes) -> None:
    request = urllib.request.Request(url, data=data, method="POST")  # noqa: S310 - http:// on loopback
    with urllib.request.urlopen(request, timeout=10):  # noqa: S310
        pass


def queue_sources(cloud: LocalCloud) -> list[QueueSource]:
    """Every SQS event source of the template's functions, with the local queue URLs."""
    template = cloud.template
    return [
        QueueSource(
            function=function.logical_id,
            queue_url=cloud.queue_urls[queue_id],
            queue_arn=template.names.arn(template, queue_id),
            batch_size=function.batch_size or 10,
            region=template.names.region,
            partial_batch_response=function.partial_batch_response,
        )
        for function in template.functions.values()
        for queue_id in function.queue_sources
    ]


@contextmanager
def served_cloud(template: Template) -> Iterator[tuple[LocalCloud, str]]:
    """The template's stack in a moto server, with in-process Lambda dispatch; yields (cloud, endpoint)."""
    names = template.names
    with ExitStack() as stack:
        endpoint = stack.enter_context(moto_server())
        region = {"AWS_DEFAULT_REGION": names.region, "AWS_REGION": names.region}
        stack.enter_context(environ_applied({**FAKE_CREDENTIALS, **region, "AWS_ENDPOINT_URL": endpoint}))
        yield stack.enter_context(provisioned_cloud(template)), endpoint


def serve(
    host: str = "127.0.0.1",
    port: int = 3000,
    *,
    ready: threading.Event | None = None,
    stop: threading.Event | None = None,
    log: Callable[[str], None] = print,
    allow_remote: bool = False,
    template: Template | None = None,
) -> None:
    """Serve the template's HTTP routes on ``host:port`` until ``stop`` is set or Ctrl-C.

    ``ready`` is set once requests are answered. Loopback only unless
    ``allow_remote``: the local stack has no authentication in front of it.
    """
    require_loopback(host, allow_remote=allow_remote)
    template = template or load_template()
    stop = stop or threading.Event()
    halt = threading.Event()  # ends the pollers however serve() ends
    with ExitStack() as stack:
        cloud, endpoint = stack.enter_context(served_cloud(template))
        try:
            gateway = GatewayServer((host, port), GatewayApp(template, cloud.invoke), log)
        except OSError as exc:
            raise ConfigurationError(
                f"cannot listen on {host}:{port} ({exc.strerror or type(exc).__name__})",
                details={"host": host, "port": port},
            ) from exc
        stack.callback(gateway.server_close)
        poller = SqsPoller(cloud.sqs, queue_sources(cloud), cloud.invoke, stop=halt, log=log)
        stack.callback(poller.join)
        stack.callback(halt.set)
        poller.start()
        thread = threading.Thread(target=gateway.serve_forever, name="cvpath-gateway", daemon=True)
        thread.start()
        stack.callback(thread.join)
        stack.callback(gateway.shutdown)
        routes = sum(len(function.routes) for function in template.functions.values())
        log(f"CVPath on http://{host}:{gateway.server_address[1]} ({routes} routes; AWS APIs at {endpoint})")
        if ready is not None:
            ready.set()
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            log("stopping")
