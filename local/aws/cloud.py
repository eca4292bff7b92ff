"""The local cloud: moto S3, SQS, Lambda and Step Functions built from template.yaml, handlers run in process.

``local_cloud()`` starts moto (with the fake credentials and region it needs),
creates the template's buckets, queues (dead-letter queues first, with their
redrive policy), one moto Lambda function per template function, and the state
machine from its ASL file with the substitutions resolved. While it is open every
Lambda call, including those of the state machine, runs the named handler in this
process (``LocalCloud.invoke``), with its template environment and a Lambda context.

``AWS_ENDPOINT_URL`` set by the user means "talk to that endpoint instead"
(LocalStack, or AWS itself): moto is not started, nothing is created and the
caller's credentials are kept; the clients go to that endpoint, and the stack
(deployed there with the names of ``LocalNames``) must already exist.
"""

from __future__ import annotations

import io
import json
import os
import threading
import time
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import boto3

from cvpath.errors import ConfigurationError
from local.aws.function_runtime import FunctionEnvironments, LocalLambdaContext, environ_applied
from local.aws.lambda_seam import MOTO_CONFIG, error_payload, lambda_dispatch, quiet_interpreter_errors
from local.aws.template import Template, load_template

if TYPE_CHECKING:
    from moto.core.config import DefaultConfig

# Fake credentials for moto (in process or server): boto3 must sign, AWS must never see them.
FAKE_CREDENTIALS: dict[str, str | None] = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_PROFILE": None,
}
_LAMBDA_ROLE = "cvpath-local-lambda"
_TRUST_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)


@dataclass
class HandlerCall:
    function: str  # logical id
    duration_ms: float
    error_type: str | None


class LocalCloud:
    def __init__(
        self,
        template: Template,
        *,
        s3: Any,
        sqs: Any,
        sfn: Any,
        queue_urls: dict[str, str],
        state_machine_arn: str,
    ) -> None:
        self.template = template
        self.s3 = s3
        self.sqs = sqs
        self.sfn = sfn
        self.bucket = template.names.ref(template, _artifacts_bucket(template))
        self.queue_urls = queue_urls
        self.state_machine_arn = state_machine_arn
        self.calls: list[HandlerCall] = []
        self._calls_lock = threading.Lock()
        self._handlers: dict[str, Any] = {}
        expected = {template.names.ref(template, lid): url for lid, url in queue_urls.items()}
        self.environments = FunctionEnvironments(
            template,
            stack_values={**expected, **{v: v for v in _stack_names(template)}},
            caller_environ=dict(os.environ),
        )

    def invoke(self, logical_id: str, event: dict[str, Any]) -> Any:
        """Call ``logical_id``'s handler in process, as Lambda would; its exceptions propagate."""
        function = self.template.functions.get(logical_id)
        if function is None:
            raise ConfigurationError(
                f"the template has no function {logical_id}", details={"function": logical_id}
            )
        handler = self._handlers.get(logical_id)
        if handler is None:
            handler = self._handlers[logical_id] = function.load_handler()
        name = self.template.function_name(logical_id)
        context = LocalLambdaContext(function, name, self.template.names.arn(self.template, logical_id))
        started = time.perf_counter()
        error_type: str | None = None
        try:
            with self.environments.around_call(logical_id):
                return handler(event, context)
        except Exception as exc:
            error_type = type(exc).__name__
            raise
        finally:
            call = HandlerCall(logical_id, (time.perf_counter() - started) * 1000, error_type)
            with self._calls_lock:
                self.calls.append(call)

    def dispatch(self, name_or_arn: str, payload: bytes) -> tuple[bytes, str | None]:
        """The lambda_dispatch target: a Lambda invoke's answer, errors as Lambda reports them."""
        try:
            function = self.template.function_by_name(name_or_arn)
        except ConfigurationError as exc:
            return error_payload("ResourceNotFoundException", exc.message), "ResourceNotFoundException"
        try:
            event = json.loads(payload or b"{}")
        except ValueError:
            return error_payload(
                "InvalidRequestContentException", "the payload is not JSON"
            ), "InvalidRequestContentException"
        try:
            result = self.invoke(function.logical_id, event)
        except Exception as exc:  # noqa: BLE001 - every handler failure is a Lambda error, as in AWS
            # The message is the exception's own (CVPath errors never carry CV or job text).
            return error_payload(type(exc).__name__, str(exc)), type(exc).__name__
        try:
            return json.dumps(result).encode(), None
        except (TypeError, ValueError):
            return error_payload(
                "Runtime.MarshalError", "the handler's result is not JSON"
            ), "Runtime.MarshalError"


def _artifacts_bucket(template: Template) -> str:
    if "ArtifactsBucket" in template.buckets:
        return "ArtifactsBucket"
    if template.buckets:
        return template.buckets[0]
    raise ConfigurationError("the template has no S3 bucket", details={"path": str(template.path)})


def _stack_names(template: Template) -> list[str]:
    """Template values that name a resource of the local stack (never overridden by the caller)."""
    names = template.names
    values = [names.ref(template, lid) for lid in template.buckets]
    values += [names.ref(template, lid) for lid in template.functions]
    values += [names.arn(template, lid) for lid in [*template.functions, *template.queues]]
    values.append(names.ref(template, template.state_machine.logical_id))
    return values


def aws_clients(template: Template) -> dict[str, Any]:
    region = template.names.region
    return {
        "s3": boto3.client("s3", region_name=region),
        "sqs": boto3.client("sqs", region_name=region),
        "sfn": boto3.client("stepfunctions", region_name=region),
    }


def _create_queues(template: Template, sqs: Any) -> dict[str, str]:
    urls: dict[str, str] = {}
    arns: dict[str, str] = {}
    # Dead-letter queues first: a redrive policy names its DLQ's ARN.
    for queue in sorted(template.queues.values(), key=lambda q: q.dead_letter is not None):
        attributes = {"VisibilityTimeout": str(queue.visibility_timeout_s)}
        if queue.dead_letter is not None:
            policy = {
                "deadLetterTargetArn": arns[queue.dead_letter],
                "maxReceiveCount": queue.max_receive_count or 1,
            }
            attributes["RedrivePolicy"] = json.dumps(policy)
        name = template.names.queue_name(template, queue.logical_id)
        urls[queue.logical_id] = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        arns[queue.logical_id] = sqs.get_queue_attributes(
            QueueUrl=urls[queue.logical_id], AttributeNames=["QueueArn"]
        )["Attributes"]["QueueArn"]
    return urls


def _create_functions(template: Template) -> str:
    """One moto Lambda function per template function (so lambda:invoke finds them); returns the role ARN."""
    iam = boto3.client("iam", region_name=template.names.region)
    role_arn: str = iam.create_role(RoleName=_LAMBDA_ROLE, AssumeRolePolicyDocument=_TRUST_POLICY)["Role"][
        "Arn"
    ]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("placeholder.py", "# the local runtime runs the handler in process\n")
    lambda_client = boto3.client("lambda", region_name=template.names.region)
    for logical_id, function in template.functions.items():
        lambda_client.create_function(
            FunctionName=template.function_name(logical_id),
            Runtime="python3.12",
            Role=role_arn,
            Handler=function.handler,
            Code={"ZipFile": archive.getvalue()},
            Timeout=function.timeout_s,
            MemorySize=function.memory_mb,
        )
    return role_arn


def create_stack(template: Template, clients: dict[str, Any]) -> tuple[dict[str, str], str]:
    for logical_id in template.buckets:
        clients["s3"].create_bucket(Bucket=template.names.ref(template, logical_id))
    queue_urls = _create_queues(template, clients["sqs"])
    role_arn = _create_functions(template)
    machine = template.state_machine
    machine_name = template.names.ref(template, machine.logical_id).rsplit(":", 1)[-1]
    created = clients["sfn"].create_state_machine(
        name=machine_name, definition=machine.definition(), roleArn=role_arn, type="STANDARD"
    )
    return queue_urls, created["stateMachineArn"]


@contextmanager
def provisioned_cloud(template: Template) -> Iterator[LocalCloud]:
    """Create the template's stack where boto3 points now (moto) and dispatch its Lambda calls in process.

    The caller decides where that is: ``local_cloud`` opens moto in process,
    ``cvpath serve`` a moto server.
    """
    with ExitStack() as stack:
        clients = aws_clients(template)
        queue_urls, machine_arn = create_stack(template, clients)
        cloud = LocalCloud(template, **clients, queue_urls=queue_urls, state_machine_arn=machine_arn)
        stack.enter_context(lambda_dispatch(cloud.dispatch))
        stack.enter_context(quiet_interpreter_errors())
        stack.enter_context(cloud.environments.session())
        yield cloud


@contextmanager
def local_cloud(template: Template | None = None) -> Iterator[LocalCloud]:
    """The template's stack in moto (or at ``AWS_ENDPOINT_URL``), with in-process Lambda dispatch."""
    from moto import mock_aws

    template = template or load_template()
    names = template.names
    region = {"AWS_DEFAULT_REGION": names.region, "AWS_REGION": names.region}
    with ExitStack() as stack:
        if os.environ.get("AWS_ENDPOINT_URL"):
            stack.enter_context(
                environ_applied({"AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", names.region)})
            )
            clients = aws_clients(template)
            queue_urls = {lid: names.ref(template, lid) for lid in template.queues}
            machine_arn = names.ref(template, template.state_machine.logical_id)
            cloud = LocalCloud(template, **clients, queue_urls=queue_urls, state_machine_arn=machine_arn)
            stack.enter_context(cloud.environments.session())
            yield cloud
            return
        stack.enter_context(environ_applied({**FAKE_CREDENTIALS, **region}))
        stack.enter_context(mock_aws(config=cast("DefaultConfig", MOTO_CONFIG)))
        yield stack.enter_context(provisioned_cloud(template))
