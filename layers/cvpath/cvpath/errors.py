"""The error tree.

Every error CVPath raises on purpose derives from ``CVPathError``. Each class knows
the HTTP status an API answers with and the name a Step Functions Retry/Catch
matches on (``ErrorEquals``): the class name, so the ASL file and the code cannot
drift apart.
"""

from __future__ import annotations

from typing import Any, ClassVar


class CVPathError(Exception):
    """Root of every deliberate CVPath error."""

    http_status: ClassVar[int] = 500
    code: ClassVar[str] = "internal_error"

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}

    @property
    def asl_name(self) -> str:
        """The ``ErrorEquals`` value a state machine uses for this error."""
        return type(self).__name__

    def to_body(self) -> dict[str, Any]:
        """The JSON error body every HTTP entry point answers with."""
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


class ConfigurationError(CVPathError):
    code = "configuration_error"


class DatabaseError(CVPathError):
    http_status = 503
    code = "database_error"


class DatabaseUnavailable(DatabaseError):
    """The database could not be reached (wrong host, server down, timeout)."""

    code = "database_unavailable"


class MigrationError(DatabaseError):
    """A migration could not be applied, or the applied set is inconsistent."""

    http_status = 500
    code = "migration_error"


class ChecksumMismatch(MigrationError):
    """An already applied migration file was edited afterwards."""

    code = "migration_checksum_mismatch"


class NotFound(CVPathError):
    http_status = 404
    code = "not_found"


class Conflict(CVPathError):
    """The request contradicts the current state (a duplicate, a stale revision)."""

    http_status = 409
    code = "conflict"


class GuestAlreadyMigrated(Conflict):
    """The guest was already migrated to a different user; nothing was changed."""

    code = "guest_already_migrated"


class ValidationFailed(CVPathError):
    """Input or model output did not validate. Never retried."""

    http_status = 422
    code = "validation_failed"


class QuotaExceeded(CVPathError):
    http_status = 429
    code = "quota_exceeded"


class ProviderUnavailable(CVPathError):
    http_status = 503
    code = "provider_unavailable"


class RateLimited(ProviderUnavailable):
    http_status = 429
    code = "rate_limited"
