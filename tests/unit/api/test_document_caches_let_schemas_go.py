"""The per-document caches (partner scope, validation, cost) keep no schema alive once its app is gone.

A module-level lru_cache keyed by (schema, document) held up to 256 schemas of ~9,000 objects each; the test suite
builds an app per test, and a full garbage collection inside one request grew to 1.2-1.6 s of CPU (the
5,000-token refusal of test_hostile_catalogue failed its 1 s bound in CI).
"""

from __future__ import annotations

import gc
import weakref

import pytest
from graphql import DocumentNode, parse

from api.core.cost import Estimates
from api.core.per_schema import PerSchemaCache
from api.core.scope import REFUSED, refused_to_partners
from api.core.validation import VALIDATED
from api.schema import build_schema


def test_a_schema_whose_app_is_gone_leaves_the_caches() -> None:
    # Input: three schemas built one after another, each asked to validate and run a query (fills VALIDATED and
    # the cost estimates) and to check a partner's document (fills REFUSED), then dropped.
    gone = []
    for _ in range(3):
        schema = build_schema()
        result = schema.execute_sync("{ __typename }")
        assert result.errors is None
        assert refused_to_partners(schema._schema, parse("{ kpis { __typename } }"))  # a partner may not read kpis
        assert REFUSED.schemas() >= 1 and VALIDATED.schemas() >= 1  # held while the schema lives
        gone.append(weakref.ref(schema._schema))
        del schema, result
    gc.collect()
    assert [ref() for ref in gone] == [None, None, None]  # and a dead weak key leaves its dictionary


def test_each_schema_keeps_its_last_results_and_drops_the_least_recently_used() -> None:
    # Input: a cache of two per schema; three documents put in one schema, the first read again before the third.
    schema, other = build_schema()._schema, build_schema()._schema
    a, b, c = parse("{ a }"), parse("{ b }"), parse("{ c }")
    cache: PerSchemaCache[str, int] = PerSchemaCache(2)
    cache.put(schema, a, "x", 1)
    cache.put(schema, b, "x", 2)
    assert cache.get(schema, a, "x") == 1  # now b is the least recently used
    cache.put(schema, c, "x", 3)
    assert (cache.get(schema, a, "x"), cache.get(schema, b, "x"), cache.get(schema, c, "x")) == (1, None, 3)
    assert cache.get(schema, a, "y") is None  # the rest of the key counts too
    assert cache.get(other, a, "x") is None  # another schema's results are its own
    assert len(cache) == 2 and cache.schemas() == 1


def test_a_document_is_found_by_identity_without_hashing_its_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    # graphql-core 3.3's nodes hash their whole tree on every call (~15 us for createOrder's text, six times per
    # request when the caches hashed it). Input: a document hashed only through a counter; the same text parsed
    # again (another object) is a miss, not an error.
    hashed: list[object] = []
    monkeypatch.setattr(DocumentNode, "__hash__", lambda node: hashed.append(node) or 0)
    schema = build_schema()._schema
    document = parse("mutation($input: OrderInput!) { createOrder(input: $input) { order { code } } }")
    cache: PerSchemaCache[str | None, int] = PerSchemaCache(4)
    cache.put(schema, document, None, 7)
    assert cache.get(schema, document, None) == 7
    assert cache.get(schema, parse("mutation($input: OrderInput!) { createOrder(input: $input) { order { code } } }"),
                     None) is None
    estimates = Estimates(4)
    for _ in range(2):
        assert estimates.estimate(schema, document, None, {"input": {}}, 500, 10**9) == 3
    assert hashed == []
