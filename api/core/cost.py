"""How many objects a request may resolve, estimated before it runs, so one request cannot hold the service.

A field counts 1 for each time it may be resolved: a field under `orders(first: 500)` counts 500 times. A
paged field multiplies what is below it by its `first` (the variable's value when one is used); its
`edges` list then adds nothing more; any other list (an order's lines, its history) is guessed at
LIST_GUESS items. Introspection (`__schema`, `__type`) is not counted. 30 aliases of a 500-order page
with history, deliveries, review and lines took 6 s in an audit while a one-row page of another client
waited 4.2 s; that request is estimated at 1,050,030 here, a single such page at 35,001 (counting stops
above the limit)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLArgument,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Undefined,
    VariableNode,
    get_named_type,
    get_nullable_type,
    value_from_ast,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension

from api.core.per_schema import PerSchemaCache
from domain import kpis
from domain.errors import DomainError

LIST_GUESS = 10  # items assumed in a list without `first`: an order's lines, history, deliveries
# One KPI report (the kpis field, a bucket of a series, a report nested in one) runs a dozen aggregate queries:
# measured 30-50 ms a bucket on the shared test box, 15-50 ms more for each nested report. At 1,500 a year of
# weeks of the plain KPIs (52 x 1,500 = 78,000) fits a request; a weekly series over ten years with every nested
# report (14 s for a viewer before) is estimated at 520 x 6,000 and refused.
KPI_REPORT = 1_500
# Fields whose one resolution is far more work than an object, by `Type.field`: a forecast scenario set is
# three LP solves (three fill a request).
FIELD_WEIGHT = {
    "Query.planScenarios": 30_000,
    "Query.kpis": KPI_REPORT,
    "KpiReport.series": KPI_REPORT,
    "KpiReport.forecastAccuracyReport": KPI_REPORT,
    "KpiReport.costAllocation": KPI_REPORT,
    "KpiReport.rushReview": KPI_REPORT,
}


def _date(value: Any) -> datetime.date:
    # A literal or a variable reaches the estimate as the client wrote it (strawberry parses it later).
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def series_buckets(arguments: Mapping[str, Any]) -> int:
    """The buckets of a KPI series from the period of the kpis field above it (an upper bound for a series
    nested in a bucket); the most a series may have when no period is in scope."""
    try:
        granularity = kpis.Granularity(str(getattr(arguments["granularity"], "value", arguments["granularity"])))
        buckets = kpis.Period(_date(arguments["from"]), _date(arguments["to"])).bucket_count(granularity)
        # Beyond the most a series has, the series refuses itself before computing a report (with its message).
        return buckets if buckets <= kpis.MAX_SERIES_BUCKETS else 1
    except (ValueError, DomainError):
        return 1  # a malformed or empty period: its scalar or the kpis field refuses it, with the clearer message
    except (KeyError, TypeError):
        return kpis.MAX_SERIES_BUCKETS


# Lists whose length the arguments (of the field and the fields above it) tell, by `Type.field`.
SIZED_LISTS: dict[str, Callable[[Mapping[str, Any]], int]] = {"KpiReport.series": series_buckets}
# The arguments those sizes read (series_buckets: the period of the kpis field). No other argument changes an
# estimate, so no other is coerced: createOrder's whole input was, on every create.
SIZING_ARGUMENTS = frozenset({"granularity", "from", "to"})


class QueryCost:
    """The estimate for one operation of a document, with the request's variables."""

    def __init__(self, schema: GraphQLSchema, fragments: Mapping[str, FragmentDefinitionNode],
                 variables: Mapping[str, Any], unknown_first: int, stop_above: int) -> None:
        self.schema, self.fragments, self.variables = schema, fragments, variables
        self.unknown_first, self.stop_above = unknown_first, stop_above
        # Whether the estimate depended on the request's variables (a page size or a period given as one): an
        # estimate that did not holds for every request of the same document and operation.
        self.read_variables = False

    def of(self, operation: OperationDefinitionNode) -> int:
        root = self.schema.get_root_type(operation.operation)
        return self._selection(operation.selection_set, root, 1, False, frozenset(), {}) if root else 0

    def _arguments(self, node: FieldNode, field_args: Mapping[str, GraphQLArgument]) -> dict[str, Any]:
        """The argument values written or given as variables; those that do not coerce are left out."""
        values: dict[str, Any] = {}
        for argument in node.arguments or ():
            definition = field_args.get(argument.name.value)
            if definition is not None and argument.name.value in SIZING_ARGUMENTS:
                self.read_variables = True  # conservatively: a literal period is rare enough not to cache
                value = value_from_ast(argument.value, definition.type, dict(self.variables))
                if value is not Undefined:
                    values[argument.name.value] = value
        return values

    def _first(self, node: FieldNode, field_args: Mapping[str, Any]) -> int | None:
        if "first" not in field_args:
            return None
        for argument in node.arguments or ():
            if argument.name.value != "first":
                continue
            value = argument.value
            # Beyond the page size the resolver refuses `first` itself, with the clearer message.
            if isinstance(value, IntValueNode):
                return min(max(0, int(value.value)), self.unknown_first)
            if isinstance(value, VariableNode):
                self.read_variables = True
                given = self.variables.get(value.name.value)
                return min(max(0, given), self.unknown_first) if isinstance(given, int) else self.unknown_first
            return self.unknown_first
        default = field_args["first"].default_value
        return default if isinstance(default, int) else self.unknown_first

    def _selection(self, selection_set: SelectionSetNode, parent: GraphQLNamedType | None, times: int, paged: bool,
                   seen: frozenset[str], arguments: Mapping[str, Any]) -> int:
        total = 0
        for node, on_type, fragment_seen in self._fields(selection_set, parent, seen):
            if node.name.value.startswith("__"):
                continue
            fields = on_type.fields if isinstance(on_type, GraphQLObjectType | GraphQLInterfaceType) else {}
            field = fields.get(node.name.value)
            if field is None or on_type is None:
                continue  # validation reports it
            name = f"{on_type.name}.{node.name.value}"
            in_scope = {**arguments, **self._arguments(node, field.args)} if field.args else arguments
            sized = SIZED_LISTS.get(name)
            items = sized(in_scope) if sized is not None else 1
            total += times * items * FIELD_WEIGHT.get(name, 1)
            if node.selection_set is None:
                continue
            first = self._first(node, field.args)
            below = times
            if first is not None:
                below = times * first
            elif sized is not None:
                below = times * items
            elif isinstance(get_nullable_type(field.type), GraphQLList):  # type: ignore[arg-type]
                below = times if paged else times * LIST_GUESS
            total += self._selection(node.selection_set, get_named_type(field.type), below, first is not None,
                                     fragment_seen, in_scope)
            if total > self.stop_above:
                return total
        return total

    def _fields(self, selection_set: SelectionSetNode, parent: GraphQLNamedType | None, seen: frozenset[str]
                ) -> Iterator[tuple[FieldNode, GraphQLNamedType | None, frozenset[str]]]:
        """The fields of a selection with the type each is selected on, fragments spread in (each once per path)."""
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                yield selection, parent, seen
            elif isinstance(selection, InlineFragmentNode):
                on = self.schema.get_type(selection.type_condition.name.value) if selection.type_condition else parent
                yield from self._fields(selection.selection_set, on, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is not None and name not in seen:
                    on = self.schema.get_type(fragment.type_condition.name.value)
                    yield from self._fields(fragment.selection_set, on, seen | {name})


class Estimates:
    """The estimates that did not read variables, by schema, document and operation name: a partner sends the
    same createOrder text every time, and parsing caches its document (one object per text, while cached)."""

    def __init__(self, size: int) -> None:
        self._kept: PerSchemaCache[str | None, int] = PerSchemaCache(size)  # by document and operation name

    def __len__(self) -> int:
        return len(self._kept)

    def estimate(self, schema: GraphQLSchema, document: DocumentNode, operation_name: str | None,
                 variables: Mapping[str, Any], unknown_first: int, stop_above: int) -> int | None:
        """The operation's estimate; None when the document has no such operation (execution reports it)."""
        kept = self._kept.get(schema, document, operation_name)
        if kept is not None:
            return kept
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        chosen = [o for o in operations if operation_name is None
                  or (o.name is not None and o.name.value == operation_name)]
        if not chosen:
            return None
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        cost = QueryCost(schema, fragments, variables, unknown_first, stop_above)
        estimate = cost.of(chosen[0])
        if not cost.read_variables:
            self._kept.put(schema, document, operation_name, estimate)
        return estimate


def cost_extension(max_cost: int, unknown_first: int, cache_size: int) -> type[SchemaExtension]:
    estimates = Estimates(cache_size)

    class CostLimit(SchemaExtension):
        """Refuses, before execution, an operation estimated above max_cost (LIMIT_EXCEEDED)."""

        def on_execute(self) -> Iterator[None]:
            context = self.execution_context
            document = context.graphql_document
            if document is not None:
                estimate = estimates.estimate(context.schema._schema, document, context.operation_name,
                                              context.variables or {}, unknown_first, max_cost)
                if estimate is not None and estimate > max_cost:
                    # Counting stops once over the limit: say that much, not a total.
                    context.result = GraphQLExecutionResult(data=None, errors=[GraphQLError(
                        f"this request may resolve more than {max_cost:,} objects, the most one request may: "
                        "ask for fewer rows (first), fewer aliases or fewer nested lists",
                        extensions={"code": "LIMIT_EXCEEDED", "limit": max_cost})])
            yield

    return CostLimit
