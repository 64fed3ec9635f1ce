"""The figures behind the capacity, material and technology verdicts, on plain values (no database)."""

from __future__ import annotations

from datetime import date

import numpy as np

from domain.capacity.ledger import LedgerView
from domain.models import Customer, ProcessMaturity, Product
from domain.orders.context import KeyMaterial, OrderContext
from domain.orders.explain import (
    PARTNER_MARGIN,
    capacity_figures,
    capacity_findings,
    explained_criteria,
    full_lines,
    material_figures,
    partner_message,
    technology_figures,
)
from domain.orders.materials import check_materials
from domain.orders.promise import LinePromise, OrderPromise, Use
from rules import CriterionVerdict

WEEKS = [date(2026, 12, 7), date(2026, 12, 14), date(2026, 12, 21), date(2026, 12, 28)]
REQUESTED = date(2026, 12, 10)


def late_promise() -> tuple[OrderPromise, LedgerView]:
    """L05 (id 5) has 100 h a week free; the order takes all of three weeks and is ready on Dec 24."""
    view = LedgerView([5], WEEKS, np.array([[100.0, 100.0, 100.0, 100.0]]), np.zeros((1, 4)), np.ones(1))
    uses = [Use(5, week, 100.0, 200.0, False) for week in WEEKS[:3]]
    line = LinePromise(0, 1000.0, 600.0, date(2026, 12, 24), uses)
    return OrderPromise(REQUESTED, False, [line]), view


def context(*products: Product) -> OrderContext:
    return OrderContext(Customer(code="C1"), list(products), {}, {}, {})


def test_a_late_order_names_the_full_line_week_and_the_earliest_date() -> None:
    promise, view = late_promise()
    assert [(f.line_id, f.full_until) for f in full_lines(promise, view)] == [(5, date(2026, 12, 21))]
    found = capacity_findings(promise, view, date(2027, 3, 28), None)
    assert capacity_figures(found, {5: "L05"}) == ("L05 full until week 2026-12-21; earliest 2026-12-24 "
                                                   "(requested 2026-12-10); 600 of 1,000 by the requested date")


def test_a_line_with_hours_left_in_the_requested_week_is_not_blamed() -> None:
    promise, view = late_promise()
    view = LedgerView([5], WEEKS, np.array([[150.0, 100.0, 100.0, 100.0]]), np.zeros((1, 4)), np.ones(1))
    assert full_lines(promise, view) == []
    found = capacity_findings(promise, view, date(2027, 3, 28), date(2026, 12, 10))
    assert capacity_figures(found, {5: "L05"}) == ("plan frozen until 2026-12-10; earliest 2026-12-24 "
                                                   "(requested 2026-12-10); 600 of 1,000 by the requested date")


def test_nothing_within_the_horizon_says_so() -> None:
    promise, view = late_promise()
    never = OrderPromise(REQUESTED, False, [LinePromise(0, 1000.0, 0.0, None, promise.lines[0].uses)])
    text = capacity_figures(capacity_findings(never, view, date(2027, 3, 28), None), {})
    assert text.startswith("line 5 full until week 2026-12-21; no date within the planning horizon (to 2027-03-28)")


def test_a_component_short_names_its_code_shortfall_receipt_date_and_quantity() -> None:
    product = Product(id=1, sku="W-1", maturity=ProcessMaturity.PROVEN)
    order = context(product)
    order.bom = {1: [(304, 1.0)]}
    order.materials = {304: KeyMaterial(304, 594.0, 90, "M-0304", "pcs")}
    order.receipts = {304: [(date(2026, 12, 18), 3000.0)]}
    check = check_materials(order, [2000.0], date(2026, 12, 7), date(2026, 12, 3))
    assert material_figures(check, order) == "M-0304 short by 1,406 pcs until 2026-12-18 (receipt 3,000)"
    order.receipts = {}
    check = check_materials(order, [2000.0], date(2026, 12, 7), date(2026, 12, 3))
    assert material_figures(check, order) == "M-0304 short by 1,406 pcs until 2027-03-03 (purchase, 90 days lead time)"
    check = check_materials(order, [500.0], date(2026, 12, 7), date(2026, 12, 3))
    assert material_figures(check, order) == "M-0304 500 of 594 pcs in stock or received by 2026-12-07"


def test_a_new_process_names_the_product() -> None:
    new = Product(id=2, sku="P-1", maturity=ProcessMaturity.NEW)
    proven = Product(id=1, sku="W-1", maturity=ProcessMaturity.PROVEN)
    assert technology_figures(context(proven, new)) == "P-1 needs a new process"
    assert technology_figures(context(proven)) == ""


def test_the_rule_figures_come_first_and_margin_gets_nothing_from_the_domain() -> None:
    promise, view = late_promise()
    margin = CriterionVerdict(False, "Gross margin below the 10% minimum for strategic customers.",
                              ("margin 7.2 % < 10 % for STRATEGIC",), "MARGIN-STRATEGIC")
    capacity = CriterionVerdict(False, "The lines cannot make the whole order by the requested date.", (),
                                "CAPACITY-LATE")
    explained = explained_criteria({"MARGIN": margin, "CAPACITY": capacity},
                                   capacity_findings(promise, view, date(2027, 3, 28), None),
                                   check_materials(context(), [], date(2026, 12, 7), date(2026, 12, 3)),
                                   context(), {5: "L05"})
    assert explained["MARGIN"].message == ("Gross margin below the 10% minimum for strategic customers: "
                                           "margin 7.2 % < 10 % for STRATEGIC")
    assert explained["CAPACITY"].message.startswith("The lines cannot make the whole order by the requested date: "
                                                    "L05 full until week 2026-12-21; earliest 2026-12-24")


def test_partners_read_the_margin_verdict_without_figures() -> None:
    said = "Gross margin below the 10% minimum for strategic customers: margin 7.2 % < 10 % for STRATEGIC"
    assert partner_message("MARGIN", False, said) == PARTNER_MARGIN[False]
    assert not any(ch.isdigit() for ch in PARTNER_MARGIN[False] + PARTNER_MARGIN[True])
    assert partner_message("MATERIAL", False, "M-0304 short") == "M-0304 short"
