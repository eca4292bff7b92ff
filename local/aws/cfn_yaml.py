"""CloudFormation YAML: the short intrinsic tags (``!Ref``, ``!GetAtt a.b``, ``!Sub`` ...) as long-form dicts.

Why a SafeLoader subclass: a template is data; it must never build arbitrary Python
objects, and plain ``yaml.safe_load`` refuses the ``!`` tags outright.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml

from cvpath.errors import ConfigurationError

# Short tag -> the long-form key CloudFormation documents for it.
SHORT_TAGS: dict[str, str] = {
    "Ref": "Ref",
    "Condition": "Condition",
    "GetAtt": "Fn::GetAtt",
    "Sub": "Fn::Sub",
    "If": "Fn::If",
    "Join": "Fn::Join",
    "Select": "Fn::Select",
    "Equals": "Fn::Equals",
    "Not": "Fn::Not",
    "And": "Fn::And",
    "Or": "Fn::Or",
    "FindInMap": "Fn::FindInMap",
    "GetAZs": "Fn::GetAZs",
    "Split": "Fn::Split",
    "ImportValue": "Fn::ImportValue",
    "Base64": "Fn::Base64",
    "Cidr": "Fn::Cidr",
}


class CfnLoader(yaml.SafeLoader):  # type: ignore[misc]
    """SafeLoader that also understands CloudFormation's short intrinsic tags."""


def _intrinsic(key: str) -> Callable[[CfnLoader, yaml.Node], dict[str, Any]]:
    def construct(loader: CfnLoader, node: yaml.Node) -> dict[str, Any]:
        value: Any
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            assert isinstance(node, yaml.MappingNode)
            value = loader.construct_mapping(node, deep=True)
        if key == "Fn::GetAtt" and isinstance(value, str):
            # "Resource.Attribute"; the attribute itself may contain dots (Outputs.X).
            resource, dot, attribute = value.partition(".")
            if not dot or not resource or not attribute:
                raise yaml.constructor.ConstructorError(
                    None, None, f"!GetAtt needs 'Resource.Attribute', got {value!r}", node.start_mark
                )
            value = [resource, attribute]
        return {key: value}

    return construct


for _tag, _key in SHORT_TAGS.items():
    CfnLoader.add_constructor(f"!{_tag}", _intrinsic(_key))


def load_cfn_yaml(text: str) -> dict[str, Any]:
    """Parse a CloudFormation/SAM YAML document into plain dicts, intrinsics in long form.

    Raises ConfigurationError (with the line and the parser's problem) on malformed
    YAML, an unknown tag, or a document that is not a mapping.
    """
    try:
        document = yaml.load(text, Loader=CfnLoader)  # noqa: S506 - CfnLoader derives from SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        details: dict[str, Any] = {"problem": str(getattr(exc, "problem", None) or exc)}
        if mark is not None:
            details["line"] = mark.line + 1
            details["column"] = mark.column + 1
        where = f" at line {details['line']}" if "line" in details else ""
        raise ConfigurationError(
            f"the template is not valid CloudFormation YAML{where}", details=details
        ) from exc
    if not isinstance(document, dict):
        raise ConfigurationError(
            "the template must be a YAML mapping", details={"type": type(document).__name__}
        )
    return document
