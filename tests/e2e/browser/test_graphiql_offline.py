"""GraphiQL at /graphql renders with every request to another host failing: its assets come from the app."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from tests.e2e.browser.conftest import Demo, screenshot

QUERY = "{ productionLines { code } }"


def test_graphiql_renders_and_runs_a_query_without_internet(page: Any, demo: Demo) -> None:
    own = urlsplit(demo.url).netloc
    elsewhere: list[str] = []

    def only_this_app(route: Any) -> None:
        if urlsplit(route.request.url).netloc == own:
            route.continue_()
        else:  # as on a machine without internet: the request fails
            elsewhere.append(route.request.url)
            route.abort("internetdisconnected")

    page.route("**/*", only_this_app)
    page.goto(f"{demo.url}/graphql")
    page.wait_for_selector(".graphiql-editor .CodeMirror", timeout=30_000)
    page.wait_for_selector(".graphiql-execute-button", timeout=30_000)
    assert "Loading..." not in page.inner_text("#graphiql")
    assert elsewhere == [], f"GraphiQL asked other hosts: {elsewhere}"

    # The editor works: a query with the key in the headers comes back with data.
    page.evaluate(
        "([query, key]) => { const [q, , h] = document.querySelectorAll('.CodeMirror');"
        " q.CodeMirror.setValue(query); h.CodeMirror.setValue(JSON.stringify({Authorization: 'Bearer ' + key})); }",
        [QUERY, demo.keys["viewer"]],
    )
    page.click(".graphiql-execute-button")
    page.wait_for_selector(".result-window >> text=productionLines", timeout=30_000)
    screenshot(page, "graphiql-offline")
    assert not [e for e in page.errors if "Content Security Policy" in e], page.errors
