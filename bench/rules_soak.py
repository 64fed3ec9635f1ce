"""Soak the rules engine: the shipped rule book, random facts of every magnitude, reloads; errors and memory.

Evaluates review, rush, priority and cost_allocation in turn through durable-rules with facts drawn from the
vocabulary (floats from 5e-324 to 1e308 of either sign, +-0.0, whole numbers up to int64), cross-checks every
--check-every'th against the plain-Python twin, and reloads the rule book every --reload-every evaluations.
Prints one JSON line last. Issue 13 asks for 2,000,000 evaluations with 0 errors and memory flat.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import pathlib
import random
import sys
import time
from typing import Any

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from rules import EngineError, RuleBook, load_rulebook
from rules.vocabulary import FIELDS

RULES = pathlib.Path(__file__).resolve().parents[1] / "rules"
MIX = ("review", "rush", "priority", "cost_allocation")


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def any_float(rng: random.Random) -> float:
    """Mostly plant-sized numbers, often tiny or huge ones, now and then a subnormal or a signed zero."""
    pick = rng.random()
    if pick < 0.4:
        value = rng.uniform(-100, 200000)
    elif pick < 0.9:
        value = 10 ** rng.uniform(-300, 300)
    elif pick < 0.97:
        value = rng.choice((5e-324, 1e-310, 2.2250738585072014e-308, 1e-05, 2e-07, 1.7976931348623157e308))
    else:
        value = 0.0
    return -value if rng.random() < 0.3 else value


def random_facts(rng: random.Random, fields: list[str]) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    for name in fields:
        field = FIELDS[name]
        if field.kind in ("money", "number"):
            facts[name] = any_float(rng)
        elif field.kind == "int":
            huge = rng.random() < 0.3
            facts[name] = int(rng.choice((1, -1)) * 10 ** rng.uniform(0, 18.9)) if huge else rng.randint(-5, 60)
        elif field.kind == "bool":
            facts[name] = rng.random() < 0.5
        elif field.kind == "enum":
            facts[name] = rng.choice(field.choices)
        else:
            facts[name] = rng.choice(("P1", "P2", "RUSH", "", "é\u2603", "x" * rng.randint(0, 40)))
    return facts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evaluations", type=int, default=2_000_000)
    parser.add_argument("--reload-every", type=int, default=20_000)
    parser.add_argument("--check-every", type=int, default=10, help="cross-check every n-th with plain Python")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    rng = random.Random(args.seed)
    book: RuleBook = load_rulebook(RULES)
    fields = {name: book.compiled(name).required for name in MIX}
    errors: list[str] = []
    mismatches = reloads = 0
    gc.collect()
    rss_start = rss_mb()
    rss_after_warmup = None
    started = time.perf_counter()
    for index in range(args.evaluations):
        if index and index % args.reload_every == 0:
            book.close()
            book = load_rulebook(RULES)
            reloads += 1
        rule_set = MIX[index % len(MIX)]
        facts = random_facts(rng, fields[rule_set])
        compiled = book.compiled(rule_set)
        try:
            if index % args.check_every == 0:
                compiled.cross_check(facts)
            else:
                compiled.evaluate(facts)
        except EngineError as error:
            mismatches += "cross-check" in str(error)
            errors.append(f"{rule_set} {facts}: {error!r}")
        except Exception as error:  # every error counts, whatever it is
            errors.append(f"{rule_set} {facts}: {error!r}")
        if index == min(100_000, args.evaluations // 10):
            rss_after_warmup = rss_mb()
    seconds = time.perf_counter() - started
    gc.collect()
    for line in errors[:5]:
        print(line, file=sys.stderr)
    print(json.dumps({
        "bench": "rules_soak", "evaluations": args.evaluations, "errors": len(errors), "mismatches": mismatches,
        "cross_checked": (args.evaluations + args.check_every - 1) // args.check_every, "reloads": reloads,
        "rss_start_mb": round(rss_start, 1), "rss_after_warmup_mb": round(rss_after_warmup or rss_start, 1),
        "rss_end_mb": round(rss_mb(), 1), "seconds": round(seconds, 1),
        "per_second": round(args.evaluations / seconds),
    }))


if __name__ == "__main__":
    main()
