"""Orders: read queries and the order use cases (review, promise, changes, shipments, booking).

What other feature folders may use of it is exported here; its modules are its own."""

from domain.orders.batch_booking import book_open_orders_in_batch
from domain.orders.booking import BookingReport, book_open_orders
from domain.orders.holds import pending_sign_offs
from domain.orders.idempotency import Replay, claim
from domain.orders.inputs import LineInput, OrderInput, ShipInput
from domain.orders.proposals import respond_to_proposal
from domain.orders.results import ReviewResult
from domain.orders.retry import with_retries
from domain.orders.review import create_order
from domain.orders.shipments import ship_order
from domain.orders.sign_offs import SignOffInput, sign_off_order

__all__ = ["BookingReport", "LineInput", "OrderInput", "Replay", "ReviewResult", "ShipInput", "SignOffInput",
           "book_open_orders", "book_open_orders_in_batch", "claim", "create_order", "pending_sign_offs",
           "respond_to_proposal", "ship_order", "sign_off_order", "with_retries"]
