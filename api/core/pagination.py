"""Relay connections with opaque keyset cursors: base64 of (list, ordering, sort value, id)."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar

import strawberry

from api.core.errors import argument_error
from domain.bounds import MAX_ROW_ID
from domain.paging import Page, Position, SortKey

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from api.core.context import Context

NodeT = TypeVar("NodeT")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
RowT = TypeVar("RowT")
DEFAULT_PAGE = 50  # rows when a list is asked without `first`

# The paging arguments every connection takes, described once.
First = Annotated[int | None, strawberry.argument(
    description="Page size: 0 to the server's maximum (SOP_MAX_PAGE_SIZE, 500 by default); 50 when omitted.")]
After = Annotated[str | None, strawberry.argument(
    description="The `endCursor` of the previous page; the first page when omitted.")]


@strawberry.type(
    description="Where a page stands in its list. Paging runs forward only: ask for the next page with "
    "`after: endCursor` while `hasNextPage` is true."
)
class PageInfo:
    has_next_page: bool = strawberry.field(description="True when more rows follow this page.")
    has_previous_page: bool = strawberry.field(
        description="Always false: lists page forward only (no `last`/`before`), as Relay allows for forward paging."
    )
    start_cursor: str | None = strawberry.field(description="The first edge's cursor; null only on an empty page.")
    end_cursor: str | None = strawberry.field(
        description="The last edge's cursor, to pass as `after` for the next page; null only on an empty page."
    )


@strawberry.type(description="One row of a page and the cursor that points at it.")
class Edge(Generic[NodeT]):
    node: NodeT = strawberry.field(description="The row.")
    cursor: str = strawberry.field(description="Opaque; stays valid while rows are added. Pass as `after`.")


@strawberry.type(description="A page of a list (Relay connection): its rows as edges, where it stands, the total.")
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]] = strawberry.field(description="The page's rows in the list's order.")
    page_info: PageInfo = strawberry.field(description="Whether more rows follow and the cursors to get them.")
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many rows match the filter (one extra statement, only when asked).")
    async def total_count(self) -> int:
        return await self.count()


def page_size(first: int | None, default: int, maximum: int) -> int:
    """Check `first`: a clear error naming the argument, never a silent clamp."""
    if first is None:
        return min(default, maximum)
    if first < 0 or first > maximum:
        raise argument_error("first", f"must be between 0 and {maximum}, got {first}")
    return first


def encode_cursor(ordering: str, value: str, row_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([ordering, value, row_id]).encode()).decode()


def decode_cursor(cursor: str | None, ordering: str) -> Position | None:
    """The position after which the next page starts; `ordering` names the list and its sort."""
    if cursor is None:
        return None
    try:
        name, value, row_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError, binascii.Error):
        raise argument_error("after", "not a cursor returned by this API") from None
    if name != ordering or not isinstance(value, str) or not isinstance(row_id, int):
        raise argument_error("after", "this cursor belongs to another list or ordering") from None
    if not 1 <= row_id <= MAX_ROW_ID or _UNSTORABLE.search(value):
        # A forged id beyond an INTEGER column or a sort value PostgreSQL cannot hold came back INTERNAL.
        raise argument_error("after", "not a cursor returned by this API") from None
    return Position(value, row_id)


def connection(
    page: Page[RowT],
    key: SortKey,
    ordering: str,
    to_node: Callable[[RowT], NodeT],
    count: Callable[[], Awaitable[int]],
    after: Position | None,
) -> Connection[NodeT]:
    edges = [Edge(node=to_node(row), cursor=encode_cursor(ordering, key.text_of(row), _id(row))) for row in page.rows]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next,
            # Keyset pages only look forward; true here with no way to go back (and a null startCursor past the
            # end) misled clients into offering a "previous" button that could not work.
            has_previous_page=False,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count=count,
    )


async def paged(ctx: Context, first: int | None, after: str | None, ordering: str, key: SortKey,
                fetch: Callable[[AsyncSession, int, Position | None], Awaitable[Page[RowT]]],
                count: Callable[[AsyncSession], Awaitable[int]], to_node: Callable[[RowT], NodeT],
                default: int = DEFAULT_PAGE) -> Connection[NodeT]:
    """One keyset page of a list read in a session of its own; the total counted in another, only when asked for.

    fetch(session, size, position) reads the page; count(session) the rows the filter matches; a refused `first` or
    `after` raises the argument's error before anything is read."""
    size = page_size(first, default, ctx.settings.max_page_size)
    position = decode_cursor(after, ordering)
    async with ctx.db() as session:
        page = await fetch(session, size, position)

    async def counted() -> int:
        async with ctx.db() as session:
            return await count(session)

    return connection(page, key, ordering, to_node, counted, position)


def _id(row: Any) -> int:
    return int(row.id)


def nodes(items: Iterable[Any], to_node: Callable[[Any], NodeT]) -> list[NodeT]:
    return [to_node(item) for item in items]
