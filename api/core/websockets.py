"""Websocket protocols with SOP_MAX_SUBSCRIPTIONS per connection, refused with LIMIT_EXCEEDED and the limit.

One websocket accepted 5,000 subscriptions in the proving-ground run; strawberry's own cap answered only
"Subscription limit reached", with no code a client could act on.
"""

from __future__ import annotations

from graphql import GraphQLError, GraphQLFormattedError
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ErrorMessage, SubscribeMessage
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.subscriptions.protocols.graphql_ws.types import ErrorMessage as LegacyErrorMessage
from strawberry.subscriptions.protocols.graphql_ws.types import StartMessage

from api.core.context import Context


def over_limit(limit: int) -> GraphQLFormattedError:
    return GraphQLError(
        f"at most {limit} subscriptions run on one connection: complete one before starting another",
        extensions={"code": "LIMIT_EXCEEDED", "limit": limit},
    ).formatted


class TransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws: an `error` message for the subscription over the limit; the others keep running."""

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        limit = self.max_subscriptions_per_connection
        fresh = message["id"] not in self.operations  # a reused id is the protocol's own error (4409)
        if self.connection_acknowledged and fresh and limit is not None and len(self.operations) >= limit:
            await self.send_message(ErrorMessage(id=message["id"], type="error", payload=[over_limit(limit)]))
            return
        await super().handle_subscribe(message)


class LegacyWSHandler(BaseGraphQLWSHandler[Context, None]):
    """The older graphql-ws protocol: the same limit, its `error` message."""

    async def handle_start(self, message: StartMessage) -> None:
        limit = self.max_subscriptions_per_connection
        if limit is not None and message["id"] not in self.tasks and len(self.tasks) >= limit:
            await self.send_message(LegacyErrorMessage(type="error", id=message["id"], payload=over_limit(limit)))
            return
        await super().handle_start(message)
