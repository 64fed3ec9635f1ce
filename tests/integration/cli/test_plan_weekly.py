"""`sop plan weekly` refuses an empty plant and a --today that would put an older plan over the one in force, and
leaves a weekend replan that breaks promises a DRAFT (the capacity policy's plan_approval)."""

from __future__ import annotations

from datetime import date, timedelta

from click.testing import CliRunner, Result
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from cli import cli
from domain.capacity.checks import ledger_violations
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


def _weekend_draft(db: Engine, db_url: str) -> None:
    """The tiny plant planned on Wednesday, a holiday week on its busiest line, a Saturday replan: a DRAFT v2."""
    load_demo(db, TINY, seed=3, today=date(2026, 11, 25))
    assert _sop(["plan", "weekly", "--today", "2026-11-25"], db_url).exit_code == 0
    monday = date(2026, 11, 30)
    with Session(db) as session:
        line_id = session.scalars(select(CapacityLedger.line_id).where(CapacityLedger.week == monday)
                                  .order_by(CapacityLedger.promised_hours.desc()).limit(1)).one()
        session.add_all(LineCalendarDay(line_id=line_id, day=monday + timedelta(days=d), hours=0.0, reason="holiday")
                        for d in range(7))
        session.commit()
    assert "is a DRAFT" in _sop(["plan", "weekly", "--today", "2026-11-28"], db_url).output


def test_sop_plan_approve_puts_a_draft_in_force_once_both_sides_approved(db: Engine, db_url: str) -> None:
    """Inputs tried on the weekend DRAFT (version 2): an unknown version 9, production's approval by Ann, Ann again
    for sales (one person never approves both sides), an empty name, then Bob for sales; then a reject of the plan
    now in force."""
    _weekend_draft(db, db_url)
    unknown = _sop(["plan", "approve", "9", "--role", "sales", "--name", "Ann"], db_url)
    assert unknown.exit_code == 1 and unknown.output == "Error: no plan version 9\n"
    first = _sop(["plan", "approve", "2", "--role", "production", "--name", "Ann", "--reason", "ok"], db_url)
    assert first.exit_code == 0, first.output
    assert first.output == "plan version 2 approved by Ann (production); it waits for the other side\n"
    again = _sop(["plan", "approve", "2", "--role", "sales", "--name", "Ann"], db_url)
    assert again.exit_code == 1 and "Ann approved plan version 2 already" in again.output, again.output
    blank = _sop(["plan", "approve", "2", "--role", "sales", "--name", "  "], db_url)
    assert blank.exit_code == 2 and "--name" in blank.output, blank.output
    with Session(db) as session:
        assert plan_in_force(session).version == 1  # type: ignore[union-attr]
    second = _sop(["plan", "approve", "2", "--role", "sales", "--name", "Bob"], db_url)
    assert second.exit_code == 0, second.output
    assert second.output.startswith("plan version 2 is in force now: ")
    with Session(db) as session:
        assert plan_in_force(session).version == 2  # type: ignore[union-attr]
        assert ledger_violations(session) == []
    late = _sop(["plan", "reject", "2", "--role", "sales", "--name", "Bob", "--reason", "too late"], db_url)
    assert late.exit_code == 1 and "not a DRAFT" in late.output, late.output


def test_sop_plan_reject_needs_a_reason_and_keeps_the_plan_in_force(db: Engine, db_url: str) -> None:
    """Inputs tried: reject without --reason (usage error), with a blank reason (refused by the domain), then with
    "the holiday moves"; then an approval of the rejected draft."""
    _weekend_draft(db, db_url)
    missing = _sop(["plan", "reject", "2", "--role", "sales", "--name", "Bob"], db_url)
    assert missing.exit_code == 2 and "--reason" in missing.output
    blank = _sop(["plan", "reject", "2", "--role", "sales", "--name", "Bob", "--reason", " "], db_url)
    assert blank.exit_code == 1 and "a rejection needs a reason" in blank.output, blank.output
    done = _sop(["plan", "reject", "2", "--role", "sales", "--name", "Bob", "--reason", "the holiday moves"], db_url)
    assert done.exit_code == 0 and done.output == "plan version 2 is REJECTED; the plan in force stays\n"
    with Session(db) as session:
        assert plan_in_force(session).version == 1  # type: ignore[union-attr]
        assert session.get_one(Plan, session.scalar(select(Plan.id).where(Plan.version == 2))).rejected_at
    after = _sop(["plan", "approve", "2", "--role", "production", "--name", "Ann"], db_url)
    assert after.output == "Error: plan version 2 was rejected by sales:Bob: the holiday moves\n"
