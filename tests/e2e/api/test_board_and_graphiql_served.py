"""/board/ and GraphiQL are served by the app itself: same-origin scripts only, under a Content-Security-Policy."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import httpx

from api.board import STATIC as BOARD_STATIC


class Assets(HTMLParser):
    """The scripts and stylesheets a page loads, and whether any script is inline."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts = 0
        self._in_script_without_src = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script":
            if found.get("src"):
                self.urls.append(found["src"] or "")
            else:
                self._in_script_without_src = True
        if tag == "link" and found.get("rel") == "stylesheet":
            self.urls.append(found.get("href") or "")

    def handle_data(self, data: str) -> None:
        if self._in_script_without_src and data.strip():
            self.inline_scripts += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script_without_src = False


def assets_of(html: str) -> Assets:
    parser = Assets()
    parser.feed(html)
    return parser


async def test_board_page_is_served_with_a_self_only_csp_and_no_inline_script(client: httpx.AsyncClient) -> None:
    answer = await client.get("/board/")
    assert answer.status_code == 200 and "text/html" in answer.headers["content-type"]
    csp = answer.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self';" in csp and "unsafe-inline" not in csp
    assert answer.headers["referrer-policy"] == "no-referrer"
    page = assets_of(answer.text)
    assert page.inline_scripts == 0 and page.urls
    for url in page.urls:
        assert not re.match(r"^(https?:)?//", url), url
        asset = await client.get(f"/board/{url}")
        assert asset.status_code == 200, url
        assert "content-security-policy" in asset.headers


async def test_board_scripts_only_import_files_of_the_board(client: httpx.AsyncClient) -> None:
    for script in sorted((BOARD_STATIC / "js").glob("*.js")):
        text = script.read_text(encoding="utf-8")
        for target in re.findall(r'from "([^"]+)"', text):
            assert target.startswith("./") and (script.parent / target).is_file(), (script.name, target)
        assert "innerHTML" not in text, f"{script.name}: data from the API is put in the page as text, never as HTML"
        assert (await client.get(f"/board/js/{script.name}")).status_code == 200


async def test_board_without_trailing_slash_redirects(client: httpx.AsyncClient) -> None:
    answer = await client.get("/board", follow_redirects=False)
    assert answer.status_code in (301, 307, 308) and answer.headers["location"].endswith("/board/")


async def test_graphiql_page_loads_every_asset_from_the_app(client: httpx.AsyncClient) -> None:
    answer = await client.get("/graphql", headers={"Accept": "text/html"})
    assert answer.status_code == 200
    assert "script-src 'self';" in answer.headers["content-security-policy"]
    page = assets_of(answer.text)
    assert page.inline_scripts == 0
    names = " ".join(page.urls)
    for needed in ("react.production.min.js", "react-dom.production.min.js", "graphiql.min.js", "graphiql.min.css",
                   "graphiql-plugin-explorer"):
        assert needed in names, needed
    for url in page.urls:
        assert url.startswith("/graphiql/static/"), url
        asset = await client.get(url)
        assert asset.status_code == 200 and len(asset.content) > 100, url
    assert "unpkg.com" not in answer.text and "cdn" not in answer.text.lower()


async def test_vendored_libraries_carry_their_licence(client: httpx.AsyncClient) -> None:
    from api.graphiql import STATIC as GRAPHIQL_STATIC

    for folder in ("react", "react-dom", "graphiql", "graphiql-plugin-explorer"):
        licence = (GRAPHIQL_STATIC / "vendor" / folder / "LICENSE").read_text(encoding="utf-8")
        assert "MIT License" in licence and "Permission is hereby granted" in licence, folder
