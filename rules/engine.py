"""The one durable-rules host of the process: no timer threads, one lock, sessions and rulesets freed."""

from __future__ import annotations

import itertools
import threading
import weakref
from collections import deque
from collections.abc import Sequence
from typing import Any

import durable_rules_engine
from durable.engine import Host

from rules.errors import EngineError

# durable-rules has no locks inside; one lock per process serialises every call into it
EVALUATION_LOCK = threading.RLock()
_ruleset_serial = itertools.count()
_session_serial = itertools.count()
_retired: deque[tuple[str, int]] = deque()


class HostWithoutTimers(Host):  # type: ignore[misc]
    """The default Host starts two timer threads that dispatch behind the caller's back."""

    def _run(self) -> None:
        pass


_host = HostWithoutTimers()


def _free_retired() -> None:
    """Free rulesets whose rule book is gone; only ever called holding the lock, between evaluations."""
    while _retired:
        name, handle = _retired.popleft()
        ruleset = _host._ruleset_directory.pop(name, None)
        if ruleset is not None:
            _host._ruleset_list.remove(ruleset)
        # without this each replaced ruleset stays in the engine: 2,000 reloads grew 285 MB
        durable_rules_engine.delete_ruleset(handle)


def live_ruleset_count() -> int:
    with EVALUATION_LOCK:
        _free_retired()
        return len(_host._ruleset_list)


class DurableRuleSet:
    """One compiled rule set registered in durable-rules; match() returns the indexes of the rules that fired."""

    def __init__(self, name: str, patterns: Sequence[tuple[dict[str, Any], int]]) -> None:
        self.type_tag = name
        self.registered_name = f"{name}_{next(_ruleset_serial)}"  # a name cannot be registered twice
        self._fired: list[int] = []
        fired = self._fired  # the actions hold the list, not self, so a dropped rule book can be collected
        top = max((priority for _, priority in patterns), default=0)
        # durable-rules fires the lowest `pri` first; our files say "higher priority wins"
        definition: dict[str, Any] = {
            f"r{index}": {"all": [{"m": pattern}], "pri": top - priority, "run": _recorder(fired, index)}
            for index, (pattern, priority) in enumerate(patterns)
        }
        # a fact no rule matches still opens a session, and delete_state on that session corrupts
        # the heap (free(): invalid pointer); this catch-all keeps every fact handled
        bottom = top - min((priority for _, priority in patterns), default=0) + 1
        definition["handled"] = {"all": [{"m": {"t": name}}], "pri": bottom, "run": _ignore}
        with EVALUATION_LOCK:
            _free_retired()
            _host.register_rulesets({self.registered_name: definition})
            self._ruleset = _host._ruleset_directory[self.registered_name]
        handle = self._ruleset._handle
        self._finalizer = weakref.finalize(self, _retired.append, (self.registered_name, handle))

    def match(self, fact: dict[str, Any]) -> list[int]:
        """Assert one fact in a fresh session; every matching rule fires (post would fire only one)."""
        with EVALUATION_LOCK:
            if not self._finalizer.alive:
                raise EngineError(f"rule set {self.type_tag} was closed")
            _free_retired()
            sid = str(next(_session_serial))
            fact["sid"] = sid
            fact["t"] = self.type_tag
            self._fired.clear()
            try:
                state = _host.assert_fact(self.registered_name, fact)
            finally:
                # a live session per evaluation would hit MemoryError at the 1,025th, then segfault
                self._ruleset.delete_state(sid)
            if state and "exception" in state:
                # durable-rules swallows exceptions of actions into the state; surface them
                raise EngineError(f"rule set {self.type_tag}: an action failed: {state['exception']}")
            return list(self._fired)

    def close(self) -> None:
        """Free the ruleset now instead of when it is collected."""
        with EVALUATION_LOCK:
            self._finalizer()
            _free_retired()


def _ignore(closure: Any) -> None:
    pass


def _recorder(fired: list[int], index: int) -> Any:
    def record(closure: Any) -> None:
        fired.append(index)

    return record
