"""Four simulated weeks on the small plant: the capacity ledger is sound at every day's end, on every backend,
the forecast-error cost is the service database's own allocation, and the same seed gives the same JSON line byte
for byte."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from cli import cli
from domain.config import REPO_ROOT, load_settings
from domain.db import session_scope, sync_engine
from domain.kpis import AdjustmentRates, Period, cost_allocation_report
from domain.simulation import Simulation, simulate
from rules import load_rulebook
from tests.dbutil import backends, fresh_database

pytestmark = pytest.mark.slow
WEEKS = 4


@pytest.fixture(scope="module", params=backends())
def simulated(request: pytest.FixtureRequest,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Simulation, str]]:
    """The simulation and the service's database it ran on."""
    tmp = tmp_path_factory.mktemp("simulate")
    with fresh_database(request.param, tmp) as url:
        yield simulate("small", 2, WEEKS, ["service", "naive", "edd"], tmp, REPO_ROOT / "rules",
                       check_ledger=True, database_url=url), url


@pytest.fixture(scope="module")
def simulation(simulated: tuple[Simulation, str]) -> Simulation:
    return simulated[0]


def test_the_ledger_is_never_over_promised_at_any_day_end(simulation: Simulation) -> None:
    service = simulation.runs[0]
    assert service.name == "service"
    assert service.checked_days == 7 * WEEKS
    assert service.violations == []


def test_every_order_of_the_world_is_answered_and_judged(simulation: Simulation) -> None:
    for run in simulation.runs:
        assert set(run.tally.fates) == {o.code for o in simulation.world.orders}
        for fate in run.tally.fates.values():
            assert fate.promised is None or fate.promised >= fate.order.day
            assert fate.shipped is None or fate.shipped >= fate.order.day
    # The service said something other than yes to some order; the baselines never do.
    answers = {run.name: sum(f.promised is None or f.proposed for f in run.tally.fates.values())
               for run in simulation.runs}
    assert answers["naive"] == answers["edd"] == 0 < answers["service"]


def test_the_forecast_error_cost_is_the_service_databases_cost_allocation(
    simulated: tuple[Simulation, str]
) -> None:
    simulation, url = simulated
    start = simulation.world.start
    engine = sync_engine(url)
    try:
        with session_scope(engine) as session:
            report = cost_allocation_report(session, Period(start, start + timedelta(days=7 * WEEKS)),
                                            load_rulebook(REPO_ROOT / "rules"),
                                            AdjustmentRates.from_settings(load_settings()))
    finally:
        engine.dispose()
    sales = sum(c.sales_cost for c in report.rush_orders if c.cause == "DEMAND_ABOVE_FORECAST")
    service, naive, edd = (run.summary() for run in simulation.runs)
    allocated = service["figures"]["forecast_error_cost_allocated"]
    assert report.total_cost > 0, "the service records what its rush insertions adjust"
    assert (allocated["numerator"], allocated["denominator"]) == (round(sales, 2), round(report.total_cost, 2))
    assert allocated["numerator"] <= allocated["denominator"]
    assert service["figures"]["rush_adjustment_cost"]["numerator"] == round(report.total_cost, 2)
    # The weekly series (by arrival week) add up to the run's figures.
    assert sum(service["weekly"]["rush_adjustment_cost"]) == pytest.approx(report.total_cost, abs=0.05)
    assert sum(service["weekly"]["forecast_error_cost_allocated"]) == pytest.approx(sales, abs=0.05)
    # Every rush order the service recorded is in the cause table, which counts the world's rush orders too.
    causes = service["rush_causes"]
    assert sum(n for row in causes.values() for cause, n in row.items() if cause != "not recorded") == len(
        report.rush_orders)
    for baseline in (naive, edd):  # no record of rush insertions, no allocation rule: production bears it all
        assert baseline["figures"]["forecast_error_cost_allocated"] == {"value": 0.0, "numerator": 0,
                                                                         "denominator": 0}


def _json_line(tmp: Path) -> dict[str, object]:
    result = CliRunner().invoke(cli, ["simulate", "--weeks", "2", "--size", "small", "--seed", "5",
                                      "--out", str(tmp), "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    line = json.loads(result.output.strip().splitlines()[-1])
    assert isinstance(line["simulate"]["seconds"], float)
    return line


def test_the_same_seed_gives_byte_identical_json_but_for_seconds(tmp_path: Path) -> None:
    first, second = _json_line(tmp_path / "a"), _json_line(tmp_path / "b")
    # Timing is the one field allowed to differ: compared without it.
    first["simulate"].pop("seconds"), second["simulate"].pop("seconds")  # type: ignore[attr-defined]
    assert json.dumps(first) == json.dumps(second)
    assert set(first["simulate"]["policies"]) == {"service", "naive", "edd"}  # type: ignore[index]
    assert (tmp_path / "a" / "report.md").read_text() == (tmp_path / "b" / "report.md").read_text()
    assert (tmp_path / "a" / "on_time.png").stat().st_size > 0


def test_a_candidate_rule_folder_runs_as_a_fourth_column(tmp_path: Path) -> None:
    candidate = tmp_path / "candidate"
    shutil.copytree(REPO_ROOT / "rules", candidate, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    policy = candidate / "capacity_policy.yaml"
    # A 15% rush reserve instead of 12%, and the file's own example says so (examples run when rules load).
    policy.write_text(policy.read_text().replace("percent: 12,", "percent: 15,")
                      .replace("reserve_share: 0.12,", "reserve_share: 0.15,"))
    result = CliRunner().invoke(cli, ["simulate", "--weeks", "1", "--size", "small", "--seed", "3", "--policies",
                                      "naive", "--rules", str(candidate), "--out", str(tmp_path / "out"), "--json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    policies = json.loads(result.output.strip().splitlines()[-1])["simulate"]["policies"]
    assert list(policies) == ["naive", "service:candidate"]
    assert "service:candidate" in (tmp_path / "out" / "report.md").read_text()


def test_keep_db_leaves_the_service_database_to_read_after_the_run(tmp_path: Path) -> None:
    # Input tried: one week on the small plant with --keep-db; the kept file is then opened by `sop check`.
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["simulate", "--weeks", "1", "--size", "small", "--seed", "3", "--policies",
                                      "service,naive", "--out", str(out), "--keep-db"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    kept = out / "service.db"
    assert f"database: sqlite:///{kept.resolve()}" in result.output
    url = f"sqlite:///{kept.resolve()}"
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            codes = connection.execute(text("SELECT code FROM orders WHERE code LIKE 'SIM-%'")).scalars().all()
    finally:
        engine.dispose()
    assert codes, "the world's orders are in the kept database"
    check = CliRunner().invoke(cli, ["check"], env={"SOP_DATABASE_URL": url}, catch_exceptions=False)
    assert check.exit_code == 0, check.output
    assert "0 violations" in check.output


def test_without_keep_db_no_database_is_left_in_the_out_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["simulate", "--weeks", "1", "--size", "small", "--seed", "3", "--policies",
                                      "naive", "--out", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert not list(tmp_path.glob("*.db")) and "database:" not in result.output
