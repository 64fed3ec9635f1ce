"""Master data through GraphQL: an upsert creates then replaces (versions and audit rows with before and after),
bad input is refused with the field's path and writes nothing, and only admins and planners may write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from domain.models import AuditEntry, BomItem, Material, Product, ProductionLine, Routing
from tests.e2e.api.conftest import GraphQLClient
from tests.e2e.masterdata.conftest import CHANGES, Shop

UPSERT_PRODUCT = f"mutation($input: ProductInput!) {{ upsertProduct(input: $input) {{ {CHANGES} }} }}"
UPSERT_ROUTING = f"mutation($input: RoutingInput!) {{ upsertRouting(input: $input) {{ {CHANGES} }} }}"
UPSERT_BOM = f"mutation($input: BillOfMaterialsInput!) {{ upsertBillOfMaterials(input: $input) {{ {CHANGES} }} }}"
UPSERT_LINE = f"mutation($input: ProductionLineInput!) {{ upsertProductionLine(input: $input) {{ {CHANGES} }} }}"
UPSERT_MATERIAL = f"mutation($input: MaterialInput!) {{ upsertMaterial(input: $input) {{ {CHANGES} }} }}"
SAFETY = f"mutation($input: SafetyStockInput!) {{ setSafetyStock(input: $input) {{ {CHANGES} }} }}"
AUDIT = """query($entity: String, $code: String) { auditLog(entity: $entity, code: $code) {
  totalCount edges { node { entity code version action before after } } } }"""
PUMP = {"sku": "PUMP-9", "name": "Pump", "family": "PUMPS", "unitCost": "40.00", "listPrice": "65.50"}


def audit_rows(db: Engine) -> int:
    with Session(db) as s:
        return int(s.scalar(select(func.count(AuditEntry.id))) or 0)


async def payload(gql: GraphQLClient, query: str, field: str, values: dict[str, Any], key: str | None = None
                  ) -> dict[str, Any]:
    answer = await gql(query, {"input": values}, key)
    assert "errors" not in answer, answer
    result: dict[str, Any] = answer["data"][field]
    return result


async def test_an_upsert_creates_then_replaces_with_versions_and_audit(gql: GraphQLClient, shop: Shop,
                                                                       db: Engine) -> None:
    created = await payload(gql, UPSERT_PRODUCT, "upsertProduct", PUMP)
    assert created["errors"] == []
    [change] = created["changes"]
    assert (change["entity"], change["code"], change["version"], change["action"]) == ("PRODUCT", "PUMP-9", 1,
                                                                                      "UPSERT")
    assert change["before"] is None and change["after"]["list_price"] == "65.50"
    assert change["actor"].startswith("planner:")
    updated = await payload(gql, UPSERT_PRODUCT, "upsertProduct", {**PUMP, "listPrice": "70", "safetyStock": 5})
    [change] = updated["changes"]
    assert change["version"] == 2
    assert change["before"]["list_price"] == "65.50" and change["after"]["list_price"] == "70.00"
    assert change["after"]["safety_stock"] == 5.0
    safety = await payload(gql, SAFETY, "setSafetyStock", {"sku": "PUMP-9", "safetyStock": 12})
    assert safety["changes"][0]["version"] == 3 and safety["changes"][0]["after"]["safety_stock"] == 12.0
    with Session(db) as s:
        product = s.scalars(select(Product).where(Product.sku == "PUMP-9")).one()
        assert (product.list_price, product.safety_stock, product.family) == (Decimal("70.00"), 12.0, "PUMPS")
    log = await gql(AUDIT, {"entity": "PRODUCT", "code": "PUMP-9"}, shop.keys["admin"])
    nodes = [edge["node"] for edge in log["data"]["auditLog"]["edges"]]
    assert [n["version"] for n in nodes] == [3, 2, 1]  # newest first
    assert log["data"]["auditLog"]["totalCount"] == 3


async def test_routing_bill_and_line_upserts_are_audited_and_written(gql: GraphQLClient, db: Engine) -> None:
    routing = await payload(gql, UPSERT_ROUTING, "upsertRouting", {
        "sku": "W-1", "routes": [{"lineCode": "L1", "unitsPerHour": 12}, {"lineCode": "L2", "unitsPerHour": 4}]})
    assert routing["errors"] == [] and routing["changes"][0]["before"] == {"routes": {"L1": 10.0}}
    assert routing["changes"][0]["after"] == {"routes": {"L1": 12.0, "L2": 4.0}}
    bill = await payload(gql, UPSERT_BOM, "upsertBillOfMaterials", {
        "sku": "W-1", "items": [{"materialCode": "M-1", "quantityPerUnit": 2.5}]})
    assert bill["errors"] == [] and bill["changes"][0]["after"] == {"items": {"M-1": 2.5}}
    line = await payload(gql, UPSERT_LINE, "upsertProductionLine", {
        "code": "L3", "name": "New line", "weeklyCapacityHours": 60, "workingDays": ["Mon", "Tue", "Wed"]})
    assert line["errors"] == [] and line["changes"][0]["after"]["working_days"] == "1110000"
    with Session(db) as s:
        assert s.scalar(select(func.count(Routing.id))) == 3  # W-1 on L1 and L2, W-2 on L1
        assert s.scalar(select(BomItem.quantity_per_unit)) == 2.5
        assert s.scalar(select(ProductionLine.weekly_capacity_hours).where(ProductionLine.code == "L3")) == 60.0


async def test_bad_input_names_the_field_and_writes_nothing(gql: GraphQLClient, db: Engine) -> None:
    """Tried: a negative list price, a substitute sku that is no product, a routing naming an unknown line (the
    second route), a bill naming an unknown material, a line with a day name that is not one, a safety stock
    below zero, a 65-character sku (PostgreSQL's column holds 64), 1e12 units an hour, 1e-9 of a material per unit
    and a lead time of 100,000 days. Each answers INVALID with the path of the bad field; no product, route, bill,
    material or audit row is written."""
    cases: list[tuple[str, str, dict[str, Any], list[str], str]] = [
        (UPSERT_PRODUCT, "upsertProduct", {**PUMP, "listPrice": "-5"}, ["listPrice"], "negative"),
        (UPSERT_PRODUCT, "upsertProduct", {**PUMP, "substitutes": ["NO-SUCH"]}, ["substitutes"], "'NO-SUCH'"),
        (UPSERT_ROUTING, "upsertRouting", {"sku": "W-1", "routes": [
            {"lineCode": "L1", "unitsPerHour": 12}, {"lineCode": "L9", "unitsPerHour": 3}]},
         ["routes", "1", "lineCode"], "'L9' is not a line"),
        (UPSERT_ROUTING, "upsertRouting", {"sku": "NOPE", "routes": [{"lineCode": "L1", "unitsPerHour": 1}]},
         ["sku"], "'NOPE' is not a product"),
        (UPSERT_BOM, "upsertBillOfMaterials", {"sku": "W-1", "items": [
            {"materialCode": "M-404", "quantityPerUnit": 1}]}, ["items", "0", "materialCode"], "'M-404'"),
        (UPSERT_LINE, "upsertProductionLine", {"code": "L4", "name": "x", "weeklyCapacityHours": 10,
                                               "workingDays": ["Mon", "Funday"]}, ["workingDays"], "Funday"),
        (SAFETY, "setSafetyStock", {"sku": "W-1", "safetyStock": -1}, ["safetyStock"], "negative"),
        (UPSERT_PRODUCT, "upsertProduct", {**PUMP, "sku": "P" * 65}, ["sku"], "at most 64 characters"),
        (UPSERT_ROUTING, "upsertRouting", {"sku": "W-1", "routes": [{"lineCode": "L1", "unitsPerHour": 1e12}]},
         ["routes", "0", "unitsPerHour"], "at most"),
        (UPSERT_BOM, "upsertBillOfMaterials", {"sku": "W-1", "items": [
            {"materialCode": "M-1", "quantityPerUnit": 1e-9}]}, ["items", "0", "quantityPerUnit"], "at least"),
        (UPSERT_MATERIAL, "upsertMaterial", {"code": "M-2", "name": "Glue", "leadTimeDays": 100000},
         ["leadTimeDays"], "at most 3650"),
    ]
    for query, field, values, path, words in cases:
        answer = await payload(gql, query, field, values)
        assert answer["changes"] == [], (field, values)
        [error] = answer["errors"]
        assert (error["code"], error["field"]) == ("INVALID", path), (values, error)
        assert words in error["message"], error
    assert audit_rows(db) == 0
    with Session(db) as s:
        assert s.scalar(select(Product.id).where(Product.sku == "PUMP-9")) is None
        assert s.scalar(select(ProductionLine.id).where(ProductionLine.code == "L4")) is None
        assert list(s.scalars(select(Routing.units_per_hour))) == [10.0, 10.0]
        assert s.scalar(select(func.count(BomItem.id))) == 0
        assert s.scalar(select(func.count(Material.id))) == 1


async def test_only_admins_and_planners_write_and_only_admins_read_the_log(gql: GraphQLClient, shop: Shop,
                                                                           db: Engine) -> None:
    """Tried: a viewer's upsert (FORBIDDEN in the payload), a partner's upsert and auditLog (FORBIDDEN, no data:
    master data is plant-internal) and a planner's auditLog (FORBIDDEN); nothing is written."""
    viewer = await payload(gql, UPSERT_PRODUCT, "upsertProduct", PUMP, shop.keys["viewer"])
    assert [e["code"] for e in viewer["errors"]] == ["FORBIDDEN"] and viewer["changes"] == []
    for query, values in ((UPSERT_PRODUCT, {"input": PUMP}), (AUDIT, {})):
        partner = await gql(query, values, shop.keys["partner"])
        assert partner["data"] is None and partner["errors"][0]["extensions"]["code"] == "FORBIDDEN", partner
    planner = await gql(AUDIT, {}, shop.keys["planner"])
    assert planner["data"] is None and planner["errors"][0]["extensions"]["code"] == "FORBIDDEN", planner
    assert audit_rows(db) == 0
    admin = await payload(gql, UPSERT_PRODUCT, "upsertProduct", PUMP, shop.keys["admin"])
    assert admin["errors"] == [] and admin["changes"][0]["actor"].startswith("admin:")
