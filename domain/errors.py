"""Typed domain exceptions a caller can act on; api/ maps each to a UserError code in one place."""

from __future__ import annotations

from collections.abc import Sequence


class DomainError(Exception):
    """Base of every error a caller can act on."""

    code = "INVALID"

    def __init__(self, message: str, field: Sequence[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = list(field) if field is not None else None


class InvalidInput(DomainError):
    code = "INVALID"


class NotFound(DomainError):
    code = "NOT_FOUND"


class Forbidden(DomainError):
    code = "FORBIDDEN"


class VersionConflict(DomainError):
    code = "VERSION_CONFLICT"

    def __init__(self, message: str, current_version: int, field: Sequence[str] | None = None) -> None:
        super().__init__(message, field)
        self.current_version = current_version


class IdempotencyMismatch(DomainError):
    code = "IDEMPOTENCY_MISMATCH"


class FrozenWindow(DomainError):
    code = "FROZEN_WINDOW"


class InvalidTransition(DomainError):
    code = "INVALID_TRANSITION"


class RulesRejected(DomainError):
    code = "RULES_INVALID"


class PlanInProgress(DomainError):
    code = "PLAN_IN_PROGRESS"


class StalePlan(DomainError):
    """A draft plan solved against a plan in force that is no longer in force: it cannot be approved."""

    code = "STALE_PLAN"


class Busy(DomainError):
    """A valid change that lost every race for the same capacity: the same request may be sent again."""

    code = "BUSY"


class DatabaseNotEmpty(DomainError):
    code = "NOT_EMPTY"


class InUse(DomainError):
    """A master record open orders or the plan in force still rely on: retiring or changing it is refused."""

    code = "IN_USE"
