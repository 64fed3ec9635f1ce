"""durable-rules driven through its C engine: no Host threads, one lock, sessions and rulesets always freed."""

from __future__ import annotations

import itertools
import logging
import threading
import weakref
from collections import deque
from collections.abc import Sequence
from typing import Any

import durable_rules_engine

from rules.engine_json import NotEncodable, encode, encode_fact
from rules.errors import EngineError, FactRejected
from rules.vocabulary import field_of

log = logging.getLogger("rules.engine")
# durable-rules has no locks inside; one lock per process serialises every call into it
EVALUATION_LOCK = threading.RLock()
_ruleset_serial = itertools.count()
_session_serial = itertools.count()
_retired: deque[int] = deque()
_live_handles: set[int] = set()
_CATCH_ALL = "handled"
_NOT_HANDLED = 1


def _free_retired() -> None:
    """Free rulesets whose rule book is gone; only called holding the lock, between evaluations."""
    while _retired:
        handle = _retired.popleft()
        _live_handles.discard(handle)
        # without this each replaced ruleset stays in the engine: 500 replacements grew ~190 MB
        durable_rules_engine.delete_ruleset(handle)


def live_ruleset_count() -> int:
    with EVALUATION_LOCK:
        _free_retired()
        return len(_live_handles)


class DurableRuleSet:
    """One compiled rule set in durable-rules; match() returns the indexes of the rules that fired.

    We drive the engine's agenda ourselves instead of through durable.engine.Host: the Host starts two
    timer threads, and runs each fired rule as a Python callback with a JSON round trip and a state
    re-assert (12x slower here) whose exceptions it swallows into state['exception']. Here the engine
    only matches and orders; rules/ applies the actions afterwards, in plain Python, where errors raise.
    """

    def __init__(self, name: str, patterns: Sequence[tuple[dict[str, Any], int]]) -> None:
        self.type_tag = name
        top = max((priority for _, priority in patterns), default=0)
        bottom = top - min((priority for _, priority in patterns), default=0) + 1
        # durable-rules fires the lowest `pri` first; our files say "higher priority wins"
        definition: dict[str, Any] = {
            f"r{index}": {"all": [{"m": pattern}], "pri": top - priority}
            for index, (pattern, priority) in enumerate(patterns)
        }
        # a fact no rule matches still opens a session, and delete_state on that session corrupts
        # the heap (free(): invalid pointer); this catch-all keeps every fact handled
        definition[_CATCH_ALL] = {"all": [{"m": {"t": name}}], "pri": bottom}
        with EVALUATION_LOCK:
            _free_retired()
            # a ruleset name can be registered once: every compilation gets its own
            self._handle: int = durable_rules_engine.create_ruleset(
                f"{name}_{next(_ruleset_serial)}", encode(definition))
            _live_handles.add(self._handle)
        self._finalizer = weakref.finalize(self, _retired.append, self._handle)

    def match(self, fact: dict[str, Any]) -> list[int]:
        """Assert one fact in a fresh session; every matching rule fires (post would fire only the first).

        A value the engine cannot read raises FactRejected naming its field, never a bare engine error."""
        with EVALUATION_LOCK:
            if not self._finalizer.alive:
                raise EngineError(f"rule set {self.type_tag} was closed")
            _free_retired()
            try:
                return self._session(fact)
            except NotEncodable as error:
                raise FactRejected(self.type_tag, field_of(error.key or "?"), error.message) from None
            except durable_rules_engine.error as error:
                culprits = self._unreadable_keys(fact)
                if not culprits:
                    raise EngineError(f"rule set {self.type_tag}: {error}") from error
                raise FactRejected(self.type_tag, field_of(culprits[0]),
                                   f"durable-rules refused {fact[culprits[0]]!r} ({error})") from error

    def _session(self, fact: dict[str, Any]) -> list[int]:
        """One session: assert, run the agenda, delete it; an error of the cleanup never hides the first."""
        sid = str(next(_session_serial))
        payload = encode_fact({**fact, "sid": sid, "t": self.type_tag})
        fired: list[int] = []
        try:
            result = durable_rules_engine.assert_fact(self._handle, payload)
            if result[0] == _NOT_HANDLED:
                raise EngineError(f"rule set {self.type_tag}: fact not handled")
            started = durable_rules_engine.start_action_for_state(self._handle, result[1])
            message = started[1] if started else None
            while message:
                # a message is {"<rule name>": {...}}: the name is all we need
                rule = message[2:message.index('"', 2)]
                if rule != _CATCH_ALL:
                    fired.append(int(rule[1:]))
                message = durable_rules_engine.complete_and_start_action(self._handle, result[1])
        except BaseException:
            # a fact the engine refused opened no session: deleting it raises 309 (ERR_SID_NOT_FOUND)
            try:
                durable_rules_engine.delete_state(self._handle, sid)
            except durable_rules_engine.error as cleanup:
                log.debug("rule set %s: session %s not deleted after an error: %s", self.type_tag, sid, cleanup)
            raise
        # a live session per evaluation would hit MemoryError at the 1,025th, then segfault
        durable_rules_engine.delete_state(self._handle, sid)
        return fired

    def _unreadable_keys(self, fact: dict[str, Any]) -> list[str]:
        """The keys whose value alone the engine refuses: asserted one by one, each in its own session."""
        refused = []
        for key, value in fact.items():
            try:
                self._session({key: value})
            except durable_rules_engine.error:
                refused.append(key)
        return refused

    def close(self) -> None:
        """Free the ruleset now instead of when it is collected."""
        with EVALUATION_LOCK:
            self._finalizer()
            _free_retired()
