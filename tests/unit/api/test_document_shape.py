"""The document shape check that runs before GraphQL validation: each limit, and documents within them."""

from __future__ import annotations

import gc
import time

import pytest
from graphql import parse

from api.core.validation import ShapeLimits, shape_errors

LIMITS = ShapeLimits(max_selections=1000, max_duplicate_fields=10, max_fragment_spreads=100, max_fragment_nesting=10)


def messages(query: str) -> list[str]:
    return [error.message for error in shape_errors(parse(query, max_tokens=100_000), LIMITS)]


@pytest.mark.parametrize(
    ("what", "query", "words"),
    [
        ("one field 11 times", "{ orders { " + "totalCount " * 11 + "} }", ["'totalCount' is selected 11 times"]),
        ("an alias 11 times", "{ " + "a: __typename " * 11 + "}", ["'a' is selected 11 times"]),
        ("one fragment spread 11 times", "{ " + "...F " * 11 + "} fragment F on Query { __typename }",
         ["'...F' is selected 11 times"]),
        ("1,001 selections", "{ " + " ".join(f"a{i}: __typename" for i in range(1001)) + " }",
         ["more than 1000 selections"]),
        ("101 spreads", "{ " + " ".join(f"...F{i}" for i in range(101)) + " } "
         + " ".join(f"fragment F{i} on Query {{ __typename }}" for i in range(101)), ["spreads fragments 101 times"]),
        ("a chain of 11 fragments", "{ ...F0 } " + " ".join(f"fragment F{i} on Query {{ ...F{i + 1} }}"
                                                             for i in range(10)) + " fragment F10 on Query { a }",
         ["more than 10 deep"]),
    ],
)
def test_each_limit(what: str, query: str, words: list[str]) -> None:
    found = messages(query)
    assert len(found) == 1 and all(word in found[0] for word in words), (what, found)


@pytest.mark.parametrize(
    ("what", "query"),
    [
        ("a screen's page", "{ orders(first: 50) { edges { node { code status lines { quantity product { sku } } "
                            "...O } } } } fragment O on Order { code version customer { code name } }"),
        ("one field 10 times", "{ orders { " + "totalCount " * 10 + "} }"),
        ("a chain of 10 fragments", "{ ...F0 } " + " ".join(f"fragment F{i} on Query {{ ...F{i + 1} }}"
                                                             for i in range(9)) + " fragment F9 on Query { a }"),
        ("a fragment cycle (validation reports it)", "{ ...A } fragment A on Query { ...B } "
                                                     "fragment B on Query { ...A }"),
    ],
)
def test_within_the_limits(what: str, query: str) -> None:
    assert messages(query) == [], what


def test_the_check_is_linear() -> None:
    # Tried: 4,900 fields in one selection set (quadratic validation took seconds on a tenth of this).
    document = parse("{ " + "code " * 4900 + "}")
    # This thread's CPU, the collector held off: late in the suite a full collection of earlier tests' garbage costs
    # 0.35-0.6 s, and other threads' work is not the check's.
    gc.disable()
    try:
        started = time.thread_time()
        assert shape_errors(document, LIMITS)
        elapsed = time.thread_time() - started
    finally:
        gc.enable()
    assert elapsed < 0.05
