"""Every GraphQL document the board sends validates against the schema, so a schema change cannot break it silently."""

from __future__ import annotations

import re
from pathlib import Path

from graphql import parse, validate

from api.schema import build_schema

JS = Path(__file__).resolve().parents[3] / "api" / "board" / "static" / "js"
DOCUMENT = re.compile(r"""[`"]((?:query|mutation|subscription) \w+[^`"]*)[`"]""")


def board_documents() -> dict[str, str]:
    """Each document by file and operation name; the KPI query's `${FIELDS}` is filled from its KPIS table."""
    found: dict[str, str] = {}
    for path in sorted(JS.glob("*.js")):
        text = path.read_text()
        fields = " ".join(re.findall(r'^\s*\["(\w+)", "', text, re.MULTILINE))
        for match in DOCUMENT.finditer(text):
            document = match.group(1).replace("${FIELDS}", fields)
            found[f"{path.name}: {document.split('(')[0].split('{')[0].strip()}"] = document
    return found


def test_the_board_s_documents_validate_against_the_schema() -> None:
    documents = board_documents()
    # the board's lists, detail, heatmap, KPI cards, quote and both live feeds
    assert len(documents) >= 10, sorted(documents)
    assert not [d for d in documents.values() if "${" in d], "an interpolation left unfilled"
    schema = build_schema()._schema
    broken = {name: [e.message for e in validate(schema, parse(doc))] for name, doc in documents.items()}
    assert not {name: errors for name, errors in broken.items() if errors}
