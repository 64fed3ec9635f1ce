"""Demo rows speak the live vocabulary: every (table, kind), severity and dedup key the demo writes, live code can."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest

from domain.demo import SIZES, DemoSize, generate_plant
from domain.events import kinds
from domain.floor.alerts import late_order_key
from domain.floor.stock import safety_stock_key

TODAY = date(2026, 12, 3)
TINY = DemoSize("tiny", products=8, families=3, lines=3, customers=10, orders=300, forecast_weeks_ahead=2,
                forecast_weeks_back=2, history_days=120)
LIVE_FOLDERS = ("floor", "orders", "planning")
DOMAIN = Path(__file__).resolve().parents[3] / "domain"
# The calls that write an order event or an alert, and where their kind (and severity) go.
WRITERS = {"record_order_event": 2, "raise_alert": None, "raise_alert_sync": None, "OrderEvent": None, "Alert": None}


@pytest.mark.parametrize(("size", "seed"), [(TINY, 3), (SIZES["small"], 7)])
def test_demo_kinds_severities_and_keys_are_live_ones(size: DemoSize, seed: int) -> None:
    """Input: a tiny plant (seed 3) and the small one (seed 7), every order status present. Before, the demo
    wrote events REVIEWED and STATUS_CHANGED, alerts STOCK_BELOW_SAFETY, severity HIGH and keys late:/stock:/incident:
    that no live code writes, so `sop check` opened a second LATE_ORDER alert beside the demo's."""
    plant = generate_plant(size, seed=seed, today=TODAY)
    written = {(table, row["kind"]) for table in kinds.KINDS_BY_TABLE for row in plant.rows.get(table, [])}
    live = {(table, kind) for table, names in kinds.KINDS_BY_TABLE.items() for kind in names}
    assert written <= live, written - live
    assert {kind for table, kind in written if table == "order_events"} >= {
        kinds.CREATED, kinds.STATUS, kinds.SHIPPED, kinds.CANCELLED}
    alerts = plant.rows["alerts"]
    assert kinds.INCIDENT in {a["kind"] for a in alerts}
    assert {a["severity"] for a in alerts} <= kinds.SEVERITIES
    codes = {o["id"]: o["code"] for o in plant.rows["orders"]}
    skus = {p["id"]: p["sku"] for p in plant.rows["products"]}
    for alert in alerts:
        expected = {kinds.LATE_ORDER: lambda a: late_order_key(codes[a["order_id"]]),
                    kinds.SAFETY_STOCK: lambda a: safety_stock_key(skus[a["product_id"]]),
                    kinds.INCIDENT: lambda a: None}[alert["kind"]](alert)
        assert alert["dedup_key"] == expected, alert


def _written_words(call: ast.Call, name: str) -> list[ast.expr]:
    """The expressions a writer call gets as its kind and severity."""
    position = WRITERS[name]
    words = [k.value for k in call.keywords if k.arg in ("kind", "severity")]
    if position is not None and len(call.args) > position:
        words.append(call.args[position])
    return words


def test_live_code_spells_kinds_and_severities_through_the_vocabulary() -> None:
    """Input: the source of domain/floor, domain/orders and domain/planning; every kind or severity given to a
    writer of order events or alerts is not a string of its own (it names domain/events/kinds.py or is passed on).
    Before, 21 calls spelled their kind or severity inline ("STATUS", "AT_RISK", "CRITICAL"...)."""
    inline, named = [], set()
    for folder in LIVE_FOLDERS:
        for path in sorted((DOMAIN / folder).glob("*.py")):
            tree = ast.parse(path.read_text())
            # A kind looked up in a module-level table (ENDING[status]) is spelled in that table's values.
            tables = {target.id: node.value for node in tree.body if isinstance(node, ast.Assign)
                      for target in node.targets if isinstance(target, ast.Name) and isinstance(node.value, ast.Dict)}
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
                if name not in WRITERS:
                    continue
                for word in _written_words(node, name):
                    if isinstance(word, ast.Subscript) and isinstance(word.value, ast.Name) \
                            and word.value.id in tables:
                        word = ast.Tuple(elts=[v for v in tables[word.value.id].values if v is not None])
                    for part in ast.walk(word):
                        if isinstance(part, ast.Constant) and isinstance(part.value, str):
                            inline.append(f"{path.name}:{part.lineno} {part.value!r}")
                        if isinstance(part, ast.Attribute) and isinstance(part.value, ast.Name) \
                                and part.value.id == "kinds":
                            named.add(getattr(kinds, part.attr))
    assert inline == []
    every = kinds.ORDER_EVENT_KINDS | kinds.ALERT_KINDS | kinds.SEVERITIES
    assert named <= every
    # Every word of the vocabulary is one some live code writes (the demo may use only these).
    assert every - named == set()
