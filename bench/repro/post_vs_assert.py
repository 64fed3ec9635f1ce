"""Pitfall: `post` lets only the first matching rule fire; `assert_fact` fires every matching rule."""

import json

from _host import QuietHost, gt5

fired: list[str] = []
host = QuietHost()
host.register_rulesets({"t1": {**gt5(lambda c: fired.append("a>5"), "r0"),
                               "r1": {"all": [{"m": {"$and": [{"t": "x"}, {"$gt": {"a": 4}}]}}],
                                      "run": lambda c: fired.append("a>4")}}})
host.post("t1", {"sid": "1", "t": "x", "a": 6})
posted = list(fired)
fired.clear()
host.assert_fact("t1", {"sid": "2", "t": "x", "a": 6})
print(json.dumps({"post_fired": posted, "assert_fact_fired": fired}))
