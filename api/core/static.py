"""Static files served by the app (the board, GraphiQL's assets) with a Content-Security-Policy on every answer."""

from __future__ import annotations

from pathlib import Path

from starlette.datastructures import MutableHeaders
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Only this origin: no inline script, no eval, no other host. `connect-src 'self'` covers the same-origin
# websocket in current browsers (CSP 3); the board talks to nothing else.
SELF_ONLY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def security_headers(csp: str) -> dict[str, str]:
    """Headers of a page of ours: its CSP, no MIME sniffing, no referrer (a key may sit in the URL fragment)."""
    return {
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }


class WithHeaders:
    """Adds fixed headers to every HTTP answer of the wrapped app."""

    def __init__(self, app: ASGIApp, headers: dict[str, str]) -> None:
        self.app = app
        self.headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


def static_files(directory: Path, csp: str = SELF_ONLY, html: bool = False) -> ASGIApp:
    """The files under `directory`, revalidated on each load (a new deploy shows at once), with our headers."""
    headers = {**security_headers(csp), "Cache-Control": "no-cache"}
    return WithHeaders(StaticFiles(directory=directory, html=html), headers)
