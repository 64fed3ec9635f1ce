"""The root schema, composed from the features' query, mutation and subscription classes."""

from __future__ import annotations

import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.tools import merge_types

from api.alerts.queries import AlertQueries
from api.alerts.subscriptions import AlertSubscriptions
from api.catalog.queries import CatalogQueries
from api.core.errors import Schema, ShapeErrors, UserError
from api.core.limits import limit_extensions
from api.core.metrics import Metrics, metrics_extension
from api.core.scalars import SCALAR_OVERRIDES
from api.core.scope import PartnerScope
from api.core.validation import QuietExecution
from api.floor.mutations import FloorMutations
from api.floor.queries import FloorQueries
from api.kpis.mutations import KpiMutations
from api.kpis.queries import KpiQueries
from api.masterdata.mutations import MasterDataMutations
from api.masterdata.queries import MasterDataQueries
from api.notices.mutations import NoticeMutations
from api.notices.queries import NoticeQueries
from api.orders.mutations import OrderMutations
from api.orders.queries import OrderQueries
from api.orders.sign_off import SignOffMutations
from api.orders.subscriptions import OrderSubscriptions
from api.planning.mutations import PlanningMutations
from api.planning.queries import PlanningQueries
from api.planning.subscriptions import PlanSubscriptions
from api.production.mutations import ProductionMutations
from api.production.queries import ProductionQueries
from api.purchasing.mutations import PurchasingMutations
from api.purchasing.queries import PurchasingQueries
from api.rules.mutations import RulesMutations
from api.rules.queries import RulesQueries
from domain.config import Settings

QUERIES: tuple[type, ...] = (
    OrderQueries, CatalogQueries, AlertQueries, FloorQueries, KpiQueries, PlanningQueries, RulesQueries,
    ProductionQueries, NoticeQueries, MasterDataQueries, PurchasingQueries,
)
# Each feature adds its mutations class here (api/<feature>/mutations.py), e.g. OrderMutations.
MUTATIONS: tuple[type, ...] = (OrderMutations, FloorMutations, PlanningMutations, RulesMutations,
                                ProductionMutations, NoticeMutations, KpiMutations, MasterDataMutations,
                                PurchasingMutations, SignOffMutations)
SUBSCRIPTIONS: tuple[type, ...] = (OrderSubscriptions, AlertSubscriptions, PlanSubscriptions)

Query = merge_types("Query", QUERIES)
Mutation = merge_types("Mutation", MUTATIONS) if MUTATIONS else None
Subscription = merge_types("Subscription", SUBSCRIPTIONS)
# merge_types takes no description; the root types are what a client's explorer opens first.
ROOT_DESCRIPTIONS = {
    Query: "Reads. Send `Authorization: Bearer <api key>`; a partner key sees only its own customers' orders, "
    "customers, alerts and feedback, and gets FORBIDDEN for plant-internal data (KPIs, plans, capacity, cost).",
    Mutation: "Writes; each answers a payload whose `errors: [UserError!]!` says what was refused and why "
    "(a caller without the role a mutation needs gets FORBIDDEN there).",
    Subscription: "Live events over the graphql-transport-ws websocket, scoped like the reads.",
}
for root, description in ROOT_DESCRIPTIONS.items():
    root.__strawberry_definition__.description = description  # type: ignore[union-attr]


def build_schema(settings: Settings | None = None, metrics: Metrics | None = None) -> strawberry.Schema:
    """The schema with the limits of `settings`; its SDL does not depend on them."""
    settings = settings or Settings()
    extensions: list[type[SchemaExtension] | object] = [PartnerScope, *limit_extensions(settings)]
    if metrics is not None:
        extensions.append(metrics_extension(metrics))
    extensions.append(ShapeErrors)  # last: it reshapes the errors every other extension produced
    return Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[UserError],  # the payload error type is part of the contract before any mutation uses it
        extensions=extensions,  # type: ignore[arg-type]
        scalar_overrides=SCALAR_OVERRIDES,  # type: ignore[arg-type]
        # With introspection off, no "Did you mean ...?" either (validation hides them in api/core/validation.py).
        execution_context_class=QuietExecution if settings.production else None,
    )
