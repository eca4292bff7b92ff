"""The names the local stack gives a template's resources, and what ``!Ref`` / ``!GetAtt X.Arn`` resolve to.

Why fixed, predictable names: the template's environment (ARTIFACTS_BUCKET,
TELEMETRY_QUEUE_URL) and the state machine's ``${...Arn}`` substitutions are
resolved before anything exists, so the names must be known up front and be the
ones the moto stack then creates. moto's default account and ``us-east-1`` give
the same queue URLs and ARNs moto itself returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from cvpath.errors import ConfigurationError

FUNCTION_TYPES = frozenset({"AWS::Serverless::Function", "AWS::Lambda::Function"})
QUEUE_TYPE = "AWS::SQS::Queue"
BUCKET_TYPE = "AWS::S3::Bucket"
STATE_MACHINE_TYPES = frozenset({"AWS::Serverless::StateMachine", "AWS::StepFunctions::StateMachine"})
LAYER_TYPES = frozenset({"AWS::Serverless::LayerVersion", "AWS::Lambda::LayerVersion"})
ROLE_TYPE = "AWS::IAM::Role"


class HasDocument(Protocol):
    @property
    def document(self) -> dict[str, Any]: ...


def template_document(template: HasDocument | Mapping[str, Any]) -> Mapping[str, Any]:
    """The raw (long-form) template dict, from a parsed ``Template`` or the dict itself."""
    if isinstance(template, Mapping):
        return template
    return template.document


@dataclass(frozen=True)
class LocalNames:
    account: str = "123456789012"
    region: str = "us-east-1"
    prefix: str = "cvpath-local"

    def ref(self, template: HasDocument | Mapping[str, Any], logical_id: str) -> str:
        """What ``!Ref logical_id`` gives locally: a name, a queue URL, an ARN or a parameter's Default."""
        document = template_document(template)
        parameters = document.get("Parameters") or {}
        if logical_id in parameters:
            if "Default" not in parameters[logical_id]:
                raise ConfigurationError(
                    f"template parameter {logical_id} has no Default, so it has no local value",
                    details={"parameter": logical_id},
                )
            default = parameters[logical_id]["Default"]
            return ",".join(map(str, default)) if isinstance(default, list) else str(default)
        kind, properties = self._resource(document, logical_id)
        if kind == QUEUE_TYPE:
            queue_name = self.queue_name(template, logical_id)
            return f"https://sqs.{self.region}.amazonaws.com/{self.account}/{queue_name}"
        if kind in STATE_MACHINE_TYPES or kind in LAYER_TYPES:
            return self.arn(template, logical_id)
        return self._name(logical_id, kind, properties)

    def arn(self, template: HasDocument | Mapping[str, Any], logical_id: str) -> str:
        """What ``!GetAtt logical_id.Arn`` gives locally."""
        document = template_document(template)
        kind, properties = self._resource(document, logical_id)
        name = self._name(logical_id, kind, properties)
        if kind in FUNCTION_TYPES:
            return f"arn:aws:lambda:{self.region}:{self.account}:function:{name}"
        if kind == QUEUE_TYPE:
            return f"arn:aws:sqs:{self.region}:{self.account}:{self.queue_name(template, logical_id)}"
        if kind == BUCKET_TYPE:
            return f"arn:aws:s3:::{name}"
        if kind in STATE_MACHINE_TYPES:
            return f"arn:aws:states:{self.region}:{self.account}:stateMachine:{name}"
        if kind in LAYER_TYPES:
            return f"arn:aws:lambda:{self.region}:{self.account}:layer:{name}:1"
        if kind == ROLE_TYPE:
            return f"arn:aws:iam::{self.account}:role/{name}"
        raise ConfigurationError(
            f"no local ARN for {logical_id} ({kind})", details={"logical_id": logical_id, "type": kind}
        )

    def queue_name(self, template: HasDocument | Mapping[str, Any], logical_id: str) -> str:
        kind, properties = self._resource(template_document(template), logical_id)
        name = self._name(logical_id, kind, properties)
        fifo = str(properties.get("FifoQueue", "")).lower() == "true"
        return f"{name}.fifo" if fifo and not name.endswith(".fifo") else name

    def _name(self, logical_id: str, kind: str, properties: Mapping[str, Any]) -> str:
        # An explicit literal name in the template wins; an intrinsic one cannot be known here.
        explicit_key = {
            BUCKET_TYPE: "BucketName",
            QUEUE_TYPE: "QueueName",
            ROLE_TYPE: "RoleName",
            "AWS::Serverless::Function": "FunctionName",
            "AWS::Lambda::Function": "FunctionName",
            "AWS::Serverless::StateMachine": "Name",
            "AWS::StepFunctions::StateMachine": "StateMachineName",
            "AWS::Serverless::LayerVersion": "LayerName",
        }.get(kind)
        explicit = properties.get(explicit_key) if explicit_key else None
        if isinstance(explicit, str):
            return explicit
        if kind == BUCKET_TYPE:
            return f"{self.prefix}-{logical_id.lower()}"
        return f"{self.prefix}-{logical_id}"

    @staticmethod
    def _resource(document: Mapping[str, Any], logical_id: str) -> tuple[str, Mapping[str, Any]]:
        resource = (document.get("Resources") or {}).get(logical_id)
        if not isinstance(resource, Mapping):
            raise ConfigurationError(
                f"the template has no resource or parameter {logical_id}", details={"logical_id": logical_id}
            )
        return str(resource.get("Type", "")), resource.get("Properties") or {}
