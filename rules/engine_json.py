"""JSON as durable-rules' C parser reads it back exactly: facts and compiled rule sets go through here.

Its parser (src/rules/json.c, getNumber) takes an exponent only after a fraction, so Python's `1e-05`,
`-2e-07` or `1e+16` fail with error 204; a number without '.' is read with atoll, one with '.' with
atof. Floats are therefore written positionally with repr's shortest round-trip digits and always
a '.', and whole numbers only when int64 holds them (atoll would clamp the rest).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from json.encoder import encode_basestring_ascii as _string  # type: ignore[attr-defined]
from typing import Any

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


class NotEncodable(ValueError):
    """A value durable-rules cannot read exactly (NaN, infinity, a whole number beyond int64)."""

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.key = key


def number(value: float) -> str:
    """A float in plain positional notation that atof reads back as the same float: 1e-05 -> 0.00001."""
    if not math.isfinite(value):
        raise NotEncodable(f"{value!r} is not a finite number")
    text = float.__repr__(value)
    if "e" in text:
        text = format(Decimal(text), "f")
        if "." not in text:
            text += ".0"  # 1e+16 -> 10000000000000000.0: still a double, not atoll's int
    return text


def whole(value: int) -> str:
    if not _INT64_MIN <= value <= _INT64_MAX:
        raise NotEncodable(f"{value} is beyond the 64-bit whole numbers the engine compares")
    return int.__repr__(value)


def encode(value: Any) -> str:
    """Compact ASCII JSON of dicts, lists, tuples, text, booleans, None and numbers."""
    if isinstance(value, str):
        return _string(value)  # type: ignore[no-any-return]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return number(value)
    if isinstance(value, int):
        return whole(value)
    if value is None:
        return "null"
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{_string(str(key))}:{encode(item)}" for key, item in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(encode(item) for item in value) + "]"
    raise TypeError(f"cannot encode {type(value).__name__} for durable-rules: {value!r}")


def encode_fact(fact: Mapping[str, Any]) -> str:
    """encode() of one flat fact; NotEncodable says which key held the value."""
    parts = []
    for key, value in fact.items():
        try:
            parts.append(f"{_string(key)}:{encode(value)}")
        except NotEncodable as error:
            raise NotEncodable(error.message, key) from None
    return "{" + ",".join(parts) + "}"
