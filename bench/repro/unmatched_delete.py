"""Pitfall: delete_state on a session whose fact matched no rule corrupts the heap; a catch-all avoids it."""

import contextlib
import json
import sys

from _host import QuietHost, gt5
from durable.engine import MessageNotHandledException

host = QuietHost()
rules = gt5(lambda c: None)
if "--catch-all" in sys.argv:
    rules["handled"] = {"all": [{"m": {"t": "x"}}], "pri": 9, "run": lambda c: None}
host.register_rulesets({"t1": rules})
for i, a in enumerate([1, 6, 1, 6]):
    with contextlib.suppress(MessageNotHandledException):
        host.assert_fact("t1", {"sid": str(i), "t": "x", "a": a})
    host.delete_state("t1", str(i))  # crashes the process at i=0 without the catch-all
print(json.dumps({"survived": True}), flush=True)
