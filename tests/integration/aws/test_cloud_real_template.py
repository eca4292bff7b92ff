"""The local cloud built from the real template.yaml and statemachine/tailoring.asl.json."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from local.aws.cloud import LocalCloud, local_cloud
from local.aws.template import TEMPLATE_PATH, load_template


@pytest.fixture(scope="module")
def cloud() -> Iterator[LocalCloud]:
    with local_cloud(load_template(TEMPLATE_PATH)) as local:
        yield local


def test_every_template_function_exists_in_moto(cloud: LocalCloud) -> None:
    import boto3

    listed = boto3.client("lambda", region_name=cloud.template.names.region).list_functions()["Functions"]
    names = {function["FunctionName"] for function in listed}
    assert names == {cloud.template.function_name(lid) for lid in cloud.template.functions}


def test_the_real_state_machine_is_accepted_with_every_substitution_resolved(cloud: LocalCloud) -> None:
    machine = cloud.sfn.describe_state_machine(stateMachineArn=cloud.state_machine_arn)
    definition = json.loads(machine["definition"])
    assert "${" not in machine["definition"]
    task_functions = {
        state["Parameters"]["FunctionName"]
        for state in definition["States"].values()
        if state.get("Type") == "Task"
    }
    # Every Task names a function the dispatcher can find
    for arn in task_functions:
        assert cloud.template.function_by_name(arn).logical_id.endswith("Function")


def test_every_queue_with_a_dead_letter_queue_has_its_redrive_policy(cloud: LocalCloud) -> None:
    for logical_id, queue in cloud.template.queues.items():
        attributes = cloud.sqs.get_queue_attributes(
            QueueUrl=cloud.queue_urls[logical_id], AttributeNames=["All"]
        )
        if queue.dead_letter is None:
            assert "RedrivePolicy" not in attributes["Attributes"]
        else:
            policy = json.loads(attributes["Attributes"]["RedrivePolicy"])
            assert policy["deadLetterTargetArn"].endswith(
                cloud.template.names.queue_name(cloud.template, queue.dead_letter)
            )


def test_every_handler_the_template_names_imports(cloud: LocalCloud) -> None:
    unloadable = []
    for function in cloud.template.functions.values():
        try:
            function.load_handler()
        except Exception as exc:  # noqa: BLE001 - collect them all for one clear message
            unloadable.append(f"{function.logical_id}: {exc}")
    assert unloadable == []
