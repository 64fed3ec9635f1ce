"""Awkward values (tabs, newlines, backslashes, NULLs, JSON with escapes) survive the bulk load unchanged."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from sqlalchemy import Engine, select

from domain.copy_text import copy_chunks
from domain.demo import DemoPlant
from domain.demo.loader import insert_plant
from domain.models import Base, Customer, Order, OrderEvent

AT = datetime(2025, 6, 11, 9, 30, 15, 250_000, tzinfo=UTC)
NAME = "Tab\there, line\nbreak, back\\slash and \\N, carriage\rreturn"


def _plant() -> DemoPlant:
    plant = DemoPlant(date(2025, 6, 11))
    plant.add("customers", code="C0001", name=NAME, tier="KEY", price_sensitivity=0.35, created_at=AT)
    plant.add("orders", code="SO-1", customer_id=1, status="RECEIVED", version=1, requested_date=date(2025, 7, 1),
              promised_date=None, amount=1234.5, gross_margin=200.25, rush=False, rush_tier=None, rush_cause=None,
              priority_tier="P2", priority_score=55.5, received_at=AT, scheduled_at=None, completed_at=None,
              shipped_at=None, cancelled_at=None, created_by="partner:erp")
    plant.add("order_events", order_id=1, order_code="SO-1", customer_id=1, kind="CREATED", at=AT,
              actor="partner:erp", message=None, from_status=None, to_status="RECEIVED", before=None,
              after={"status": "RECEIVED", "note": 'quote " and back\\slash\ttab'})
    return plant


def test_copy_text_escapes_specials_and_writes_nulls() -> None:
    # Tried: a name with a tab, a newline, a backslash, a literal "\N" and a carriage return; a None column.
    table = Base.metadata.tables["customers"]
    rows = _plant().rows["customers"]
    [(count, text)] = list(copy_chunks(table, list(rows[0]), rows, 10))
    assert count == 1 and text.count("\n") == 1 and text.count("\t") == len(rows[0]) - 1
    assert "Tab\\there, line\\nbreak, back\\\\slash and \\\\N, carriage\\rreturn" in text
    orders = Base.metadata.tables["orders"]
    order_rows = _plant().rows["orders"]
    [(_, order_text)] = list(copy_chunks(orders, list(order_rows[0]), order_rows, 10))
    assert order_text.split("\t")[5] == "\\N" and "\tf\t" in order_text


def test_timestamps_are_utc_text_and_naive_ones_stay_as_written() -> None:
    # Tried: an aware time at +02:00, one in UTC and a naive one in the same UtcDateTime column. Before, every
    # timestamp went through str() (the column type wraps DateTime, so the numpy path was never taken).
    table = Base.metadata.tables["customers"]
    plus_two = AT.astimezone(timezone(timedelta(hours=2)))
    rows = [{"code": f"C{i}", "created_at": at} for i, at in enumerate((plus_two, AT))]
    [(_, text)] = list(copy_chunks(table, ["code", "created_at"], rows, 10))
    assert text == "C0\t2025-06-11T09:30:15.250000\nC1\t2025-06-11T09:30:15.250000\n"
    naive = [*rows, {"code": "C2", "created_at": AT.replace(tzinfo=None)}]
    [(_, text)] = list(copy_chunks(table, ["code", "created_at"], naive, 10))
    assert text.splitlines()[2] == "C2\t2025-06-11 09:30:15.250000"


def test_awkward_values_round_trip(db: Engine) -> None:
    with db.begin() as conn:
        insert_plant(conn, _plant())
    with db.connect() as conn:
        customer = conn.execute(select(Customer.name, Customer.created_at)).one()
        assert customer.name == NAME
        assert customer.created_at.replace(tzinfo=UTC) == AT
        order = conn.execute(select(Order.promised_date, Order.rush, Order.amount)).one()
        assert order.promised_date is None and order.rush is False and float(order.amount) == 1234.5
        event = conn.execute(select(OrderEvent.before, OrderEvent.after, OrderEvent.message)).one()
        assert event.before is None and event.message is None
        assert event.after == {"status": "RECEIVED", "note": 'quote " and back\\slash\ttab'}
