"""The words the API serves as enums are the words rows hold: the small demo plant and live plans speak them."""

from __future__ import annotations

from datetime import date, datetime

from graphql import GraphQLEnumType

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
