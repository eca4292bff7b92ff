"""The CloudFormation YAML loader: every short tag to its long form, and clear errors on bad input."""

from __future__ import annotations

import pytest

from cvpath.errors import ConfigurationError
from local.aws.cfn_yaml import SHORT_TAGS
from local.aws.template import load_cfn_yaml

ALL_TAGS = """
ref: !Ref Stage
getatt: !GetAtt Queue.Arn
getatt_dotted: !GetAtt Stack.Outputs.Url
getatt_list: !GetAtt [Queue, Arn]
sub: !Sub "/cvpath/${Stage}/x"
sub_vars: !Sub ["${A}-b", {A: !Ref Stage}]
if: !If [IsProd, 1, !Ref AWS::NoValue]
join: !Join [",", [a, b]]
select: !Select [0, [a, b]]
equals: !Equals [!Ref Stage, prod]
not: !Not [!Equals [a, b]]
and: !And [!Condition IsProd, !Condition IsDev]
or: !Or [!Condition IsProd, !Condition IsDev]
findinmap: !FindInMap [Map, Key, Value]
getazs: !GetAZs ""
split: !Split [",", "a,b"]
importvalue: !ImportValue shared-vpc
base64: !Base64 hello
condition: !Condition IsProd
cidr: !Cidr ["10.0.0.0/16", 4, 8]
"""


def test_every_short_tag_becomes_its_long_form() -> None:
    # Given a document with every short tag / When loaded
    document = load_cfn_yaml(ALL_TAGS)
    # Then each is the documented long form
    assert document["ref"] == {"Ref": "Stage"}
    assert document["getatt"] == {"Fn::GetAtt": ["Queue", "Arn"]}
    assert document["getatt_dotted"] == {"Fn::GetAtt": ["Stack", "Outputs.Url"]}
    assert document["getatt_list"] == {"Fn::GetAtt": ["Queue", "Arn"]}
    assert document["sub"] == {"Fn::Sub": "/cvpath/${Stage}/x"}
    assert document["sub_vars"] == {"Fn::Sub": ["${A}-b", {"A": {"Ref": "Stage"}}]}
    assert document["if"] == {"Fn::If": ["IsProd", 1, {"Ref": "AWS::NoValue"}]}
    assert document["join"] == {"Fn::Join": [",", ["a", "b"]]}
    assert document["select"] == {"Fn::Select": [0, ["a", "b"]]}
    assert document["equals"] == {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}
    assert document["not"] == {"Fn::Not": [{"Fn::Equals": ["a", "b"]}]}
    assert document["and"] == {"Fn::And": [{"Condition": "IsProd"}, {"Condition": "IsDev"}]}
    assert document["or"] == {"Fn::Or": [{"Condition": "IsProd"}, {"Condition": "IsDev"}]}
    assert document["findinmap"] == {"Fn::FindInMap": ["Map", "Key", "Value"]}
    assert document["getazs"] == {"Fn::GetAZs": ""}
    assert document["split"] == {"Fn::Split": [",", "a,b"]}
    assert document["importvalue"] == {"Fn::ImportValue": "shared-vpc"}
    assert document["base64"] == {"Fn::Base64": "hello"}
    assert document["condition"] == {"Condition": "IsProd"}
    assert document["cidr"] == {"Fn::Cidr": ["10.0.0.0/16", 4, 8]}
    assert len(SHORT_TAGS) == 17


def test_malformed_yaml_is_a_configuration_error_with_the_line() -> None:
    with pytest.raises(ConfigurationError) as caught:
        load_cfn_yaml("Resources:\n  A:\n    Type: [unclosed\n")
    assert "not valid CloudFormation YAML" in caught.value.message
    assert caught.value.details["line"] >= 3


def test_getatt_without_attribute_is_refused() -> None:
    with pytest.raises(ConfigurationError) as caught:
        load_cfn_yaml("a: !GetAtt Queue\n")
    assert "Resource.Attribute" in caught.value.details["problem"]


def test_unknown_tag_is_refused() -> None:
    with pytest.raises(ConfigurationError):
        load_cfn_yaml("a: !NotATag x\n")


def test_python_objects_are_never_built() -> None:
    with pytest.raises(ConfigurationError):
        load_cfn_yaml("a: !!python/object/apply:os.system ['true']\n")


def test_a_document_that_is_not_a_mapping_is_refused() -> None:
    with pytest.raises(ConfigurationError) as caught:
        load_cfn_yaml("- just\n- a list\n")
    assert caught.value.details == {"type": "list"}
