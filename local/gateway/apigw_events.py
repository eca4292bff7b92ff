"""API Gateway HTTP API (payload format 2.0) events and responses, built the way AWS builds them.

Pure functions: the HTTP server hands in what it read from the socket and gets
back what to write, so every shape rule here is unit-tested without a socket.
Reference: "Create AWS Lambda proxy integrations for HTTP APIs" (AWS docs),
payload format 2.0.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote

from cvpath.errors import ConfigurationError

# API Gateway refuses request payloads above 10 MB (HTTP 413), before Lambda sees them.
MAX_PAYLOAD_BYTES = 10 * 1024 * 1024
LOCAL_API_ID = "local"
LOCAL_ACCOUNT_ID = "123456789012"

# Content types API Gateway passes as text; anything else arrives base64-encoded.
_TEXT_TYPES = ("text/", "application/json", "application/xml", "application/javascript")
_TEXT_SUFFIXES = ("+json", "+xml")
_TEXT_EXACT = ("application/x-www-form-urlencoded", "application/graphql", "application/yaml")


@dataclass(frozen=True)
class GatewayRequest:
    """One HTTP request as read from the socket; ``target`` is the raw request-target (path?query)."""

    method: str
    target: str
    headers: Sequence[tuple[str, str]]
    body: bytes
    source_ip: str
    protocol: str = "HTTP/1.1"

    @property
    def raw_path(self) -> str:
        return self.target.split("?", 1)[0] or "/"

    @property
    def raw_query(self) -> str:
        return self.target.split("?", 1)[1] if "?" in self.target else ""


@dataclass(frozen=True)
class GatewayResponse:
    """What to write back: a status, header pairs (``set-cookie`` may repeat) and the body bytes."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


def is_text_content_type(content_type: str | None) -> bool:
    """True when API Gateway would hand the body to Lambda as a plain string."""
    if not content_type:
        return True
    media = content_type.split(";", 1)[0].strip().lower()
    return media.startswith(_TEXT_TYPES) or media.endswith(_TEXT_SUFFIXES) or media in _TEXT_EXACT


def _merged_headers(headers: Sequence[tuple[str, str]]) -> tuple[dict[str, str], list[str]]:
    """Lower-cased headers with repeats joined by commas; Cookie headers move to ``cookies``."""
    merged: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in headers:
        key = name.lower()
        if key == "cookie":
            cookies.extend(part.strip() for part in value.split(";") if part.strip())
            continue
        merged[key] = f"{merged[key]},{value}" if key in merged else value
    return merged, cookies


def _query_parameters(raw_query: str) -> dict[str, str]:
    params: dict[str, str] = {}
    for name, value in parse_qsl(raw_query, keep_blank_values=True):
        params[name] = f"{params[name]},{value}" if name in params else value
    return params


def _body_fields(body: bytes, content_type: str | None) -> dict[str, Any]:
    if not body:
        return {"isBase64Encoded": False}
    if is_text_content_type(content_type):
        try:
            return {"body": body.decode("utf-8"), "isBase64Encoded": False}
        except UnicodeDecodeError:
            pass  # Why fall through: undecodable "text" reaches Lambda base64-encoded, as on AWS.
    return {"body": base64.b64encode(body).decode("ascii"), "isBase64Encoded": True}


def http_api_event(
    request: GatewayRequest,
    *,
    route_key: str,
    path_parameters: Mapping[str, str],
    request_id: str,
    time_epoch_ms: int | None = None,
) -> dict[str, Any]:
    """The payload format 2.0 event for ``request``; optional fields are left out when empty, as on AWS."""
    headers, cookies = _merged_headers(request.headers)
    epoch_ms = int(time.time() * 1000) if time_epoch_ms is None else time_epoch_ms
    domain = headers.get("host", "localhost").split(":", 1)[0]
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": request.raw_path,
        "rawQueryString": request.raw_query,
        "headers": headers,
        "requestContext": {
            "accountId": LOCAL_ACCOUNT_ID,
            "apiId": LOCAL_API_ID,
            "domainName": domain,
            "domainPrefix": domain.split(".", 1)[0],
            "http": {
                "method": request.method,
                "path": request.raw_path,
                "protocol": request.protocol,
                "sourceIp": request.source_ip,
                "userAgent": headers.get("user-agent", ""),
            },
            "requestId": request_id,
            "routeKey": route_key,
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(epoch_ms / 1000)),
            "timeEpoch": epoch_ms,
        },
        **_body_fields(request.body, headers.get("content-type")),
    }
    if cookies:
        event["cookies"] = cookies
    query = _query_parameters(request.raw_query)
    if query:
        event["queryStringParameters"] = query
    if path_parameters:
        event["pathParameters"] = {name: unquote(value) for name, value in path_parameters.items()}
    return event


def _malformed(reason: str) -> ConfigurationError:
    return ConfigurationError(
        "the handler returned a response API Gateway would reject", details={"reason": reason}
    )


def _structured_response(result: Mapping[str, Any]) -> GatewayResponse:
    status = result["statusCode"]
    if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
        raise _malformed("statusCode is not an HTTP status")
    pairs: list[tuple[str, str]] = []
    for name, values in (result.get("multiValueHeaders") or {}).items():
        pairs.extend((str(name), str(value)) for value in values)
    for name, value in (result.get("headers") or {}).items():
        pairs.append((str(name), str(value)))
    pairs.extend(("set-cookie", str(cookie)) for cookie in result.get("cookies") or ())
    body = result.get("body")
    if body is None:
        data = b""
    elif not isinstance(body, str):
        raise _malformed("body is not a string")
    elif result.get("isBase64Encoded"):
        try:
            data = base64.b64decode(body, validate=True)
        except binascii.Error as exc:
            raise _malformed("isBase64Encoded is set but body is not base64") from exc
    else:
        data = body.encode("utf-8")
    return GatewayResponse(status=status, headers=tuple(pairs), body=data)


def response_from_result(result: Any) -> GatewayResponse:
    """Turn a handler's return value into the HTTP response, as payload format 2.0 does.

    A dict with ``statusCode`` is a structured response; anything else (a dict
    without it, a string, a list) is sent as a 200 JSON body. Raises
    ConfigurationError for a response AWS would answer with 500.
    """
    if isinstance(result, Mapping) and "statusCode" in result:
        return _structured_response(result)
    try:
        body = json.dumps(result).encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise _malformed("the result is not JSON-serialisable") from exc
    return GatewayResponse(status=200, headers=(("content-type", "application/json"),), body=body)


def error_response(status: int, code: str, message: str) -> GatewayResponse:
    """The gateway's own JSON error, in the shape every CVPath entry point answers with."""
    body = json.dumps({"error": {"code": code, "message": message, "details": {}}}).encode("utf-8")
    return GatewayResponse(status=status, headers=(("content-type", "application/json"),), body=body)
