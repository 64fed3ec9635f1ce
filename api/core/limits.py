"""Limits that keep one request from hurting the service: depth, aliases, mutations, body size, argument paths."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from graphql import (
    SKIP,
    ArgumentNode,
    ASTValidationRule,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInputType,
    InlineFragmentNode,
    MaxIntrospectionDepthRule,
    NoSchemaIntrospectionCustomRule,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValidationRule,
    ValueNode,
    ValuesOfCorrectTypeRule,
)
from graphql.language.visitor import VisitorAction
from graphql.utilities.validate_input_value import validate_input_literal
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import ParserCache, SchemaExtension
from strawberry.extensions.max_aliases import create_validator as aliases_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator

from api.core.cost import cost_extension
from api.core.validation import ShapeLimits, validation_extension
from domain.config import Settings

DOCUMENT_CACHE_SIZE = 256  # distinct query texts kept parsed and validated (a client's few screens, times clients)


def root_fields(selection_set: SelectionSetNode, fragment: Callable[[str], FragmentDefinitionNode | None]) -> int:
    """The fields an operation runs at its root, through named and inline fragments (each named one once)."""
    count, seen = 0, set()
    stack = list(selection_set.selections)
    while stack:
        selection = stack.pop()
        if isinstance(selection, FieldNode):
            count += 1
        elif isinstance(selection, InlineFragmentNode):
            stack.extend(selection.selection_set.selections)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
            seen.add(selection.name.value)
            definition = fragment(selection.name.value)
            if definition is not None:
                stack.extend(definition.selection_set.selections)
    return count


def max_mutations_rule(limit: int) -> type[ValidationRule]:
    class MaxMutations(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            if node.operation is not OperationType.MUTATION:
                return
            # Counted through fragments: 25 mutations in a fragment ran under a limit of 10.
            count = root_fields(node.selection_set, self.context.get_fragment)
            if count > limit:
                self.report_error(
                    GraphQLError(
                        f"'{node.name.value if node.name else 'anonymous'}' has "
                        f"{count} mutations; at most {limit} per document",
                        node,
                        extensions={"code": "LIMIT_EXCEEDED"},
                    )
                )

    return MaxMutations


class ArgumentValuesRule(ValuesOfCorrectTypeRule):
    """graphql-core's literal-value check, with the field and the argument path named in each message."""

    def __init__(self, context: Any) -> None:
        super().__init__(context)
        self.path: list[str] = []

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        self.path = [node.name.value]

    def enter_argument(self, node: ArgumentNode, *_: Any) -> None:
        self.path = [*self.path[:1], node.name.value]

    def is_valid_value_node(self, node: ValueNode, input_type: GraphQLInputType | None) -> VisitorAction:
        if input_type:

            def on_error(error: GraphQLError, inner: list[str | int]) -> None:
                where = ".".join(self.path[1:]) + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in inner)
                if where:
                    message = f"Argument '{where}' of field '{self.path[0]}': {error.message}"
                    error = GraphQLError(message, error.nodes, extensions={"code": "INVALID", "argument": where})
                self.report_error(error)

            validate_input_literal(node, input_type, on_error, None, None, self.context.hide_suggestions)
        return SKIP


def document_rules(max_tokens: int, extra_rules: tuple[type[ASTValidationRule], ...]) -> type[SchemaExtension]:
    """The parse options and validation rules of every operation, set in one extension (each extension costs
    every request an instance and its hook wrappers: three of them did this before): the token limit,
    graphql-core's literal-value rule replaced by ArgumentValuesRule (the argument path named), `extra_rules` added."""

    class DocumentRules(SchemaExtension):
        def on_operation(self) -> Iterator[None]:
            context = self.execution_context
            context.parse_options["max_tokens"] = max_tokens
            context.validation_rules = (*(ArgumentValuesRule if rule is ValuesOfCorrectTypeRule else rule
                                          for rule in context.validation_rules), *extra_rules)
            yield

    return DocumentRules


def limit_extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    """The limits, plus caches of parsed and validated documents.

    The rule classes are made once here, not per request: a class per request would defeat the validation
    cache (its key holds the rules) and leave a new class for the garbage collector on every request.
    """
    # Run before the spec's rules, and only those when one fails (api/core/validation.py): LIMIT_EXCEEDED.
    limits = (
        depth_validator(settings.max_query_depth, None),
        aliases_validator(settings.max_aliases),
        max_mutations_rule(settings.max_mutations),
        MaxIntrospectionDepthRule,
    )
    rules: tuple[type[ASTValidationRule], ...] = (NoSchemaIntrospectionCustomRule,) if settings.production else ()
    return [
        document_rules(settings.max_tokens, rules),
        cost_extension(settings.max_query_cost, settings.max_page_size, DOCUMENT_CACHE_SIZE),
        # A repeated query text (a screen polling its page) is parsed and validated once, not per request;
        # the parse key holds max_tokens (parse options) and the validation key the rules above.
        lambda: ParserCache(maxsize=DOCUMENT_CACHE_SIZE),
        # In place of strawberry's ValidationCache: the document's shape first, suggestions hidden in production.
        validation_extension(ShapeLimits.of(settings), limits, hide_suggestions=settings.production),
    ]


class BodyTooLarge(Exception):
    pass


class BodySizeLimit:
    """ASGI middleware: refuse request bodies over `max_bytes` with 413, declared or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = (
            b'{"data":null,"errors":[{"message":"request body larger than %d bytes",'
            b'"extensions":{"code":"LIMIT_EXCEEDED"}}]}' % self.max_bytes
        )
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
