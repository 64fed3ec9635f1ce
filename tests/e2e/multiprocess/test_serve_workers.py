"""`sop serve --workers 2`: a worker that cannot answer uvicorn's supervisor for a few seconds is not killed.

Found by bench/faults.py: on a loaded host a new worker needs longer than uvicorn's default 5 s health check to
start answering, so the supervisor killed every new worker as hung and started another, for ever. A SIGSTOP of
8 s stands in for the starved worker here.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import suppress
from pathlib import Path

import httpx

from tests.e2e.multiprocess.servers import checkout_first, stop, uvicorn_workers, worker_started
from tests.ports import free_port

SOP = str(Path(sys.executable).with_name("sop"))
STARVED_SECONDS = 8.0  # longer than uvicorn's own 5 s, shorter than the service's default 30 s


def _serving(process: subprocess.Popen[bytes], log: Path, port: int, timeout: float = 180.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        workers = uvicorn_workers(process.pid)
        if len(workers) == 2 and all(worker_started(log, pid) for pid in workers):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                    return workers
            except httpx.HTTPError:
                pass
        time.sleep(0.2)
    raise AssertionError(f"two workers not serving within {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def test_a_worker_silent_longer_than_uvicorns_default_health_check_is_kept(postgres_url: str, tmp_path: Path) -> None:
    """Input tried: one of two workers stopped (SIGSTOP) for 8 s, then continued."""
    port, log = free_port(), tmp_path / "serve.log"
    env = checkout_first({**os.environ, "SOP_DATABASE_URL": postgres_url})
    env.pop("SOP_WORKER_HEALTHCHECK_SECONDS", None)  # the default is what is tested
    with log.open("wb") as out:
        process = subprocess.Popen([SOP, "serve", "--workers", "2", "--port", str(port)], env=env, stdout=out,
                                   stderr=subprocess.STDOUT)
    try:
        victim = _serving(process, log, port)[0]
        os.kill(victim, signal.SIGSTOP)
        try:
            time.sleep(STARVED_SECONDS)
        finally:
            with suppress(ProcessLookupError):  # uvicorn's 5 s default killed it as hung: the assertion says so
                os.kill(victim, signal.SIGCONT)
        time.sleep(1.5)  # the supervisor looks every 0.5 s
        assert victim in uvicorn_workers(process.pid), log.read_text()[-3000:]
        assert f"Child process [{victim}] died" not in log.read_text()
        assert httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code == 200
    finally:
        stop(process, grace_seconds=15)
