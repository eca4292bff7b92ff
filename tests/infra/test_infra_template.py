"""template.yaml against the contract: functions, handlers, queues, bucket, routes, schedules, no secrets."""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from local.aws.template import load_cfn_yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_PATH = ROOT / "template.yaml"
EVENTS_DIR = ROOT / "events"

# The common brief's table: logical id -> (handler, CodeUri).
FUNCTIONS = {
    "AdmitFunction": ("cvpath_pipeline.run_states.admit_handler", "functions/pipeline"),
    "SettleFunction": ("cvpath_pipeline.run_states.settle_handler", "functions/pipeline"),
    "MarkFailedFunction": ("cvpath_pipeline.run_states.mark_failed_handler", "functions/pipeline"),
    "MigrationsFunction": ("cvpath_pipeline.migrations.handler", "functions/pipeline"),
    "QuotaResetFunction": ("cvpath_pipeline.quota_reset.handler", "functions/pipeline"),
    "CvParserFunction": ("cvpath_agents.handlers.cv_parser_handler", "functions/agents"),
    "CvValidatorFunction": ("cvpath_agents.handlers.cv_validator_handler", "functions/agents"),
    "JobParserFunction": ("cvpath_agents.handlers.job_parser_handler", "functions/agents"),
    "JobAnalyzerFunction": ("cvpath_agents.handlers.job_analyzer_handler", "functions/agents"),
    "CvTailorFunction": ("cvpath_agents.handlers.cv_tailor_handler", "functions/agents"),
    "ComparativeScorerFunction": ("cvpath_agents.handlers.comparative_scorer_handler", "functions/agents"),
    "ExtractTextFunction": ("cvpath_render.tasks.extract_cv_handler", "functions/render"),
    "RenderFunction": ("cvpath_render.tasks.render_run_handler", "functions/render"),
    "RenderApiFunction": ("cvpath_render.handlers.http_handler", "functions/render"),
    "TelemetryIngestFunction": ("cvpath_telemetry.ingest.handler", "functions/telemetry"),
    "TelemetryConsumerFunction": ("cvpath_telemetry.consumer.handler", "functions/telemetry"),
    "UsageAggregationFunction": ("cvpath_telemetry.aggregation.handler", "functions/telemetry"),
    "PublicApiFunction": ("cvpath_api.app.handler", "functions/api"),
    "AdminApiFunction": ("cvpath_admin.app.handler", "functions/admin"),
}

# DESIGN.md "HTTP routes", expanded: (method, path) -> the function that must serve it.
_PUBLIC = [
    ("POST", "/api/guest"),
    ("POST", "/api/auth/register"),
    ("POST", "/api/auth/login"),
    ("POST", "/api/auth/logout"),
    # Beyond DESIGN.md's list (extensions, not renames): the refresh flow, who am I, the schema.
    ("POST", "/api/auth/refresh"),
    ("GET", "/api/me"),
    ("GET", "/api/openapi.json"),
    ("POST", "/api/cvs"),
    ("GET", "/api/cvs"),
    ("GET", "/api/cvs/{id}"),
    ("GET", "/api/cvs/{id}/versions"),
    ("POST", "/api/applications"),
    ("PATCH", "/api/applications/{id}"),
    ("POST", "/api/applications/{id}/runs"),
    ("GET", "/api/runs/{id}"),
    ("GET", "/api/runs/{id}/events"),
    ("GET", "/api/runs/{id}/artifacts/{kind}"),
    ("GET", "/api/builder-state"),
    ("PUT", "/api/builder-state"),
    ("GET", "/api/health"),
    # Also beyond the list: new versions of a CV, reading applications back, and the preferences
    # the issue asks for beside the builder state.
    ("POST", "/api/cvs/{id}/versions"),
    ("GET", "/api/applications"),
    ("GET", "/api/applications/{id}"),
    ("GET", "/api/preferences"),
    ("PUT", "/api/preferences"),
]
_ADMIN = [
    "/api/admin/llm-analytics",
    "/api/admin/llm-analytics/export.csv",
    "/api/admin/settings",
    "/api/admin/model-config/{agent}",
    "/api/admin/users",
    "/api/admin/users/{id}",
    "/api/admin/errors",
    "/api/admin/errors/{fingerprint}",
    "/api/admin/runs",
    "/api/admin/runs/{id}",
    # Beyond DESIGN.md's list: the admin token exchange, the audit trail, the admin schema.
    "/api/admin/audit",
    "/api/admin/openapi.json",
]
DESIGN_ROUTES: dict[tuple[str, str], str] = {
    ("POST", "/render/pdf"): "RenderApiFunction",
    ("POST", "/render/extract-text"): "RenderApiFunction",
    ("GET", "/render/health"): "RenderApiFunction",
    **{
        ("POST", f"/track/{kind}"): "TelemetryIngestFunction"
        for kind in ("page-view", "action", "llm-request", "error")
    },
    **{
        ("GET", f"/stats/{kind}"): "TelemetryIngestFunction"
        for kind in ("overview", "llm-usage", "user-activity")
    },
    **dict.fromkeys(_PUBLIC, "PublicApiFunction"),
    **{("GET", path): "AdminApiFunction" for path in _ADMIN},
    ("POST", "/api/admin/auth/token"): "AdminApiFunction",
}

SECRET_PATTERNS = {
    "OpenAI-style key": re.compile(r"\bsk-[A-Za-z0-9_-]{16,}"),
    "AWS access key id": re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"),
    "password assignment": re.compile(r"(?i)\bpass(word)?\s*[=:]\s*['\"]?[^\s'\"{}$]{4,}"),
    "URL with credentials": re.compile(r"\b[a-z][a-z0-9+]*://[^/\s:@]+:[^@\s/]+@"),
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
}


def secret_findings(text: str) -> list[str]:
    return [name for name, pattern in SECRET_PATTERNS.items() if pattern.search(text)]


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    document: dict[str, Any] = load_cfn_yaml(TEMPLATE_PATH.read_text(encoding="utf-8"))
    return document


@pytest.fixture(scope="module")
def resources(template: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = template["Resources"]
    return found


def functions_of(resources: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        lid: res["Properties"] for lid, res in resources.items() if res["Type"] == "AWS::Serverless::Function"
    }


def snake(logical_id: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", logical_id.removesuffix("Function")).lower()


def load_event(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS_DIR / name).read_text(encoding="utf-8"))
    return event


def test_functions_handlers_and_code_uris_are_the_contracts(resources: dict[str, Any]) -> None:
    functions = functions_of(resources)
    assert {lid: (p["Handler"], p["CodeUri"]) for lid, p in functions.items()} == FUNCTIONS


@pytest.mark.parametrize("logical_id", sorted(FUNCTIONS))
def test_handler_imports_from_its_code_uri_and_is_callable(logical_id: str) -> None:
    handler, code_uri = FUNCTIONS[logical_id]
    module_name, _, attribute = handler.rpartition(".")
    module = importlib.import_module(module_name)
    assert callable(getattr(module, attribute, None)), f"{handler} is not a callable"
    # Lambda imports the module from the CodeUri folder: the installed copy must be that one.
    assert Path(str(module.__file__)).resolve().is_relative_to((ROOT / code_uri).resolve())


def test_code_uris_and_every_event_file_exist(resources: dict[str, Any]) -> None:
    for logical_id, properties in functions_of(resources).items():
        assert (ROOT / properties["CodeUri"]).is_dir(), logical_id
        samples = sorted(EVENTS_DIR.glob(f"{snake(logical_id)}*.json"))
        assert samples, f"events/ has no sample event for {logical_id} ({snake(logical_id)}.json)"
        for sample in samples:
            json.loads(sample.read_text(encoding="utf-8"))
    assert (EVENTS_DIR / "execution_input.json").is_file()


def test_the_sample_execution_input_is_the_contracts_shape() -> None:
    execution = load_event("execution_input.json")
    assert execution == {
        "run_id": "5a3b1e00-0000-4000-8000-000000000001",
        "cv": {"format": "TEXT", "filename": execution["cv"]["filename"], "s3": None},
        "render": {
            "engine": execution["render"]["engine"],
            "cover_letter": execution["render"]["cover_letter"],
        },
    }
    assert execution["render"]["engine"] in ("v1", "v2")
    assert execution["render"]["cover_letter"] in ("none", "pdf", "docx")


def test_globals_set_runtime_layer_and_the_settings_environment(template: dict[str, Any]) -> None:
    function = template["Globals"]["Function"]
    assert function["Runtime"] == "python3.12"
    assert function["Architectures"] == ["arm64"]
    assert function["Tracing"] == "Active"
    assert function["Layers"] == [{"Ref": "CvpathLayer"}]
    variables = function["Environment"]["Variables"]
    assert {
        "CVPATH_ENV",
        "POWERTOOLS_SERVICE_NAME",
        "POWERTOOLS_LOG_LEVEL",
        "POWERTOOLS_METRICS_NAMESPACE",
        "CVPATH_DATABASE_URL_PARAMETER",
        "ARTIFACTS_BUCKET",
        "TELEMETRY_QUEUE_URL",
        "CVPATH_VAULT_KEY_PARAMETER",
    } <= set(variables)
    assert variables["ARTIFACTS_BUCKET"] == {"Ref": "ArtifactsBucket"}
    assert variables["TELEMETRY_QUEUE_URL"] == {"Ref": "TelemetryQueue"}
    assert variables["CVPATH_DATABASE_URL_PARAMETER"] == {"Ref": "DatabaseUrlParameterName"}
    # In AWS the URL is never in the environment, only the name of the parameter holding it.
    assert "DATABASE_URL" not in variables


def test_the_layer_is_built_for_python312_arm64(resources: dict[str, Any]) -> None:
    layer = resources["CvpathLayer"]
    assert layer["Type"] == "AWS::Serverless::LayerVersion"
    assert layer["Properties"]["ContentUri"] == "layers/cvpath"
    assert layer["Properties"]["CompatibleRuntimes"] == ["python3.12"]
    assert layer["Metadata"] == {"BuildMethod": "python3.12", "BuildArchitecture": "arm64"}


def test_timeouts_fit_the_work(resources: dict[str, Any]) -> None:
    functions = functions_of(resources)
    for agent in ("CvParser", "CvValidator", "JobParser", "JobAnalyzer", "CvTailor", "ComparativeScorer"):
        assert functions[f"{agent}Function"]["Timeout"] == 300
    assert functions["ExtractTextFunction"]["Timeout"] == 60
    assert (functions["RenderFunction"]["Timeout"], functions["RenderFunction"]["MemorySize"]) == (60, 1024)
    # An HTTP API integration gives up after 30 s.
    for lid, properties in functions.items():
        if any(e["Type"] == "HttpApi" for e in properties.get("Events", {}).values()):
            assert properties.get("Timeout", 30) < 30, lid


def test_telemetry_queue_redrives_to_the_dlq_after_three_receives(resources: dict[str, Any]) -> None:
    queue = resources["TelemetryQueue"]["Properties"]
    assert queue["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": ["TelemetryDeadLetterQueue", "Arn"]},
        "maxReceiveCount": 3,
    }
    consumer = resources["TelemetryConsumerFunction"]["Properties"]
    assert queue["VisibilityTimeout"] >= 6 * consumer["Timeout"]
    for lid in ("TelemetryQueue", "TelemetryDeadLetterQueue", "ScheduledJobsDeadLetterQueue"):
        assert resources[lid]["Properties"]["SqsManagedSseEnabled"] is True, lid


def test_the_consumer_reads_the_queue_in_batches_with_partial_failures(resources: dict[str, Any]) -> None:
    events = resources["TelemetryConsumerFunction"]["Properties"]["Events"]
    (event,) = events.values()
    assert event["Type"] == "SQS"
    assert event["Properties"] == {
        "Queue": {"Fn::GetAtt": ["TelemetryQueue", "Arn"]},
        "BatchSize": 10,
        "FunctionResponseTypes": ["ReportBatchItemFailures"],
    }


def test_the_bucket_is_private_encrypted_and_owner_enforced(resources: dict[str, Any]) -> None:
    bucket = resources["ArtifactsBucket"]["Properties"]
    assert set(bucket["PublicAccessBlockConfiguration"].values()) == {True}
    assert len(bucket["PublicAccessBlockConfiguration"]) == 4
    (rule,) = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in ("AES256", "aws:kms")
    assert bucket["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    (deny_plain_http,) = resources["ArtifactsBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert deny_plain_http["Effect"] == "Deny"
    assert deny_plain_http["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_every_design_route_is_served_by_its_function(resources: dict[str, Any]) -> None:
    served: dict[tuple[str, str], str] = {}
    for lid, properties in functions_of(resources).items():
        for event in properties.get("Events", {}).values():
            if event["Type"] == "HttpApi":
                assert event["Properties"]["ApiId"] == {"Ref": "HttpApi"}, lid
                served[(event["Properties"]["Method"], event["Properties"]["Path"])] = lid
    for (method, path), function in DESIGN_ROUTES.items():
        owner = served.get((method, path)) or served.get(("ANY", path))
        assert owner == function, f"{method} {path} is served by {owner}, not {function}"
    # And nothing routes that DESIGN.md does not list.
    design_paths = {path for _, path in DESIGN_ROUTES}
    assert {path for _, path in served} == design_paths


def test_schedules_are_the_contracts(resources: dict[str, Any]) -> None:
    schedules = {
        lid: [e["Properties"]["Schedule"] for e in p.get("Events", {}).values() if e["Type"] == "Schedule"]
        for lid, p in functions_of(resources).items()
    }
    assert {lid: s for lid, s in schedules.items() if s} == {
        "QuotaResetFunction": ["cron(0 0 * * ? *)"],
        "UsageAggregationFunction": ["rate(1 hour)"],
    }


def test_the_state_machine_is_standard_and_may_invoke_exactly_its_functions(
    resources: dict[str, Any],
) -> None:
    machine = resources["TailoringStateMachine"]["Properties"]
    assert resources["TailoringStateMachine"]["Type"] == "AWS::Serverless::StateMachine"
    assert machine["Type"] == "STANDARD"
    assert machine["DefinitionUri"] == "statemachine/tailoring.asl.json"
    invoked = {policy["LambdaInvokePolicy"]["FunctionName"]["Ref"] for policy in machine["Policies"]}
    substituted = {value["Fn::GetAtt"][0] for value in machine["DefinitionSubstitutions"].values()}
    assert invoked == substituted


def test_only_the_functions_that_touch_documents_may_touch_the_bucket(resources: dict[str, Any]) -> None:
    bucket_policies = {
        lid: sorted(name for policy in p.get("Policies", []) for name in policy if name.startswith("S3"))
        for lid, p in functions_of(resources).items()
    }
    assert {lid: names for lid, names in bucket_policies.items() if names} == {
        "ExtractTextFunction": ["S3ReadPolicy"],
        "RenderFunction": ["S3CrudPolicy"],
        "PublicApiFunction": ["S3CrudPolicy"],
    }


def test_outputs_name_the_endpoints(template: dict[str, Any]) -> None:
    assert {
        "HttpApiUrl",
        "ArtifactsBucketName",
        "TelemetryQueueUrl",
        "TailoringStateMachineArn",
        "MigrationsFunctionName",
    } <= set(template["Outputs"])


@pytest.mark.parametrize("path", ["template.yaml", "samconfig.toml"])
def test_no_secret_looking_values(path: str) -> None:
    assert secret_findings((ROOT / path).read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("OPENAI_API_KEY: sk-proj-abcdefghijklmnopqrstuv", "OpenAI-style key"),
        ("aws_access_key_id = AKIAIOSFODNN7EXAMPLE", "AWS access key id"),
        ("parameter_overrides = 'password=hunter22'", "password assignment"),
        ("DATABASE_URL: postgresql://cvpath:s3cret@db.internal:5432/cvpath", "URL with credentials"),
        ("-----BEGIN RSA PRIVATE KEY-----", "private key"),
    ],
)
def test_the_secret_scanner_catches_planted_secrets(text: str, finding: str) -> None:
    assert secret_findings(f"Parameters:\n  X: {text}\n") == [finding]


def test_the_secret_scanner_leaves_parameter_names_alone() -> None:
    text = "DatabaseUrlParameterName: /cvpath/dev/database-url\nVaultKeyParameterName: !Ref VaultKey\n"
    assert secret_findings(text) == []
