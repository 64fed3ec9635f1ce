"""`sop plan`: the weekly replan with a progress bar, what changed between two versions, approving a draft."""

from __future__ import annotations

from datetime import UTC, date, datetime

import click
from tqdm import tqdm

from cli.options import DAY
from cli.plan_decisions import approve, reject
from domain import clock
from domain.capacity.calendar import last_cutoff
from domain.config import load_settings
from domain.db import migrated_engine, session_scope
from domain.models import ForecastTier, Plan
from domain.planning.versions import diff_plans
from domain.planning.weekly import MAX_HORIZON_WEEKS, ReplanSettings, replan
from domain.rules_sync import rulebook_in_force

STEPS = ("reading the plant", "solving the capacity plan", "saving the plan")


@click.group("plan")
def plan_cli() -> None:
    """The rolling weekly plan."""


@plan_cli.command("weekly")
@click.option("--tier", type=click.Choice([t.value for t in ForecastTier]), default="MID", show_default=True)
@click.option("--horizon", "horizon_weeks", type=click.IntRange(1, MAX_HORIZON_WEEKS), default=13, show_default=True,
              help=f"Weeks (1-{MAX_HORIZON_WEEKS}).")
@click.option("--today", type=DAY, default=None, help="Plan as of this day [default: today].")
@click.option("--force", is_flag=True, help="Replan even when --today is before the plan in force.")
def weekly(tier: str, horizon_weeks: int, today: date | None, force: bool) -> None:
    """Replan from the orders and changes received up to the weekly cut-off (R5)."""
    settings = load_settings()
    day = today or clock.today()
    engine = migrated_engine(settings.database_url)
    try:
        with session_scope(engine) as session:
            policy = rulebook_in_force(session, settings.rules_dir)
        capacity = policy.capacity_policy()
        replan_settings = ReplanSettings(
            tier=ForecastTier(tier),
            horizon_weeks=horizon_weeks,
            reserve_share=capacity.reserve_share,
            frozen_days=capacity.frozen_days,
            solver=settings.solver,
            rules_version=policy.version,
            approval=capacity.plan_approval,
            netting=capacity.forecast_netting,
            forecast_lead_days=capacity.forecast_lead_days,
        )
        # Orders received after the last cut-off (Friday by default) wait for next week's replan.
        cutoff = datetime.combine(last_cutoff(day, capacity.cutoff_weekday), datetime.max.time(), tzinfo=UTC)
        with tqdm(total=len(STEPS), desc="weekly replan", unit="step", disable=None) as bar:  # None: off unless a TTY

            def step(name: str) -> None:
                bar.set_postfix_str(name)
                bar.update(0 if name == STEPS[0] else 1)

            with session_scope(engine) as session:
                outcome = replan(session, today=day, settings=replan_settings, actor="cli", cutoff=cutoff,
                                 progress=step, force=force)
                plan = outcome.plan
                bar.update(1)
    finally:
        engine.dispose()
    broken = sum(1 for m in outcome.moves if m.broken)
    standing = "in force" if outcome.in_force else "is a DRAFT waiting for production's and sales' approval"
    click.echo(
        f"plan version {plan.version} {standing}: {plan.status}, objective {plan.objective:.1f}, "
        f"{plan.solve_seconds:.2f} s solve, {len(outcome.scheduled_event_ids)} orders scheduled, "
        f"{outcome.changes} changes against the previous plan ({outcome.agreed_changes} in the weeks both cover), "
        f"{len(outcome.moves)} orders moved, {broken} promises "
        f"broken, frozen until {plan.frozen_until}"
    )
    for diagnostic in plan.diagnostics[:10]:
        click.echo(f"  {diagnostic['kind']}: {diagnostic['message']}")


@plan_cli.command("diff")
@click.argument("old_version", type=int)
@click.argument("new_version", type=int)
def diff(old_version: int, new_version: int) -> None:
    """List the weekly quantities that differ between two plan versions."""
    from sqlalchemy import select


    engine = migrated_engine(load_settings().database_url)
    try:
        with session_scope(engine) as session:
            ids = dict(
                session.execute(select(Plan.version, Plan.id).where(Plan.version.in_([old_version, new_version]))).all()
            )
            missing = [v for v in (old_version, new_version) if v not in ids]
            if missing:
                raise click.ClickException(f"no plan version {missing[0]}")
            for change in diff_plans(session, ids[old_version], ids[new_version]):
                line = f"{change.week} {change.line_code:<10} {change.sku:<14}"
                click.echo(f"{line} {change.before:>10.1f} -> {change.after:>10.1f}")
    finally:
        engine.dispose()


plan_cli.add_command(approve)
plan_cli.add_command(reject)
