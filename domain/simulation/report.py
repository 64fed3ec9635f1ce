"""The simulation's report: the JSON line, a markdown table side by side, and PNG plots (matplotlib, Agg)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from domain.models import RushCause
from domain.simulation.outcomes import Tally, rush_causes
from domain.simulation.run import Simulation

# The JSON line's keys per policy, exactly as the issue names them (rates in 0..1, money and hours as is).
JSON_KEYS = ("promises_kept", "on_time", "rush_success", "regular_on_time", "fill_rate", "inventory_turns",
             "overtime_hours", "revenue", "gross_margin", "forecast_error_cost_allocated", "rush_adjustment_cost")
TABLE = ("promises_kept", "on_time", "rush_success", "rush_on_time", "regular_on_time", "fill_rate",
         "inventory_turns", "average_stock_value", "overtime_hours", "utilisation", "rejected", "proposed",
         "revenue", "gross_margin", "forecast_error_cost_allocated", "rush_adjustment_cost")
# Amounts, not rates: the JSON line and the table give the numerator.
MONEY = {"revenue", "gross_margin", "average_stock_value", "overtime_hours", "forecast_error_cost_allocated",
         "rush_adjustment_cost"}
SHARE_OF_MONEY = {"forecast_error_cost_allocated"}  # money over money: the table shows the share too
CAUSES = (*(cause.value for cause in RushCause), "not recorded")  # the recorded causes, then none
COST_NOTE = (
    "forecast_error_cost_allocated: the money rules/cost_allocation.yaml puts on sales for the rush orders the "
    "service recorded as demand above forecast, of the capacity-adjustment cost of all the run's rush orders "
    "(rush_adjustment_cost: overtime hours x SOP_OVERTIME_HOUR_COST + changeovers x SOP_CHANGEOVER_COST + "
    "displaced orders x SOP_DISPLACED_ORDER_COST, as the service's RushInsertion rows record them; "
    "domain/kpis/cost_allocation.py). "
    "The cell and the JSON line give the money; the share in brackets is its value. naive and edd show 0: they keep "
    "no record of rush insertions and have no allocation rule, so the adjustment cost stays with production.")


def _value(entry: dict[str, float], key: str) -> float:
    return entry["numerator"] if key in MONEY else entry["value"]


def json_line(simulation: Simulation, seconds: float | None = None) -> str:
    """The last line of `sop simulate --json`; without `seconds` it is the same bytes for the same seed."""
    policies: dict[str, Any] = {}
    for run in simulation.runs:
        figures = run.summary()["figures"]
        entry: dict[str, Any] = {key: _value(figures[key], key) for key in JSON_KEYS}
        entry["rejected"] = int(figures["rejected"]["numerator"])
        policies[run.name] = entry
    body: dict[str, Any] = {"weeks": simulation.weeks, "size": simulation.size, "seed": simulation.seed,
                            "policies": policies}
    if seconds is not None:
        body["seconds"] = round(seconds, 1)
    return json.dumps({"simulate": body}, sort_keys=False, separators=(", ", ": "))


def _cell(entry: dict[str, float], key: str) -> str:
    if key in SHARE_OF_MONEY:
        return f"{entry['numerator']:,.0f} of {entry['denominator']:,.0f} ({entry['value']:.1%})"
    if key in MONEY:
        return f"{entry['numerator']:,.0f}"
    if key == "inventory_turns":
        return f"{entry['value']:.2f}"
    return f"{entry['value']:.1%} ({entry['numerator']:g}/{entry['denominator']:g})"


def _causes(name: str, tally: Tally) -> list[str]:
    """World cause x the cause the service recorded, and what sales bore for each world cause: are sales charged for
    the right orders?"""
    table = rush_causes(tally)
    world_cause = {o.code: o.rush_cause or "not rush" for o in tally.world.orders}
    charged: dict[str, float] = {}
    for charge in tally.rush_charges:
        charged[world_cause[charge.code]] = charged.get(world_cause[charge.code], 0.0) + charge.forecast_error_cost
    rows = ["", f"Rush causes, {name}: the world's (rows) against the one the service recorded (columns; the service "
            "derives it from the forecast of the order's week: domain/orders/assess.py `_cause`), and the "
            "forecast-error cost sales bore for them:", "",
            "| world / recorded | " + " | ".join(CAUSES) + " | sales bore |", "|---|" + "---|" * (len(CAUSES) + 1)]
    for world in (*CAUSES[:-1], "not rush"):  # the world's causes are the recorded ones
        if world in table:
            rows.append(f"| {world} | " + " | ".join(str(table[world].get(c, 0)) for c in CAUSES)
                        + f" | {charged.get(world, 0.0):,.0f} |")
    return rows


def markdown(simulation: Simulation, notes: list[str] | None = None) -> str:
    names = [run.name for run in simulation.runs]
    rows = [f"# Plant simulation: {simulation.size} plant, {simulation.weeks} weeks, seed {simulation.seed}", "",
            f"{len(simulation.world.orders)} orders ({sum(o.rush for o in simulation.world.orders)} rush), "
            f"{len(simulation.world.failures)} equipment failures, {len(simulation.world.shortages)} material "
            f"shortages, {sum(r.arrives > r.due for r in simulation.world.receipts)} of "
            f"{len(simulation.world.receipts)} receipts slipped.", "",
            "| outcome | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    summaries = [run.summary()["figures"] for run in simulation.runs]
    for key in TABLE:
        rows.append(f"| {key} | " + " | ".join(_cell(s[key], key) for s in summaries) + " |")
    rows += ["", "Rates show (numerator/denominator); money in the company currency; inventory turns a year.", "",
             COST_NOTE]
    for run in simulation.runs:
        if run.name.startswith("service"):
            rows += _causes(run.name, run.tally)
    for run in simulation.runs:
        if run.violations:
            rows.append(f"- {run.name}: {len(run.violations)} ledger violations at day ends, first: "
                        f"{run.violations[0][0]} {run.violations[0][1]}")
    for run in simulation.runs:
        if run.mechanisms:
            rows += ["", f"Where {run.name} loses points (orders not promised their date at once, by review "
                     "decision and failed criteria; promises not kept, by what the order had on its promised day):", ""]
            rows += [f"- {why}: {count}" for why, count in sorted(run.mechanisms.items(), key=lambda kv: -kv[1])]
    rows += ["", *(notes or []), "", "![weekly on time](on_time.png)", "![stock](stock.png)",
             "![utilisation](utilisation.png)", ""]
    return "\n".join(rows)


def plots(simulation: Simulation, out: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")  # no display: files only
    import matplotlib.pyplot as plt

    made = []
    for key, title, name in (("on_time", "On time (requested date), orders due that week", "on_time.png"),
                             ("stock_value", "Finished-goods stock value at week end", "stock.png")):
        figure, axis = plt.subplots(figsize=(8, 4))
        for run in simulation.runs:
            axis.plot(range(1, simulation.weeks + 1), run.summary()["weekly"][key], label=run.name)
        axis.set_title(title)
        axis.set_xlabel("week")
        axis.legend()
        figure.savefig(out / name, dpi=90)
        plt.close(figure)
        made.append(out / name)
    figure, axes = plt.subplots(1, len(simulation.runs), figsize=(4 * len(simulation.runs), 4), squeeze=False)
    for axis, run in zip(axes[0], simulation.runs, strict=True):
        summary = run.summary()
        image = axis.imshow(summary["heat"], aspect="auto", vmin=0, vmax=1.2, cmap="magma")
        axis.set_title(f"{run.name}: utilisation")
        axis.set_yticks(range(len(summary["lines"])), summary["lines"], fontsize=6)
        axis.set_xlabel("week")
    figure.colorbar(image, ax=axes[0].tolist())
    figure.savefig(out / "utilisation.png", dpi=90)
    plt.close(figure)
    made.append(out / "utilisation.png")
    return made


def write_report(simulation: Simulation, out: Path, notes: list[str] | None = None) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    plots(simulation, out)
    path = out / "report.md"
    path.write_text(markdown(simulation, notes))
    (out / "figures.json").write_text(json.dumps(
        {run.name: run.summary() for run in simulation.runs}, indent=1, sort_keys=True))
    return path
