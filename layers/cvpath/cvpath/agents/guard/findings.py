"""The guard's running list of what it removed or restored, and why."""

from __future__ import annotations

from dataclasses import dataclass, field

from cvpath.models import GuardFinding, GuardFindingKind

REMOVED = "removed"
REPLACED = "replaced with source value"


@dataclass
class FindingLog:
    findings: list[GuardFinding] = field(default_factory=list)
    checked_bullets: int = 0
    checked_entries: int = 0

    def removed(self, kind: GuardFindingKind, path: str, value: str | None, reason: str) -> None:
        self.findings.append(
            GuardFinding(kind=kind, path=path, value=value or "", action=REMOVED, reason=reason)
        )

    def replaced(
        self, kind: GuardFindingKind, path: str, value: str | None, source_value: str | None, reason: str
    ) -> None:
        """Record a restored field; restoring to "nothing" (the source has no value) is a removal."""
        action = REPLACED if source_value not in (None, "") else REMOVED
        self.findings.append(
            GuardFinding(kind=kind, path=path, value=value or "", action=action, reason=reason)
        )
