"""GraphiQL at /graphql without internet: the page and its vendored assets (api/graphiql/static) come from the app."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from starlette.responses import HTMLResponse
from starlette.routing import Mount

from api.core.static import security_headers, static_files

STATIC = Path(__file__).parent / "static"

# GraphiQL (React, CodeMirror) sets inline styles and uses data: fonts and icons; scripts still come from self only.
GRAPHIQL_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)


@cache
def _page() -> str:
    return (STATIC / "graphiql.html").read_text(encoding="utf-8")


def graphiql_page() -> HTMLResponse:
    """The GraphiQL page (what strawberry's template shows, with every script from this app)."""
    return HTMLResponse(_page(), headers=security_headers(GRAPHIQL_CSP))


def graphiql_assets_mount() -> Mount:
    """/graphiql/static/: GraphiQL, React and the explorer plugin as published on npm, and the page's start script."""
    return Mount("/graphiql/static", app=static_files(STATIC, GRAPHIQL_CSP), name="graphiql-static")
