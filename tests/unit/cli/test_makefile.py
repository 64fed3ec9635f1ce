"""`make run` serves on PORT (default 8000), so a second one can run beside a busy port."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from domain.config import REPO_ROOT


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(("args", "port"), [([], "8000"), (["PORT=8001"], "8001")])
def test_make_run_serves_on_port(args: list[str], port: str) -> None:
    """Inputs tried: `make run` and `make run PORT=8001`, dry-run (-n) so nothing is installed or served."""
    out = subprocess.run(["make", "-n", "-W", "pyproject.toml", "run", *args], cwd=REPO_ROOT, capture_output=True,
                         text=True, check=True).stdout
    serve = next(line for line in out.splitlines() if " serve " in line)
    assert serve.endswith(f"--port {port}")
