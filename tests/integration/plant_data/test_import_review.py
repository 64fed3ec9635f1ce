"""Imported open orders go through review.yaml as createOrder's do: a review row each, with criteria and figures;
one the rules would not accept stays booked (the plant promised it before) and gets an ORDER_REVIEW alert."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from domain.capacity.checks import ledger_violations
from domain.config import DEFAULT_RULES_DIR
from domain.models import Alert, CapacityReservation, Order, OrderReview, OrderStatus
from rules import load_rulebook
from tests.integration.plant_data.test_import_refused import EXAMPLE, TODAY, broken_copy, sop


def _reviews(session: Session) -> dict[str, OrderReview]:
    return {code: review for code, review in session.execute(
        select(Order.code, OrderReview).join(OrderReview, OrderReview.order_id == Order.id))}


def _open_review_alerts(session: Session) -> dict[str, Alert]:
    rows = session.execute(select(Order.code, Alert).join(Order, Order.id == Alert.order_id)
                           .where(Alert.kind == "ORDER_REVIEW", Alert.open.is_(True)))
    return {code: alert for code, alert in rows}


def test_every_imported_order_is_reviewed_and_the_doubtful_ones_stay_booked_with_an_alert(db: Engine,
                                                                                          db_url: str) -> None:
    """Input: the example plant as shipped. SO-1004 is for VALVE-X, a NEW process whose CHIP controller is short
    until a receipt; SO-1005 needs more MOTORs than are on hand before the next receipt. The rules would propose
    other dates for those two and accept the other three; all five keep their hours and `sop check` is clean."""
    result = sop(["import", str(EXAMPLE), "--today", TODAY], db_url)
    assert result.exit_code == 0, result.output
    assert "5 reviewed by the review rules" in result.output
    assert "3 accepted as they are, 2 kept booked with an ORDER_REVIEW alert" in result.output
    assert "SO-1004: would PROPOSE_DATE" in result.output
    version = load_rulebook(DEFAULT_RULES_DIR).version
    with Session(db) as session:
        reviews = _reviews(session)
        assert sorted(reviews) == ["SO-1001", "SO-1002", "SO-1003", "SO-1004", "SO-1005"]
        assert {code: r.decision.value for code, r in reviews.items()} == {
            "SO-1001": "ACCEPT", "SO-1002": "ACCEPT", "SO-1003": "ACCEPT", "SO-1004": "PROPOSE_DATE",
            "SO-1005": "PROPOSE_DATE"}
        assert {r.rules_version for r in reviews.values()} == {version}
        valve = {c["criterion"]: c for c in reviews["SO-1004"].criteria}
        assert not valve["TECHNOLOGY"]["passed"] and "VALVE-X" in valve["TECHNOLOGY"]["message"]
        assert not valve["MATERIAL"]["passed"] and "CHIP short by 50 pcs" in valve["MATERIAL"]["details"]
        assert reviews["SO-1004"].facts["product.maturity"] == "NEW"
        assert any(f["rule"] == "SIGN-OFF-NEW-PROCESS" for f in reviews["SO-1004"].fired_rules)
        alerts = _open_review_alerts(session)
        assert sorted(alerts) == ["SO-1004", "SO-1005"]
        assert "MOTOR short by 30 pcs" in alerts["SO-1005"].message
        assert "ask technology to sign it off" in alerts["SO-1004"].message
        assert alerts["SO-1005"].severity == "WARNING" and alerts["SO-1005"].customer_id is not None
        statuses = dict(session.execute(select(Order.code, Order.status)).all())
        assert set(statuses.values()) == {OrderStatus.ACCEPTED}
        holding = set(session.scalars(select(CapacityReservation.order_id)))
        assert set(session.scalars(select(Order.id))) == holding
        assert ledger_violations(session) == []


def test_an_order_below_cost_would_be_rejected_but_keeps_its_booking(db: Engine, db_url: str,
                                                                     tmp_path: Path) -> None:
    """Input: the example with SO-1003's PUMP-S priced at 40.00 (unit cost 42.50): the margin rules would reject it.
    It is the plant's commitment: it stays ACCEPTED with its hours, and its alert says the rules would reject it."""
    folder = broken_copy(tmp_path, {"orders": ("SO-1003,GAMMA,2026-12-16,PUMP-S,40,\n",
                                               "SO-1003,GAMMA,2026-12-16,PUMP-S,40,40.00\n")})
    result = sop(["import", str(folder), "--today", TODAY], db_url)
    assert result.exit_code == 0, result.output
    assert "SO-1003: would REJECT" in result.output
    with Session(db) as session:
        review = _reviews(session)["SO-1003"]
        assert review.decision.value == "REJECT" and review.facts["margin.pct"] < 0
        margin = {c["criterion"]: c for c in review.criteria}["MARGIN"]
        assert not margin["passed"]
        alert = _open_review_alerts(session)["SO-1003"]
        assert "would reject it" in alert.message and "stays booked for 2026-12-16" in alert.message
        order = session.scalars(select(Order).where(Order.code == "SO-1003")).one()
        assert order.status is OrderStatus.ACCEPTED
        assert session.scalars(select(CapacityReservation).where(CapacityReservation.order_id == order.id)).first()
        assert ledger_violations(session) == []


def test_a_second_import_reviews_only_the_new_orders(db: Engine, db_url: str, tmp_path: Path) -> None:
    """Input: the example twice, the second time with one more order: the orders already booked are not reviewed
    again (no second review row, no second alert)."""
    assert sop(["import", str(EXAMPLE), "--today", TODAY], db_url).exit_code == 0
    folder = broken_copy(tmp_path, {"orders": ("SO-1005,GAMMA,2026-12-10,PUMP-L,150,\n",
                                               "SO-1005,GAMMA,2026-12-10,PUMP-L,150,\n"
                                               "SO-1006,ACME,2027-01-20,PUMP-S,10,\n")})
    result = sop(["import", str(folder), "--today", TODAY], db_url)
    assert result.exit_code == 0, result.output
    assert "1 reviewed by the review rules" in result.output
    with Session(db) as session:
        counts = session.execute(select(OrderReview.order_id)).scalars().all()
        assert len(counts) == len(set(counts)) == 6
        assert sorted(_open_review_alerts(session)) == ["SO-1004", "SO-1005"]
