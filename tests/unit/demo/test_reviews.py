"""Demo reviews cite rules the shipped rule files hold, with the shipped rule book's version."""

from __future__ import annotations

from datetime import date

import pytest

from domain.config import DEFAULT_RULES_DIR
from domain.demo import SIZES, DemoSize, generate_plant
from rules import load_rulebook

TODAY = date(2026, 12, 3)
TINY = DemoSize("tiny", products=8, families=3, lines=3, customers=10, orders=300, forecast_weeks_ahead=2,
                forecast_weeks_back=2, history_days=120)


@pytest.mark.parametrize(("size", "seed"), [(TINY, 3), (SIZES["small"], 7)])
def test_every_cited_rule_exists_in_the_shipped_rules(size: DemoSize, seed: int) -> None:
    """Input: a tiny plant (seed 3) and the small one (seed 7), every decision and rush tier drawn. Before, every
    review cited rules no file holds (accept-when-all-pass, rush-urgent, priority-p2...) with version "demo"."""
    book = load_rulebook(DEFAULT_RULES_DIR)
    shipped = {(s.name, r.id) for s in book.rule_sets for r in s.rules}
    reviews = generate_plant(size, seed=seed, today=TODAY).rows["order_reviews"]
    cited = {(f["ruleSet"], f["rule"]) for review in reviews for f in review["fired_rules"]}
    assert cited - shipped == set()
    assert {rule_set for rule_set, _ in cited} == {"review", "rush", "priority"}
    assert {review["rules_version"] for review in reviews} == {book.version}
