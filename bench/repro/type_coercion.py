"""Pitfall: the engine compares text and booleans with numbers ('abc' > 5 is true) and None with nothing."""

import contextlib
import json

from _host import QuietHost
from durable.engine import MessageNotHandledException

fired: list[str] = []
host = QuietHost()
host.register_rulesets({"t1": {
    "gt": {"all": [{"m": {"$and": [{"t": "x"}, {"$gt": {"a": 5}}]}}], "run": lambda c: fired.append(">5")},
    "lt": {"all": [{"m": {"$and": [{"t": "x"}, {"$lt": {"a": 5}}]}}], "run": lambda c: fired.append("<5")},
    "ne": {"all": [{"m": {"$and": [{"t": "x"}, {"$neq": {"a": 5}}]}}], "run": lambda c: fired.append("!=5")},
}})
seen = {}
for i, value in enumerate(["abc", "6", True, None]):
    fired.clear()
    with contextlib.suppress(MessageNotHandledException):
        host.assert_fact("t1", {"sid": str(i), "t": "x", "a": value})
    seen[repr(value)] = sorted(fired)
print(json.dumps(seen))
