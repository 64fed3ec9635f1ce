"""tests/e2e/multiprocess/servers.py: `sop serve` started for a bench or a test runs this checkout's code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.e2e.multiprocess.servers import REPO_ROOT, checkout_first


def test_a_script_outside_the_checkout_imports_the_checkouts_packages(tmp_path: Path) -> None:
    """Input tried: a script in a temporary folder (as the venv's `sop` is, outside the checkout) importing cli, api
    and domain with the environment sop_serve gives it; an editable install of another worktree must not win."""
    script = tmp_path / "which.py"
    script.write_text("import api, cli, domain\nprint(cli.__file__, api.__file__, domain.__file__)\n")
    env = checkout_first({k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True,
                          check=True)
    for found in done.stdout.split():
        assert Path(found).resolve().is_relative_to(REPO_ROOT.resolve()), (found, REPO_ROOT)
