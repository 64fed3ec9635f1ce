"""Pitfall: an exception raised in an action is swallowed into state['exception']; the caller sees none."""

import json

from _host import QuietHost, gt5


def boom(c: object) -> None:
    raise ValueError("boom")


host = QuietHost()
host.register_rulesets({"t1": gt5(boom)})
state = host.assert_fact("t1", {"sid": "1", "t": "x", "a": 6})
print(json.dumps({"raised": False, "state_exception": "boom" in state.get("exception", "")}))
