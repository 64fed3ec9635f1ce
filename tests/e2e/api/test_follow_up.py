"""Follow-up through GraphQL (R8, R15): the feedback workflow to CLOSED with the production team's list, and the
rush review's actions with an owner and a due date, closed when done."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, select

from domain.db import session_scope
from domain.models import Order, RushCause, RushInsertion, utcnow
from tests.e2e.api.conftest import GraphQLClient, Plant

RECORD = """mutation { recordFeedback(input: {orderCode: "ORD-0-1", kind: COMPLAINT, cause: PRODUCTION,
  message: "scratches on 3 housings"}) { feedback { id status } errors { code message } } }"""
ADVANCE = """mutation($input: AdvanceFeedbackInput!) { advanceFeedback(input: $input) {
  feedback { status assignee rootCause correctiveAction resolvedAt closedAt }
  order { history { kind message } } errors { code field message } } }"""
PRODUCTION_LIST = """{ feedback(kind: COMPLAINT, cause: PRODUCTION, unresolved: true) { totalCount
  edges { node { orderCode status } } } }"""
RUSH_ACTION = """mutation($input: RushActionInput!) { recordRushAction(input: $input) {
  action { orderCode reviewedCause owner dueOn action overdue closedAt } errors { code field message } } }"""
CLOSE = """mutation { closeRushAction(input: {orderCode: "ORD-1-1", note: "forecast meeting moved to Mondays"}) {
  action { closedAt closedBy closingNote } errors { code message } } }"""
ACTIONS = ("query($open: Boolean) { rushActions(open: $open) { totalCount edges { node { orderCode owner overdue "
           "closedAt } } } }")


async def actions(gql: GraphQLClient, open_: bool) -> list[dict[str, object]]:
    """The rush review's actions, open or closed (one page holds them all here)."""
    page = (await gql(ACTIONS, {"open": open_}))["data"]["rushActions"]
    assert page["totalCount"] == len(page["edges"])
    return [edge["node"] for edge in page["edges"]]


async def advance(gql: GraphQLClient, **input_: object) -> dict[str, object]:
    return (await gql(ADVANCE, {"input": input_}, key=None))["data"]["advanceFeedback"]  # type: ignore[no-any-return]


async def test_a_production_complaint_walks_to_closed_and_leaves_the_production_list(gql: GraphQLClient,
                                                                                     plant: Plant) -> None:
    gql.key = plant.keys["planner"]
    recorded = (await gql(RECORD))["data"]["recordFeedback"]
    assert recorded["errors"] == [] and recorded["feedback"]["status"] == "OPEN"
    fid = recorded["feedback"]["id"]
    assert (await gql(PRODUCTION_LIST))["data"]["feedback"]["totalCount"] == 1
    # Tried: ASSIGNED with no assignee; ROOT_CAUSE with a blank root cause; a viewer's key
    missing = await advance(gql, id=fid, status="ASSIGNED")
    assert missing["errors"][0]["code"] == "INVALID" and missing["errors"][0]["field"] == ["input", "assignee"]
    blank = await advance(gql, id=fid, status="ROOT_CAUSE", assignee="Li Wei", rootCause="  ")
    assert blank["errors"][0]["field"] == ["input", "rootCause"]
    viewer = (await gql(ADVANCE, {"input": {"id": fid, "status": "ACKNOWLEDGED"}}, key=plant.keys["viewer"]))
    assert viewer["data"]["advanceFeedback"]["errors"][0]["code"] == "FORBIDDEN"
    assigned = await advance(gql, id=fid, status="ASSIGNED", assignee="Li Wei")
    assert assigned["errors"] == [] and assigned["feedback"]["assignee"] == "Li Wei"
    back = await advance(gql, id=fid, status="ACKNOWLEDGED")
    assert back["errors"][0]["code"] == "INVALID_TRANSITION" and "forward only" in back["errors"][0]["message"]
    acted = await advance(gql, id=fid, status="CORRECTIVE_ACTION", rootCause="worn fixture on L1",
                          correctiveAction="fixture replaced, checked every shift")
    assert acted["errors"] == [] and acted["feedback"]["rootCause"] == "worn fixture on L1"
    resolved = await advance(gql, id=fid, status="RESOLVED", note="3 housings replaced")
    assert resolved["feedback"]["resolvedAt"] is not None
    assert (await gql(PRODUCTION_LIST))["data"]["feedback"]["totalCount"] == 0
    closed = await advance(gql, id=fid, status="CLOSED")
    assert closed["feedback"]["closedAt"] is not None
    steps = [h["message"] for h in closed["order"]["history"] if h["kind"] == "FEEDBACK"]
    # recorded, then one entry per step that went through, in order
    assert [m.split(" ")[2].rstrip(":") for m in steps[1:]] == ["ASSIGNED", "CORRECTIVE_ACTION", "RESOLVED",
                                                                 "CLOSED"], steps
    assert "assigned to Li Wei" in steps[1] and "corrective action: fixture replaced" in steps[2]


async def test_the_rush_review_records_an_owner_and_a_due_date_and_closes_it(gql: GraphQLClient, db: Engine,
                                                                            plant: Plant) -> None:
    with session_scope(db) as s:
        order = s.scalar(select(Order).where(Order.code == "ORD-1-1"))
        assert order is not None
        order.rush = True
        s.add(RushInsertion(order_id=order.id, cause=RushCause.INTERNAL, succeeded=True))
    gql.key = plant.keys["planner"]
    today = utcnow().date()
    action = {"orderCode": "ORD-1-1", "cause": "DEMAND_ABOVE_FORECAST", "owner": "Ann Weber",
              "dueOn": (today + timedelta(days=14)).isoformat(), "action": "review the forecast of SKU0 weekly"}
    # Tried: a due date in the past, an order that was not a rush order, a blank owner
    past = (await gql(RUSH_ACTION, {"input": {**action, "dueOn": (today - timedelta(days=1)).isoformat()}}))
    assert past["data"]["recordRushAction"]["errors"][0]["field"] == ["input", "dueOn"]
    plain = (await gql(RUSH_ACTION, {"input": {**action, "orderCode": "ORD-0-1"}}))["data"]["recordRushAction"]
    assert plain["errors"][0]["code"] == "NOT_FOUND"
    blank = (await gql(RUSH_ACTION, {"input": {**action, "owner": " "}}))["data"]["recordRushAction"]
    assert blank["errors"][0]["field"] == ["input", "owner"]
    recorded = (await gql(RUSH_ACTION, {"input": action}))["data"]["recordRushAction"]
    assert recorded["errors"] == [] and recorded["action"]["reviewedCause"] == "DEMAND_ABOVE_FORECAST"
    assert recorded["action"]["overdue"] is False and recorded["action"]["closedAt"] is None
    assert [a["orderCode"] for a in await actions(gql, True)] == ["ORD-1-1"]
    closed = (await gql(CLOSE))["data"]["closeRushAction"]
    assert closed["errors"] == [] and closed["action"]["closedBy"].startswith("planner:")
    assert await actions(gql, True) == []
    assert len(await actions(gql, False)) == 1
    refused = await gql.post(ACTIONS, {"open": None}, key=plant.keys["partner"])
    assert "FORBIDDEN" in refused.text
