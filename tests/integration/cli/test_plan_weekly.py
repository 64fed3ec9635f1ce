"""`sop plan weekly` refuses an empty plant and a --today that would put an older plan over the one in force, and
leaves a weekend replan that breaks promises a DRAFT (the capacity policy's plan_approval)."""

from __future__ import annotations

from datetime import date, timedelta

from click.testing import CliRunner, Result
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from domain.capacity.checks import ledger_violations
from domain.cli import cli
from domain.demo import DemoSize, load_demo
from domain.models import CapacityLedger, LineCalendarDay, Plan
from domain.planning.versions import plan_in_force

TINY = DemoSize("tiny", products=6, families=2, lines=2, customers=5, orders=40, forecast_weeks_ahead=2,
                forecast_weeks_back=2, history_days=60)


def _sop(args: list[str], url: str) -> Result:
    return CliRunner().invoke(cli, args, env={"SOP_DATABASE_URL": url})


def test_plan_weekly_on_a_migrated_empty_database_says_no_plant(db: Engine, db_url: str) -> None:
    """Input tried: `sop plan weekly` right after `sop db upgrade` (numpy AxisError before)."""
    result = _sop(["plan", "weekly", "--today", "2026-11-25"], db_url)
    assert result.exit_code == 1, result.output
    assert result.output == "Error: no plant loaded: no production lines (run `sop demo load`)\n"
    with Session(db) as session:
        assert session.scalar(select(func.count()).select_from(Plan)) == 0


def test_plan_weekly_refuses_to_go_back_before_the_plan_in_force(db: Engine, db_url: str) -> None:
    """Inputs tried: --today 2020-01-01 and the Friday before the plan's week (refused), the same with --force, a
    Sunday before the plan's Monday (a weekend replan plans from that Monday, so it is allowed)."""
    load_demo(db, TINY, seed=3, today=date(2026, 11, 25))  # a Wednesday
    first = _sop(["plan", "weekly", "--today", "2026-11-25"], db_url)
    assert first.exit_code == 0, first.output
    with Session(db) as session:
        live = plan_in_force(session)
        assert live is not None and str(live.horizon_start) == "2026-11-23"
    for day in ("2020-01-01", "2026-11-20"):
        refused = _sop(["plan", "weekly", "--today", day], db_url)
        assert refused.exit_code == 1, refused.output
        assert refused.output.startswith(f"Error: plan version {live.version} is in force from 2026-11-23 ")
        assert f"a replan as of {day} would put a plan from" in refused.output and "--force" in refused.output
        with Session(db) as session:
            assert plan_in_force(session).version == live.version  # type: ignore[union-attr]
    sunday = _sop(["plan", "weekly", "--today", "2026-11-29"], db_url)  # plans from Monday 2026-11-30
    assert sunday.exit_code == 0, sunday.output
    forced = _sop(["plan", "weekly", "--today", "2020-01-01", "--force"], db_url)
    assert forced.exit_code == 0, forced.output
    with Session(db) as session:
        assert str(plan_in_force(session).horizon_start) == "2019-12-30"  # type: ignore[union-attr]


def test_the_weekend_replan_follows_the_plan_approval_rule(db: Engine, db_url: str) -> None:
    """Input: the tiny demo plant planned on Wednesday 2026-11-25, then next week a holiday on the line with the
    most promised hours, then `sop plan weekly --today 2026-11-28` (Saturday: plans from that Monday). The shipped
    capacity policy lets no broken promise go alone: the plan is a DRAFT, the plan in force and the ledger stay."""
    load_demo(db, TINY, seed=3, today=date(2026, 11, 25))
    assert _sop(["plan", "weekly", "--today", "2026-11-25"], db_url).exit_code == 0
    monday = date(2026, 11, 30)
    with Session(db) as session:
        busiest = session.scalars(select(CapacityLedger).where(CapacityLedger.week == monday)
                                  .order_by(CapacityLedger.promised_hours.desc()).limit(1)).one()
        promised, line_id = busiest.promised_hours, busiest.line_id
        assert promised > 0
        session.add_all(LineCalendarDay(line_id=line_id, day=monday + timedelta(days=d), hours=0.0, reason="holiday")
                        for d in range(7))
        session.commit()
    weekend = _sop(["plan", "weekly", "--today", "2026-11-28"], db_url)
    assert weekend.exit_code == 0, weekend.output
    assert weekend.output.startswith("plan version 2 is a DRAFT waiting for production's and sales' approval")
    assert "0 promises broken" not in weekend.output
    with Session(db) as session:
        assert plan_in_force(session).version == 1  # type: ignore[union-attr]
        ledger = session.scalars(select(CapacityLedger).where(CapacityLedger.line_id == line_id,
                                                              CapacityLedger.week == monday)).one()
        assert ledger.promised_hours == promised
        assert ledger_violations(session) == []
