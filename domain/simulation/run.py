"""One simulation: the world from the seed, then each policy through it, then their figures side by side."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from domain import clock
from domain.config import load_settings
from domain.db import sync_engine
from domain.demo import DemoPlant, generate_plant, load_demo, size_named
from domain.migrate import upgrade_database
from domain.simulation import store
from domain.simulation.baselines import run_baseline
from domain.simulation.outcomes import Tally, figures, heat, rush_causes, weekly
from domain.simulation.planner import replan_week
from domain.simulation.plant import PlantModel, plant_model
from domain.simulation.rush_costs import read_rush_charges
from domain.simulation.service import run_days
from domain.simulation.state import ServiceRun
from domain.simulation.world import World, build_world
from rules import load_rulebook

START = date(2027, 1, 4)  # a Monday: a fixed start keeps the seasons of every run in the same place
BASELINES = ("naive", "edd")


@dataclass
class PolicyRun:
    name: str
    tally: Tally
    violations: list[tuple[date, str]] = field(default_factory=list)
    checked_days: int = 0
    mechanisms: dict[str, int] = field(default_factory=dict)
    # Wall and CPU seconds of this policy's run: where a simulation's time goes, kept out of the figures and the
    # JSON line (which stay the same bytes for the same seed).
    seconds: float = 0.0
    cpu_seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        return {"figures": figures(self.tally), "weekly": weekly(self.tally), "heat": heat(self.tally),
                "lines": self.tally.lines, "rush_causes": rush_causes(self.tally)}


@dataclass
class Simulation:
    size: str
    seed: int
    weeks: int
    world: World
    runs: list[PolicyRun]


def _service(name: str, rules_dir: Path, plant: PlantModel, world: World, size: str, seed: int, url: str,
             check_ledger: bool, generated: DemoPlant) -> PolicyRun:
    book = load_rulebook(rules_dir)
    policy = book.capacity_policy()
    saturday = world.start - timedelta(days=2)
    upgrade_database(url)
    engine = sync_engine(url, scratch=True)
    try:
        with clock.pinned(store.at(saturday, 8)):
            load_demo(engine, size, seed, saturday, reserve_share=policy.reserve_share, frozen_days=policy.frozen_days,
                      generated=generated)
    finally:
        engine.dispose()
    tally = Tally(world, [line.code for line in plant.lines], overtime_rate=load_settings().overtime_hour_cost)
    run = ServiceRun(url, book, plant, world, tally, check_ledger=check_ledger)

    async def drive() -> None:
        from domain.db import async_engine, async_sessions

        engine = async_engine(url, scratch=True)
        try:
            async with async_sessions(engine)() as session:
                await store.submit_forecasts(session, world, 0, [p.sku for p in plant.products])
        finally:
            await engine.dispose()
        replan_week(run, saturday)
        await run_days(run)

    try:
        with clock.pinned(store.at(saturday, 9)):
            asyncio.run(drive())
    finally:
        clock.pin(None)
    tally.rush_charges = read_rush_charges(url, book, world)
    return PolicyRun(name, tally, run.violations, run.checked_days, dict(sorted(run.mechanisms.items())))


def _sqlite(workdir: Path, name: str) -> str:
    path = workdir / f"{name.replace(':', '-')}.db"
    path.unlink(missing_ok=True)
    return f"sqlite:///{path}"


def simulate(size: str, seed: int, weeks: int, policies: list[str], workdir: Path, rules_dir: Path,
             candidate_rules: Path | None = None, check_ledger: bool = False,
             database_url: str | None = None) -> Simulation:
    """Run each policy over the same world; `candidate_rules` adds a 'service:candidate' column.

    The service runs on an SQLite file of its own in `workdir`, or on `database_url` (an empty database) when
    given; check_ledger runs the capacity ledger's checker at every simulated day's end."""
    generated = generate_plant(size_named(size), seed, START - timedelta(days=2))  # loaded by each service run too
    plant = plant_model(generated)
    world = build_world(plant, seed, START, weeks)
    workdir.mkdir(parents=True, exist_ok=True)
    names = [name for name in policies if name in (*BASELINES, "service")]
    runs = []
    for name in names if candidate_rules is None else [*names, "service:candidate"]:
        wall, cpu = time.perf_counter(), time.process_time()
        if name in BASELINES:
            run = PolicyRun(name, run_baseline(name, plant, world))
        elif name == "service":
            run = _service(name, rules_dir, plant, world, size, seed, database_url or _sqlite(workdir, name),
                           check_ledger, generated)
        else:
            assert candidate_rules is not None
            run = _service(name, candidate_rules, plant, world, size, seed, _sqlite(workdir, name), check_ledger,
                           generated)
        run.seconds, run.cpu_seconds = time.perf_counter() - wall, time.process_time() - cpu
        runs.append(run)
    return Simulation(size, seed, weeks, world, runs)
