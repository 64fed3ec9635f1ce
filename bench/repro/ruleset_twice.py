"""Pitfall: a ruleset name registers once; replaced rulesets leak unless freed with delete_ruleset."""

import json
import resource
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
rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
for n in range(500):
    name = f"replaced_{n}"
    # built afresh each time: durable-rules deletes 'run' from the definition it is given
    big = {f"r{i}": {"all": [{"m": {"$and": [{"t": "x"}, {"$gt": {f"f{i}": i}}]}}], "run": lambda c: None}
           for i in range(40)}
    host.register_rulesets({name: big})
    if free:
        ruleset = host._ruleset_directory.pop(name)
        host._ruleset_list.remove(ruleset)
        durable_rules_engine.delete_ruleset(ruleset._handle)
grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
print(json.dumps({"second_registration": twice, "freed": free, "rss_growth_mb_500_replacements": round(grown_mb, 1)}))
