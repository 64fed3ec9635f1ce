"""A durable-rules host without the timer threads, shared by the pitfall reproductions."""

from typing import Any

from durable.engine import Host


class QuietHost(Host):  # type: ignore[misc]
    def _run(self) -> None:
        pass


def gt5(run: Any, name: str = "r0") -> dict[str, Any]:
    """One rule: a fact tagged t=x with a > 5."""
    return {name: {"all": [{"m": {"$and": [{"t": "x"}, {"$gt": {"a": 5}}]}}], "run": run}}
