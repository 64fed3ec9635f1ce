"""Pitfall: sessions that are never deleted run out at the 1,025th (MemoryError, then a segfault)."""

import json
import sys

from _host import QuietHost, gt5

host = QuietHost()
host.register_rulesets({"t1": gt5(lambda c: None)})
delete = "--delete" in sys.argv
failed_at = None
for i in range(3000):
    try:
        host.assert_fact("t1", {"sid": str(i), "t": "x", "a": 6})
    except MemoryError:
        failed_at = i + 1
        break
    if delete:
        host.delete_state("t1", str(i))
print(json.dumps({"delete_state": delete, "failed_at_session": failed_at}), flush=True)
