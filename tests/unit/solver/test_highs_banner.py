"""The CLI's stdout carries only the service's own lines: no HiGHS licence banner."""

import subprocess
import sys

PLAN_WITH_HIGHS = """
from solver.planner import CapacityPlanner
from solver.testing import synthetic_plant
result = CapacityPlanner("HIGHS").solve(synthetic_plant(5, 2, 4, seed=1))
print("status", result.status)
"""


def test_a_highs_solve_in_a_new_process_prints_no_banner_on_stdout() -> None:
    # A new process: HiGHS prints its banner once per process, on the first Highs object.
    done = subprocess.run([sys.executable, "-c", PLAN_WITH_HIGHS], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["status optimal"], done.stdout
    assert "HiGHS" not in done.stderr
