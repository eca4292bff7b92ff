"""HTTP API route matching: ``{param}``, greedy ``{proxy+}``, ``ANY`` and ``$default``, most specific first.

Why this order: API Gateway HTTP APIs pick the most specific route, so an exact
``GET /api/cvs/latest`` wins over ``GET /api/cvs/{id}``, which wins over a greedy
``/api/{proxy+}``, which wins over ``$default``.
"""

from __future__ import annotations

from dataclasses import dataclass

ANY_METHOD = "ANY"
DEFAULT_ROUTE = "$default"


@dataclass(frozen=True)
class HttpRoute:
    method: str  # "GET", ..., or "ANY"
    path: str  # "/api/cvs/{id}", "/{proxy+}" or "$default"


def match_route(route: HttpRoute, method: str, path: str) -> dict[str, str] | None:
    """The path parameters when ``route`` serves ``method path``, else None."""
    if route.method not in (method.upper(), ANY_METHOD):
        return None
    if route.path == DEFAULT_ROUTE:
        return {}
    wanted = [segment for segment in route.path.strip("/").split("/") if segment]
    actual = [segment for segment in path.split("?", 1)[0].strip("/").split("/") if segment]
    parameters: dict[str, str] = {}
    for index, segment in enumerate(wanted):
        if segment.startswith("{") and segment.endswith("+}"):
            rest = actual[index:]
            if not rest:
                return None
            parameters[segment[1:-2]] = "/".join(rest)
            return parameters
        if index >= len(actual):
            return None
        if segment.startswith("{") and segment.endswith("}"):
            parameters[segment[1:-1]] = actual[index]
        elif segment != actual[index]:
            return None
    return parameters if len(actual) == len(wanted) else None


def _specificity(route: HttpRoute) -> tuple[int, int, int, int]:
    segments = [segment for segment in route.path.strip("/").split("/") if segment]
    literal = sum(1 for segment in segments if not segment.startswith("{"))
    greedy = any(segment.endswith("+}") for segment in segments)
    return (
        route.path != DEFAULT_ROUTE,
        not greedy,
        literal,
        route.method != ANY_METHOD,
    )


def best_route(routes: list[HttpRoute], method: str, path: str) -> tuple[HttpRoute, dict[str, str]] | None:
    """The most specific route of ``routes`` serving ``method path``, with its path parameters."""
    matches = [
        (route, params) for route in routes if (params := match_route(route, method, path)) is not None
    ]
    if not matches:
        return None
    return max(matches, key=lambda match: _specificity(match[0]))
