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


# --- documents in: extraction and its quality gate -------------------------------


class DocumentRejected(ValidationFailed):
    """A document the quality gate refuses; nothing is extracted or invented."""

    code = "document_rejected"


class EmptyDocument(DocumentRejected):
    code = "empty_document"


class DocumentTooLarge(DocumentRejected):
    http_status = 413
    code = "document_too_large"


class TooManyPages(DocumentRejected):
    code = "too_many_pages"


class EncryptedDocument(DocumentRejected):
    code = "encrypted_document"


class ScannedDocument(DocumentRejected):
    """An image-only or scanned PDF: too little text per page to read."""

    code = "scanned_document"


class DocumentTypeMismatch(DocumentRejected):
    """The bytes are not the type the file claims to be (name, content type)."""

    http_status = 415
    code = "document_type_mismatch"


class UnsupportedDocumentType(DocumentRejected):
    http_status = 415
    code = "unsupported_document_type"


class CorruptDocument(DocumentRejected):
    """Truncated, garbage or hostile (e.g. a zip bomb) content."""

    code = "corrupt_document"


# --- documents out: rendering ---------------------------------------------------


class RenderFailed(CVPathError):
    code = "render_failed"


class AtsCheckFailed(RenderFailed):
    """The rendered file's extracted text does not match its input."""

    code = "ats_check_failed"


class UnsupportedText(RenderFailed):
    """Text the bundled fonts cannot draw (e.g. a script they do not cover)."""

    http_status = 422
    code = "unsupported_text"


# --- the LLM gateway --------------------------------------------------------------


class ProviderTimeout(ProviderUnavailable):
    code = "provider_timeout"


class AuthFailed(CVPathError):
    """The provider refused the key. The chain skips to the next provider."""

    http_status = 502
    code = "provider_auth_failed"


class BadRequest(CVPathError):
    """The provider refused the request as malformed. Not retried."""

    http_status = 502
    code = "provider_bad_request"


class ContextTooLong(BadRequest):
    code = "context_too_long"


class TruncatedOutput(CVPathError):
    """The model stopped at max_tokens; the output is incomplete."""

    http_status = 502
    code = "truncated_output"


class InvalidOutput(ValidationFailed):
    """The model's answer failed validation twice (after one re-ask)."""

    http_status = 502
    code = "invalid_output"


class UnknownProvider(ConfigurationError):
    http_status = 400
    code = "unknown_provider"


class InvalidProviderChain(ConfigurationError):
    http_status = 400
    code = "invalid_provider_chain"


class RealCallForbidden(ConfigurationError):
    """The kill switch is on (tests) and a call would leave loopback."""

    code = "real_llm_call_forbidden"


class ResponseTooLarge(ProviderUnavailable):
    code = "provider_response_too_large"


class MalformedResponse(ProviderUnavailable):
    """The provider answered with something that is not its wire format (HTML, bad JSON)."""

    code = "provider_malformed_response"


# --- the agents and the pipeline ---------------------------------------------------


class UnparseableCV(ValidationFailed):
    """The CV parse has no name, no entries and almost no text: refused, never padded out."""

    code = "unparseable_cv"


class NotAJobDescription(ValidationFailed):
    """The job text is empty, or reads as something else (a recipe, lorem ipsum)."""

    code = "not_a_job_description"


class UnknownAgent(ConfigurationError):
    http_status = 400
    code = "unknown_agent"


class RunNotFound(NotFound):
    code = "run_not_found"


class AgentInputMissing(Conflict):
    """An agent ran before the step that writes its input (say, the tailor before the analyzer)."""

    code = "agent_input_missing"


# --- governance: admission refusals and the BYOK vault ----------------------------
# A refusal's details carry at least {"limit", "used", "resets_at"} (ISO 8601 or null).


class InsufficientBalance(QuotaExceeded):
    """A PAID run whose estimated cost the available balance (or the minimum balance) does not cover."""

    http_status = 402
    code = "insufficient_balance"


class SpendCapReached(QuotaExceeded):
    """The monthly spend cap would be passed by this run's estimate."""

    http_status = 402
    code = "spend_cap_reached"


class SubscriptionInactive(QuotaExceeded):
    """A run that must use the user's own key while the BYOK subscription is not active."""

    http_status = 403
    code = "subscription_inactive"


class KeyDecryptionFailed(CVPathError):
    """A stored BYOK key that does not decrypt: tampered, moved to another row, or an unknown key version."""

    http_status = 500
    code = "key_decryption_failed"


# Admission refusals: the state machine ends these runs as REJECTED, not FAILED.
REJECTION_ERROR_NAMES: tuple[str, ...] = (
    "QuotaExceeded",
    "InsufficientBalance",
    "SpendCapReached",
    "SubscriptionInactive",
)

# The error names a tailoring state machine's Retry and Catch match on. Every
# error leaving an agent handler is reported under the nearest of these.
PIPELINE_ERROR_NAMES: tuple[str, ...] = (
    "UnparseableCV",
    "ValidationFailed",
    "InsufficientBalance",
    "SpendCapReached",
    "SubscriptionInactive",
    "QuotaExceeded",
    "RateLimited",
    "ProviderUnavailable",
)


def pipeline_error_name(exc: BaseException) -> str | None:
    """The nearest ancestor of ``exc``'s class (itself included) named in ``PIPELINE_ERROR_NAMES``."""
    for klass in type(exc).__mro__:
        if klass.__name__ in PIPELINE_ERROR_NAMES:
            return klass.__name__
    return None
