"""Free local ports for tests: a suite must not fail because something else on the machine holds a port."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A local port where nothing listens: bound to port 0, then closed."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
