"""Results kept per schema and document (partner scope, validation errors, cost estimate) that let a schema go.

Every app builds its own schema. Module-level caches keyed by (schema, document) kept up to 256 schemas alive
(about 9,000 objects each): in the test suite, which builds an app per test, the heap grew until one full
garbage collection inside a request cost over a second. Here a schema is a weak key: when its app is gone, so
are its entries. Documents stay strong references (strawberry's ParserCache holds them anyway, one per query text).

A document is found by its identity, not its value: graphql-core 3.3's nodes are frozen dataclasses whose hash walks
the whole tree on every call (~15 us for createOrder's text, three times per lookup, two lookups per request).
Parsing caches one object per text, so the same text finds the same object; a text parsed again after the parse
cache let it go is a miss, worked out again once.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar
from weakref import WeakKeyDictionary

from graphql import GraphQLSchema

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class PerSchemaCache(Generic[K, V]):
    """The last `size` results per schema and document (with `extra`, the rest of the key), least recently used
    dropped first."""

    def __init__(self, size: int) -> None:
        self.size = size
        # Per schema: (id of the document, extra) -> (the document, the result). The entry holds its document, so
        # no other live document can have that id while the entry is kept.
        self._by_schema: WeakKeyDictionary[GraphQLSchema, OrderedDict[tuple[int, K], tuple[object, V]]] = (
            WeakKeyDictionary())

    def __len__(self) -> int:
        return sum(len(kept) for kept in self._by_schema.values())

    def schemas(self) -> int:
        return len(self._by_schema)

    def get(self, schema: GraphQLSchema, document: object, extra: K) -> V | None:
        kept = self._by_schema.get(schema)
        if kept is None:
            return None
        key = (id(document), extra)
        found = kept.get(key)
        if found is None or found[0] is not document:
            return None
        kept.move_to_end(key)
        return found[1]

    def put(self, schema: GraphQLSchema, document: object, extra: K, value: V) -> V:
        kept = self._by_schema.get(schema)
        if kept is None:
            kept = self._by_schema[schema] = OrderedDict()
        kept[(id(document), extra)] = (document, value)
        if len(kept) > self.size:
            kept.popitem(last=False)
        return value
