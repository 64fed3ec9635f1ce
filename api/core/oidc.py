"""Sign-in with OpenID Connect bearer tokens: a JWT checked against the issuer's JWKS, the role from a claim.

PyJWT does the cryptography and the claim checks (signature, exp, nbf, iss, aud) and caches the issuer's keys;
this module only finds the keys, maps the roles claim to one of the service's roles and names the person.
A token gives a person's role (viewer, planner, mes, admin and the people roles); a partner system keeps its
API key, which names the customers it may see."""

from __future__ import annotations

import json
import logging
import urllib.request
from collections.abc import Mapping
from typing import Any

import jwt

from api.core.context import NotAuthenticated
from domain.access import Principal
from domain.config import OidcSettings
from domain.models import Role

log = logging.getLogger("api.oidc")
ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "PS256"]
# Clocks of the issuer and this host may differ by this many seconds.
LEEWAY_SECONDS = 30
DISCOVERY_TIMEOUT_SECONDS = 5
# When the claim names several roles, the person acts with the first of these it names: the strongest first,
# the people roles of the plant next, read-only last. A partner role is not taken from a token.
ROLE_ORDER = [Role.ADMIN, Role.PLANNER, Role.MES]


def looks_like_jwt(token: str) -> bool:
    """Three base64url parts with a JSON header ("eyJ..."); API keys look like sop_<prefix>_<secret>."""
    return token.count(".") == 2 and token.startswith("eyJ")


class OidcUnavailable(Exception):
    """The issuer's keys could not be fetched: the caller may retry later (HTTP 503), the token is not refused."""


class OidcVerifier:
    """One per app: the issuer's key set is fetched once and again when a token names an unknown key id."""

    def __init__(self, settings: OidcSettings) -> None:
        self.settings = settings
        self._keys: jwt.PyJWKClient | None = None

    def _jwks_url(self) -> str:
        if self.settings.jwks_url:
            return self.settings.jwks_url
        url = self.settings.issuer.rstrip("/") + "/.well-known/openid-configuration"
        with urllib.request.urlopen(url, timeout=DISCOVERY_TIMEOUT_SECONDS) as answer:
            return str(json.load(answer)["jwks_uri"])

    def _key_client(self) -> jwt.PyJWKClient:
        if self._keys is None:
            try:
                self._keys = jwt.PyJWKClient(self._jwks_url(), cache_keys=True, lifespan=3600,
                                             timeout=DISCOVERY_TIMEOUT_SECONDS)
            except (OSError, ValueError, KeyError) as error:
                raise OidcUnavailable(f"the sign-on issuer {self.settings.issuer} could not be reached: {error}") \
                    from error
        return self._keys

    def principal(self, token: str) -> Principal:
        """The person the token names, or NotAuthenticated saying why (expired, foreign issuer, bad signature)."""
        try:
            key = self._key_client().get_signing_key_from_jwt(token)
        except jwt.PyJWKClientConnectionError as error:
            raise OidcUnavailable(f"the sign-on issuer's keys could not be fetched: {error}") from error
        except jwt.PyJWKClientError as error:
            raise NotAuthenticated(f"invalid sign-on token: {error}") from error
        except jwt.PyJWTError as error:
            raise NotAuthenticated(f"invalid sign-on token: {error}") from error
        try:
            claims = jwt.decode(token, key.key, algorithms=ALGORITHMS, audience=self.settings.audience,
                                issuer=self.settings.issuer, leeway=LEEWAY_SECONDS,
                                options={"require": ["exp", "iss", "sub", "aud"]})
        except jwt.ExpiredSignatureError as error:
            raise NotAuthenticated("the sign-on token has expired: sign in again") from error
        except jwt.InvalidIssuerError as error:
            raise NotAuthenticated(f"the sign-on token is not from the configured issuer {self.settings.issuer}") \
                from error
        except jwt.PyJWTError as error:
            raise NotAuthenticated(f"invalid sign-on token: {error}") from error
        role = self._role(claims)
        name = next((str(claims[c]) for c in (self.settings.name_claim, "preferred_username", "email", "sub")
                     if claims.get(c)), "unknown")
        return Principal(0, name, role, subject=f"{claims['iss']}|{claims['sub']}")

    def _role(self, claims: Mapping[str, Any]) -> Role:
        found: Any = claims
        for part in self.settings.roles_claim.split("."):
            found = found.get(part) if isinstance(found, Mapping) else None
        named = {found} if isinstance(found, str) else set(found) if isinstance(found, list) else set()
        order = ROLE_ORDER + [r for r in Role if r not in (*ROLE_ORDER, Role.PARTNER, Role.VIEWER)] + [Role.VIEWER]
        roles = [role for role in order if role.value in named]
        if not roles:
            raise NotAuthenticated(
                f"the sign-on token's claim {self.settings.roles_claim!r} names no role of this service "
                f"({', '.join(sorted(str(n) for n in named)) or 'none'}); a partner system signs in with an API key")
        return roles[0]
