"""Lateness at domain level: an open order past its promise is told LATE once, at progress and by mark_late."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.events.outbox import Outbox
from domain.floor.lateness import late_orders, mark_late
from domain.floor.progress import report_progress
from domain.models import Alert, Order, OrderEvent, OrderStatus
from tests.integration.floor.plant import MES, MONDAY, TODAY, add_order, build_plant

AT = datetime(2026, 6, 3, 10, 0, tzinfo=UTC)  # TODAY, a Wednesday


async def _late_events(asession: AsyncSession) -> list[tuple[str, str]]:
    rows = await asession.execute(
        select(OrderEvent.order_code, OrderEvent.message).where(OrderEvent.kind == "LATE").order_by(OrderEvent.id)
    )
    return [(code, message or "") for code, message in rows]


async def test_a_progress_report_finds_the_late_order_once(asession: AsyncSession) -> None:
    """Input: SO-LATE (promised Monday, 100 widgets), SO-DONE (promised Monday, made in full by this report),
    SO-TODAY (promised today), SO-GONE (cancelled, promised Monday); 10 gadgets made on Wednesday, reported twice."""
    plant = await build_plant(asession)
    await add_order(asession, "SO-LATE", plant.regular, plant.widget, 100, promised=MONDAY)
    await add_order(asession, "SO-DONE", plant.strategic, plant.gadget, 10, promised=MONDAY)
    await add_order(asession, "SO-TODAY", plant.regular, plant.widget, 10, promised=TODAY)
    await add_order(asession, "SO-GONE", plant.regular, plant.widget, 10, promised=MONDAY,
                    status=OrderStatus.CANCELLED)

    first = await report_progress(asession, MES, line_code="L1", sku="G-1", quantity=10, at=AT)
    assert [o.code for o in first.late] == ["SO-LATE"]
    events = await _late_events(asession)
    assert [code for code, _ in events] == ["SO-LATE"]
    assert "promised 2026-06-01, not in stock on 2026-06-03" in events[0][1]
    alerts = list(await asession.scalars(select(Alert).where(Alert.kind == "LATE_ORDER")))
    assert [(a.dedup_key, a.open, a.severity) for a in alerts] == [("LATE_ORDER:SO-LATE", True, "WARNING")]

    second = await report_progress(asession, MES, line_code="L1", sku="G-1", quantity=5, at=AT)
    assert second.late == []
    assert len(await _late_events(asession)) == 1
    assert len(list(await asession.scalars(select(Alert).where(Alert.kind == "LATE_ORDER")))) == 1


async def test_a_new_promise_that_passes_is_told_again(asession: AsyncSession) -> None:
    """Input: SO-1 promised Monday, checked on Wednesday; then promised for Thursday and checked on Friday."""
    plant = await build_plant(asession)
    order = await add_order(asession, "SO-1", plant.regular, plant.widget, 10, promised=MONDAY)
    outbox = Outbox()
    assert [o.code for o in await mark_late(asession, outbox, TODAY)] == ["SO-1"]
    assert await mark_late(asession, Outbox(), TODAY) == []  # a second check tells nothing new
    assert [e.kind for e in outbox.order_events] == ["LATE"] and len(outbox.alerts) == 1

    order = await asession.get(Order, order.id, populate_existing=True)  # type: ignore[assignment]
    order.promised_date = date(2026, 6, 4)
    await asession.commit()
    assert [o.code for o in await asession.run_sync(late_orders, TODAY)] == []  # Thursday has not passed yet
    assert [o.code for o in await mark_late(asession, Outbox(), date(2026, 6, 5))] == ["SO-1"]
    assert [code for code, _ in await _late_events(asession)] == ["SO-1", "SO-1"]
    # Still one open alert for the order: the second lateness updates it.
    assert len(list(await asession.scalars(select(Alert).where(Alert.open.is_(True))))) == 1
