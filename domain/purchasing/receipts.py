"""recordMaterialReceipt: goods in. On hand goes up, the expected receipts it answers are consumed (earliest due
first), and once the plan's shortage of the material is covered its alerts close (R10). Keyed: a retry with the
same idempotency key gets the first answer back and changes nothing."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain import bounds, clock
from domain.access import Principal
from domain.errors import InvalidInput, NotFound
from domain.events.outbox import EventBroker, Outbox
from domain.floor import recheck_material_sync
from domain.models import Alert, Material, MaterialReceipt
from domain.orders import Replay, claim, with_retries
from domain.purchasing.projection import horizon_weeks

OPERATION = "recordMaterialReceipt"
RECEIPT_TOLERANCE = 1e-9


@dataclass(frozen=True)
class ReceiptInput:
    material_code: str
    quantity: float
    received_on: date
    idempotency_key: str | None = None

    def body(self) -> dict[str, object]:
        """What a retry must repeat to get the first answer: every field but the key."""
        data = asdict(self)
        data.pop("idempotency_key")
        data["received_on"] = self.received_on.isoformat()
        return data


@dataclass
class ReceiptOutcome:
    material: Material
    receipt: MaterialReceipt  # the receipt recorded (received, with the day and who recorded it)
    answered: list[MaterialReceipt] = field(default_factory=list)  # expected receipts it consumed, whole or part
    closed_alerts: list[Alert] = field(default_factory=list)
    still_short: bool = False  # the plan's shortage of the material remains after the receipt
    replayed: bool = False


def _checked(data: ReceiptInput, today: date) -> None:
    bounds.code(data.material_code, ["materialCode"])
    bounds.quantity(data.quantity, ["quantity"], positive=True)
    if data.received_on > today:
        raise InvalidInput(f"receivedOn {data.received_on.isoformat()} is in the future (today is "
                           f"{today.isoformat()}): record goods when they are in", ["receivedOn"])
    if data.received_on.year < bounds.EARLIEST_YEAR:
        raise InvalidInput(f"receivedOn must be in {bounds.EARLIEST_YEAR} or later", ["receivedOn"])


async def _consume_expected(session: AsyncSession, material_id: int, quantity: float, on: date
                            ) -> list[MaterialReceipt]:
    """Expected receipts of the material, earliest due first, answered by `quantity`: whole ones become received,
    the last one answered in part keeps only what is still to come."""
    expected = list(await session.scalars(
        select(MaterialReceipt)
        .where(MaterialReceipt.material_id == material_id, MaterialReceipt.received.is_(False))
        .order_by(MaterialReceipt.due_date, MaterialReceipt.id)
        .with_for_update()
    ))
    answered, left = [], quantity
    for receipt in expected:
        if left <= RECEIPT_TOLERANCE:
            break
        answered.append(receipt)
        if receipt.quantity <= left + RECEIPT_TOLERANCE:
            left -= receipt.quantity
            receipt.received, receipt.received_on = True, on
        else:
            receipt.quantity, left = receipt.quantity - left, 0.0
    return answered


async def _replayed(session: AsyncSession, replay: Replay) -> ReceiptOutcome:
    receipt = await session.get(MaterialReceipt, replay.response["receipt_id"])
    material = await session.get(Material, replay.response["material_id"])
    if receipt is None or material is None:
        raise NotFound(f"the receipt of the first answer ({replay.response.get('material_code')!r}) no longer "
                       "exists", ["idempotencyKey"])
    return ReceiptOutcome(material, receipt, replayed=True)


async def record_material_receipt(session: AsyncSession, principal: Principal, data: ReceiptInput,
                                  broker: EventBroker | None = None) -> ReceiptOutcome:
    """Record the goods, consume what they answer, re-check the material's shortage, commit, then publish."""
    today = clock.today()
    _checked(data, today)
    outbox = Outbox()

    async def attempt() -> ReceiptOutcome:
        outbox.alerts.clear()
        record = None
        if data.idempotency_key is not None:
            claimed = await claim(session, OPERATION, principal, data.idempotency_key, data.body())
            if isinstance(claimed, Replay):
                return await _replayed(session, claimed)
            record = claimed
        material = await session.scalar(select(Material).where(Material.code == data.material_code))
        if material is None:
            raise NotFound(f"material {bounds.shown(data.material_code)} does not exist", ["materialCode"])
        # One statement, so two receipts at once both count.
        await session.execute(update(Material).where(Material.id == material.id)
                              .values(on_hand=Material.on_hand + data.quantity)
                              .execution_options(synchronize_session=False))
        answered = await _consume_expected(session, material.id, data.quantity, data.received_on)
        receipt = MaterialReceipt(material_id=material.id, quantity=data.quantity, due_date=data.received_on,
                                  received=True, received_on=data.received_on, received_by=principal.actor)
        session.add(receipt)
        await session.flush()
        await session.refresh(material)
        weeks = await session.run_sync(lambda s: horizon_weeks(s, today))
        short = await session.run_sync(
            lambda s: recheck_material_sync(s, material.id, weeks, today=today, outbox=outbox))
        if record is not None:
            record.response = {"receipt_id": receipt.id, "material_id": material.id, "material_code": material.code}
        await session.commit()
        closed = [a for a in outbox.alerts if not a.open]
        return ReceiptOutcome(material, receipt, answered, closed, short is not None)

    outcome = await with_retries(session, attempt)
    await outbox.publish(broker)
    return outcome
