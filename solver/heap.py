"""Keep the memory a replan freed in the process's heap, so the next week's solve does not page it in again."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import sys

# glibc's mallopt parameters (malloc.h) and the values set: blocks below 64 MB come from the heap instead of
# their own mmap (which is unmapped on free), and up to 512 MB free at the heap's top stays mapped.
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
TRIM_THRESHOLD_BYTES = 512 * 2**20
MMAP_THRESHOLD_BYTES = 64 * 2**20


@functools.cache
def keep_freed_memory() -> bool:
    """Tell glibc's malloc to keep freed memory for reuse (once per process); False where there is no glibc.

    A medium replan through CVXPY allocates and frees some 40-60 MB (parameter application, CVXPY's canonical LP,
    HiGHS's copy of it). With glibc's defaults that memory went back to the system after each solve and the next
    week's solve faulted it in again, 10-18k page faults inside HiGHS alone; the own-API replan, which allocates
    less, paid almost none. Measured with bench/solver_overhead.py (README, solver section). The process keeps
    its peak heap instead, which the planner's process reaches every week anyway."""
    if not sys.platform.startswith("linux"):
        return False
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl and other C libraries have no mallopt
        return False
    trim = mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES)
    return bool(trim) and bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES))
