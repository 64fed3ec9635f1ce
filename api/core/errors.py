"""Errors in ONE place: domain exceptions -> UserError codes, bad arguments -> clear GraphQL errors, masking, logs."""

from __future__ import annotations

import enum
import logging
from collections.abc import Sequence

import strawberry
from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import MaskErrors
from strawberry.types import ExecutionContext

from api.core.enums import expose_enum
from domain.errors import DomainError, InvalidInput, VersionConflict
from domain.outage import database_unavailable
from rules import FactRejected

log = logging.getLogger("api.errors")

UNAVAILABLE_MESSAGE = "The database is unavailable: retry after the seconds in the Retry-After header."


class ErrorCode(enum.Enum):
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    VERSION_CONFLICT = "VERSION_CONFLICT"
    IDEMPOTENCY_MISMATCH = "IDEMPOTENCY_MISMATCH"
    FROZEN_WINDOW = "FROZEN_WINDOW"
    FORBIDDEN = "FORBIDDEN"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    RULES_INVALID = "RULES_INVALID"
    PLAN_IN_PROGRESS = "PLAN_IN_PROGRESS"
    STALE_PLAN = "STALE_PLAN"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    IN_USE = "IN_USE"
    BUSY = "BUSY"
    UNAVAILABLE = "UNAVAILABLE"
    RATE_LIMITED = "RATE_LIMITED"
    # Refusals before execution, in the errors list only (never in a payload): the request itself was wrong.
    BAD_REQUEST = "BAD_REQUEST"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    LIMIT_EXCEEDED = "LIMIT_EXCEEDED"
    INTERNAL = "INTERNAL"


expose_enum(ErrorCode, "ErrorCode", "Every code a client can receive: in `UserError.code` of a mutation payload, "
            "and in `extensions.code` of an entry of the response's `errors` list (transport refusals included). "
            "docs/errors.md lists them with their HTTP status and what to do.", {
    "IN_USE": "A master record open orders or the plan in force still rely on: the message says which orders or "
              "weeks; retiring or changing it waits until they are done or moved.",
    "INVALID": "The input is wrong (out of range, malformed, inconsistent); `field` names where. Fix it before "
               "sending again.",
    "NOT_FOUND": "What the input names does not exist, or not for this key (a partner's view of other customers' "
                 "orders); `field` names which.",
    "VERSION_CONFLICT": "The order changed since you read it: `currentVersion` holds its version now; read it "
                        "again, then retry with that expectedVersion.",
    "IDEMPOTENCY_MISMATCH": "This idempotencyKey was used before with another input; use a new key for a new "
                            "request.",
    "FROZEN_WINDOW": "The order, or the new date, lies in the frozen window of the running plan (R14); it can be "
                     "changed once the window has passed.",
    "FORBIDDEN": "This key's role may not do this or read these fields (e.g. a partner asking for plant-internal "
                 "data); nothing was read or changed.",
    "INVALID_TRANSITION": "The order's status does not allow this now (e.g. cancelling a shipped order, progress on"
                          " a cancelled one).",
    "RULES_INVALID": "reloadRules: a rule file does not validate; the rules in force are unchanged and the message "
                     "names the file and line.",
    "PLAN_IN_PROGRESS": "A replan is already running; send the request again when it has finished.",
    "STALE_PLAN": "approvePlan: the draft was solved against a plan that is no longer in force (another plan went "
                  "into force since); nothing changed. Replan for a new draft and approve that one.",
    "UNAUTHENTICATED": "No API key, an unknown one or a revoked one (HTTP 401, or the websocket refused): send "
                       "`Authorization: Bearer <api key>`.",
    "BUSY": "The request lost every race for the same capacity, or the same idempotencyKey is still being "
            "processed: send the same request again (with the same idempotencyKey) in a moment.",
    "UNAVAILABLE": "The database is unreachable, restarting or out of time (HTTP 503 with Retry-After): send the "
                   "same request again after Retry-After seconds (with the same idempotency key).",
    "RATE_LIMITED": "Too many requests with this API key, or too many failed sign-ins from this address (HTTP 429 "
                    "with Retry-After): send the request again after Retry-After seconds.",
    "BAD_REQUEST": "The transport refused the request (HTTP 400): not a JSON object, a batch, another content type,"
                   " a string PostgreSQL cannot store (NUL, a lone surrogate).",
    "GRAPHQL_PARSE_FAILED": "The document is not GraphQL.",
    "GRAPHQL_VALIDATION_FAILED": "The document does not fit the schema (unknown field, wrong variable type, "
                                 "fragment cycle).",
    "LIMIT_EXCEEDED": "Over a limit of api/README.md (body size, tokens, depth, aliases, repeated fields, "
                      "selections, mutations, query cost, subscriptions per connection): ask for less.",
    "INTERNAL": "Our bug: the server failed and logged it; the message says nothing more. Nothing was half-written.",
})


@strawberry.type(description="Why a mutation did not do what was asked; `field` is a path into the input.")
class UserError:
    field: list[str] | None = strawberry.field(
        description="The path to the input field at fault, e.g. [\"lines\", \"2\", \"quantity\"] (indexes 0-based, as "
                    "strings); null when the error is about the request as a whole.")
    message: str = strawberry.field(description="What was wrong, in words, naming the value and where.")
    code: ErrorCode = strawberry.field(description="What kind of error, for a program to act on.")
    current_version: int | None = strawberry.field(
        default=None, description="With VERSION_CONFLICT: the order's version now; read it again and retry."
    )


def code_of(exc: DomainError) -> ErrorCode:
    try:
        return ErrorCode(exc.code)
    except ValueError:
        return ErrorCode.INVALID


def domain_error(exc: DomainError | FactRejected) -> DomainError:
    """A fact value the rules engine could not read is the input's fault (INVALID with the fact), not ours."""
    if isinstance(exc, FactRejected):
        return InvalidInput(str(exc), ["facts", exc.field])
    return exc


def _caller_error(exc: BaseException | None) -> DomainError | None:
    """The DomainError a caller is told about, or None when exc is our bug (masked as INTERNAL)."""
    return domain_error(exc) if isinstance(exc, (DomainError, FactRejected)) else None


def user_error(exc: DomainError | FactRejected) -> UserError:
    """The mapping every mutation payload uses: a domain exception becomes a UserError."""
    exc = domain_error(exc)
    current = exc.current_version if isinstance(exc, VersionConflict) else None
    return UserError(field=exc.field, message=exc.message, code=code_of(exc), current_version=current)


def argument_error(argument: str, message: str) -> GraphQLError:
    """A bad query argument (page size, cursor): raised from a resolver, shown as it is."""
    return GraphQLError(f"Argument '{argument}': {message}", extensions={"code": "INVALID", "argument": argument})


def field_path(*parts: str | int) -> list[str]:
    """The UserError.field convention: ["lines", "2", "quantity"] (indexes as strings, 0-based)."""
    return [str(p) for p in parts]


def _shaped(error: GraphQLError) -> GraphQLError:
    original = _caller_error(error.original_error) or error.original_error
    if original is None or isinstance(original, GraphQLError):
        kept = error.extensions or (original.extensions if original is not None else None)
        kept = kept or {"code": "GRAPHQL_VALIDATION_FAILED" if original is None else "INVALID"}
        return GraphQLError(error.message, error.nodes, error.source, error.positions, error.path, None, kept)
    if isinstance(original, DomainError):
        extensions: dict[str, object] = {"code": code_of(original).value}
        if original.field:
            # field as mutation payloads say it; argument as argument_error and the literal checks say it.
            extensions["field"] = original.field
            extensions["argument"] = ".".join(original.field)
        return GraphQLError(original.message, error.nodes, error.source, error.positions, error.path, None, extensions)
    if database_unavailable(original):
        return GraphQLError(
            UNAVAILABLE_MESSAGE, error.nodes, error.source, error.positions, error.path, None, {"code": "UNAVAILABLE"}
        )
    # Anything else is our bug (logged with its stack by Schema.process_errors): tell the client only that it happened.
    return GraphQLError(
        "Internal server error.", error.nodes, error.source, error.positions, error.path, None, {"code": "INTERNAL"}
    )


class ShapeErrors(MaskErrors):
    """MaskErrors that keeps our own errors readable (with a code) and hides everything else."""

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        # MaskErrors applies this to plain, streamed and subscription results alike.
        return [_shaped(error) for error in errors]


def code_for(error: GraphQLError) -> str:
    """The code a client sees for this error, whether or not it has been shaped yet."""
    original = _caller_error(error.original_error) or error.original_error
    if isinstance(original, DomainError):
        return code_of(original).value
    kept = error.extensions or (original.extensions if isinstance(original, GraphQLError) else None)
    if kept and "code" in kept:
        return str(kept["code"])
    if isinstance(error, GraphQLSyntaxError):
        # The parser's own limits (SOP_MAX_TOKENS, nesting) end "Parsing aborted."; the rest is bad syntax.
        return "LIMIT_EXCEEDED" if error.message.endswith("Parsing aborted.") else "GRAPHQL_PARSE_FAILED"
    if original is None:
        return "GRAPHQL_VALIDATION_FAILED"
    if database_unavailable(original):
        return "UNAVAILABLE"
    return "INVALID" if isinstance(original, GraphQLError) else "INTERNAL"


def error_codes(errors: Sequence[GraphQLError] | None) -> list[str]:
    return [code_for(e) for e in errors or []]


def with_codes(errors: Sequence[GraphQLError] | None) -> None:
    """Give every error of an answer its code: a syntax error leaves strawberry (its parser cache raises)
    before ShapeErrors sees it, and came back with no extensions at all."""
    for error in errors or []:
        if not (error.extensions or {}).get("code"):
            error.extensions = {**(error.extensions or {}), "code": code_for(error)}


def log_error(error: GraphQLError) -> None:
    """Our bugs (masked as INTERNAL) at ERROR with the stack; a client's mistake is one INFO line, no stack."""
    code = code_for(error)
    where = ".".join(map(str, error.path)) if error.path else "the document"
    if code == "INTERNAL":
        log.error("unexpected error at %s: %s", where, error.message, exc_info=error.original_error)
    elif code == "UNAVAILABLE":  # not our bug and not the client's: one line an operator sees
        log.warning("database unavailable at %s: %s", where, error.original_error or error.message)
    else:
        log.info("client error %s at %s: %s", code, where, error.message)


class Schema(strawberry.Schema):
    """strawberry's Schema logging errors with log_error: its default logs every error, a bad cursor or an unknown
    field too, at ERROR with a traceback (an audit counted 72 tracebacks in one session)."""

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        for error in errors:
            log_error(error)
