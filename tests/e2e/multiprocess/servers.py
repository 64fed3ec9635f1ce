"""Real uvicorn server processes on loopback ports, started and always stopped (tests and bench/api.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.ports import free_port

REPO_ROOT = Path(__file__).resolve().parents[3]
START_TRIES = 3  # a free port can be taken between choosing it and binding it: try another one


@dataclass(frozen=True)
class Server:
    """A running uvicorn process: where it listens and where it logs."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def _children(pid: int) -> list[int]:
    """The direct child processes of `pid` (Linux /proc)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found.extend(int(c) for c in (task / "children").read_text().split())
        except OSError:
            continue
    return found


def uvicorn_workers(supervisor_pid: int) -> list[int]:
    """The worker processes of `uvicorn --workers N` (multiprocessing "spawn" children, not its resource tracker)."""
    workers = []
    for pid in _children(supervisor_pid):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "multiprocessing.spawn" in command and "resource_tracker" not in command:
            workers.append(pid)
    return sorted(workers)


def worker_started(log: Path, pid: int) -> bool:
    """uvicorn logs this line once a worker has built its app (after the app factory returned)."""
    return f"Started server process [{pid}]" in log.read_text(errors="replace")


def stop(process: subprocess.Popen[bytes], grace_seconds: float = 5.0) -> None:
    """SIGTERM, a bounded wait, then SIGKILL: the process is gone when this returns."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=grace_seconds)


def _wait_ready(process: subprocess.Popen[bytes], url: str, ready_path: str, timeout: float) -> bool:
    """True once `ready_path` answers 200; False if the process died first (e.g. the port was taken)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            if httpx.get(url + ready_path, timeout=2.0).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{url}{ready_path} was not ready within {timeout:.0f} s")


def _launch(app: str, env: Mapping[str, str], log_dir: Path, name: str) -> Server:
    port = free_port()
    log = log_dir / f"{name}-{port}.log"
    command = [sys.executable, "-m", "uvicorn", app, "--factory", "--host", "127.0.0.1", "--port", str(port),
               "--log-level", "warning", "--no-access-log"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=REPO_ROOT, env={**os.environ, **env}, stdout=out,
                                   stderr=subprocess.STDOUT)
    return Server(process, port, log)


@contextmanager
def uvicorn_servers(
    app: str, envs: list[Mapping[str, str]], log_dir: Path, *, name: str = "server", ready_path: str = "/readyz",
    timeout: float = 60.0,
) -> Iterator[list[Server]]:
    """`python -m uvicorn <app> --factory` on 127.0.0.1, one process per env (started side by side).

    Every process started here is stopped on exit, whatever happened, including a failed start.
    """
    started: list[Server] = []
    try:
        servers = []
        for i, env in enumerate(envs):
            server = _launch(app, env, log_dir, f"{name}-{i}")
            started.append(server)
            servers.append(server)
        for i, env in enumerate(envs):
            for attempt in range(1, START_TRIES + 1):
                if _wait_ready(servers[i].process, servers[i].url, ready_path, timeout):
                    break
                tail = servers[i].log_tail()
                if attempt == START_TRIES or "address already in use" not in tail.lower():
                    raise RuntimeError(f"{name}-{i} exited with {servers[i].process.returncode} before it was "
                                       f"ready:\n{tail}")
                servers[i] = _launch(app, env, log_dir, f"{name}-{i}")
                started.append(servers[i])
        yield servers
    finally:
        for server in started:  # all at once, then a bounded wait for each
            if server.process.poll() is None:
                server.process.terminate()
        for server in started:
            stop(server.process)


@contextmanager
def uvicorn_server(app: str, env: Mapping[str, str], log_dir: Path, *, name: str = "server",
                   ready_path: str = "/readyz", timeout: float = 60.0) -> Iterator[Server]:
    """One server process; see uvicorn_servers."""
    with uvicorn_servers(app, [env], log_dir, name=name, ready_path=ready_path, timeout=timeout) as servers:
        yield servers[0]


@dataclass(frozen=True)
class Serve:
    """A running `sop serve --workers N`: its processes (the workers, or the one process when N is 1)."""

    server: Server
    workers: int

    @property
    def url(self) -> str:
        return self.server.url

    def pids(self) -> list[int]:
        """The processes that answer requests: uvicorn's workers under a supervisor, else the process itself."""
        return uvicorn_workers(self.server.process.pid) if self.workers > 1 else [self.server.process.pid]


def _serving(serve: Serve, timeout: float) -> None:
    """Until every worker has started and /readyz answers 200; fails with the log if the process exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if serve.server.process.poll() is not None:
            raise RuntimeError(f"sop serve exited with {serve.server.process.returncode}:\n{serve.server.log_tail()}")
        pids = serve.pids()
        started = serve.workers == 1 or all(worker_started(serve.server.log, p) for p in pids)
        if len(pids) == serve.workers and started:
            try:
                if httpx.get(serve.url + "/readyz", timeout=2.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
        time.sleep(0.2)
    raise TimeoutError(f"sop serve --workers {serve.workers} not serving within {timeout:.0f} s:\n"
                       f"{serve.server.log_tail()}")


def checkout_first(env: Mapping[str, str]) -> dict[str, str]:
    """`env` with this checkout first on PYTHONPATH. A console script's import path does not hold the checkout, so an
    editable install would serve the tree it was installed from (another worktree), not the code under test;
    `python -m uvicorn` run from the checkout already has it first."""
    path = os.pathsep.join(filter(None, (str(REPO_ROOT), env.get("PYTHONPATH"))))
    return {**env, "PYTHONPATH": path}


@contextmanager
def sop_serve(workers: int, env: Mapping[str, str], log_dir: Path, *, name: str = "serve",
              timeout: float = 180.0) -> Iterator[Serve]:
    """`sop serve --workers N` on a free loopback port (the production entry point), always stopped on exit."""
    sop = str(Path(sys.executable).with_name("sop"))
    port = free_port()
    log = log_dir / f"{name}-{port}.log"
    with log.open("wb") as out:
        command = [sop, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=checkout_first({**os.environ, **env}), stdout=out,
                                   stderr=subprocess.STDOUT)
    try:
        serve = Serve(Server(process, port, log), workers)
        _serving(serve, timeout)
        yield serve
    finally:
        stop(process, grace_seconds=15)
