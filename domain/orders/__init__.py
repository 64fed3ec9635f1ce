"""Orders: read queries and the order use cases (review, promise, changes, shipments, booking).

What other feature folders may use of it is exported here; its modules are its own."""

from domain.orders.booking import BookingReport, book_open_orders

__all__ = ["BookingReport", "book_open_orders"]
