"""`sop keys revoke` while two API processes serve a key: both refuse it on their next request."""

from __future__ import annotations

import httpx
from click.testing import CliRunner

from cli import cli
from tests.e2e.multiprocess.conftest import TwoProcesses
from tests.e2e.multiprocess.servers import Server

QUERY = {"query": "{ orders(first: 1) { totalCount } }"}


async def _status(server: Server, key: str) -> int:
    async with httpx.AsyncClient(base_url=server.url, timeout=30.0) as http:
        response = await http.post("/graphql", json=QUERY, headers={"Authorization": f"Bearer {key}"})
    return response.status_code


async def test_a_key_revoked_by_the_cli_is_refused_by_both_processes(
    postgres_url: str, two_processes: TwoProcesses
) -> None:
    a, b, keys = two_processes.a, two_processes.b, two_processes.keys
    viewer = keys["viewer"]
    assert [await _status(a, viewer), await _status(b, viewer)] == [200, 200]
    prefix = viewer.split("_")[1]
    revoked = CliRunner().invoke(cli, ["keys", "revoke", prefix], env={"SOP_DATABASE_URL": postgres_url})
    assert revoked.exit_code == 0, revoked.output
    assert [await _status(a, viewer), await _status(b, viewer)] == [401, 401], a.log_tail() + b.log_tail()
    planner = keys["planner"]
    assert [await _status(a, planner), await _status(b, planner)] == [200, 200]
