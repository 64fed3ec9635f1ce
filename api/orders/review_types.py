"""GraphQL types of an order's review: the decision, each criterion's verdict, the rules that fired, deliveries."""

from __future__ import annotations

import enum
from datetime import date
from typing import Any

import strawberry

from api.core.context import Context
from api.core.convert import from_attributes
from api.core.enums import expose_enum
from api.orders.enums import ReviewDecision
from domain import models
from domain.models import Role
from domain.orders.explain import partner_message
from domain.orders.queries import PromisedDelivery

Info = strawberry.Info[Context, None]


class Criterion(enum.Enum):
    CAPACITY = "CAPACITY"
    MATERIAL = "MATERIAL"
    TECHNOLOGY = "TECHNOLOGY"
    MARGIN = "MARGIN"


expose_enum(Criterion, "Criterion", "One of the four questions every order review answers (R3).", {
    "CAPACITY": "Can the lines make the order by the requested date, with the hours not yet promised?",
    "MATERIAL": "Are the key components in stock, or arriving in time?",
    "TECHNOLOGY": "Is the product's process proven, or does it need validation first?",
    "MARGIN": "Does the order's gross margin reach the customer tier's target?",
})


@strawberry.type(
    description="A quantity of one product to deliver on one date: a promise of an order (Order.deliveries) or part"
                " of a proposed date or split (Review.deliveries)."
)
class Delivery:
    sku: str = strawberry.field(description="The product's stock-keeping unit code.")
    quantity: float = strawberry.field(description="Units to deliver on `date`.")
    date: date = strawberry.field(description="The day the units are due at the customer (ISO 8601).")

    @classmethod
    def from_row(cls, row: PromisedDelivery) -> Delivery:
        return from_attributes(cls, row)

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> Delivery:
        return cls(sku=str(item["sku"]), quantity=float(item["quantity"]), date=date.fromisoformat(str(item["date"])))


@strawberry.type(description="The verdict of one review criterion, with the facts that decided it.")
class CriterionResult:
    criterion: Criterion = strawberry.field(description="Which of the four criteria this verdict is for.")
    passed: bool = strawberry.field(
        description="True when the order meets the criterion; a failed one leads to a proposal or a rejection.")
    text: strawberry.Private[str]  # the message with every figure; a partner reads partner_message's version

    @strawberry.field(
        description="The verdict in words with its figures (e.g. short component, earliest date). A partner reads "
                    "the margin verdict without the plant's figures."
    )
    def message(self, info: Info) -> str:
        principal = info.context.principal
        if principal is not None and principal.role is Role.PARTNER:
            return partner_message(self.criterion.value, self.passed, self.text)
        return self.text


@strawberry.type(description="A rule of a rule file that fired during the review: why the decision is what it is.")
class FiredRule:
    rule_set: str = strawberry.field(
        description="The rule file's rule_set name (e.g. `review`, `rush`, `priority`).")
    rule: str = strawberry.field(description="The rule's id in its file (e.g. `P1-STRATEGIC`).")
    message: str = strawberry.field(description="The rule's description, what it decided in words.")


@strawberry.type(
    description="The outcome of checking an order on capacity, materials, technology and margin (R3, R4)."
)
class Review:
    decision: ReviewDecision = strawberry.field(
        description="Accept, propose a later date, propose a split, or reject.")
    criteria: list[CriterionResult] = strawberry.field(description="One verdict per criterion, always all four.")
    fired_rules: list[FiredRule] = strawberry.field(description="The rules that fired, in the order they fired.")
    rules_version: str = strawberry.field(
        description="The version of the loaded rule files the review ran on (see Query.ruleSets).")
    proposed_date: date | None = strawberry.field(
        description="With PROPOSE_DATE: the date the plant can promise instead; null otherwise.")
    deliveries: list[Delivery] = strawberry.field(
        description="With SPLIT or PROPOSE_DATE: what could be delivered on which date; empty when accepted as "
                    "asked or rejected.")

    @classmethod
    def from_row(cls, row: models.OrderReview) -> Review:
        """The JSON columns hold {criterion, passed, message}, {rule_set, rule, message}, {sku, quantity, date}."""
        return cls(
            decision=row.decision,
            criteria=[
                CriterionResult(criterion=Criterion(str(c["criterion"]).upper()), passed=bool(c["passed"]),
                                text=str(c.get("message", "")))
                for c in row.criteria
            ],
            fired_rules=[
                FiredRule(rule_set=str(r.get("rule_set", r.get("ruleSet", ""))), rule=str(r.get("rule", "")),
                          message=str(r.get("message", "")))
                for r in row.fired_rules
            ],
            rules_version=row.rules_version,
            proposed_date=row.proposed_date,
            deliveries=[Delivery.from_json(d) for d in row.proposed_deliveries],
        )
