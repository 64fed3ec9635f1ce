"""Who may call what: role checks for resolvers and use cases (admin may do everything)."""

from __future__ import annotations

from functools import cache
from typing import Any

from strawberry.permission import BasePermission

from domain.access import Principal
from domain.errors import Forbidden
from domain.models import Role

READERS = tuple(Role)  # every role may read; a partner's reads are scoped in domain/scoping.py


def require(principal: Principal | None, *roles: Role) -> Principal:
    """Raise Forbidden unless the caller has one of the roles (or is admin); returns the caller."""
    if principal is None or not principal.may(*roles):
        allowed = ", ".join(sorted({r.value for r in (*roles, Role.ADMIN)}))
        raise Forbidden(f"this operation needs one of the roles: {allowed}")
    return principal


@cache
def allow(*roles: Role) -> type[BasePermission]:
    """A permission class for these roles: `@strawberry.mutation(permission_classes=[allow(Role.PLANNER)])`."""
    allowed = ", ".join(sorted({r.value for r in (*roles, Role.ADMIN)}))

    class RolePermission(BasePermission):
        message = f"this operation needs one of the roles: {allowed}"
        error_extensions = {"code": "FORBIDDEN"}

        def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
            principal = info.context.principal
            return principal is not None and bool(principal.may(*roles))

    RolePermission.__name__ = RolePermission.__qualname__ = "Allow" + "".join(r.value.title() for r in roles)
    return RolePermission
