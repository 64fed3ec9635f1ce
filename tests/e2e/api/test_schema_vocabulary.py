"""The words the API serves as enums are the words rows hold: the small demo plant and live plans speak them."""

from __future__ import annotations

import re
from datetime import date, datetime

from graphql import GraphQLEnumType

from api.export_schema import SCHEMA_FILE
from api.planning.plan import Plan
from api.schema import build_schema
from domain import models
from domain.demo import SIZES, generate_plant
from domain.planning.queries import plan_status

TODAY = date(2026, 12, 3)


def _enum_names(name: str) -> set[str]:
    enum = build_schema()._schema.get_type(name)
    assert isinstance(enum, GraphQLEnumType), name
    return set(enum.values)


def test_every_small_demo_row_speaks_the_schema_enums() -> None:
    """Input: the small demo plant (seed 7). Every order event's kind is an OrderEventKind value, every alert's
    kind an AlertKind and its severity an AlertSeverity. Before, the demo wrote STATUS_CHANGED, REVIEWED,
    STOCK_BELOW_SAFETY and HIGH while the API served bare strings."""
    plant = generate_plant(SIZES["small"], seed=7, today=TODAY)
    events, alerts = plant.rows["order_events"], plant.rows["alerts"]
    assert events and alerts
    event_kinds = {row["kind"] for row in events}
    assert event_kinds <= _enum_names("OrderEventKind"), event_kinds - _enum_names("OrderEventKind")
    assert {row["kind"] for row in alerts} <= _enum_names("AlertKind")
    assert {row["severity"] for row in alerts} <= _enum_names("AlertSeverity")


# Each column of a demo row that the API serves as an enum, and that enum. A column named like a closed vocabulary
# (kind, severity, status, cause, tier) must be listed here or in NOT_SERVED_AS_ENUM.
DEMO_ENUM_COLUMNS = {
    ("orders", "status"): "OrderStatus",
    ("order_events", "kind"): "OrderEventKind",
    ("order_events", "from_status"): "OrderStatus",
    ("order_events", "to_status"): "OrderStatus",
    ("alerts", "kind"): "AlertKind",
    ("alerts", "severity"): "AlertSeverity",
    ("feedback", "kind"): "FeedbackKind",
    ("feedback", "cause"): "FeedbackCause",
    ("feedback", "status"): "FeedbackStatus",
    ("incidents", "kind"): "IncidentKind",
    ("customers", "tier"): "CustomerTier",
    ("rush_insertions", "cause"): "RushCause",
    ("orders", "rush_cause"): "RushCause",
    ("production_orders", "status"): "ProductionOrderStatus",
    ("products", "maturity"): "ProcessMaturity",
}
# Stored words the API does not serve as an enum: a delivery's status (the API serves dates), a stock movement's
# kind and an order's rush tier (not in the API), its priority tier (a String in the contract: `priorityTier`).
NOT_SERVED_AS_ENUM = {("deliveries", "status"), ("stock_movements", "kind"), ("orders", "priority_tier"),
                      ("orders", "rush_tier")}
VOCABULARY = ("kind", "severity", "status", "cause", "tier", "maturity")


def test_every_demo_rows_closed_words_are_schema_enum_values() -> None:
    """Input: the small demo plant (seed 7), every table. Each stored word of a closed vocabulary is a value of
    the enum the API serves it as (a word outside it would fail serialisation at read time, as a demo
    STATUS_CHANGED did); and a new vocabulary column must be named here."""
    plant = generate_plant(SIZES["small"], seed=7, today=TODAY)
    checked = set()
    for table, rows in plant.rows.items():
        for column in sorted({c for row in rows for c in row if c.endswith(VOCABULARY)}):
            where = (table, column)
            assert where in DEMO_ENUM_COLUMNS or where in NOT_SERVED_AS_ENUM, f"{where}: which enum serves it?"
            if where in DEMO_ENUM_COLUMNS:
                words = {str(getattr(row[column], "name", row[column])) for row in rows if row.get(column) is not None}
                expected = _enum_names(DEMO_ENUM_COLUMNS[where])
                assert words and words <= expected, (where, words - expected)
                checked.add(where)
    # the columns the issue names are among those the demo fills
    assert {("order_events", "kind"), ("alerts", "kind"), ("alerts", "severity")} <= checked, checked


def test_the_exported_sdl_types_the_closed_vocabularies_as_enums() -> None:
    """api/schema.graphql (what a frontend's codegen reads) declares the enums and uses them on their fields."""
    sdl = SCHEMA_FILE.read_text()
    for enum in ("AlertKind", "AlertSeverity", "OrderEventKind", "PlanStatus", "DiagnosticKind", "ErrorCode"):
        assert f"enum {enum} {{" in sdl, enum
    for type_name, field, enum in (("Alert", "kind", "AlertKind"), ("Alert", "severity", "AlertSeverity"),
                                   ("OrderEvent", "kind", "OrderEventKind"), ("Plan", "status", "PlanStatus"),
                                   ("PlanDiagnostic", "kind", "DiagnosticKind"), ("UserError", "code", "ErrorCode")):
        body = re.search(r"\ntype " + type_name + r"\b[^{]*\{(.*?)\n\}", sdl, re.S)
        assert body and re.search(rf"\n  {field}: {enum}!", body.group(1)), (type_name, field, enum)


def test_plan_status_is_the_contract_enum_derived_from_the_plan_in_force() -> None:
    """Input: plans 3, 5 and 7 with plan 5 in force, then with none in force. The contract's four words, and
    IN_FORCE / SUPERSEDED / DRAFT by age against the plan in force."""
    assert _enum_names("PlanStatus") == {"DRAFT", "IN_FORCE", "SUPERSEDED", "REJECTED"}
    assert [plan_status(p, 5) for p in (3, 5, 7)] == [
        models.PlanStatus.SUPERSEDED, models.PlanStatus.IN_FORCE, models.PlanStatus.DRAFT]
    assert plan_status(3, None) is models.PlanStatus.DRAFT


def test_a_stored_plan_row_becomes_enums() -> None:
    """Input: a plan row as domain/planning/versions.py stores it (solver status and diagnostic kinds in lower
    case). The API type carries the enum members, which GraphQL serialises by name (OPTIMAL, BOTTLENECK)."""
    row = models.Plan(id=4, version=2, created_at=datetime(2026, 12, 3), tier=models.ForecastTier.MID,
                      frozen_until=TODAY, horizon_start=TODAY, horizon_weeks=13, status="degraded", objective=1.0,
                      solve_seconds=0.1, inputs_fingerprint="f",
                      rules_version="r", diagnostics=[{"kind": "bottleneck", "message": "L1 full"},
                                                      {"kind": "broken_promise", "message": "SO-1 at risk"}])
    plan = Plan.from_row(row, in_force_id=4)
    assert plan.status is models.PlanStatus.IN_FORCE and plan.in_force
    assert plan.solver_status.name == "DEGRADED"
    assert [d.kind.name for d in plan.diagnostics] == ["BOTTLENECK", "BROKEN_PROMISE"]
    assert {"BOTTLENECK", "BROKEN_PROMISE", "FORMULATION"} <= _enum_names("DiagnosticKind")
    assert _enum_names("SolverStatus") == {"OPTIMAL", "OPTIMAL_INACCURATE", "DEGRADED", "INFEASIBLE_DEGRADED"}
