"""`sop serve`: the GraphQL API under uvicorn, started only on a database it can use."""

from __future__ import annotations

import os
import socket
from typing import Any

import click

from domain.config import load_settings
from domain.db import checked_url, masked, require_migrated


def _refuse_busy(host: str, port: int) -> None:
    """Say so before starting when the address is taken (uvicorn would log it and exit after start-up)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise click.BadParameter(f"{host}: {error.strerror}", param_hint="--host") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind(address)
        except OSError as error:
            raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror} "
                                       "(pick another --port; `make run PORT=8001`)") from None


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1),
              help="API processes (PostgreSQL for more than one).")
@click.option("--reuse-port/--shared-socket", default=True, show_default=True,
              help="With several workers on Linux: a listening socket per worker (SO_REUSEPORT), so the kernel "
                   "spreads connections evenly; --shared-socket is uvicorn's one socket that the first worker "
                   "to wake accepts from.")
def serve(host: str, port: int, workers: int, reuse_port: bool) -> None:
    """Serve GraphQL (and GraphiQL in development) on http://HOST:PORT/graphql."""
    settings = load_settings()
    url = settings.database_url
    if workers > 1 and checked_url(url).get_backend_name() == "sqlite":
        raise click.BadParameter(f"{workers} workers need PostgreSQL; {masked(url)} is SQLite, served by one process",
                                 param_hint="--workers")
    require_migrated(url)
    _refuse_busy(host, port)
    # The workers divide the rate limits among themselves (api/core/rate_limits.py); an operator running several
    # hosts sets SOP_API_PROCESSES to the total, which is kept.
    os.environ.setdefault("SOP_API_PROCESSES", str(workers))
    import uvicorn

    from cli.worker_sockets import kernel_balances, serve_workers

    options: dict[str, Any] = {"factory": True, "host": host, "port": port, "workers": workers, "log_level": "info",
                               "timeout_worker_healthcheck": settings.worker_healthcheck_seconds}
    if workers > 1 and reuse_port and kernel_balances():
        serve_workers(uvicorn.Config("api.app:create_app", **options))
    else:
        uvicorn.run("api.app:create_app", **options)
