"""The error tree: HTTP status, JSON body and ASL names."""

from __future__ import annotations

import pytest

from cvpath import errors


def all_error_classes() -> list[type[errors.CVPathError]]:
    found: list[type[errors.CVPathError]] = []
    pending: list[type[errors.CVPathError]] = [errors.CVPathError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


def test_asl_name_is_the_class_name() -> None:
    assert errors.QuotaExceeded("no").asl_name == "QuotaExceeded"
    assert errors.RateLimited("slow down").asl_name == "RateLimited"


def test_body_has_code_message_details() -> None:
    exc = errors.ValidationFailed("bad field", details={"field": "work[0].endDate"})
    assert exc.to_body() == {
        "error": {
            "code": "validation_failed",
            "message": "bad field",
            "details": {"field": "work[0].endDate"},
        }
    }
    assert exc.http_status == 422


@pytest.mark.parametrize("cls", all_error_classes())
def test_every_error_has_a_distinct_code_and_a_real_status(cls: type[errors.CVPathError]) -> None:
    codes = [c.code for c in all_error_classes()]
    assert codes.count(cls.code) == 1, f"{cls.__name__} reuses code {cls.code}"
    assert 400 <= cls.http_status <= 599


def test_rate_limited_is_a_provider_unavailable() -> None:
    # Why: a Retry on ProviderUnavailable in the ASL must also catch rate limits raised as such.
    assert issubclass(errors.RateLimited, errors.ProviderUnavailable)
