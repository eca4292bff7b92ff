"""GatewayApp: API Gateway's routing and error answers, with the function call faked (no socket)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cvpath.errors import ConfigurationError
from local.aws.template import Template, load_template
from local.gateway.apigw_events import GatewayRequest
from local.gateway.http_server import GatewayApp, require_loopback

TEMPLATE = Path(__file__).parent / "testdata" / "gateway-template.yaml"


@pytest.fixture(scope="module")
def template() -> Template:
    return load_template(TEMPLATE)


class RecordingInvoke:
    """Stands in for the in-process Lambda call: records events, answers ``result`` or raises it."""

    def __init__(self, result: Any = None) -> None:
        self.result = result
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, function: str, event: dict[str, Any]) -> Any:
        self.calls.append((function, event))
        if isinstance(self.result, BaseException):
            raise self.result
        return self.result


def _get(path: str, method: str = "GET") -> GatewayRequest:
    return GatewayRequest(method=method, target=path, headers=[], body=b"", source_ip="127.0.0.1")


def test_exact_route_wins_over_a_parameter(template: Template) -> None:
    match = GatewayApp(template, RecordingInvoke()).match("GET", "/api/cvs/latest")

    assert match is not None
    assert match.route_key == "GET /api/cvs/latest"
    assert match.path_parameters == {}


def test_parameter_route_names_the_declared_route(template: Template) -> None:
    match = GatewayApp(template, RecordingInvoke()).match("GET", "/api/cvs/42")

    assert match is not None
    assert (match.function, match.route_key, match.path_parameters) == (
        "CvsFunction",
        "GET /api/cvs/{id}",
        {"id": "42"},
    )


def test_trailing_slash_is_ignored(template: Template) -> None:
    match = GatewayApp(template, RecordingInvoke()).match("GET", "/api/cvs/")

    assert match is not None
    assert match.route_key == "GET /api/cvs"


def test_greedy_any_route_takes_every_method_and_the_rest_of_the_path(template: Template) -> None:
    match = GatewayApp(template, RecordingInvoke()).match("DELETE", "/files/a/b.pdf")

    assert match is not None
    assert (match.function, match.route_key, match.path_parameters) == (
        "FilesFunction",
        "ANY /files/{proxy+}",
        {"proxy": "a/b.pdf"},
    )


@pytest.mark.parametrize(("method", "path"), [("PATCH", "/api/cvs"), ("GET", "/nope"), ("GET", "/files")])
def test_unknown_route_or_method_is_404_without_a_call(template: Template, method: str, path: str) -> None:
    invoke = RecordingInvoke({"never": "used"})

    response = GatewayApp(template, invoke).handle(_get(path, method))

    assert response.status == 404
    assert json.loads(response.body)["error"]["code"] == "not_found"
    assert invoke.calls == []


def test_the_function_gets_the_event_and_its_result_is_the_response(template: Template) -> None:
    invoke = RecordingInvoke({"statusCode": 200, "headers": {"content-type": "text/plain"}, "body": "cv 42"})

    response = GatewayApp(template, invoke).handle(_get("/api/cvs/42?full=1"))

    assert response.status == 200
    assert response.body == b"cv 42"
    ((function, event),) = invoke.calls
    assert function == "CvsFunction"
    assert event["routeKey"] == "GET /api/cvs/{id}"
    assert event["pathParameters"] == {"id": "42"}
    assert event["queryStringParameters"] == {"full": "1"}


def test_a_crashing_handler_is_502_without_its_message(template: Template) -> None:
    invoke = RecordingInvoke(RuntimeError("secret CV text"))

    response = GatewayApp(template, invoke).handle(_get("/api/cvs"))

    assert response.status == 502
    assert json.loads(response.body)["error"]["code"] == "internal_error"
    assert b"secret" not in response.body


def test_a_malformed_handler_response_is_502(template: Template) -> None:
    response = GatewayApp(template, RecordingInvoke({"statusCode": "ok"})).handle(_get("/api/cvs"))

    assert response.status == 502


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_hosts_are_allowed(host: str) -> None:
    require_loopback(host, allow_remote=False)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.com", "::"])  # noqa: S104
def test_other_hosts_need_allow_remote(host: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        require_loopback(host, allow_remote=False)

    assert caught.value.details == {"host": host}
    require_loopback(host, allow_remote=True)
