"""`sop serve --workers N` with one listening socket per worker (SO_REUSEPORT), so the kernel spreads connections.

uvicorn's supervisor binds one socket and every worker accepts from it: whichever worker wakes first takes a whole
burst of connections, and keep-alive clients (partner systems) stay on it. bench/api.py saw 50 clients split 10/40
and 36/14 between two workers, so one worker queued while the other idled. With a socket of its own in a
SO_REUSEPORT group each worker has its own accept queue and Linux deals connections out by their address hash.
The supervisor itself (health checks, restarts, signals) stays uvicorn's.
"""

from __future__ import annotations

import logging
import socket
import sys

from uvicorn import Config
from uvicorn.supervisors import multiprocess

logger = logging.getLogger("uvicorn.error")


def kernel_balances() -> bool:
    """SO_REUSEPORT balances between sockets on Linux; elsewhere one socket of the group takes every connection."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def reuse_port_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port in the port's SO_REUSEPORT group (proto TCP, so accepted sockets get
    TCP_NODELAY from asyncio as uvicorn's own single-process listener does)."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                         proto=socket.IPPROTO_TCP)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    sock.set_inheritable(True)
    return sock


class OwnSocketWorker(multiprocess.Process):
    """uvicorn's worker process, listening on a socket it binds itself (also after a restart by the supervisor)."""

    def target(self, sockets: list[socket.socket] | None = None) -> None:  # runs in the worker
        super().target([reuse_port_socket(self.config.host, self.config.port)])


def serve_workers(config: Config) -> None:
    """Run `config.workers` workers under uvicorn's supervisor, each on its own SO_REUSEPORT socket."""
    # The supervisor makes (and remakes) its workers by this module-level name; the parent binds nothing.
    uvicorns_worker = multiprocess.Process
    multiprocess.Process = OwnSocketWorker  # type: ignore[misc]
    try:
        logger.info("Uvicorn running on http://%s:%d with %d workers, one SO_REUSEPORT socket each", config.host,
                    config.port, config.workers)
        multiprocess.Multiprocess(config, sockets=[]).run()
    finally:
        multiprocess.Process = uvicorns_worker  # type: ignore[misc]
