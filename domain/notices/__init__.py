"""Customer notices (R7): who must be told what, the partners' webhooks, and delivery from the outbox."""

from domain.notices.dead_letters import DeadLetter, dead_letters, retry_dead
from domain.notices.delivery import (
    DEAD,
    DELIVERED,
    PENDING,
    DeliveryPolicy,
    DeliveryRound,
    deliver_due,
    deliver_forever,
    notice_body,
    signature,
)
from domain.notices.endpoints import RegisteredEndpoint, add_endpoint, list_endpoints, remove_endpoint
from domain.notices.queries import (
    NEWEST_FIRST,
    acknowledge_notice,
    count_notices,
    count_order_notices,
    list_notices,
    notices_of_order,
    order_notices_page,
)

__all__ = [
    "DEAD",
    "DELIVERED",
    "NEWEST_FIRST",
    "PENDING",
    "DeadLetter",
    "DeliveryPolicy",
    "DeliveryRound",
    "RegisteredEndpoint",
    "acknowledge_notice",
    "add_endpoint",
    "count_notices",
    "count_order_notices",
    "dead_letters",
    "deliver_due",
    "deliver_forever",
    "list_endpoints",
    "list_notices",
    "notice_body",
    "notices_of_order",
    "order_notices_page",
    "remove_endpoint",
    "retry_dead",
    "signature",
]
