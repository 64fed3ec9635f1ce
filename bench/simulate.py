"""Bench: `sop simulate` on the medium plant, 26 weeks, all three policies, one seed (goal: under 300 s, 2 GB).

Prints one JSON line: wall and CPU seconds (in all and per policy), peak RSS in MB, their ratios to the goals, the
load average, whether both goals held, and the simulation's own JSON line (the figures of each policy). The report
goes to var/simulate/bench-<size>-<seed>.

    python bench/simulate.py [--size medium] [--weeks 26] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.config import REPO_ROOT
from domain.simulation import json_line, simulate, write_report

TARGET_SECONDS, TARGET_MB = 300.0, 2048.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="medium")
    parser.add_argument("--weeks", type=int, default=26)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--policies", default="service,naive,edd")
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="sop-bench-simulate-") as workdir:
        result = simulate(args.size, args.seed, args.weeks, args.policies.split(","), Path(workdir),
                          REPO_ROOT / "rules")
    seconds = time.perf_counter() - started
    write_report(result, REPO_ROOT / "var" / "simulate" / f"bench-{args.size}-{args.seed}")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak_mb = usage.ru_maxrss / 1024  # kB on Linux
    # CPU seconds beside wall seconds: on a shared machine the wall clock also measures the neighbours.
    cpu = usage.ru_utime + usage.ru_stime
    # The baseline is the budget (300 s, 2 GB): a second full run as a measured baseline would double an
    # already long bench, so the ratios are against the targets; load average beside them says how busy it was.
    print(json.dumps({"bench": "simulate", "size": args.size, "weeks": args.weeks, "seed": args.seed,
                      "policies": args.policies, "seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1),
                      "peak_rss_mb": round(peak_mb), "ratio_to_300_s": round(seconds / TARGET_SECONDS, 2),
                      "cpu_ratio_to_300_s": round(cpu / TARGET_SECONDS, 2),
                      "ratio_to_2_gb": round(peak_mb / TARGET_MB, 2), "load_average": os.getloadavg()[0],
                      "under_5_minutes": seconds < TARGET_SECONDS, "under_2_gb": peak_mb < TARGET_MB,
                      "policy_seconds": {run.name: round(run.seconds, 1) for run in result.runs},
                      "policy_cpu_seconds": {run.name: round(run.cpu_seconds, 1) for run in result.runs},
                      "result": json.loads(json_line(result))}))


if __name__ == "__main__":
    main()
