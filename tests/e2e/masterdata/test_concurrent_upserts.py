"""Several planners upsert the same record at the same moment: each change is written in turn with its own audit
version, none gets INTERNAL (the race on the record's code and on its next audit version is run again)."""

from __future__ import annotations

import asyncio

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from domain.models import AuditEntry, Product
from tests.e2e.api.conftest import GraphQLClient
from tests.e2e.masterdata.conftest import Shop
from tests.e2e.masterdata.test_upsert_and_audit import PUMP, UPSERT_PRODUCT

WRITERS = 6


async def test_concurrent_upserts_of_one_new_product_are_each_written_with_their_own_version(
        gql: GraphQLClient, shop: Shop, db: Engine) -> None:
    """Input: 6 upsertProduct calls at once for PUMP-9, which does not exist yet, each with another list price:
    two of them race to insert the product, and all of them race for its next audit version."""
    prices = [f"{60 + n}.00" for n in range(WRITERS)]
    answers = await asyncio.gather(*(gql(UPSERT_PRODUCT, {"input": {**PUMP, "listPrice": price}})
                                     for price in prices))
    for answer in answers:
        assert "errors" not in answer, answer
        assert answer["data"]["upsertProduct"]["errors"] == [], answer
    with Session(db) as session:
        versions = sorted(session.scalars(select(AuditEntry.version).where(AuditEntry.code == "PUMP-9")))
        assert versions == list(range(1, WRITERS + 1))
        last = session.scalars(select(AuditEntry).where(AuditEntry.code == "PUMP-9")
                               .order_by(AuditEntry.version.desc())).first()
        product = session.scalars(select(Product).where(Product.sku == "PUMP-9")).one()
        assert last is not None and (last.after or {})["list_price"] == str(product.list_price)
