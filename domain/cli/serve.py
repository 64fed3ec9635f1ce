"""`sop serve`: the GraphQL API under uvicorn."""

from __future__ import annotations

import click


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int, help="API processes (PostgreSQL for more than one).")
def serve(host: str, port: int, workers: int) -> None:
    """Serve GraphQL (and GraphiQL in development) on http://HOST:PORT/graphql."""
    import uvicorn

    uvicorn.run("api.app:create_app", factory=True, host=host, port=port, workers=workers, log_level="info")
