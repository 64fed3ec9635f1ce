"""What each caller may see, decided in this one place: a partner sees only its own customers' rows."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, true

from domain.access import Principal
from domain.models import Alert, Customer, Notice, Order, OrderEvent, Role


def _own_customers(principal: Principal, customer_id: ColumnElement[int]) -> ColumnElement[bool]:
    if principal.role is not Role.PARTNER:
        return true()
    if not principal.customer_ids:
        return false()
    return customer_id.in_(sorted(principal.customer_ids))


def visible_orders(principal: Principal) -> ColumnElement[bool]:
    """Filter for every order query (lists, by code, by id, history): others' orders do not exist."""
    return _own_customers(principal, Order.customer_id)  # type: ignore[arg-type]


def visible_order_events(principal: Principal) -> ColumnElement[bool]:
    return _own_customers(principal, OrderEvent.customer_id)  # type: ignore[arg-type]


def visible_customers(principal: Principal) -> ColumnElement[bool]:
    return _own_customers(principal, Customer.id)  # type: ignore[arg-type]


def visible_alerts(principal: Principal) -> ColumnElement[bool]:
    """Partners see only alerts about their customers; plant-wide alerts (stock, lines) are internal."""
    return _own_customers(principal, Alert.customer_id)  # type: ignore[arg-type]


def visible_notices(principal: Principal) -> ColumnElement[bool]:
    return _own_customers(principal, Notice.customer_id)  # type: ignore[arg-type]


def may_see_customer(principal: Principal, customer_id: int) -> bool:
    return principal.role is not Role.PARTNER or customer_id in principal.customer_ids
