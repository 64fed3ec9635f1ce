"""What a partner may ask for: an allow-list of fields, checked on the whole document before anything runs.

A partner key belongs to a customer's or a reseller's system. It reads and writes its own customers' orders
(the rows are scoped in domain/scoping.py); the plant's internal figures (KPIs, scorecards, cost
allocation, plans, capacity load, scenarios, targets, stock, lines, rule sets, unit cost, margin, priority)
are not for it. The list below is of what a partner may select; anything else, including every field added
to the schema later, is refused with FORBIDDEN and no data, so a new internal field cannot leak by default.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import DocumentNode, FieldNode, GraphQLError, GraphQLSchema, TypeInfo, TypeInfoVisitor, Visitor, visit
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from api.core.limits import DOCUMENT_CACHE_SIZE
from api.core.per_schema import PerSchemaCache
from domain.models import Role


def _fields(type_name: str, *names: str) -> set[str]:
    return {f"{type_name}.{name}" for name in names}


PAGED = ("edges", "pageInfo", "totalCount")
EDGE = ("node", "cursor")

PARTNER_FIELDS: frozenset[str] = frozenset().union(
    _fields("Query", "orders", "order", "node", "products", "customers", "alerts", "feedback", "notices"),
    _fields("Mutation", "quoteOrder", "createOrder", "updateOrder", "cancelOrder", "respondToProposal",
            "shipOrder", "confirmDelivery", "recordPayment", "recordFeedback", "acknowledgeNotice"),
    _fields("Subscription", "orderEvents", "alerts"),
    _fields("Node", "id"),
    _fields("PageInfo", "hasNextPage", "hasPreviousPage", "startCursor", "endCursor"),
    _fields("OrderConnection", *PAGED), _fields("OrderEdge", *EDGE),
    _fields("ProductConnection", *PAGED), _fields("ProductEdge", *EDGE),
    _fields("CustomerConnection", *PAGED), _fields("CustomerEdge", *EDGE),
    _fields("AlertConnection", *PAGED), _fields("AlertEdge", *EDGE),
    _fields("FeedbackConnection", *PAGED), _fields("FeedbackEdge", *EDGE),
    _fields("NoticeConnection", *PAGED), _fields("NoticeEdge", *EDGE),
    _fields("OrderEventConnection", *PAGED), _fields("OrderEventEdge", *EDGE),
    _fields("PaymentConnection", *PAGED), _fields("PaymentEdge", *EDGE),
    # Not grossMargin (the plant's margin) nor priorityTier (its ranking of customers).
    # customerReference is the partner's own number for its own order.
    _fields("Order", "id", "code", "customerReference", "version", "status", "requestedDate", "promisedDate",
            "amount", "rush", "receivedAt", "scheduledAt", "completedAt", "shippedAt", "cancelledAt", "customer",
            "lines", "review", "deliveries", "history", "feedback", "notices", "deliveredOn", "proofReference",
            "closedAt", "payments", "historyConnection", "feedbackConnection", "noticesConnection",
            "paymentsConnection", "moveProposal", "tentativeDate"),
    # A move its own order is asked to accept (R15): dates only, never the rush order it makes room for.
    _fields("MoveProposal", "proposedDate", "deliveries", "originalDate", "expiresAt", "accepted"),
    # The partner's own customers' payments: what they paid and when, as the partner's ERP reported it.
    _fields("Payment", "amount", "paidOn", "receivedAt", "recordedBy"),
    _fields("OrderLine", "quantity", "unitPrice", "quantityMade", "quantityShipped", "quantityFromStock",
            "product"),
    # Not unitCost, safetyStock nor onHand: the plant's cost and stock.
    _fields("Product", "sku", "name", "family", "listPrice", "maturity"),
    _fields("Customer", "code", "name", "tier"),
    # The verdicts and their reasons (R3), not the rules that fired nor their version: the plant's policy.
    _fields("Review", "decision", "criteria", "proposedDate", "deliveries"),
    _fields("CriterionResult", "criterion", "passed", "message"),
    _fields("Delivery", "sku", "quantity", "date"),
    _fields("OrderEvent", "orderCode", "kind", "at", "actor", "message", "fromStatus", "toStatus"),
    _fields("Feedback", "id", "orderCode", "kind", "cause", "message", "quantity", "status", "createdAt",
            "createdBy", "assignee", "resolvedAt", "closedAt"),
    _fields("Alert", "id", "kind", "severity", "message", "createdAt", "open", "orderCode", "sku", "lineCode"),
    _fields("OrderPayload", "order", "errors", "substitutes"),
    _fields("QuotePayload", "review", "promisedDate", "rush", "substitutes", "tentative", "errors"),
    _fields("FeedbackPayload", "feedback", "order", "errors"),
    _fields("Notice", "id", "orderCode", "kind", "message", "createdAt", "deliveredAt", "acknowledgedAt",
            "acknowledgedBy"),
    _fields("NoticePayload", "notice", "errors"),
    _fields("SubstituteOffer", "sku", "forSku", "onHand"),
    _fields("UserError", "field", "message", "code", "currentVersion"),
)


def fields_outside(schema: GraphQLSchema, document: DocumentNode, allowed: frozenset[str]) -> list[str]:
    """Every `Type.field` the document selects that is not in `allowed`, in document order, each once.

    Fragments (named or inline, on any type) are walked with their type condition, so `node(id:) { ... on
    Order { grossMargin } }` is seen as Order.grossMargin. Introspection (`__typename`, `__schema`) is data-free.
    """
    type_info = TypeInfo(schema)
    found: dict[str, None] = {}

    class Selected(Visitor):
        def enter_field(self, node: FieldNode, *_: Any) -> None:
            parent = type_info.get_parent_type()
            if parent is None or node.name.value.startswith("__"):
                return
            name = f"{parent.name}.{node.name.value}"
            if name not in allowed:
                found[name] = None

    visit(document, TypeInfoVisitor(type_info, Selected()))
    return list(found)


REFUSED: PerSchemaCache[None, tuple[str, ...]] = PerSchemaCache(DOCUMENT_CACHE_SIZE)


def refused_to_partners(schema: GraphQLSchema, document: DocumentNode) -> tuple[str, ...]:
    """fields_outside the partners' list, once per document: a partner's system sends the same few texts every
    time, and the walk with type information cost ~0.12 ms of each of its requests."""
    refused = REFUSED.get(schema, document, None)
    if refused is None:
        refused = REFUSED.put(schema, document, None, tuple(fields_outside(schema, document, PARTNER_FIELDS)))
    return refused


class PartnerScope(SchemaExtension):
    """Refuses, before execution, a partner's document that selects a field outside PARTNER_FIELDS."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        principal = getattr(context.context, "principal", None)
        document = context.graphql_document
        if principal is not None and principal.role is Role.PARTNER and document is not None:
            refused = list(refused_to_partners(context.schema._schema, document))
            if refused:
                error = GraphQLError(
                    f"a partner key may not read {', '.join(refused[:10])}"
                    f"{' and more' if len(refused) > 10 else ''}: plant-internal data",
                    extensions={"code": "FORBIDDEN", "fields": refused},
                )
                if context.operation_type is OperationType.SUBSCRIPTION:
                    raise error  # a subscription ignores a result set here; strawberry answers the raised error
                context.result = GraphQLExecutionResult(data=None, errors=[error])
        yield
