"""Which role a sign-on token gives: the claim path, several roles, and tokens told apart from API keys."""

from __future__ import annotations

import pytest

from api.core.context import NotAuthenticated
from api.core.oidc import OidcVerifier, looks_like_jwt
from domain.config import OidcSettings
from domain.models import Role


def role_of(claims: dict[str, object], claim: str = "roles") -> Role:
    return OidcVerifier(OidcSettings("https://sso.example", "sop", roles_claim=claim))._role(claims)


def test_the_roles_claim_may_be_nested_a_string_or_a_list() -> None:
    assert role_of({"realm_access": {"roles": ["offline_access", "planner"]}}, "realm_access.roles") is Role.PLANNER
    assert role_of({"roles": "admin"}) is Role.ADMIN
    # viewer is the weakest: a person who is also a planner acts as planner
    assert role_of({"roles": ["viewer", "planner", "mes"]}) is Role.PLANNER


def test_no_role_of_this_service_is_refused_with_what_the_claim_said() -> None:
    """Claims tried: roles ["operator"], a missing claim, and a partner role (partners sign in with API keys)."""
    for claims in ({"roles": ["operator"]}, {}, {"roles": ["partner"]}):
        with pytest.raises(NotAuthenticated, match="names no role of this service"):
            role_of(claims)


def test_tokens_and_api_keys_are_told_apart() -> None:
    assert looks_like_jwt("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln")
    assert not looks_like_jwt("sop_c1f99e2c7848_igQ9o74OEUOW9X6uvGEpw3lLDLWMgwOm")
