"""The shipped rule files: examples pass, the brief's defaults come out, decisions are explained."""

from __future__ import annotations

import random
import re
from decimal import Decimal

import pytest

from rules import RULE_SETS, InvalidFacts, RuleBook
from rules.book import compile_files, read_folder
from rules.spec import read_rule_file
from tests.unit.rules.conftest import REGULAR_ORDER, SHIPPED


def test_every_shipped_file_loads_and_its_examples_pass() -> None:
    _, errors, results = compile_files(read_folder(SHIPPED))
    assert errors == []
    assert {result.rule_set for result in results} == set(RULE_SETS)
    assert all(result.passed for result in results), [r for r in results if not r.passed]


def test_rule_sets_show_names_versions_and_rules(book: RuleBook) -> None:
    infos = {info.name: info for info in book.rule_sets}
    assert set(infos) == set(RULE_SETS)
    assert infos["review"].file == "review.yaml"
    assert len(infos["review"].version) == 12 and len(book.version) == 12
    assert "MARGIN-KEY" in [rule.id for rule in infos["review"].rules]


def test_capacity_policy_defaults_come_from_the_file(book: RuleBook) -> None:
    policy = book.capacity_policy()
    assert (policy.reserve_share, policy.reserve_share_min, policy.reserve_share_max) == (0.12, 0.10, 0.15)
    assert policy.frozen_days == 3 and policy.cutoff_weekday == 4
    assert policy.displacement["STRATEGIC_RUSH"].may_split == {"P3", "P4"}
    assert policy.movable_priority_tiers == {"P3", "P4"}


def test_scorecards_weigh_every_kpi_once_and_sum_to_one(book: RuleBook) -> None:
    cards = book.scorecards()
    weights = {team: {c.kpi: c.weight for c in components} for team, components in cards.teams.items()}
    assert weights["SALES"]["orderFulfillmentRate"] == 0.20
    assert weights["PRODUCTION"]["rushOnTimeRate"] == 0.15
    assert all(abs(sum(w.values()) - 1) < 1e-9 for w in weights.values())
    assert len({kpi for w in weights.values() for kpi in w}) == 8
    assert (cards.bonus_threshold, cards.bonus_rate) == (0.9, 0.05)


@pytest.mark.parametrize(("change", "decision"), [
    ({}, "ACCEPT"),
    ({"margin.pct": 3.0}, "REJECT"),
    ({"product.maturity": "NEW"}, "ACCEPT"),  # once technology signs it off (R3: TECHNOLOGY-NEW asks them)
    ({"capacity.fits": False, "capacity.splittable_share": 0.6, "capacity.days_late": 4}, "SPLIT"),
    ({"capacity.fits": False, "capacity.splittable_share": 0.2, "capacity.days_late": 4}, "PROPOSE_DATE"),
    ({"capacity.fits": False, "capacity.splittable_share": 0.2, "capacity.days_late": 40}, "REJECT"),
])
def test_review_decisions(book: RuleBook, change: dict[str, object], decision: str) -> None:
    assert book.review({**REGULAR_ORDER, **change}).decision == decision


def test_review_gives_all_four_criteria_with_readable_messages(book: RuleBook) -> None:
    outcome = book.review({**REGULAR_ORDER, "customer.tier": "KEY", "margin.pct": 12.0, "product.maturity": "NEW"})
    assert set(outcome.criteria) == {"CAPACITY", "MATERIAL", "TECHNOLOGY", "MARGIN"}
    assert not outcome.criteria["MARGIN"].passed and "15%" in outcome.criteria["MARGIN"].message
    assert not outcome.criteria["TECHNOLOGY"].passed and "validation" in outcome.criteria["TECHNOLOGY"].message
    assert outcome.criteria["CAPACITY"].passed
    assert [request.role for request in outcome.sign_offs] == ["technology"]


def test_fired_rules_are_in_priority_order_and_explained(book: RuleBook) -> None:
    outcome = book.review({**REGULAR_ORDER, "customer.tier": "KEY", "margin.pct": 12.0,
                           "capacity.fits": False, "capacity.splittable_share": 0.7, "capacity.days_late": 3})
    ids = [rule.rule for rule in outcome.fired]
    assert ids[0] == "SPLIT-PARTIAL" and ids[-1] == "ACCEPT"
    margin = next(rule for rule in outcome.fired if rule.rule == "MARGIN-KEY")
    assert margin.facts == {"customer.tier": "KEY", "margin.pct": 12.0}
    assert margin.explanation == "customer.tier KEY == KEY and margin.pct 12 < 15"
    assert margin.message.startswith("Gross margin below")


def test_rush_explanation_names_the_amount(book: RuleBook) -> None:
    outcome = book.rush({"order.amount": 120000.0, "order.days_to_due": 10, "customer.tier": "REGULAR"})
    assert (outcome.rush, outcome.tier, outcome.may_displace) == (True, "LARGE", False)
    assert outcome.fired[0].explanation == "order.amount 120000 > 50000"
    assert outcome.fired[0].facts == {"order.amount": 120000.0}


def test_rush_tiers_and_no_rush(book: RuleBook) -> None:
    base = {"order.amount": 1000.0, "order.days_to_due": 20, "customer.tier": "REGULAR"}
    assert not book.rush(base).rush and book.rush(base).tier is None
    assert book.rush({**base, "order.days_to_due": 2}).tier == "URGENT"
    strategic = book.rush({**base, "customer.tier": "STRATEGIC", "order.days_to_due": 2})
    assert (strategic.tier, strategic.may_be_moved) == ("STRATEGIC_RUSH", False)


def test_priority_puts_strategic_first_and_breaks_ties_on_margin(book: RuleBook) -> None:
    def score(tier: str, rush: bool, margin: float) -> float:
        return book.priority({"customer.tier": tier, "order.rush": rush, "margin.pct": margin}).score

    assert score("STRATEGIC", False, 0) > score("REGULAR", True, 50) > score("KEY", False, 90)
    assert score("REGULAR", False, 30) > score("REGULAR", False, 20)
    assert book.priority({"customer.tier": "KEY", "order.rush": False, "margin.pct": 1.0}).tier == "P3"


def test_cost_allocation_shares_add_up(book: RuleBook) -> None:
    facts = {"order.cause": "DEMAND_ABOVE_FORECAST", "forecast.excess_pct": 35.0, "adjustment.cost": 5000.0}
    allocation = book.cost_allocation(facts)
    assert (allocation.sales_share, allocation.production_share) == (0.7, 0.3)
    assert allocation.fired[0].rule == "FORECAST-MISS-LARGE"


def test_nested_facts_and_decimals_are_accepted(book: RuleBook) -> None:
    outcome = book.rush({"order": {"amount": Decimal("60000.50"), "days_to_due": 9}, "customer": {"tier": "KEY"}})
    assert outcome.tier == "LARGE"


@pytest.mark.parametrize(("facts", "message"), [
    ({"order.amont": 1.0}, "unknown fact 'order.amont' (did you mean 'order.amount'?)"),
    ({"order.amount": "120000"}, "fact 'order.amount' must be a number (money), got '120000'"),
    ({"order.amount": True}, "fact 'order.amount' must be a number (money), got True"),
    ({"order.amount": None}, "fact 'order.amount' is None"),
    ({"customer.tier": "GOLD"}, "fact 'customer.tier' must be one of STRATEGIC|KEY|REGULAR"),
    ({"order.days_to_due": 2.5}, "fact 'order.days_to_due' must be a whole number"),
])
def test_bad_facts_are_refused_before_the_engine_sees_them(book: RuleBook, facts: dict[str, object],
                                                           message: str) -> None:
    # durable-rules would compare the text "120000" or True with numbers and give a wrong answer
    good = {"order.amount": 1000.0, "order.days_to_due": 20, "customer.tier": "REGULAR"}
    with pytest.raises(InvalidFacts) as raised:
        book.rush({**good, **facts})
    assert message in str(raised.value)


def test_missing_facts_are_named(book: RuleBook) -> None:
    with pytest.raises(InvalidFacts, match=r"rush rules need facts customer\.tier, order\.days_to_due"):
        book.rush({"order.amount": 5.0})


def test_the_engine_and_the_python_twin_agree_on_many_orders(book: RuleBook) -> None:
    rng = random.Random(7)
    compiled = book.compiled("review")
    for _ in range(500):
        facts = {"customer.tier": rng.choice(["STRATEGIC", "KEY", "REGULAR"]), "margin.pct": rng.uniform(-5, 40),
                 "product.maturity": rng.choice(["PROVEN", "NEW"]), "capacity.fits": rng.random() < 0.6,
                 "capacity.days_late": rng.randint(0, 50), "capacity.splittable_share": rng.random(),
                 "material.fits": rng.random() < 0.8}
        compiled.cross_check(facts)


def test_example_names_that_give_days_to_due_agree_with_their_facts() -> None:
    """Input tried: every shipped example named "... due in N days ..." (rush.yaml named 5 days and gave 2)."""
    checked = 0
    for file, text in read_folder(SHIPPED).items():
        spec, errors = read_rule_file(file, text)
        assert spec is not None, errors
        for example in spec.examples:
            said = re.search(r"due in (?:exactly )?(\d+) days", example.name)
            if said:
                checked += 1
                assert example.facts["order.days_to_due"] == int(said.group(1)), f"{file}: {example.name}"
    assert checked >= 4
