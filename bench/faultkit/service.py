"""The plant under test: migrated, the demo loaded, bench keys made, served by `sop serve --workers N`."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import select

from domain.api_keys import create_api_key
from domain.config import DEFAULT_RULES_DIR
from domain.db import session_scope, sync_engine
from domain.models import Customer, Product, Routing
from tests.e2e.multiprocess.servers import checkout_first, stop, uvicorn_workers, worker_started
from tests.ports import free_port

SOP = str(Path(sys.executable).with_name("sop"))  # the venv's `sop`, beside the interpreter running the bench


def sop(env: dict[str, str], *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run one `sop` command; raise with its output when it fails."""
    done = subprocess.run([SOP, *args], env=checkout_first({**os.environ, **env}), capture_output=True, text=True,
                          timeout=timeout)
    if done.returncode != 0:
        output = done.stdout[-2000:] + done.stderr[-2000:]
        raise RuntimeError(f"sop {' '.join(args)} exited {done.returncode}:\n{output}")
    return done


@dataclass(frozen=True)
class Plant:
    """What clients need: keys (partner ones act for `customers`), the skus they may order."""

    partner_keys: list[str]
    admin_key: str
    customers: list[str]
    skus: list[str]


def load_plant(env: dict[str, str], size: str, partners: int) -> Plant:
    """Migrate, load the demo plant with its first plan, and create `partners` partner keys and an admin key."""
    sop(env, "db", "upgrade")
    sop(env, "demo", "load", "--size", size)
    engine = sync_engine(env["SOP_DATABASE_URL"])
    try:
        with session_scope(engine) as s:
            customers = list(s.scalars(select(Customer.code).order_by(Customer.code).limit(2 * partners)))
            skus = list(s.scalars(select(Product.sku).where(Product.id.in_(select(Routing.product_id)))
                                  .order_by(Product.sku)))
            keys = [create_api_key(s, "partner", f"faults-{i}", customers[2 * i:2 * i + 2]) for i in range(partners)]
            admin = create_api_key(s, "admin", "faults-admin")
    finally:
        engine.dispose()
    return Plant(keys, admin, customers, skus)


def copy_rules(folder: Path) -> Path:
    """The served rules folder: a copy, so the bench may break and restore files without touching the repo's."""
    target = folder / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__", "README.md"))
    return target


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def workers(self) -> list[int]:
        return uvicorn_workers(self.process.pid)

    def wait_workers(self, count: int, timeout: float = 120.0) -> float:
        """Seconds until `count` workers have built their app and /readyz answers 200 (uvicorn restarts a dead
        worker; one whose app fails to build stops the whole service)."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"sop serve exited with {self.process.returncode}:\n{self.log_tail()}")
            workers = self.workers()
            if len(workers) >= count and all(worker_started(self.log, pid) for pid in workers) and ready(self.url):
                return time.monotonic() - started
            time.sleep(0.1)
        raise TimeoutError(f"{count} workers not back within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def kill_worker(self, pid: int, timeout: float = 30.0) -> None:
        """SIGKILL, and return once uvicorn has noticed (the dead worker is no longer its child)."""
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + timeout
        while pid in self.workers() and time.monotonic() < deadline:
            time.sleep(0.05)


def ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readyz", timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


@contextmanager
def served(env: dict[str, str], workers: int, log_dir: Path) -> Iterator[Served]:
    """`sop serve --workers N` on a free port, ready when it yields; stopped (SIGTERM, then SIGKILL) on exit."""
    port = free_port()
    log = log_dir / f"serve-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen([SOP, "serve", "--port", str(port), "--workers", str(workers)],
                                   env=checkout_first({**os.environ, **env}), stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    server = Served(process, port, log)
    try:
        server.wait_workers(workers, timeout=120)
        yield server
    finally:
        stop(process, grace_seconds=15)


@dataclass
class ReadinessProbe:
    """Polls /readyz every `every` seconds in a thread and keeps (time, ready) samples."""

    url: str
    every: float = 0.1
    samples: list[tuple[float, bool]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True, name="readyz-probe")
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.samples.append((time.monotonic(), ready(self.url)))

    def between(self, begin: float, end: float) -> list[bool]:
        return [ok for at, ok in list(self.samples) if begin <= at <= end]

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
