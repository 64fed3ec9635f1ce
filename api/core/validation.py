"""Validation with its cost bounded: the document's shape is checked before graphql-core's rules run.

graphql-core's OverlappingFieldsCanBeMerged compares pairs of same-named fields and pairs of fragment spreads
in each selection set: a 31 KB document repeating one field 1,249 times cost 2 s of validation CPU, 250
fragment spreads of one field 0.66 s, and a chain of 600 fragments overflowed the recursion of the depth
rule (INTERNAL). The shape check is one pass over the document, linear in its size; only a document within
its limits is validated (and cached, like strawberry's ValidationCache, keyed by document and rules).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    Node,
    SelectionSetNode,
    validate,
)
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from api.core.per_schema import PerSchemaCache
from domain.config import Settings

STRAWBERRY_RULES = (MaybeNullValidationRule, OneOfInputValidationRule)  # what strawberry's validate_document adds


@dataclass(frozen=True)
class ShapeLimits:
    max_selections: int
    max_duplicate_fields: int
    max_fragment_spreads: int
    max_fragment_nesting: int

    @classmethod
    def of(cls, settings: Settings) -> ShapeLimits:
        return cls(settings.max_selections, settings.max_duplicate_fields, settings.max_fragment_spreads,
                   settings.max_query_depth)


def limit_error(message: str, limit: int) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "LIMIT_EXCEEDED", "limit": limit})


def _selection_sets(node: Node) -> Iterator[SelectionSetNode]:
    """Every selection set of a definition, without recursion (a document may nest 1,000 deep)."""
    stack: list[Node] = [node]
    while stack:
        current = stack.pop()
        selection_set = getattr(current, "selection_set", None)
        if selection_set is None:
            continue
        yield selection_set
        stack.extend(selection_set.selections)


def _nesting(fragments: dict[str, FragmentDefinitionNode]) -> int:
    """The longest chain of fragments spreading fragments (cycles are stopped; validation reports them)."""
    spreads = {name: {s.name.value for ss in _selection_sets(f) for s in ss.selections
                      if isinstance(s, FragmentSpreadNode) and s.name.value in fragments}
               for name, f in fragments.items()}
    longest: dict[str, int] = {}
    for start in spreads:
        if start in longest:
            continue
        # Depth-first without recursion: (fragment, its children left to visit) on a stack.
        stack: list[tuple[str, list[str]]] = [(start, sorted(spreads[start]))]
        on_path = {start}
        while stack:
            name, children = stack[-1]
            child = next((c for c in children if c not in longest and c not in on_path), None)
            if child is None:
                longest[name] = 1 + max((longest.get(c, 0) for c in spreads[name] if c not in on_path), default=0)
                stack.pop()
                on_path.discard(name)
                continue
            children.remove(child)
            stack.append((child, sorted(spreads[child])))
            on_path.add(child)
    return max(longest.values(), default=0)


def shape_errors(document: DocumentNode, limits: ShapeLimits) -> list[GraphQLError]:
    """The first limit the document exceeds, as a LIMIT_EXCEEDED error; [] when it is within all of them."""
    selections = spreads = 0
    for definition in document.definitions:
        for selection_set in _selection_sets(definition):
            names: Counter[str] = Counter()
            for selection in selection_set.selections:
                selections += 1
                if isinstance(selection, FieldNode):
                    names[(selection.alias or selection.name).value] += 1
                elif isinstance(selection, FragmentSpreadNode):
                    spreads += 1
                    names["..." + selection.name.value] += 1
            repeated, times = names.most_common(1)[0] if names else ("", 0)
            if times > limits.max_duplicate_fields:
                return [limit_error(f"'{repeated}' is selected {times} times in one selection; at most "
                                    f"{limits.max_duplicate_fields}", limits.max_duplicate_fields)]
            if selections > limits.max_selections:
                return [limit_error(f"the document has more than {limits.max_selections} selections (fields and "
                                    "fragments): split it", limits.max_selections)]
    if spreads > limits.max_fragment_spreads:
        return [limit_error(f"the document spreads fragments {spreads} times; at most "
                            f"{limits.max_fragment_spreads}", limits.max_fragment_spreads)]
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    if _nesting(fragments) > limits.max_fragment_nesting:
        return [limit_error(f"fragments spread fragments more than {limits.max_fragment_nesting} deep",
                            limits.max_fragment_nesting)]
    return []


def _validate(schema: GraphQLSchema, document: DocumentNode, rules: tuple[type[ASTValidationRule], ...],
              limits: ShapeLimits, limit_rules: tuple[type[ASTValidationRule], ...], hide_suggestions: bool
              ) -> list[GraphQLError]:
    """Shape, then the limit rules (depth, aliases, mutations), then the spec's rules: each only if all before pass."""
    errors = shape_errors(document, limits)
    if errors:
        return errors
    errors = validate(schema, document, limit_rules, hide_suggestions=hide_suggestions)
    for error in errors:
        error.extensions = {**(error.extensions or {}), "code": "LIMIT_EXCEEDED"}
    if errors:
        return errors
    others = tuple(rule for rule in rules if rule not in limit_rules)
    return validate(schema, document, (*others, *STRAWBERRY_RULES), hide_suggestions=hide_suggestions)


# With the document: the rules, the limits, the limit rules and hide_suggestions.
ValidationKey = tuple[tuple[type[ASTValidationRule], ...], ShapeLimits, tuple[type[ASTValidationRule], ...], bool]
VALIDATED: PerSchemaCache[ValidationKey, list[GraphQLError]] = PerSchemaCache(256)


def validation_extension(limits: ShapeLimits, limit_rules: tuple[type[ASTValidationRule], ...],
                         hide_suggestions: bool) -> Callable[[], SchemaExtension]:
    """Replaces strawberry's validation (and its ValidationCache): shape limits, limit rules, then the rest.

    hide_suggestions drops "Did you mean ...?" from the messages: with introspection off they leaked field names.
    """

    class BoundedValidation(SchemaExtension):
        def on_validate(self) -> Iterator[None]:
            context = self.execution_context
            if context.graphql_document is not None and context.validation_rules:
                schema, document = context.schema._schema, context.graphql_document
                key = (tuple(context.validation_rules), limits, limit_rules, hide_suggestions)
                errors = VALIDATED.get(schema, document, key)
                if errors is None:
                    errors = VALIDATED.put(schema, document, key, _validate(schema, document, *key))
                context.pre_execution_errors = errors
            yield

    return BoundedValidation


class QuietExecution(StrawberryGraphQLCoreExecutionContext):
    """Execution without "Did you mean ...?" in variable errors (an enum value's typo named the right ones)."""

    @classmethod
    def build(cls, *args: Any, **kwargs: Any) -> Any:
        return super().build(*args, **{**kwargs, "hide_suggestions": True})
