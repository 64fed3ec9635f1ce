"""Pitfall: a ruleset name registers once; replaced rulesets leak unless freed with delete_ruleset."""

import json
import os
import sys

import durable_rules_engine
from _host import QuietHost, gt5

host = QuietHost()
host.register_rulesets({"t1": gt5(lambda c: None)})
try:
    host.register_rulesets({"t1": gt5(lambda c: None)})
    twice = "accepted"
except Exception as error:
    twice = str(error)
free = "--free" in sys.argv
count = int(sys.argv[sys.argv.index("--count") + 1]) if "--count" in sys.argv else 500


def rss_mb() -> float:
    # current RSS, not ru_maxrss: a child's peak includes its parent's from before exec
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


rss_before = rss_mb()
for n in range(count):
    name = f"replaced_{n}"
    # built afresh each time: durable-rules deletes 'run' from the definition it is given
    big = {f"r{i}": {"all": [{"m": {"$and": [{"t": "x"}, {"$gt": {f"f{i}": i}}]}}], "run": lambda c: None}
           for i in range(40)}
    host.register_rulesets({name: big})
    if free:
        ruleset = host._ruleset_directory.pop(name)
        host._ruleset_list.remove(ruleset)
        durable_rules_engine.delete_ruleset(ruleset._handle)
print(json.dumps({"second_registration": twice, "freed": free, "replacements": count,
                  "rss_growth_mb": round(rss_mb() - rss_before, 1)}))
