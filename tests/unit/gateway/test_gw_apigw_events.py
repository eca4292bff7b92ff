"""Payload format 2.0 events and responses, as API Gateway builds and reads them."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from cvpath.errors import ConfigurationError
from local.gateway.apigw_events import (
    GatewayRequest,
    http_api_event,
    is_text_content_type,
    response_from_result,
)


def _request(
    target: str = "/", *, headers: list[tuple[str, str]] | None = None, body: bytes = b""
) -> GatewayRequest:
    return GatewayRequest(
        method="POST", target=target, headers=headers or [], body=body, source_ip="127.0.0.1"
    )


def _event(request: GatewayRequest, **params: str) -> dict[str, Any]:
    return http_api_event(
        request, route_key="POST /x/{id}", path_parameters=params, request_id="r-1", time_epoch_ms=0
    )


def test_event_has_the_payload_2_0_envelope() -> None:
    event = _event(_request("/x/42?a=1", headers=[("User-Agent", "ua"), ("Host", "localhost:3000")]), id="42")

    assert event["version"] == "2.0"
    assert event["routeKey"] == "POST /x/{id}"
    assert event["rawPath"] == "/x/42"
    assert event["rawQueryString"] == "a=1"
    assert event["pathParameters"] == {"id": "42"}
    context = event["requestContext"]
    assert context["http"] == {
        "method": "POST",
        "path": "/x/42",
        "protocol": "HTTP/1.1",
        "sourceIp": "127.0.0.1",
        "userAgent": "ua",
    }
    assert context["stage"] == "$default"
    assert context["requestId"] == "r-1"
    assert context["routeKey"] == "POST /x/{id}"
    assert context["domainName"] == "localhost"
    assert context["timeEpoch"] == 0
    assert context["time"] == "01/Jan/1970:00:00:00 +0000"


def test_headers_are_lower_cased_and_repeats_joined_with_commas() -> None:
    event = _event(_request(headers=[("X-Trace", "a"), ("x-trace", "b"), ("Content-Type", "text/plain")]))

    assert event["headers"] == {"x-trace": "a,b", "content-type": "text/plain"}


def test_cookie_headers_move_to_cookies() -> None:
    event = _event(_request(headers=[("Cookie", "a=1; b=2"), ("Cookie", "c=3")]))

    assert event["cookies"] == ["a=1", "b=2", "c=3"]
    assert "cookie" not in event["headers"]


def test_repeated_query_parameters_are_joined_and_decoded() -> None:
    event = _event(_request("/x?tag=a&tag=b&q=hello%20world&empty="))

    assert event["queryStringParameters"] == {"tag": "a,b", "q": "hello world", "empty": ""}
    assert event["rawQueryString"] == "tag=a&tag=b&q=hello%20world&empty="


def test_optional_fields_are_absent_when_empty() -> None:
    event = _event(_request("/x"))

    for absent in ("cookies", "queryStringParameters", "pathParameters", "body"):
        assert absent not in event
    assert event["isBase64Encoded"] is False


def test_path_parameters_are_url_decoded() -> None:
    event = _event(_request("/x/a%20b"), id="a%20b")

    assert event["pathParameters"] == {"id": "a b"}


def test_text_body_is_passed_as_a_string() -> None:
    event = _event(_request(headers=[("Content-Type", "application/json")], body=b'{"k": "\xc3\xa9"}'))

    assert event["body"] == '{"k": "é"}'
    assert event["isBase64Encoded"] is False


def test_binary_body_is_base64_encoded() -> None:
    data = b"%PDF-1.7\x00\xff"
    event = _event(_request(headers=[("Content-Type", "application/pdf")], body=data))

    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == data


def test_undecodable_text_body_is_base64_encoded() -> None:
    event = _event(_request(headers=[("Content-Type", "text/plain")], body=b"\xff\xfe"))

    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"\xff\xfe"


@pytest.mark.parametrize(
    ("content_type", "text"),
    [
        (None, True),
        ("text/plain; charset=utf-8", True),
        ("application/json", True),
        ("application/problem+json", True),
        ("application/x-www-form-urlencoded", True),
        ("application/pdf", False),
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", False),
        ("image/png", False),
    ],
)
def test_text_content_types(content_type: str | None, text: bool) -> None:
    assert is_text_content_type(content_type) is text


def test_dict_without_status_code_is_a_200_json_body() -> None:
    response = response_from_result({"status": "ok"})

    assert response.status == 200
    assert ("content-type", "application/json") in response.headers
    assert json.loads(response.body) == {"status": "ok"}


def test_str_result_is_a_json_string_body() -> None:
    response = response_from_result("hello")

    assert response.status == 200
    assert response.body == b'"hello"'


def test_structured_response_keeps_status_headers_and_body() -> None:
    response = response_from_result(
        {
            "statusCode": 201,
            "headers": {"Content-Type": "text/plain"},
            "multiValueHeaders": {"X-Many": ["1", "2"]},
            "body": "créé",
        }
    )

    assert response.status == 201
    assert ("Content-Type", "text/plain") in response.headers
    assert [value for name, value in response.headers if name == "X-Many"] == ["1", "2"]
    assert response.body == "créé".encode()


def test_base64_response_body_is_decoded() -> None:
    data = b"\x00\x01binary"
    response = response_from_result(
        {"statusCode": 200, "body": base64.b64encode(data).decode(), "isBase64Encoded": True}
    )

    assert response.body == data


def test_each_cookie_becomes_a_set_cookie_header() -> None:
    response = response_from_result({"statusCode": 204, "cookies": ["a=1; HttpOnly", "b=2"]})

    assert [value for name, value in response.headers if name == "set-cookie"] == ["a=1; HttpOnly", "b=2"]
    assert response.body == b""


@pytest.mark.parametrize(
    "result",
    [
        {"statusCode": "200"},
        {"statusCode": 42},
        {"statusCode": True},
        {"statusCode": 200, "body": {"not": "a string"}},
        {"statusCode": 200, "body": "***", "isBase64Encoded": True},
        {1, 2},
    ],
)
def test_responses_api_gateway_would_reject_raise(result: object) -> None:
    with pytest.raises(ConfigurationError) as caught:
        response_from_result(result)

    assert caught.value.details["reason"]
