"""Joint review with sign-offs (issue 17 item 1, R3) through GraphQL: a NEW-process order waits RECEIVED for
technology holding its hours, is ACCEPTED on approval, REJECTED on rejection, released and reviewed again when the
hold expires; an admin's override and a person signed in with a JWT are named in the history."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from unittest import mock

import httpx
import pytest
from sqlalchemy import Engine, func, select

from domain import clock
from domain.capacity import commit
from domain.config import DEFAULT_RULES_DIR, OidcSettings
from domain.db import async_engine, async_sessions, session_scope
from domain.models import CapacityLedger, CapacityReservation, Order, Product, ProductionLine, ProgressEvent
from domain.orders.hold_expiry import expire_holds
from rules import load_rulebook
from tests.e2e.api.conftest import GraphQLClient, serving
from tests.e2e.api.test_oidc import AUDIENCE, Issuer, issuer  # noqa: F401 - the suite's local issuer
from tests.e2e.orders.conftest import Shop
from tests.factories import make_api_key
from tests.integration.orders.statements import statements

DUE = (date.today() + timedelta(days=28)).isoformat()
ORDER = """code version status promisedDate review { decision criteria { criterion passed } }
  signOffs { role status by at reason } history { kind actor message toStatus }"""
FIELDS = f"order {{ {ORDER} }} errors {{ field message code }}"
CREATE = f"mutation($input: OrderInput!) {{ createOrder(input: $input) {{ {FIELDS} }} }}"
SIGN = f"mutation($input: SignOffInput!) {{ signOffOrder(input: $input) {{ {FIELDS} }} }}"
READ = f"query($code: String!) {{ order(code: $code) {{ {ORDER} }} }}"
QUOTE = """mutation($input: OrderInput!) { quoteOrder(input: $input) { promisedDate signOffsNeeded
  review { decision } errors { code } } }"""


@pytest.fixture
def people(db: Engine, shop: Shop) -> dict[str, str]:
    """Keys of named people: Tess (technology), Pat (production) and Ada (admin)."""
    with session_scope(db) as s:
        return {"technology": make_api_key(s, "technology", name="Tess"),
                "production": make_api_key(s, "production", name="Pat"),
                "admin": make_api_key(s, "admin", name="Ada")}


async def new_process_order(gql: GraphQLClient, quantity: float = 100) -> dict[str, Any]:
    answer = await gql(CREATE, {"input": {"customerCode": "OWN", "requestedDate": DUE,
                                          "lines": [{"sku": "P-1", "quantity": quantity}]}})
    payload = answer["data"]["createOrder"]
    assert payload["errors"] == [], answer
    return payload["order"]  # type: ignore[no-any-return]


async def sign(gql: GraphQLClient, key: str, order: dict[str, Any], approve: bool, reason: str = "checked",
               override: bool = False) -> dict[str, Any]:
    answer = await gql(SIGN, {"input": {"code": order["code"], "expectedVersion": order["version"],
                                        "approve": approve, "reason": reason, "override": override}}, key=key)
    assert "errors" not in answer, answer
    return answer["data"]["signOffOrder"]  # type: ignore[no-any-return]


def held_hours(db: Engine, code: str) -> float:
    with session_scope(db) as s:
        return float(s.scalar(select(func.coalesce(func.sum(CapacityReservation.hours), 0.0))
                              .join(Order, Order.id == CapacityReservation.order_id).where(Order.code == code)))


def ledger_promised(db: Engine) -> float:
    with session_scope(db) as s:
        return float(s.scalar(select(func.coalesce(func.sum(CapacityLedger.promised_hours), 0.0))))


async def test_a_new_process_waits_for_technology_holding_its_hours_and_is_accepted_on_approval(
    gql: GraphQLClient, db: Engine, shop: Shop, people: dict[str, str]
) -> None:
    lines = [{"sku": "P-1", "quantity": 100}]
    quote = (await gql(QUOTE, {"input": {"customerCode": "OWN", "requestedDate": DUE, "lines": lines}}))
    assert quote["data"]["quoteOrder"] == {"promisedDate": None, "signOffsNeeded": ["technology"],
                                           "review": {"decision": "ACCEPT"}, "errors": []}
    proven = (await gql(QUOTE, {"input": {"customerCode": "OWN", "requestedDate": DUE,
                                          "lines": [{"sku": "W-1", "quantity": 100}]}}))["data"]["quoteOrder"]
    assert proven["signOffsNeeded"] == [] and proven["promisedDate"] == DUE  # needs nobody: answered at once
    order = await new_process_order(gql)
    assert order["status"] == "RECEIVED" and order["promisedDate"] is None
    assert order["review"]["decision"] == "ACCEPT"
    assert {c["criterion"]: c["passed"] for c in order["review"]["criteria"]}["TECHNOLOGY"] is False
    assert order["signOffs"] == [{"role": "technology", "status": "PENDING", "by": None, "at": None, "reason": None}]
    assert "waiting for sign-off by technology" in order["history"][0]["message"]
    assert held_hours(db, order["code"]) == pytest.approx(10.0)  # 100 units at 10 an hour, held while it waits

    # Nobody else answers for technology: a viewer, the planner, production (admin only with override).
    for key in (shop.keys["viewer"], shop.keys["planner"], people["production"], people["admin"]):
        refused = await sign(gql, key, order, True)
        assert refused["order"] is None and refused["errors"][0]["code"] == "FORBIDDEN", refused
    no_reason = await sign(gql, people["technology"], order, True, reason=" ")
    assert no_reason["errors"][0]["code"] == "INVALID" and no_reason["errors"][0]["field"] == ["reason"]

    approved = await sign(gql, people["technology"], order, True, "trial run booked for week 2")
    assert approved["errors"] == [], approved
    accepted = approved["order"]
    assert accepted["status"] == "ACCEPTED" and accepted["promisedDate"] == DUE
    [sign_off] = accepted["signOffs"]
    assert (sign_off["status"], sign_off["by"], sign_off["reason"]) == (
        "APPROVED", "technology:Tess", "trial run booked for week 2") and sign_off["at"] is not None
    last = accepted["history"][-1]
    assert (last["kind"], last["actor"], last["toStatus"]) == ("SIGNED_OFF", "technology:Tess", "ACCEPTED")
    assert "trial run booked for week 2" in last["message"]
    assert held_hours(db, order["code"]) == pytest.approx(10.0)  # the held hours became the promise's

    again = await sign(gql, people["technology"], accepted, True)
    assert again["errors"][0]["code"] == "INVALID_TRANSITION"


async def test_a_rejection_rejects_the_order_and_gives_the_hold_back_with_the_commit(
    gql: GraphQLClient, db: Engine, people: dict[str, str]
) -> None:
    order = await new_process_order(gql)
    stale = await sign(gql, people["technology"], {**order, "version": order["version"] - 1}, False)
    assert stale["errors"][0]["code"] == "VERSION_CONFLICT"
    promised_before = ledger_promised(db)
    sent: list[str] = []

    async def recorded(cursor: Any, message: list[str]) -> None:
        sent.extend(" ".join(statement.split())[:40] for statement in message)
        await send(cursor, message)

    send = commit.send
    with mock.patch.object(commit, "send", recorded):
        rejected = (await sign(gql, people["technology"], order, False, "no tooling for this alloy"))["order"]
    assert ledger_promised(db) == pytest.approx(promised_before - 10.0)  # the 10 h left the line-week
    if db.dialect.name == "postgresql":  # the ledger rows are locked only by the commit's one message
        assert sent and all(s.startswith("WITH taken AS (UPDATE capacity_ledger") for s in sent[:-1]), sent
        assert sent[-1] == "COMMIT", sent
    assert rejected["status"] == "REJECTED" and rejected["promisedDate"] is None
    assert rejected["signOffs"][0]["status"] == "REJECTED" and rejected["signOffs"][0]["by"] == "technology:Tess"
    assert rejected["history"][-1]["toStatus"] == "REJECTED" and "10 h held given back" in \
        rejected["history"][-1]["message"]
    assert held_hours(db, order["code"]) == 0.0


async def test_an_admin_override_is_recorded_with_the_person_and_reason(
    gql: GraphQLClient, db: Engine, people: dict[str, str]
) -> None:
    order = await new_process_order(gql)
    not_admin = await sign(gql, people["technology"], order, True, override=True)
    assert not_admin["errors"][0]["code"] == "FORBIDDEN" and "only admin" in not_admin["errors"][0]["message"]
    overridden = (await sign(gql, people["admin"], order, True, "customer's trial lot, tech on leave",
                             override=True))["order"]
    assert overridden["status"] == "ACCEPTED" and overridden["promisedDate"] == DUE
    assert overridden["signOffs"][0] | {"at": None} == {
        "role": "technology", "status": "OVERRIDDEN", "by": "admin:Ada", "at": None,
        "reason": "customer's trial lot, tech on leave"}
    assert "override of technology" in overridden["history"][-1]["message"]
    assert held_hours(db, order["code"]) == pytest.approx(10.0)


@pytest.fixture
async def sessions(db_url: str) -> AsyncIterator[Any]:
    engine = async_engine(db_url)
    try:
        yield async_sessions(engine)
    finally:
        await engine.dispose()


async def expire(sessions: Any, hours: float) -> list[str]:
    """The expiry round as the app's loop runs it, on a clock `hours` ahead."""
    with clock.pinned(datetime.now(UTC) + timedelta(hours=hours)):
        async with sessions() as session:
            return await expire_holds(session, load_rulebook(DEFAULT_RULES_DIR))


async def test_an_expired_hold_is_released_and_the_order_reviewed_again(
    gql: GraphQLClient, db: Engine, sessions: Any
) -> None:
    order = await new_process_order(gql)
    assert await expire(sessions, 47) == []  # the rule file's 48 hours have not passed
    assert await expire(sessions, 49) == [order["code"]]
    after = (await gql(READ, {"code": order["code"]}))["data"]["order"]
    # Still a NEW process: reviewed again, it waits again with a new hold (the old one given back, not doubled).
    assert after["status"] == "RECEIVED"
    assert [(s["status"], s["by"]) for s in after["signOffs"]] == [("EXPIRED", None), ("PENDING", None)]
    assert after["signOffs"][0]["reason"] == "nobody answered before the hold expired"
    expired = after["history"][-1]
    assert (expired["kind"], expired["actor"]) == ("HOLD_EXPIRED", "system:sign-off-hold")
    assert "10 h held given back" in expired["message"] and "waiting again for technology" in expired["message"]
    assert held_hours(db, order["code"]) == pytest.approx(10.0)
    assert await expire(sessions, 49) == []  # the new hold runs 48 hours from the expiry


async def test_an_order_whose_process_matured_meanwhile_is_accepted_when_its_hold_expires(
    gql: GraphQLClient, db: Engine, sessions: Any
) -> None:
    order = await new_process_order(gql)
    with session_scope(db) as s:  # meanwhile the floor made P-1 successfully three times
        line = s.scalar(select(ProductionLine))
        product = s.scalar(select(Product).where(Product.sku == "P-1"))
        assert line is not None and product is not None
        for day in (1, 2, 3):
            s.add(ProgressEvent(line_id=line.id, product_id=product.id, quantity=40.0, scrap=0.0,
                                at=datetime.now(UTC) - timedelta(days=day)))
    with statements(sessions.kw["bind"]) as seen:
        assert await expire(sessions, 49) == [order["code"]]
    # Its SUGGESTED production orders are cancelled once (release_hold), not again before they are raised anew.
    assert len([s for s in seen if s.startswith("UPDATE production_orders")]) == 1, seen
    after = (await gql(READ, {"code": order["code"]}))["data"]["order"]
    assert after["status"] == "ACCEPTED" and after["promisedDate"] == DUE
    assert [s["status"] for s in after["signOffs"]] == ["EXPIRED"]
    assert after["history"][-1]["toStatus"] == "ACCEPTED"
    assert held_hours(db, order["code"]) == pytest.approx(10.0)


@pytest.fixture
async def sso(db: Engine, db_url: str, issuer: Issuer, shop: Shop  # noqa: F811 - the imported fixture
              ) -> AsyncIterator[GraphQLClient]:
    """The app taking tokens of the suite's local issuer (tests/e2e/api/test_oidc.py) beside API keys."""
    async with serving(db_url, oidc=OidcSettings(issuer.url, AUDIENCE)) as application:
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield GraphQLClient(http, shop.keys["planner"])


async def test_a_technologist_signed_in_with_a_token_signs_off_and_the_history_names_them(
    sso: GraphQLClient, db: Engine, issuer: Issuer  # noqa: F811 - the imported fixture
) -> None:
    order = await new_process_order(sso)
    for token in (issuer.token(roles=["technology"], lifetime=-3600),
                  issuer.token(roles=["technology"], issuer="https://evil.example")):
        response = await sso.post(SIGN, {"input": {"code": order["code"], "expectedVersion": order["version"],
                                                   "approve": True, "reason": "ok"}}, key=token)
        assert response.status_code == 401 and response.json()["data"] is None, response.text
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    token = issuer.token(roles=["viewer", "technology"], name="Li Wei")
    signed = (await sign(sso, token, order, True, "validated on the pilot line"))["order"]
    assert signed["status"] == "ACCEPTED"
    assert signed["signOffs"][0]["by"] == "technology:Li Wei"
    assert signed["history"][-1]["actor"] == "technology:Li Wei"
    assert held_hours(db, order["code"]) == pytest.approx(10.0)


async def test_changing_or_cancelling_a_waiting_order_ends_its_sign_offs_and_its_hold(
    gql: GraphQLClient, db: Engine
) -> None:
    order = await new_process_order(gql)
    changed = (await gql(f"""mutation($input: UpdateOrderInput!) {{ updateOrder(input: $input) {{ {FIELDS} }} }}""",
                         {"input": {"code": order["code"], "expectedVersion": order["version"],
                                    "lines": [{"sku": "P-1", "quantity": 200}]}}))["data"]["updateOrder"]
    assert changed["errors"] == [] and changed["order"]["status"] == "RECEIVED", changed
    assert [(s["status"], s["reason"]) for s in changed["order"]["signOffs"]] == [
        ("EXPIRED", "the order was changed and reviewed again"), ("PENDING", None)]
    assert held_hours(db, order["code"]) == pytest.approx(20.0)  # the new quantity's hours, the old ones given back
    cancelled = (await gql(f"""mutation($input: CancelOrderInput!) {{ cancelOrder(input: $input) {{ {FIELDS} }} }}""",
                           {"input": {"code": order["code"], "expectedVersion": changed["order"]["version"],
                                      "reason": "customer withdrew"}}))["data"]["cancelOrder"]
    assert cancelled["order"]["status"] == "CANCELLED"
    assert [s["status"] for s in cancelled["order"]["signOffs"]] == ["EXPIRED", "EXPIRED"]
    assert held_hours(db, order["code"]) == 0.0
