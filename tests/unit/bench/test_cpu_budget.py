"""bench/cpu_budget.py: CPU per request by whom, from two snapshots; processes' CPU and connections from /proc."""

from __future__ import annotations

import os
import socket
import time

from bench.cpu_budget import CpuMeter, Snapshot, connections_by_process, process_cpu


def snap(at: float, generator: float, servers: dict[int, float], backends: dict[int, float], background: float,
         busy: float, idle: float) -> Snapshot:
    return Snapshot(at, generator, servers, backends, background, busy, idle)


def test_a_budget_splits_the_machine_per_request_and_counts_new_backends_from_zero() -> None:
    """Input tried: 2 s, 100 requests; two workers (0.6 and 0.2 s), a backend there before (0.3 s) and one that
    opened during the run (0.1 s), 0.1 s of background, 0.1 s of generator; the machine busy 1.6 s, idle 2.4 s."""
    before = snap(10.0, 5.0, {1: 1.0, 2: 2.0}, {7: 4.0}, 3.0, 100.0, 50.0)
    after = snap(12.0, 5.1, {1: 1.6, 2: 2.2}, {7: 4.3, 8: 0.1}, 3.1, 101.6, 52.4)
    budget = CpuMeter.budget([(before, after)], requests=100)
    assert budget["load_generator"] == 1.0 and budget["server"] == 8.0 and budget["postgres"] == 4.0
    assert budget["server_by_process"] == [6.0, 2.0]
    assert budget["postgres_background"] == 1.0 and budget["other"] == 2.0
    assert budget["idle_share"] == 0.6
    assert budget["cores"]["server"] == 0.4 and budget["cores"]["idle"] == 1.2


def test_a_budget_over_two_halves_adds_them() -> None:
    """Input tried: the same half twice (a scenario alternated in halves), 50 requests in all."""
    before = snap(0.0, 0.0, {1: 0.0}, {}, 0.0, 0.0, 0.0)
    after = snap(1.0, 0.05, {1: 0.5}, {}, 0.0, 1.0, 1.0)
    budget = CpuMeter.budget([(before, after), (before, after)], requests=50)
    assert budget["server"] == 20.0 and budget["load_generator"] == 2.0 and budget["other"] == 18.0
    assert budget["idle_share"] == 0.5 and budget["cores"]["server"] == 0.5


def test_process_cpu_grows_with_work_and_is_0_for_a_process_that_is_gone() -> None:
    """Input tried: this process before and after 0.3 s of busy work; a pid that cannot exist."""
    before = process_cpu(os.getpid())
    end = time.process_time() + 0.3
    while time.process_time() < end:
        pass
    assert process_cpu(os.getpid()) - before >= 0.2
    assert process_cpu(2**22 + 1) == 0.0


def test_connections_by_process_counts_the_established_connections_to_the_port() -> None:
    """Input tried: a listening socket in this process with three accepted connections (and the listener itself,
    which is not established)."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
    accepted = [listener.accept()[0] for _ in clients]
    try:
        # the clients' ends have the port as their remote one, not their local one: only the accepted three count
        assert connections_by_process([os.getpid()], port) == [3]
    finally:
        for s in clients + accepted + [listener]:
            s.close()
