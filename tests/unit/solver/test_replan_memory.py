"""A replan through CVXPY holds no HiGHS object afterwards, gives HiGHS the direct model's options, and the
planner's process keeps freed memory for the next replan instead of paging it in again."""

from __future__ import annotations

import gc
import subprocess
import sys

import highspy

from solver import CapacityPlanner
from solver.direct_model import HIGHS_OPTIONS
from solver.solvers import solve_options
from solver.testing import roll_week, synthetic_plant


def live_highs_objects() -> int:
    gc.collect()
    return sum(isinstance(thing, highspy.Highs) for thing in gc.get_objects())


def test_a_cvxpy_replan_keeps_no_highs_object_between_weeks() -> None:
    plant = synthetic_plant(30, 4, 8, seed=3)
    planner = CapacityPlanner("HIGHS")
    before = live_highs_objects()
    rolled = roll_week(plant, planner.solve(plant).production)
    planner.solve(rolled)
    planner.solve(roll_week(rolled, planner.solve(rolled).production, seed=2))
    # CVXPY's solve cache kept the last HiGHS object (its model, factors and solution) until the next solve.
    assert live_highs_objects() == before


def test_highs_through_cvxpy_gets_the_options_of_the_direct_model() -> None:
    for solver, method in (("HIGHS", "simplex"), ("HIGHS_IPM", "ipm")):
        _, options = solve_options(solver)
        highs = options["highs_options"]
        assert isinstance(highs, dict)
        assert {**HIGHS_OPTIONS[method], "output_flag": False} == highs
        assert options["warm_start"] is False


REALLOCATE = """
import resource, numpy as np
from solver import CapacityPlanner
{setup}
def faults_of_a_40_mb_array():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    block = np.ones(5_000_000)
    del block
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
faults_of_a_40_mb_array()
print(faults_of_a_40_mb_array())
"""


def page_faults_of_a_second_allocation(setup: str) -> int:
    code = REALLOCATE.format(setup=setup)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(done.stdout.split()[-1])


def test_the_planner_process_reuses_freed_memory_instead_of_faulting_it_in_again() -> None:
    if not sys.platform.startswith("linux"):
        return
    # 40 MB is above glibc's largest default mmap threshold: freed, it goes back to the system every time and is
    # faulted in again (fewer faults where transparent huge pages back it, so the figures are compared).
    default = page_faults_of_a_second_allocation("")
    kept = page_faults_of_a_second_allocation('CapacityPlanner("HIGHS")')
    assert default > 0 and kept * 10 < default, (default, kept)
