"""Two API processes told they are two (SOP_API_PROCESSES=2) admit together no more than one key's limit."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.e2e.multiprocess.conftest import APP
from tests.e2e.multiprocess.servers import Server, uvicorn_servers

QUERY = {"query": "{ orders(first: 1) { totalCount } }"}


async def _status(server: Server, key: str) -> tuple[int, str | None]:
    async with httpx.AsyncClient(base_url=server.url, timeout=30.0) as http:
        response = await http.post("/graphql", json=QUERY, headers={"Authorization": f"Bearer {key}"})
    return response.status_code, response.headers.get("Retry-After")


async def test_each_process_admits_its_share_of_a_keys_burst(
    postgres_url: str, keys: dict[str, str], rules_dir: Path, tmp_path: Path
) -> None:
    """Tried: 1/min burst 4 over two processes; requests alternate between them (the refill is too slow to
    matter): 2 pass on each, 4 in all, then both refuse with Retry-After."""
    env = {"SOP_DATABASE_URL": postgres_url, "SOP_RULES_DIR": str(rules_dir), "SOP_API_PROCESSES": "2",
           "SOP_RATE_LIMIT_PER_KEY": "1/min burst 4"}
    with uvicorn_servers(APP, [env, env], tmp_path, name="limited") as (a, b):
        viewer = keys["viewer"]
        answers = [await _status(server, viewer) for server in (a, b, a, b, a, b)]
        assert [status for status, _ in answers] == [200, 200, 200, 200, 429, 429], a.log_tail() + b.log_tail()
        assert all(int(retry) > 0 for _, retry in answers[4:])  # type: ignore[arg-type]
        assert [(await _status(server, keys["planner"]))[0] for server in (a, b)] == [200, 200]
