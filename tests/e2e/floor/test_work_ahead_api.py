"""workAhead: what a line idle at a day's end should make now (capacity policy WORK-AHEAD), asked by an MES."""

from __future__ import annotations

from tests.e2e.api.conftest import GraphQLClient
from tests.e2e.floor.conftest import FloorPlant

AHEAD = """query($line: String!, $hours: Float!) { workAhead(lineCode: $line, idleHours: $hours) {
  orderCode sku quantity hours } }"""


async def test_idle_hours_of_a_line_make_its_earliest_promises_first(gql: GraphQLClient, floor_plant: FloorPlant
                                                                      ) -> None:
    # SO-1 (600 units of W-1, 10 an hour on L1) and SO-OTHER (10 units) are promised for next Friday, within the
    # shipped rule's 42 days: the earliest promise (then the lowest id) first, as many whole units as the hours take.
    body = await gql(AHEAD, {"line": "L1", "hours": 8.0})
    assert body["data"]["workAhead"] == [{"orderCode": "SO-1", "sku": "W-1", "quantity": 80.0, "hours": 8.0}]
    day = (await gql(AHEAD, {"line": "L1", "hours": 24.0}, floor_plant.keys["planner"]))["data"]["workAhead"]
    assert day == [{"orderCode": "SO-1", "sku": "W-1", "quantity": 240.0, "hours": 24.0}]
    assert (await gql(AHEAD, {"line": "L1", "hours": 0.0}))["data"]["workAhead"] == []


async def test_unknown_line_bad_hours_and_partners_are_refused(gql: GraphQLClient, floor_plant: FloorPlant) -> None:
    # Tried: a line code that does not exist, -1 and 25 idle hours, and the partner's key.
    unknown = await gql(AHEAD, {"line": "L9", "hours": 8.0})
    assert unknown["errors"][0]["extensions"]["code"] == "NOT_FOUND" and "L9" in unknown["errors"][0]["message"]
    for hours in (-1.0, 25.0):
        bad = await gql(AHEAD, {"line": "L1", "hours": hours})
        assert bad["errors"][0]["extensions"]["code"] == "INVALID", bad
        assert "idleHours" in bad["errors"][0]["message"]
    partner = await gql(AHEAD, {"line": "L1", "hours": 8.0}, floor_plant.keys["partner"])
    assert partner["errors"][0]["extensions"]["code"] == "FORBIDDEN"
