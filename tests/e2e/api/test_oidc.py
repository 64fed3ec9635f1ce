"""OpenID Connect sign-in: a JWT from a local issuer made here (discovery + JWKS over HTTP on a free port) names
the person in the history; expired, foreign-issuer, wrong-audience, forged and role-less tokens are refused."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from sqlalchemy import Engine

from domain.config import OidcSettings
from tests.e2e.api.conftest import GraphQLClient, Plant, serving
from tests.ports import free_port

AUDIENCE = "sop-board"
CANCEL = """mutation($code: String!) { cancelOrder(input: {code: $code, expectedVersion: 1, reason: "customer called"})
  { order { status history { kind actor } } errors { code message } } }"""
WHO = "{ orders(first: 1) { totalCount } }"


@dataclass
class Issuer:
    url: str
    key: rsa.RSAPrivateKey
    kid: str = "k1"

    def token(self, *, roles: Any = ("planner",), name: str = "Jane Doe", lifetime: int = 300,
              issuer: str | None = None, audience: str = AUDIENCE, key: rsa.RSAPrivateKey | None = None) -> str:
        now = int(time.time())
        claims = {"iss": issuer or self.url, "aud": audience, "sub": "u-42", "name": name, "roles": list(roles),
                  "iat": now, "exp": now + lifetime}
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": self.kid})


@pytest.fixture(scope="module")
def issuer() -> Iterator[Issuer]:
    """A minimal OpenID provider: /.well-known/openid-configuration and /jwks.json, nothing else."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    url = f"http://127.0.0.1:{free_port()}"
    jwk = {**json.loads(RSAAlgorithm.to_jwk(key.public_key())), "kid": "k1", "use": "sig", "alg": "RS256"}
    documents = {"/.well-known/openid-configuration": {"issuer": url, "jwks_uri": f"{url}/jwks.json"},
                 "/jwks.json": {"keys": [jwk]}}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps(documents.get(self.path, {})).encode()
            self.send_response(200 if self.path in documents else 404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", int(url.rsplit(":", 1)[1])), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Issuer(url, key)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
async def sso(db: Engine, db_url: str, issuer: Issuer, plant: Plant) -> AsyncIterator[GraphQLClient]:
    async with serving(db_url, oidc=OidcSettings(issuer.url, AUDIENCE)) as application:
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield GraphQLClient(http)


async def test_a_token_from_the_plants_issuer_acts_as_the_person_it_names(sso: GraphQLClient, issuer: Issuer,
                                                                         plant: Plant) -> None:
    answer = await sso(CANCEL, {"code": "ORD-0-1"}, key=issuer.token(roles=["viewer", "planner"]))
    payload = answer["data"]["cancelOrder"]
    assert payload["errors"] == [] and payload["order"]["status"] == "CANCELLED", answer
    # the strongest role the claim names (planner), and the person's name, not a shared key's
    assert payload["order"]["history"][-1] == {"kind": "CANCELLED", "actor": "planner:Jane Doe"}
    # API keys keep working beside tokens
    assert "errors" not in await sso(WHO, key=plant.keys["viewer"])


@pytest.mark.parametrize(("case", "expected"), [
    ("expired", "has expired"),
    ("foreign issuer", "not from the configured issuer"),
    ("wrong audience", "Audience"),
    ("forged signature", "Signature verification failed"),
    ("no known role", "names no role of this service"),
    ("partner role", "names no role of this service"),
])
async def test_bad_tokens_get_unauthenticated_and_no_data(sso: GraphQLClient, issuer: Issuer, case: str,
                                                          expected: str) -> None:
    """Tokens tried: expired an hour ago, issued by https://evil.example, for audience other-app, signed with
    another RSA key under the issuer's key id, with roles ["operator"], and with roles ["partner"]."""
    token = {
        "expired": lambda: issuer.token(lifetime=-3600),
        "foreign issuer": lambda: issuer.token(issuer="https://evil.example"),
        "wrong audience": lambda: issuer.token(audience="other-app"),
        "forged signature": lambda: issuer.token(key=rsa.generate_private_key(public_exponent=65537, key_size=2048)),
        "no known role": lambda: issuer.token(roles=["operator"]),
        "partner role": lambda: issuer.token(roles=["partner"]),
    }[case]()
    response = await sso.post(CANCEL, {"code": "ORD-0-2"}, key=token)
    assert response.status_code == 401, response.text
    body = response.json()
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert expected in body["errors"][0]["message"], body


async def test_a_token_is_not_taken_when_no_issuer_is_configured(gql: GraphQLClient, issuer: Issuer) -> None:
    response = await gql.post(WHO, key=issuer.token())
    assert response.status_code == 401 and "invalid, revoked or expired API key" in response.text


async def test_an_issuer_that_cannot_be_reached_gives_unavailable(db: Engine, db_url: str, issuer: Issuer,
                                                                  plant: Plant) -> None:
    """Issuer tried: http://127.0.0.1:<a free port where nothing listens>."""
    down = f"http://127.0.0.1:{free_port()}"
    async with (serving(db_url, oidc=OidcSettings(down, AUDIENCE)) as application,
                httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://t") as http):
        response = await GraphQLClient(http).post(WHO, key=issuer.token(issuer=down))
    assert response.status_code == 503 and "Retry-After" in response.headers, response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAVAILABLE"
