"""Pitfall: the default durable-rules Host starts two timer threads that dispatch behind the caller."""

import json
import threading
import time

from _host import QuietHost
from durable.engine import Host

before = threading.active_count()
QuietHost()
quiet = threading.active_count() - before
Host()
time.sleep(0.3)
print(json.dumps({"threads_added_by_default_host": threading.active_count() - before - quiet,
                  "threads_added_by_quiet_host": quiet}))
