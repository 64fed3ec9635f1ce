"""Results kept per schema and document (partner scope, validation errors, cost estimate) that let a schema go.

Every app builds its own schema. Module-level caches keyed by (schema, document) kept up to 256 schemas alive
(about 9,000 objects each): in the test suite, which builds an app per test, the heap grew until one full
garbage collection inside a request cost over a second. Here a schema is a weak key: when its app is gone, so
are its entries. Documents stay strong keys (strawberry's ParserCache holds them anyway, one per query text).
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
    """The last `size` results per schema, least recently used dropped first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._by_schema: WeakKeyDictionary[GraphQLSchema, OrderedDict[K, V]] = WeakKeyDictionary()

    def __len__(self) -> int:
        return sum(len(kept) for kept in self._by_schema.values())

    def schemas(self) -> int:
        return len(self._by_schema)

    def get(self, schema: GraphQLSchema, key: K) -> V | None:
        kept = self._by_schema.get(schema)
        if kept is None or key not in kept:
            return None
        kept.move_to_end(key)
        return kept[key]

    def put(self, schema: GraphQLSchema, key: K, value: V) -> V:
        kept = self._by_schema.get(schema)
        if kept is None:
            kept = self._by_schema[schema] = OrderedDict()
        kept[key] = value
        if len(kept) > self.size:
            kept.popitem(last=False)
        return value
