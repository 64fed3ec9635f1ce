"""Negotiated rush moves through GraphQL (R15, issue 17): a strategic rush needing a KEY order's hours under
`negotiate` asks the KEY customer first; decline or expiry keeps its promise, accept moves it; the ledger stays
sound (`sop check`) at every step."""

from __future__ import annotations

import pathlib
import shutil
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.applications import Starlette

from domain import clock
from domain.capacity.checks import ledger_violations
from domain.config import DEFAULT_RULES_DIR
from domain.db import async_engine, async_sessions
from domain.orders.negotiation_expiry import expire_negotiations
from rules import load_rulebook
from tests.e2e.api.conftest import GraphQLClient, serving
from tests.e2e.lifecycle.conftest import RUSH_DUE, RUSH_WEEK, Plant, fill_regular_hours
from tests.e2e.lifecycle.test_rush import PLANNED_DUE, create

NEGOTIATE = ("      - displacement: {rush_tier: STRATEGIC_RUSH, may_move: [P4], may_split: [P4], negotiate: [P3], "
             "expiry_hours: 48}")
QUOTE = """mutation($input: OrderInput!) { quoteOrder(input: $input) {
  promisedDate tentative rushMoves { orderCode fromDate toDate split negotiated } errors { message } } }"""
ORDER = """query($code: String!) { order(code: $code) {
  code version status promisedDate tentativeDate deliveries { quantity date }
  moveProposal { proposedDate originalDate expiresAt accepted deliveries { sku quantity date } }
  review { decision proposedDate } history { kind toStatus message } notices { kind message } } }"""
RESPOND = """mutation($input: ProposalResponseInput!) { respondToProposal(input: $input) {
  order { status version promisedDate } errors { code message } } }"""


@pytest.fixture
def rules_dir(tmp_path: pathlib.Path) -> pathlib.Path:
    """The shipped rules, but a strategic rush asks KEY (P3) customers before it moves their orders."""
    folder = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, folder)
    policy = folder / "capacity_policy.yaml"
    text = policy.read_text()
    shipped = "      - displacement: {rush_tier: STRATEGIC_RUSH, may_move: [P3, P4], may_split: [P3, P4]}"
    assert shipped in text
    example = "may_move.STRATEGIC_RUSH: [P4], negotiate.STRATEGIC_RUSH: [P3]"
    policy.write_text(text.replace(shipped, NEGOTIATE).replace("may_move.STRATEGIC_RUSH: [P3, P4]", example))
    return folder


@pytest.fixture
async def app(db: Engine, db_url: str, rules_dir: pathlib.Path) -> AsyncIterator[Starlette]:
    async with serving(db_url, rules_dir=rules_dir) as application:
        yield application


def assert_sound(db: Engine) -> None:
    with Session(db) as s:
        assert ledger_violations(s) == []


async def order(gql: GraphQLClient, code: str) -> dict[str, Any]:
    answer = await gql(ORDER, {"code": code})
    assert "errors" not in answer, answer
    return answer["data"]["order"]  # type: ignore[no-any-return]


async def respond(gql: GraphQLClient, code: str, version: int, accept: bool, key: str) -> dict[str, Any]:
    answer = await gql(RESPOND, {"input": {"code": code, "expectedVersion": version, "accept": accept}}, key)
    assert "errors" not in answer, answer
    payload = answer["data"]["respondToProposal"]
    assert payload["errors"] == [], payload
    return payload["order"]  # type: ignore[no-any-return]


async def negotiated(gql: GraphQLClient, db: Engine) -> tuple[dict[str, Any], dict[str, Any]]:
    """The KEY order is promised; the strategic rush needs its hours: the KEY order is PROPOSED, the rush waits."""
    planned = (await create(gql, "KEY", PLANNED_DUE, 600))["order"]
    assert planned["status"] == "ACCEPTED" and planned["priorityTier"] == "P3"
    fill_regular_hours(db, RUSH_WEEK + timedelta(weeks=1))
    rush_input = {"customerCode": "STRAT", "requestedDate": RUSH_DUE.isoformat(), "lines": [{"sku": "W-1",
                                                                                             "quantity": 200}]}
    quote = (await gql(QUOTE, {"input": rush_input}))["data"]["quoteOrder"]
    assert quote["tentative"] is True and quote["promisedDate"] == RUSH_DUE.isoformat()
    [move] = quote["rushMoves"]
    assert move["orderCode"] == planned["code"] and move["negotiated"] is True
    assert move["fromDate"] == PLANNED_DUE.isoformat() and move["toDate"] > PLANNED_DUE.isoformat()
    assert_sound(db)  # the quote wrote nothing
    rush = (await create(gql, "STRAT", RUSH_DUE, 200))["order"]
    assert rush["status"] == "RECEIVED" and rush["promisedDate"] is None and rush["deliveries"] == []
    assert rush["review"]["decision"] == "ACCEPT"
    rush = await order(gql, rush["code"])
    assert rush["tentativeDate"] == RUSH_DUE.isoformat()
    asked = await order(gql, planned["code"])
    assert asked["status"] == "PROPOSED" and asked["promisedDate"] == PLANNED_DUE.isoformat()
    assert asked["tentativeDate"] is None
    proposal = asked["moveProposal"]
    assert proposal["originalDate"] == PLANNED_DUE.isoformat() and proposal["proposedDate"] == move["toDate"]
    assert sum(d["quantity"] for d in proposal["deliveries"]) == 600.0 and proposal["accepted"] is False
    assert [h["kind"] for h in asked["history"]] == ["CREATED", "MOVE_PROPOSED"]
    # The customer hears why, in words, with the dates and no other customer's order.
    [notice] = [n for n in asked["notices"] if n["kind"] == "PROPOSED"]
    assert "urgent order" in notice["message"] and move["toDate"] in notice["message"]
    assert PLANNED_DUE.isoformat() in notice["message"] and rush["code"] not in notice["message"]
    # Its hours stay its own until it answers; the rush holds none (nothing counted twice).
    assert asked["deliveries"] == [{"quantity": 600.0, "date": PLANNED_DUE.isoformat()}]
    assert_sound(db)
    return asked, rush


async def test_a_declined_move_keeps_the_promise_and_the_rush_gets_alternatives(
    gql: GraphQLClient, db: Engine, plant: Plant
) -> None:
    asked, rush = await negotiated(gql, db)
    after = await respond(gql, asked["code"], asked["version"], False, plant.keys["planner"])
    assert after["status"] == "ACCEPTED" and after["promisedDate"] == PLANNED_DUE.isoformat()
    kept = await order(gql, asked["code"])
    assert kept["moveProposal"] is None and kept["history"][-1]["kind"] == "PROPOSAL_DECLINED"
    assert kept["deliveries"] == [{"quantity": 600.0, "date": PLANNED_DUE.isoformat()}]
    alternatives = await order(gql, rush["code"])
    assert alternatives["status"] == "PROPOSED" and alternatives["tentativeDate"] is None
    assert alternatives["review"]["decision"] in ("PROPOSE_DATE", "SPLIT")
    assert alternatives["review"]["proposedDate"] > RUSH_DUE.isoformat()
    assert_sound(db)


async def test_an_accepted_move_moves_the_order_and_confirms_the_rush(
    gql: GraphQLClient, db: Engine, plant: Plant
) -> None:
    asked, rush = await negotiated(gql, db)
    proposed = asked["moveProposal"]["proposedDate"]
    after = await respond(gql, asked["code"], asked["version"], True, plant.keys["planner"])
    assert after["status"] == "ACCEPTED" and after["promisedDate"] == proposed
    moved = await order(gql, asked["code"])
    assert moved["moveProposal"] is None and max(d["date"] for d in moved["deliveries"]) == proposed
    assert sum(d["quantity"] for d in moved["deliveries"]) == 600.0
    assert [h["kind"] for h in moved["history"]][-2:] == ["PROPOSAL_ACCEPTED", "MOVED"]
    confirmed = await order(gql, rush["code"])
    assert confirmed["status"] == "ACCEPTED" and confirmed["promisedDate"] == RUSH_DUE.isoformat()
    assert confirmed["tentativeDate"] is None and sum(d["quantity"] for d in confirmed["deliveries"]) == 200.0
    assert_sound(db)
    # Answered: a second answer is refused, the order is not PROPOSED any more.
    again = await gql(RESPOND, {"input": {"code": asked["code"], "expectedVersion": moved["version"],
                                          "accept": False}})
    assert again["data"]["respondToProposal"]["errors"][0]["code"] == "INVALID_TRANSITION"


async def test_an_unanswered_move_expires_and_the_promise_stands(
    gql: GraphQLClient, db: Engine, db_url: str, rules_dir: pathlib.Path
) -> None:
    asked, rush = await negotiated(gql, db)
    engine = async_engine(db_url)
    try:
        async with async_sessions(engine)() as session:
            with clock.pinned(clock.now() + timedelta(hours=47)):
                assert await expire_negotiations(session, load_rulebook(rules_dir)) == 0  # not yet
            assert (await order(gql, asked["code"]))["status"] == "PROPOSED"
            with clock.pinned(clock.now() + timedelta(hours=49)):
                assert await expire_negotiations(session, load_rulebook(rules_dir)) == 1
    finally:
        await engine.dispose()
    kept = await order(gql, asked["code"])
    assert kept["status"] == "ACCEPTED" and kept["promisedDate"] == PLANNED_DUE.isoformat()
    assert kept["history"][-1]["kind"] == "PROPOSAL_EXPIRED" and kept["moveProposal"] is None
    # The customer who never answered is told the move is off and the promise stands (R7).
    [closed] = [n for n in kept["notices"] if n["kind"] == "PROPOSAL_CLOSED"]
    assert "no answer reached the plant in time" in closed["message"]
    assert f"promised date {PLANNED_DUE.isoformat()} stands" in closed["message"]
    alternatives = await order(gql, rush["code"])
    assert alternatives["status"] == "PROPOSED" and alternatives["review"]["proposedDate"] > RUSH_DUE.isoformat()
    assert_sound(db)


CANCEL = """mutation($input: CancelOrderInput!) { cancelOrder(input: $input) { order { status } errors { code } } }"""
UPDATE = """mutation($input: UpdateOrderInput!) { updateOrder(input: $input) {
  order { status } errors { code message } } }"""


async def test_a_change_waits_for_the_answer_and_a_cancelled_rush_withdraws_the_proposal(
    gql: GraphQLClient, db: Engine
) -> None:
    asked, rush = await negotiated(gql, db)
    for code, version, waits in ((asked["code"], asked["version"], "answer with respondToProposal first"),
                                 (rush["code"], rush["version"], "waits for other customers to agree")):
        answer = await gql(UPDATE, {"input": {"code": code, "expectedVersion": version,
                                              "lines": [{"sku": "W-1", "quantity": 10}]}})
        [error] = answer["data"]["updateOrder"]["errors"]
        assert error["code"] == "INVALID_TRANSITION" and waits in error["message"], error
    cancelled = await gql(CANCEL, {"input": {"code": rush["code"], "expectedVersion": rush["version"]}})
    assert cancelled["data"]["cancelOrder"] == {"order": {"status": "CANCELLED"}, "errors": []}
    kept = await order(gql, asked["code"])
    assert kept["status"] == "ACCEPTED" and kept["promisedDate"] == PLANNED_DUE.isoformat()
    assert kept["history"][-1]["kind"] == "PROPOSAL_WITHDRAWN" and kept["moveProposal"] is None
    [closed] = [n for n in kept["notices"] if n["kind"] == "PROPOSAL_CLOSED"]
    assert "the plant no longer needs the move" in closed["message"]
    assert_sound(db)


async def asked_twice(gql: GraphQLClient, db: Engine) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Two small KEY orders; a rush order just large enough to need the hours of both asks both."""
    planned = [(await create(gql, "KEY", PLANNED_DUE, 100))["order"] for _ in range(2)]
    fill_regular_hours(db, RUSH_WEEK + timedelta(weeks=1))
    for quantity in range(100, 400, 10):
        rush_input = {"customerCode": "STRAT", "requestedDate": RUSH_DUE.isoformat(),
                      "lines": [{"sku": "W-1", "quantity": quantity}]}
        quote = (await gql(QUOTE, {"input": rush_input}))["data"]["quoteOrder"]
        if len(quote["rushMoves"]) == 2:
            break
    else:
        raise AssertionError("no rush quantity needs both KEY orders")
    assert quote["tentative"] and {m["orderCode"] for m in quote["rushMoves"]} == {p["code"] for p in planned}
    rush = (await create(gql, "STRAT", RUSH_DUE, quantity))["order"]
    assert rush["status"] == "RECEIVED"
    asked = [await order(gql, p["code"]) for p in planned]
    assert [a["status"] for a in asked] == ["PROPOSED", "PROPOSED"]
    assert_sound(db)
    return asked, rush


async def test_every_customer_asked_must_accept_before_anything_moves(
    gql: GraphQLClient, db: Engine, plant: Plant
) -> None:
    (first, second), rush = await asked_twice(gql, db)
    await respond(gql, first["code"], first["version"], True, plant.keys["planner"])
    waiting = await order(gql, first["code"])
    assert waiting["status"] == "PROPOSED" and waiting["promisedDate"] == PLANNED_DUE.isoformat()
    assert waiting["moveProposal"]["accepted"] is True and waiting["history"][-1]["kind"] == "PROPOSAL_ACCEPTED"
    assert (await order(gql, rush["code"]))["status"] == "RECEIVED"
    assert_sound(db)
    await respond(gql, second["code"], second["version"], True, plant.keys["planner"])
    for asked in (first, second):
        moved = await order(gql, asked["code"])
        assert moved["status"] == "ACCEPTED" and moved["promisedDate"] == asked["moveProposal"]["proposedDate"]
    confirmed = await order(gql, rush["code"])
    assert confirmed["status"] == "ACCEPTED" and confirmed["promisedDate"] == RUSH_DUE.isoformat()
    assert_sound(db)


async def test_one_decline_withdraws_the_other_acceptance(gql: GraphQLClient, db: Engine, plant: Plant) -> None:
    (first, second), rush = await asked_twice(gql, db)
    await respond(gql, first["code"], first["version"], True, plant.keys["planner"])
    await respond(gql, second["code"], second["version"], False, plant.keys["planner"])
    for asked, last in ((first, "PROPOSAL_WITHDRAWN"), (second, "PROPOSAL_DECLINED")):
        kept = await order(gql, asked["code"])
        assert kept["status"] == "ACCEPTED" and kept["promisedDate"] == PLANNED_DUE.isoformat()
        assert kept["history"][-1]["kind"] == last and kept["moveProposal"] is None
    assert (await order(gql, rush["code"]))["status"] == "PROPOSED"
    assert_sound(db)
