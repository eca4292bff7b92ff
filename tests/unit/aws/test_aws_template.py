"""The template reader on fixture templates: Globals, routes, schedules, SQS, substitutions, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from cvpath.errors import ConfigurationError
from local.aws.template import FunctionDef, LocalNames, Template, load_template

TESTDATA = Path(__file__).parent / "testdata"
SMALL = TESTDATA / "small_template.yaml"
QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/cvpath-local-TelemetryQueue"


@pytest.fixture(scope="module")
def template() -> Template:
    return load_template(SMALL)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "template.yaml"
    path.write_text(text, encoding="utf-8")
    (tmp_path / "m.asl.json").write_text('{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}')
    return path


MINIMAL = """
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: {Handler: mod.fn, CodeUri: .}
  Machine:
    Type: AWS::Serverless::StateMachine
    Properties: {DefinitionUri: m.asl.json}
"""


def test_globals_merge_under_the_functions_own_environment(template: Template) -> None:
    echo, flaky = template.functions["EchoFunction"], template.functions["FlakyFunction"]
    # Globals apply to every function; the function's own value wins
    assert flaky.environment["POWERTOOLS_SERVICE_NAME"] == "cvpath"
    assert echo.environment["POWERTOOLS_SERVICE_NAME"] == "echo"
    # Intrinsics resolve to local names: parameter Default, bucket name, queue URL, Fn::If
    assert echo.environment["CVPATH_ENV"] == "dev"
    assert echo.environment["ARTIFACTS_BUCKET"] == "cvpath-local-artifactsbucket"
    assert echo.environment["TELEMETRY_QUEUE_URL"] == QUEUE_URL
    assert echo.environment["LOG_LEVEL"] == "DEBUG"
    # AWS::NoValue removes the variable; the SSM database pointer is dropped locally
    assert "OPTIONAL" not in echo.environment
    assert "CVPATH_DATABASE_URL_PARAMETER" not in echo.environment
    # Timeout/MemorySize: Globals unless the function says otherwise
    assert (echo.timeout_s, echo.memory_mb, flaky.timeout_s) == (30, 512, 5)
    assert echo.code_uri == TESTDATA.resolve()


def test_routes_match_parameters_and_exact_routes_win(template: Template) -> None:
    exact = template.route("GET", "/api/cvs/latest")
    assert exact is not None
    assert exact[0].logical_id == "EchoFunction"
    assert exact[1] == {}
    with_param = template.route("get", "/api/cvs/42?x=1")
    assert with_param is not None
    assert with_param[1] == {"id": "42"}
    # A method the parameterised route does not serve falls through to the greedy ANY route
    greedy = template.route("POST", "/api/cvs/42")
    assert greedy is not None
    assert greedy[0].logical_id == "FlakyFunction"
    assert greedy[1] == {"proxy": "cvs/42"}
    assert template.route("GET", "/render/health") is None
    assert template.route("GET", "/api") is None  # {proxy+} needs at least one segment


def test_schedules_and_sqs_sources(template: Template) -> None:
    flaky, consumer = template.functions["FlakyFunction"], template.functions["ConsumerFunction"]
    assert flaky.schedules == ("cron(0 0 * * ? *)", "rate(1 hour)")
    assert consumer.queue_sources == ("TelemetryQueue",)
    assert consumer.batch_size == 25
    assert consumer.partial_batch_response is True
    assert template.functions["EchoFunction"].batch_size is None


def test_queues_buckets_and_redrive(template: Template) -> None:
    queue = template.queues["TelemetryQueue"]
    assert (queue.visibility_timeout_s, queue.dead_letter, queue.max_receive_count) == (
        120,
        "TelemetryDeadLetterQueue",
        5,
    )
    assert template.queues["TelemetryDeadLetterQueue"].dead_letter is None
    assert template.buckets == ("ArtifactsBucket",)


def test_state_machine_substitutions_are_resolved(template: Template) -> None:
    machine = template.state_machine
    assert machine.substitutions["EchoFunctionArn"] == (
        "arn:aws:lambda:us-east-1:123456789012:function:cvpath-local-EchoFunction"
    )
    assert machine.substitutions["RetryInterval"] == "1"
    definition = machine.definition()
    assert "${" not in definition
    assert '"IntervalSeconds": 1,' in definition


def test_unresolved_substitution_names_the_missing_ones(tmp_path: Path) -> None:
    path = _write(tmp_path, MINIMAL)
    (tmp_path / "m.asl.json").write_text('{"A": "${NotThere}", "B": "${AlsoMissing}", "C": "$.x"}')
    with pytest.raises(ConfigurationError) as caught:
        load_template(path).state_machine.definition()
    assert caught.value.details["unresolved"] == ["AlsoMissing", "NotThere"]


def test_function_by_name_accepts_name_arn_and_logical_id(template: Template) -> None:
    arn = "arn:aws:lambda:us-east-1:123456789012:function:cvpath-local-EchoFunction"
    assert template.function_by_name(arn).logical_id == "EchoFunction"
    assert template.function_by_name(f"{arn}:$LATEST").logical_id == "EchoFunction"
    assert template.function_by_name("cvpath-local-EchoFunction").logical_id == "EchoFunction"
    assert template.function_by_name("EchoFunction").logical_id == "EchoFunction"
    with pytest.raises(ConfigurationError):
        template.function_by_name("cvpath-local-Nope")


def test_local_names_prefix_is_configurable() -> None:
    template = load_template(SMALL, LocalNames(prefix="other", region="eu-west-1"))
    assert template.functions["EchoFunction"].environment["ARTIFACTS_BUCKET"] == "other-artifactsbucket"
    assert (
        template.names.arn(template, "TelemetryQueue")
        == "arn:aws:sqs:eu-west-1:123456789012:other-TelemetryQueue"
    )


def test_load_handler_imports_the_handler_and_names_the_function_on_failure(template: Template) -> None:
    handler = template.functions["EchoFunction"].load_handler()
    assert handler.__name__ == "echo_handler"
    broken = FunctionDef("BrokenFunction", "no_such_module.handler", TESTDATA, 3, 128, {})
    with pytest.raises(ConfigurationError) as caught:
        broken.load_handler()
    assert "BrokenFunction" in caught.value.message
    missing_attr = FunctionDef("OddFunction", "aws_fixture_handlers.nope", TESTDATA, 3, 128, {})
    with pytest.raises(ConfigurationError, match="OddFunction"):
        missing_attr.load_handler()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Resources: {}\n", "no Resources"),
        (MINIMAL.replace("Handler: mod.fn, ", ""), "has no Handler"),
        (MINIMAL.replace("DefinitionUri: m.asl.json", "Definition: {}"), "DefinitionUri"),
        ("Resources:\n  Q: {Type: AWS::SQS::Queue}\n", "exactly one state machine"),
        (
            MINIMAL.replace("CodeUri: .}", "CodeUri: ., Environment: {Variables: {X: !ImportValue other}}}"),
            "no local value",
        ),
        (
            MINIMAL.replace("CodeUri: .}", "CodeUri: ., Environment: {Variables: {X: !Ref NoDefault}}}")
            + "Parameters:\n  NoDefault: {Type: String}\n",
            "no Default",
        ),
        ("Resources: [a\n", "not valid CloudFormation YAML"),
    ],
)
def test_bad_templates_are_configuration_errors(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        load_template(_write(tmp_path, text))


def test_a_missing_template_file_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="cannot read the template"):
        load_template(tmp_path / "absent.yaml")
