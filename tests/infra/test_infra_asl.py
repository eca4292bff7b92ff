"""statemachine/tailoring.asl.json against the contract: transitions, substitutions, retries, catches."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cvpath import errors
from cvpath.agents.base import AgentRetry
from local.aws.template import load_cfn_yaml

ROOT = Path(__file__).resolve().parents[2]
ASL_PATH = ROOT / "statemachine" / "tailoring.asl.json"
TEMPLATE_PATH = ROOT / "template.yaml"

FAILING_STATES = ("Admit", "ExtractText", "ParseInputs", "Analyze", "Tailor", "Score", "Render", "Settle")
AGENT_FUNCTIONS = {
    "CvParser": "CvParserFunction",
    "CvValidator": "CvValidatorFunction",
    "JobParser": "JobParserFunction",
    "Analyze": "JobAnalyzerFunction",
    "Tailor": "CvTailorFunction",
    "Score": "ComparativeScorerFunction",
}
# The only values a state may hand to a function: ids, the CV's location, render options, the failure.
ALLOWED_PAYLOAD = {
    "run_id.$": "$.run_id",
    "cv.$": "$.cv",
    "render.$": "$.render",
    "failure.$": "$.failure",
    "execution_id.$": "$$.Execution.Id",
}
SUBSTITUTION = re.compile(r"\$\{(\w+)\}")
Machine = dict[str, Any]


def load_asl() -> Machine:
    machine: Machine = json.loads(ASL_PATH.read_text(encoding="utf-8"))
    return machine


def walk_states(machine: Machine) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every state, Parallel branches included, as (name, state)."""
    for name, state in machine["States"].items():
        yield name, state
        for branch in state.get("Branches", []):
            yield from walk_states(branch)


def transitions(state: dict[str, Any]) -> list[str]:
    targets = [state["Next"]] if "Next" in state else []
    targets += [choice["Next"] for choice in state.get("Choices", [])]
    targets += [state["Default"]] if "Default" in state else []
    targets += [catcher["Next"] for catcher in state.get("Catch", [])]
    return targets


def transition_problems(machine: Machine, scope: str = "top level") -> list[str]:
    """Dangling StartAt/Next/Default/Choice/Catch targets and states that neither move on nor end."""
    states = machine["States"]
    problems = [] if machine["StartAt"] in states else [f"{scope}: StartAt {machine['StartAt']!r} is missing"]
    for name, state in states.items():
        for target in transitions(state):
            if target not in states:
                problems.append(f"{scope}: {name} -> {target!r} does not exist")
        ends = state.get("End") is True or state["Type"] in ("Succeed", "Fail", "Choice")
        if not ends and "Next" not in state:
            problems.append(f"{scope}: {name} has neither Next nor End")
        for index, branch in enumerate(state.get("Branches", [])):
            problems += transition_problems(branch, f"{name} branch {index + 1}")
    return problems


def reachable(machine: Machine) -> set[str]:
    seen: set[str] = set()
    pending = [machine["StartAt"]]
    while pending:
        name = pending.pop()
        if name in seen or name not in machine["States"]:
            continue
        seen.add(name)
        pending += transitions(machine["States"][name])
    return seen


def test_every_transition_target_exists() -> None:
    assert transition_problems(load_asl()) == []


def test_a_broken_next_is_reported_at_top_level_and_in_a_branch() -> None:
    broken = copy.deepcopy(load_asl())
    broken["States"]["Analyze"]["Next"] = "Tailr"
    broken["States"]["ParseInputs"]["Branches"][0]["States"]["CvParser"]["Next"] = "CvValidatr"
    broken["States"]["ParseInputs"]["Branches"][1]["StartAt"] = "JobParsr"
    del broken["States"]["Settle"]["Next"]

    problems = transition_problems(broken)

    assert "top level: Analyze -> 'Tailr' does not exist" in problems
    assert "ParseInputs branch 1: CvParser -> 'CvValidatr' does not exist" in problems
    assert "ParseInputs branch 2: StartAt 'JobParsr' is missing" in problems
    assert "top level: Settle has neither Next nor End" in problems


def test_states_are_exactly_the_contract() -> None:
    machine = load_asl()
    assert machine["StartAt"] == "Admit"
    assert set(machine["States"]) == {
        *FAILING_STATES,
        "NeedsExtraction",
        "Done",
        "MarkFailed",
        "FailedOrRejected",
        "Rejected",
        "Failed",
    }
    branches = machine["States"]["ParseInputs"]["Branches"]
    assert [(b["StartAt"], list(b["States"])) for b in branches] == [
        ("CvParser", ["CvParser", "CvValidator"]),
        ("JobParser", ["JobParser"]),
    ]


def test_the_happy_path_visits_every_step_in_order() -> None:
    states = load_asl()["States"]
    path, name = [], "Admit"
    while "Next" in states[name] or "Default" in states[name]:
        path.append(name)
        name = states[name].get("Next") or states[name]["Default"]
    happy = ["Admit", "NeedsExtraction", "ParseInputs", "Analyze", "Tailor", "Score", "Render", "Settle"]
    assert [*path, name] == [*happy, "Done"]


def test_only_pdf_and_docx_go_through_extraction() -> None:
    choice = load_asl()["States"]["NeedsExtraction"]
    (rule,) = choice["Choices"]
    assert rule["Next"] == "ExtractText"
    assert sorted(c["StringEquals"] for c in rule["Or"]) == ["DOCX", "PDF"]
    assert {c["Variable"] for c in rule["Or"]} == {"$.cv.format"}
    assert choice["Default"] == "ParseInputs"
    assert load_asl()["States"]["ExtractText"]["Next"] == "ParseInputs"


def test_every_state_and_every_terminal_is_reachable() -> None:
    machine = load_asl()
    assert reachable(machine) == set(machine["States"])
    for branch in machine["States"]["ParseInputs"]["Branches"]:
        assert reachable(branch) == set(branch["States"])
    terminals = {n for n, s in machine["States"].items() if s["Type"] in ("Succeed", "Fail")}
    assert terminals == {"Done", "Rejected", "Failed"}


def test_failure_ends_rejected_or_failed_by_markfaileds_outcome() -> None:
    states = load_asl()["States"]
    assert states["MarkFailed"]["Next"] == "FailedOrRejected"
    assert "Catch" not in states["MarkFailed"]
    assert "Retry" not in states["MarkFailed"]
    choice = states["FailedOrRejected"]
    assert choice["Choices"] == [
        {"Variable": "$.outcome.outcome", "StringEquals": "REJECTED", "Next": "Rejected"}
    ]
    assert choice["Default"] == "Failed"
    assert (states["Rejected"]["Type"], states["Rejected"]["Error"]) == ("Fail", "RunRejected")
    assert (states["Failed"]["Type"], states["Failed"]["Error"]) == ("Fail", "RunFailed")


def test_substitutions_match_the_templates_definition_substitutions() -> None:
    template = load_cfn_yaml(TEMPLATE_PATH.read_text(encoding="utf-8"))
    resources = template["Resources"]
    machine = resources["TailoringStateMachine"]["Properties"]
    substitutions = machine["DefinitionSubstitutions"]
    used = set(SUBSTITUTION.findall(ASL_PATH.read_text(encoding="utf-8")))

    assert used == set(substitutions)
    for name, value in substitutions.items():
        logical_id = name.removesuffix("Arn")
        assert value == {"Fn::GetAtt": [logical_id, "Arn"]}, name
        assert resources[logical_id]["Type"] == "AWS::Serverless::Function", name


def test_every_task_invokes_lambda_through_a_substituted_function_name() -> None:
    for name, state in walk_states(load_asl()):
        if state["Type"] != "Task":
            continue
        assert state["Resource"] == "arn:aws:states:::lambda:invoke", name
        assert SUBSTITUTION.fullmatch(state["Parameters"]["FunctionName"]), name


def test_error_names_are_classes_of_the_error_tree() -> None:
    names = {
        error
        for _, state in walk_states(load_asl())
        for rule in state.get("Retry", []) + state.get("Catch", [])
        for error in rule["ErrorEquals"]
        if not error.startswith("States.")
    }
    assert names, "the machine matches no named error at all"
    for error in names:
        klass = getattr(errors, error, None)
        assert isinstance(klass, type), error
        assert issubclass(klass, errors.CVPathError), error


def test_only_agents_retry_and_with_agent_retrys_numbers() -> None:
    policy = AgentRetry()
    expected = [
        {
            "ErrorEquals": list(policy.retry_on),
            "IntervalSeconds": policy.interval_s,
            "MaxAttempts": policy.max_attempts,
            "BackoffRate": policy.backoff_rate,
        }
    ]
    retrying = {name: state["Retry"] for name, state in walk_states(load_asl()) if "Retry" in state}
    assert set(retrying) == set(AGENT_FUNCTIONS)
    for name, retry in retrying.items():
        assert retry == expected, name
    assert set(policy.retry_on) == {"ProviderUnavailable", "RateLimited"}


def test_agent_states_call_their_own_agent_function() -> None:
    states = dict(walk_states(load_asl()))
    for name, function in AGENT_FUNCTIONS.items():
        assert states[name]["Parameters"]["FunctionName"] == "${" + function + "Arn}", name


def test_every_failing_state_catches_everything_into_markfailed_under_its_name() -> None:
    machine = load_asl()
    for name in FAILING_STATES:
        assert machine["States"][name]["Catch"] == [
            {"ErrorEquals": ["States.ALL"], "ResultPath": f"$.failure.{name}", "Next": "MarkFailed"}
        ], name
    # A state added later cannot forget its Catch: every top-level Task/Parallel but MarkFailed has one.
    uncaught = {
        n
        for n, s in machine["States"].items()
        if s["Type"] in ("Task", "Parallel") and "Catch" not in s and n != "MarkFailed"
    }
    assert uncaught == set()
    branch_catches = [
        n for b in machine["States"]["ParseInputs"]["Branches"] for n, s in walk_states(b) if "Catch" in s
    ]
    assert branch_catches == [], "branch errors must reach the Parallel's Catch"


def test_payloads_carry_ids_and_locations_only() -> None:
    for name, state in walk_states(load_asl()):
        parameters = state.get("Parameters")
        if parameters is None:
            continue
        payload = parameters.get("Payload", {}) if state["Type"] == "Task" else parameters
        assert payload, name
        for key, value in payload.items():
            assert ALLOWED_PAYLOAD.get(key) == value, f"{name} passes {key}: {value}"


def test_task_payloads_are_the_contracts() -> None:
    states = dict(walk_states(load_asl()))
    ids = {"run_id.$": "$.run_id"}
    expected = {name: ids for name in ["Admit", *AGENT_FUNCTIONS]}
    expected["ExtractText"] = {**ids, "cv.$": "$.cv"}
    expected["Render"] = {**ids, "render.$": "$.render"}
    expected["Settle"] = {**ids, "execution_id.$": "$$.Execution.Id"}
    expected["MarkFailed"] = {**ids, "failure.$": "$.failure", "execution_id.$": "$$.Execution.Id"}
    tasks = {name for name, state in states.items() if state["Type"] == "Task"}
    assert tasks == set(expected)
    for name, payload in expected.items():
        assert states[name]["Parameters"]["Payload"] == payload, name


def test_results_keep_only_small_fields() -> None:
    states = dict(walk_states(load_asl()))
    for name, state in states.items():
        if state["Type"] != "Task":
            continue
        selector = state["ResultSelector"]
        assert selector, name
        assert all(v.startswith("$.Payload.") and v != "$.Payload." for v in selector.values()), name
    for name in ["Admit", "Settle", *AGENT_FUNCTIONS]:
        assert states[name]["ResultPath"] is None, name
    assert states["ParseInputs"]["ResultPath"] is None
    assert states["ExtractText"]["ResultPath"] == "$.extracted"
    assert set(states["ExtractText"]["ResultSelector"]) == {"import_data_id.$", "chars.$"}
    assert states["Render"]["ResultPath"] == "$.artifacts"
    assert states["MarkFailed"]["ResultSelector"] == {
        "outcome.$": "$.Payload.outcome",
        "error.$": "$.Payload.error_code",
    }
    assert states["MarkFailed"]["ResultPath"] == "$.outcome"


def test_the_file_explains_itself() -> None:
    machine = load_asl()
    assert machine.get("Comment")
    commented = {n for n, s in walk_states(machine) if s.get("Comment")}
    assert {*FAILING_STATES, "NeedsExtraction", "MarkFailed", "FailedOrRejected"} <= commented
