"""Pitfall: the session state is re-asserted as a fact after each action; an untagged 'missing' rule loops."""

import json
import os
import sys

from _host import QuietHost

count = [0]


def act(c: object) -> None:
    count[0] += 1
    if count[0] > 100:
        print(json.dumps({"looped": True, "firings": count[0]}), flush=True)
        os._exit(3)  # SystemExit would be swallowed by durable-rules like any other exception


pattern = {"$and": [{"t": "x"}, {"$nex": {"amount": 1}}]} if "--tagged" in sys.argv else {"$nex": {"amount": 1}}
host = QuietHost()
host.register_rulesets({"t1": {"r0": {"all": [{"m": pattern}], "run": act}}})
host.assert_fact("t1", {"sid": "1", "t": "x", "other": 1})
print(json.dumps({"looped": False, "firings": count[0]}))
