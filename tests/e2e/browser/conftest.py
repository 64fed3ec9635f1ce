"""A demo plant served on a free port, and Debian's headless Chromium driven by Playwright (skipped without it)."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from click.testing import CliRunner

from api.app import create_app
from cli import cli
from domain.config import Settings
from tests.dbutil import sync_engine, wipe
from tests.ports import free_port

# Playwright's own browser download cannot be fetched here: the tests drive the distribution's Chromium.
CHROMIUM = os.environ.get("SOP_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots"
NO_BROWSER = f"no Chromium at {CHROMIUM}: `make browser` installs Debian's chromium package (needs apt-get as root)"


def chromium_or_skip() -> str:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)) and shutil.which(CHROMIUM) is None:
        pytest.skip(NO_BROWSER)
    return CHROMIUM


class LiveServer:
    """The app on 127.0.0.1:<free port> in a thread, as `sop serve` runs it; restart() drops every connection.

    Each start builds a new app: its engine and broker belong to the event loop of the thread that serves them,
    and the lifespan closes them when that server stops.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        config = uvicorn.Config(create_app(self.settings), host="127.0.0.1", port=self.port, log_level="warning",
                                lifespan="on")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="board-test-server", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the test server did not start on port {self.port}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=20)
        self._server = self._thread = None

    def restart(self, down_seconds: float = 0.0) -> None:
        self.stop()
        time.sleep(down_seconds)
        self.start()

    def graphql(self, query: str, variables: dict[str, Any], key: str) -> Any:
        answer = httpx.post(f"{self.url}/graphql", json={"query": query, "variables": variables},
                            headers={"Authorization": f"Bearer {key}"}, timeout=30)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert not body.get("errors"), body
        return body["data"]


@dataclass
class Demo:
    server: LiveServer
    keys: dict[str, str]

    @property
    def url(self) -> str:
        return self.server.url


def _demo_keys(output: str) -> dict[str, str]:
    roles = ("viewer", "partner", "mes", "planner", "admin")
    return {role: value.strip() for role, _, value in (line.partition(": ") for line in output.splitlines())
            if role in roles and value.startswith("sop_")}


@pytest.fixture(scope="module")
def demo(db_url: str) -> Iterator[Demo]:
    """The small demo plant (`sop demo load --size small`) in this backend's test database, served on a free port."""
    chromium_or_skip()
    loaded = CliRunner().invoke(cli, ["demo", "load", "--size", "small"], env={"SOP_DATABASE_URL": db_url})
    engine = sync_engine(db_url)
    try:
        assert loaded.exit_code == 0, loaded.output
        server = LiveServer(Settings(database_url=db_url))
        server.start()
        try:
            yield Demo(server, _demo_keys(loaded.output))
        finally:
            server.stop()
    finally:
        wipe(engine)  # the next tests of the session expect the database empty
        engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    chromium = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, headless=True)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh tab at a laptop's size; every console error is kept in `page.errors` for the test to check."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    tab = context.new_page()
    tab.errors = []
    tab.on("console", lambda message: tab.errors.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    try:
        yield tab
    finally:
        context.close()


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
