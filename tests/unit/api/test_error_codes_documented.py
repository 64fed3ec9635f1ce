"""Every code a client can receive is an ErrorCode value with a description, and docs/errors.md lists each one."""

from __future__ import annotations

import re
from pathlib import Path

from api.core.errors import ErrorCode
from api.schema import build_schema

DOC = Path(__file__).resolve().parents[3] / "docs" / "errors.md"
# The codes the transport and the key check send before any resolver runs (api/core/view.py, limits.py).
TRANSPORT_CODES = {"UNAUTHENTICATED", "RATE_LIMITED", "UNAVAILABLE", "BUSY", "BAD_REQUEST", "LIMIT_EXCEEDED",
                   "GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "INTERNAL"}


def test_the_transport_codes_are_in_the_enum_with_descriptions() -> None:
    enum = build_schema()._schema.type_map["ErrorCode"]
    missing = TRANSPORT_CODES - set(enum.values)  # type: ignore[attr-defined]
    assert not missing, f"codes a client receives but ErrorCode lacks: {sorted(missing)}"
    bare = [name for name, value in enum.values.items() if not value.description]  # type: ignore[attr-defined]
    assert not bare, f"ErrorCode values without a description: {bare}"


def test_the_docs_list_every_code() -> None:
    listed = set(re.findall(r"^\| `([A-Z_]+)` \|", DOC.read_text(), re.MULTILINE))
    assert listed == {code.value for code in ErrorCode}, (
        f"docs/errors.md lacks {sorted({c.value for c in ErrorCode} - listed)}, "
        f"lists unknown {sorted(listed - {c.value for c in ErrorCode})}")


def test_every_code_the_api_sends_is_an_enum_value() -> None:
    """A literal code in api/ (an extensions dict, a refusal) that is not in ErrorCode fails here, named."""
    sent: set[str] = set()
    for path in Path(__file__).resolve().parents[3].joinpath("api").rglob("*.py"):
        text = path.read_text()
        sent |= set(re.findall(r'"code": "([A-Z_]+)"', text))
        sent |= set(re.findall(r'refus\w*\(\d{3}, "([A-Z_]+)"', text))
        sent |= set(re.findall(r'code = "([A-Z_]+)"', text))
    assert sent >= {"UNAUTHENTICATED", "RATE_LIMITED", "UNAVAILABLE"}, f"the scan found too little: {sorted(sent)}"
    unknown = sorted(sent - {c.value for c in ErrorCode})
    assert not unknown, f"sent but not in ErrorCode: {unknown}"
