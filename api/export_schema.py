"""Write the live schema's SDL to api/schema.graphql: `python -m api.export_schema [--check]`."""

from __future__ import annotations

import sys
from pathlib import Path

from api.schema import build_schema

SCHEMA_FILE = Path(__file__).resolve().parent / "schema.graphql"


def schema_sdl() -> str:
    return str(build_schema()) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    sdl = schema_sdl()
    if "--check" in args:
        current = SCHEMA_FILE.read_text() if SCHEMA_FILE.exists() else ""
        if current != sdl:
            print(f"{SCHEMA_FILE} is stale: run `python -m api.export_schema`", file=sys.stderr)
            return 1
        return 0
    SCHEMA_FILE.write_text(sdl)
    print(f"wrote {SCHEMA_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
