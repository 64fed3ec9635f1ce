"""Bench: `sop simulate` over several seeds, then the mean and spread (sample sd, min, max) of each figure.

Prints the simulation's JSON line per seed, then one summary line. `--from FILE` summarises JSON lines a
previous run printed instead of simulating again (the README's figures come from such a file).

    python bench/simulate_seeds.py --size small --weeks 26 --seeds 1,2,3,4,5 [--from lines.jsonl]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.config import REPO_ROOT
from domain.simulation import json_line, simulate


def summary(lines: list[dict[str, Any]]) -> dict[str, Any]:
    runs = [line["simulate"] for line in lines]
    out: dict[str, Any] = {}
    for policy in runs[0]["policies"]:
        out[policy] = {}
        for key in runs[0]["policies"][policy]:
            values = [run["policies"][policy][key] for run in runs]
            out[policy][key] = {"mean": round(statistics.fmean(values), 4),
                                "sd": round(statistics.stdev(values), 4) if len(values) > 1 else 0.0,
                                "min": min(values), "max": max(values)}
    return {"simulate_seeds": {"size": runs[0]["size"], "weeks": runs[0]["weeks"],
                               "seeds": [run["seed"] for run in runs], "policies": out}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="small")
    parser.add_argument("--weeks", type=int, default=26)
    parser.add_argument("--seeds", default="1,2,3,4,5")
    parser.add_argument("--from", dest="source", type=Path, default=None)
    args = parser.parse_args()
    if args.source is not None:
        lines = [json.loads(text) for text in args.source.read_text().splitlines() if text.strip()]
    else:
        lines = []
        for seed in [int(s) for s in args.seeds.split(",")]:
            started = time.perf_counter()
            with tempfile.TemporaryDirectory(prefix="sop-simulate-seeds-") as workdir:
                result = simulate(args.size, seed, args.weeks, ["service", "naive", "edd"], Path(workdir),
                                  REPO_ROOT / "rules")
            line = json_line(result, time.perf_counter() - started)
            print(line, flush=True)
            lines.append(json.loads(line))
    print(json.dumps(summary(lines)))


if __name__ == "__main__":
    main()
