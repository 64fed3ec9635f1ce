"""The board at /board/: a static page (api/board/static) that reads the public GraphQL API with the user's key."""

from __future__ import annotations

from pathlib import Path

from starlette.routing import Mount

from api.core.static import static_files

STATIC = Path(__file__).parent / "static"


def board_mount() -> Mount:
    """/board/ serves index.html and its files; only same-origin scripts, styles and connections are allowed."""
    return Mount("/board", app=static_files(STATIC, html=True), name="board")
