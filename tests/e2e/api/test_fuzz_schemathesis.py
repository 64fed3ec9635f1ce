"""A bounded schemathesis run over the whole GraphQL schema with the admin key: no HTTP 500, no INTERNAL.

schemathesis draws documents for every query and mutation field from api/schema.graphql (arguments written
as literals, random selections; valid and invalid ones) and sends them to the app served by uvicorn on a
free port, on SQLite and on PostgreSQL. SOP_FUZZ_EXAMPLES documents per field (10 by default: about 300
operations a backend); set it higher for a longer hunt, e.g. SOP_FUZZ_EXAMPLES=200. The draws repeat run
to run (tests/conftest.py's profile) unless SOP_HYPOTHESIS_EXPLORE=1. What it found is in
test_hostile_catalogue.py, each with its input.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.graphql import nodes
from sqlalchemy import Engine

from api.app import create_app
from api.export_schema import SCHEMA_FILE
from domain.config import Settings
from tests.e2e.api.conftest import Plant
from tests.ports import free_port

EXAMPLES = int(os.environ.get("SOP_FUZZ_EXAMPLES", "10"))

# The scalars schemathesis cannot know: valid values mostly, and some that are not (a client sends both).
schemathesis.graphql.scalar("Date", st.one_of(st.dates().map(lambda d: d.isoformat()), st.text(max_size=12))
                            .map(nodes.String))
schemathesis.graphql.scalar("DateTime", st.one_of(st.datetimes().map(lambda d: d.isoformat() + "Z"),
                                                  st.text(max_size=12)).map(nodes.String))
schemathesis.graphql.scalar("Decimal", st.one_of(st.decimals(allow_nan=False, places=2).map(str),
                                                 st.text(max_size=8)).map(nodes.String))
SCHEMA = schemathesis.graphql.from_path(SCHEMA_FILE)


@contextmanager
def live(db_url: str) -> Iterator[str]:
    """The app served by uvicorn in a thread on a free port (schemathesis sends real HTTP requests)."""
    server = uvicorn.Server(uvicorn.Config(create_app(Settings(database_url=db_url)), host="127.0.0.1",
                                           port=free_port(), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(500):
        if server.started:
            break
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{server.config.port}/graphql"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def problem(response: Any) -> str | None:
    """What is wrong with an answer: a 5xx, a body that is not JSON, or an error or UserError coded INTERNAL."""
    if response.status_code >= 500:
        return f"HTTP {response.status_code}"
    try:
        body = response.json()
    except ValueError:
        return "not JSON"
    codes = [(e.get("extensions") or {}).get("code") for e in body.get("errors") or []]
    text = response.text
    if "INTERNAL" in codes or '"code":"INTERNAL"' in text.replace(" ", ""):
        return "INTERNAL"
    return None


@pytest.mark.slow
def test_schemathesis_finds_no_500_and_no_internal(db: Engine, db_url: str, plant: Plant) -> None:
    failures: list[str] = []
    sent: list[str] = []
    headers = {"Authorization": f"Bearer {plant.keys['admin']}"}
    with live(db_url) as url:
        for result in SCHEMA.get_all_operations():
            operation = result.ok()

            @settings(max_examples=EXAMPLES, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))
            # Valid documents and invalid ones (wrong argument types, missing required arguments) alike.
            @given(case=st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                                  operation.as_strategy(GenerationMode.NEGATIVE)))
            def call(case: Any) -> None:
                response = case.call(base_url=url, headers=headers, timeout=60)
                sent.append(case.operation.label)
                found = problem(response)
                if found is not None:  # kept, not raised: one run reports every field that fails
                    failures.append(f"{case.operation.label}: {found}: {case.body}\n  -> {response.text[:300]}")

            call()
    fields = set(sent)
    # Every field of the schema was called (a scalar without a strategy would skip its fields silently).
    assert len(fields) == len(list(SCHEMA.get_all_operations())), fields
    print(f"schemathesis: {len(sent)} operations over {len(fields)} fields")
    assert not failures, f"{len(failures)} of {len(sent)} operations failed:\n" + "\n".join(failures[:20])
