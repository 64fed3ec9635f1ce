"""The rolling weekly replan (R5, R14): one at a time, behind the frozen window; in force at once or a DRAFT."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from domain.capacity.calendar import frozen_until, week_start
from domain.errors import InvalidInput, PlanInProgress
from domain.models import ForecastTier, Plan, ProductionLine, Routing, utcnow
from domain.planning.daily import first_week, first_week_tasks
from domain.planning.forecast_netting import ForecastDecay
from domain.planning.in_force import enter_force
from domain.planning.moves import Move, preview_moves, record_moves
from domain.planning.snapshot import load_snapshot
from domain.planning.versions import diff_plans, plan_in_force, production_of, save_plan
from rules.views import PlanApproval
from solver.choice import auto_solver, detail_weeks_for
from solver.planner import CapacityPlanner

# Weeks planned week by week when a large plant is bucketed (only through a CVXPY solver: solver/choice.py).
LARGE_DETAIL_WEEKS = 4
# Any constant works; every API process and the CLI use the same one.
REPLAN_LOCK_KEY = 72_431_905
MAX_HORIZON_WEEKS = 26
_local_replan = threading.Lock()
# One planner per solver and process: a replan re-solves the compiled LP (DPP) while the plant's
# structure holds. Guarded by _local_replan, so it is never used by two threads at once.
_planners: dict[str, CapacityPlanner] = {}


@dataclass(frozen=True)
class ReplanSettings:
    tier: ForecastTier = ForecastTier.MID
    horizon_weeks: int = 13
    reserve_share: float = 0.12
    frozen_days: int = 3
    solver: str = "AUTO"
    rules_version: str = ""
    # Plan stability is priced only this many weeks past the frozen ones (MEASUREMENTS.md: a 4-6 week
    # window cut the large solve 3x; on medium it cost 5% of objective against the full window).
    change_window_weeks: int | None = 6
    # None: week by week, except a large plant planned through CVXPY (solver/choice.py: detail_weeks_for),
    # then LARGE_DETAIL_WEEKS weeks and 4-week buckets after them (solver/horizon.py).
    detail_weeks: int | None = None
    # Plan consensus (R5): None puts every plan in force at once (the simulation, direct callers); the capacity
    # policy's plan_approval keeps a larger draft waiting for sales and production (API and `sop plan weekly`).
    approval: PlanApproval | None = None
    # Forecast netting (match, backward_weeks, forward_weeks): the window over which firm orders consume the
    # forecast, the capacity policy's forecast_consumption (its ledger window); the default nets each order
    # against its own sku's forecast of its own week.
    netting: tuple[str, int, int] = ("SKU", 0, 1)
    # Forecast decay (lead_min, lead_max days), the capacity policy's forecast_decay: customers order that many days
    # ahead, so a near week's forecast nobody ordered is planned only in the share still to be ordered. None: all.
    forecast_lead_days: tuple[int, int] | None = None


@dataclass
class ReplanOutcome:
    plan: Plan
    scheduled_event_ids: list[int] = field(default_factory=list)
    previous_plan_id: int | None = None
    alert_ids: list[int] = field(default_factory=list)  # material shortages and late orders, to publish
    material_shortages: int = 0
    late_event_ids: list[int] = field(default_factory=list)  # AT_RISK, MOVED and LATE events, to publish
    changes: int = 0  # weekly items added, removed or changed against the plan in force
    agreed_changes: int = 0  # ... in the weeks both plans cover: what the capacity policy's plan_approval counts
    in_force: bool = False  # False: a DRAFT waiting for approvePlan (the capacity policy's plan_approval)
    moves: list[Move] = field(default_factory=list)  # orders the plan moves (previewed for a draft)


@contextmanager
def replan_lock(session: Session) -> Iterator[None]:
    """One replan at a time: a PostgreSQL advisory lock across processes, a lock in this process too."""
    if not _local_replan.acquire(blocking=False):
        raise PlanInProgress("a replan is already running in this process; try again when it has finished")
    try:
        if session.get_bind().dialect.name == "postgresql":
            got = session.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": REPLAN_LOCK_KEY}).scalar()
            if not got:
                raise PlanInProgress("a replan is already running in another process; try again when it has finished")
        yield
    finally:
        _local_replan.release()


def _route_weeks(session: Session, settings: ReplanSettings) -> int:
    return (session.scalar(select(func.count()).select_from(Routing)) or 0) * settings.horizon_weeks


def detail_for(session: Session, settings: ReplanSettings) -> int | None:
    """Week by week, unless a large plant is planned through CVXPY (buckets after LARGE_DETAIL_WEEKS)."""
    return detail_weeks_for(choose_solver(session, settings), _route_weeks(session, settings), LARGE_DETAIL_WEEKS)


def choose_solver(session: Session, settings: ReplanSettings) -> str:
    """AUTO: by measurement (solver/choice.py), HiGHS through CVXPY for normal plants and the exact LP
    straight to HiGHS for large ones. Any other value is used as given."""
    if settings.solver != "AUTO":
        return settings.solver
    return auto_solver(_route_weeks(session, settings))


def agreed_weeks(current: Plan, new: Plan) -> set[date]:
    """The Mondays both plans cover."""
    first = max(current.horizon_start, new.horizon_start)
    last = min(current.horizon_start + timedelta(weeks=current.horizon_weeks),
               new.horizon_start + timedelta(weeks=new.horizon_weeks))
    return {first + timedelta(weeks=i) for i in range(max((last - first).days // 7, 0))}


def horizon_start(today: date) -> date:
    """Weekdays replan the running week; a weekend replan (R5) plans from next Monday."""
    return week_start(today) if today.weekday() < 5 else week_start(today + timedelta(days=7))


def replan(
    session: Session,
    *,
    today: date,
    settings: ReplanSettings,
    actor: str | None,
    cutoff: datetime | None = None,
    planner: CapacityPlanner | None = None,
    progress: Callable[[str], None] = lambda _step: None,
    force: bool = False,
) -> ReplanOutcome:
    """Solve the plan for the horizon, save it as the next version, and put it in force (in_force.py) unless
    `settings.approval` keeps it a DRAFT: more changes or broken promises against the plan in force than the
    policy lets alone. The first plan (none in force) always goes into force.

    Going into force, orders accepted up to `cutoff` (default: now) become SCHEDULED. Runs in the caller's
    transaction.
    A `today` whose horizon starts before the plan in force is refused unless `force` (checked under the
    replan lock, so a plan another process just put in force counts).
    """
    if not 1 <= settings.horizon_weeks <= MAX_HORIZON_WEEKS:
        raise InvalidInput(f"horizonWeeks must be between 1 and {MAX_HORIZON_WEEKS}", ["horizonWeeks"])
    if session.scalar(select(ProductionLine.id).limit(1)) is None:  # the solver has nothing to plan on
        raise InvalidInput("no plant loaded: no production lines (run `sop demo load`)")
    with replan_lock(session):
        current = plan_in_force(session)
        start = horizon_start(today)
        if current is not None and start < current.horizon_start and not force:
            raise InvalidInput(
                f"plan version {current.version} is in force from {current.horizon_start} (made "
                f"{current.created_at:%Y-%m-%d}); a replan as of {today} would put a plan from {start} in force "
                "over it: pass --force to do so", ["today"])
        running_week = start <= today
        progress("reading the plant")
        snapshot = load_snapshot(
            session,
            start,
            settings.horizon_weeks,
            settings.tier,
            settings.reserve_share,
            plan_in_force=production_of(session, current.id) if current else None,
            frozen_weeks=1 if running_week and settings.frozen_days > 0 else 0,
            change_window_weeks=settings.change_window_weeks,
            detail_weeks=settings.detail_weeks if settings.detail_weeks is not None else detail_for(session, settings),
            netting=settings.netting,
            decay=None if settings.forecast_lead_days is None else ForecastDecay(today, *settings.forecast_lead_days),
        )
        week = first_week(
            session,
            snapshot,
            today=today,
            frozen_days=settings.frozen_days,
            previous_plan_id=current.id if current else None,
            running_week=running_week,
        )
        # Mid-week only the kept tasks and the open days remain: the LP must not plan a whole week there.
        snapshot = replace(snapshot, problem=replace(snapshot.problem, first_week_hours=week.hours_left(snapshot)))
        progress("solving the capacity plan")
        if planner is None:
            name = choose_solver(session, settings)
            planner = _planners.setdefault(name, CapacityPlanner(name))
        result = planner.solve(snapshot.problem)
        progress("saving the plan")
        daily, unplaced = first_week_tasks(snapshot, result, week)
        result.diagnostics.extend(unplaced)
        plan = save_plan(
            session,
            snapshot,
            result,
            tier=settings.tier,
            frozen_until=frozen_until(today, settings.frozen_days) if running_week else start - timedelta(days=1),
            actor=actor,
            rules_version=settings.rules_version,
            daily=daily,
        )
        plan.based_on_plan_id = current.id if current else None
        plan.reserve_share = settings.reserve_share
        plan.order_cutoff = cutoff or utcnow()
        changes = diff_plans(session, current.id, plan.id) if current else []
        outcome = ReplanOutcome(plan, previous_plan_id=current.id if current else None, changes=len(changes))
        if current is not None and settings.approval is not None:
            outcome.moves = preview_moves(session, snapshot, result)
            broken = sum(1 for m in outcome.moves if m.broken)
            # What was agreed is the weeks both plans cover: a week the roll adds at the horizon's end is new, not
            # a change (else every weekend replan would need approval), and a week behind the new start is past.
            agreed = agreed_weeks(current, plan)
            outcome.agreed_changes = sum(1 for c in changes if c.week in agreed)
            if not settings.approval.lets_alone(outcome.agreed_changes, broken):  # a DRAFT: both sides agree first
                record_moves(session, plan.id, outcome.moves)
                session.flush()
                return outcome
        done = enter_force(session, plan, snapshot, result, today=today, actor=actor, cutoff=plan.order_cutoff)
        outcome.in_force = True
        outcome.scheduled_event_ids, outcome.alert_ids = done.scheduled_event_ids, done.alert_ids
        outcome.late_event_ids, outcome.material_shortages, outcome.moves = (
            done.late_event_ids, done.material_shortages, done.moves)
        return outcome
