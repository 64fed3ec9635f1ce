"""bench/partner_load.py: reading the servers' lock hold files, and what a mixed run reports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.partner_load import LockLog, MixedRun


def test_lock_log_reads_each_process_file_once_and_leaves_a_half_written_line_for_later(tmp_path: Path) -> None:
    """Input tried: two processes' files, one ending in a line still being written ("7.5" with no newline)."""
    (tmp_path / "lock.101").write_text("1.0\n2.0\n")
    (tmp_path / "lock.102").write_text("3.0\n7.5")
    (tmp_path / "other.103").write_text("99\n")  # another prefix: not ours
    log = LockLog(tmp_path / "lock")
    assert sorted(log.take()) == [1.0, 2.0, 3.0]
    with (tmp_path / "lock.102").open("a") as f:
        f.write("0\n4.0\n")
    assert log.take() == [7.5, 4.0]
    assert log.take() == []


def test_a_mixed_run_counts_creates_apart_and_requests_past_the_deadline() -> None:
    """Input tried: 3 creates (one of 31 s against a 30 s deadline), 1 update, 1 timed-out request, over 2 s."""
    run = MixedRun(seconds=2.0, server_cpu_seconds=0.5, lock_hold_ms=[1.0, 2.0, 30.0])
    run.latencies["create"] += [0.01, 0.02, 31.0]
    run.latencies["update"] += [0.03]
    run.failures["timeout"] += 1
    summary = summary_of(run)
    assert (summary["creates"], summary["create_rps"], summary["requests"], summary["rps"]) == (3, 1.5, 4, 2.0)
    assert summary["past_deadline"] == 2
    assert summary["server_cpu_ms_per_request"] == 125.0
    assert summary["ledger_lock_hold"]["transactions"] == 3


def summary_of(run: MixedRun) -> dict[str, Any]:
    return run.summary(deadline_seconds=30.0)
