"""Resolve CloudFormation intrinsics (long form) to the local stack's values.

Only what a template's environment, events and state machine substitutions use:
Ref, GetAtt, Sub, Join, Select, Split, If/Equals/Not/And/Or/Condition, FindInMap,
GetAZs, Base64. ImportValue cannot resolve locally (there are no other stacks).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from typing import Any

from cvpath.errors import ConfigurationError
from local.aws.local_names import LocalNames

# A sentinel for !Ref AWS::NoValue: the key or item disappears.
NO_VALUE: Any = object()

_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")


class IntrinsicResolver:
    def __init__(self, document: Mapping[str, Any], names: LocalNames) -> None:
        self._document = document
        self._names = names
        self._pseudo: dict[str, Any] = {
            "AWS::Region": names.region,
            "AWS::AccountId": names.account,
            "AWS::StackName": names.prefix,
            "AWS::StackId": f"arn:aws:cloudformation:{names.region}:{names.account}:stack/{names.prefix}/x",
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NoValue": NO_VALUE,
        }

    def resolve(self, value: Any) -> Any:
        """``value`` with every intrinsic replaced; ConfigurationError naming one that cannot resolve."""
        if isinstance(value, dict):
            if len(value) == 1:
                ((key, argument),) = value.items()
                handler = self._handlers().get(key)
                if handler is not None:
                    return handler(argument)
            resolved = {k: self.resolve(v) for k, v in value.items()}
            return {k: v for k, v in resolved.items() if v is not NO_VALUE}
        if isinstance(value, list):
            return [item for item in (self.resolve(v) for v in value) if item is not NO_VALUE]
        return value

    def resolve_str(self, value: Any, *, what: str) -> str | None:
        """A resolved scalar as the string CloudFormation would pass on (None for AWS::NoValue)."""
        resolved = self.resolve(value)
        if resolved is NO_VALUE:
            return None
        if isinstance(resolved, bool):
            return "true" if resolved else "false"
        if isinstance(resolved, dict | list):
            raise ConfigurationError(f"{what} does not resolve to a single value", details={"what": what})
        return str(resolved)

    def condition(self, name: str) -> bool:
        conditions = self._document.get("Conditions") or {}
        if name not in conditions:
            raise ConfigurationError(f"the template has no condition {name}", details={"condition": name})
        return bool(self.resolve(conditions[name]))

    def _handlers(self) -> dict[str, Any]:
        return {
            "Ref": self._ref,
            "Fn::GetAtt": self._get_att,
            "Fn::Sub": self._sub,
            "Fn::Join": lambda a: str(self.resolve(a[0])).join(str(x) for x in self.resolve(a[1])),
            "Fn::Select": lambda a: self.resolve(a[1])[int(self.resolve(a[0]))],
            "Fn::Split": lambda a: str(self.resolve(a[1])).split(str(self.resolve(a[0]))),
            "Fn::If": lambda a: self.resolve(a[1] if self.condition(a[0]) else a[2]),
            "Fn::Equals": lambda a: str(self.resolve(a[0])) == str(self.resolve(a[1])),
            "Fn::Not": lambda a: not self.resolve(a[0]),
            "Fn::And": lambda a: all(self.resolve(x) for x in a),
            "Fn::Or": lambda a: any(self.resolve(x) for x in a),
            "Condition": self.condition,
            "Fn::FindInMap": self._find_in_map,
            "Fn::GetAZs": lambda _a: [f"{self._names.region}{zone}" for zone in "abc"],
            "Fn::Base64": lambda a: base64.b64encode(str(self.resolve(a)).encode()).decode(),
            "Fn::ImportValue": self._unresolvable("Fn::ImportValue"),
            "Fn::Cidr": self._unresolvable("Fn::Cidr"),
        }

    def _ref(self, logical_id: Any) -> Any:
        if logical_id in self._pseudo:
            return self._pseudo[logical_id]
        return self._names.ref(self._document, str(logical_id))

    def _get_att(self, argument: Any) -> str:
        logical_id, attribute = (str(part) for part in self.resolve(argument))
        if attribute == "Arn":
            return self._names.arn(self._document, logical_id)
        if attribute == "QueueUrl":
            return self._names.ref(self._document, logical_id)
        if attribute == "QueueName":
            return self._names.queue_name(self._document, logical_id)
        raise ConfigurationError(
            f"!GetAtt {logical_id}.{attribute} has no local value",
            details={"logical_id": logical_id, "attribute": attribute},
        )

    def _sub(self, argument: Any) -> str:
        if isinstance(argument, list):
            text, variables = argument[0], {k: self.resolve(v) for k, v in argument[1].items()}
        else:
            text, variables = argument, {}

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                return str(variables[name])
            if "." in name:
                return self._get_att(name.split(".", 1))
            return str(self._ref(name))

        return _SUB_VARIABLE.sub(replace, str(text))

    def _find_in_map(self, argument: Any) -> Any:
        map_name, first, second = (str(self.resolve(part)) for part in argument)
        try:
            return (self._document.get("Mappings") or {})[map_name][first][second]
        except KeyError as exc:
            raise ConfigurationError(
                f"!FindInMap {map_name}/{first}/{second} is not in the template's Mappings",
                details={"map": map_name, "keys": [first, second]},
            ) from exc

    @staticmethod
    def _unresolvable(function: str) -> Any:
        def fail(_argument: Any) -> Any:
            raise ConfigurationError(f"{function} has no local value", details={"intrinsic": function})

        return fail
