"""require_sign_off in review.yaml (R3): the brief's routes in the rule files' words, who is asked, bad files."""

from __future__ import annotations

import pytest

from domain.config import DEFAULT_RULES_DIR
from rules import RulesError, load_rulebook_from_texts
from rules.book import read_folder

PLAIN = {"order.rush": False, "customer.tier": "REGULAR", "margin.pct": 25.0, "product.maturity": "PROVEN",
         "product.runs_made": 0, "capacity.fits": True, "capacity.days_late": 0, "capacity.splittable_share": 1.0,
         "material.fits": True}

MARGIN_KEY = "        - margin.pct < 15\n    then:\n      - fail_criterion: {criterion: MARGIN}\n"
# The routes rules/README.md ("Sign-offs") shows, written into the shipped file.
ROUTES = {
    "      - fail_criterion: {criterion: MATERIAL}\n":
        "      - fail_criterion: {criterion: MATERIAL}\n"
        "      - require_sign_off: {role: purchasing, hold_hours: 24, reason: \"Purchasing expedites.\"}\n",
    MARGIN_KEY: MARGIN_KEY + "      - require_sign_off: {role: finance, hold_hours: 24}\n",
    "  # --- The outcome: the highest priority wins":
        "  - id: SIGN-OFF-RUSH\n    description: A rush order, or one short of capacity, is agreed by production.\n"
        "    when: {any: [order.rush == true, capacity.fits == false]}\n"
        "    then:\n      - require_sign_off: {role: production, hold_hours: 8}\n\n"
        "  # --- The outcome: the highest priority wins",
}


def review_text(replacements: dict[str, str]) -> dict[str, str]:
    texts = read_folder(DEFAULT_RULES_DIR)
    text = texts["review.yaml"]
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    return {**texts, "review.yaml": text}


def asked(book: object, **facts: object) -> list[str]:
    outcome = book.review({**PLAIN, **{k.replace("__", "."): v for k, v in facts.items()}})  # type: ignore[attr-defined]
    return [request.role for request in outcome.sign_offs]


def test_the_shipped_file_asks_technology_for_a_new_process_only() -> None:
    book = load_rulebook_from_texts(read_folder(DEFAULT_RULES_DIR))
    assert asked(book) == []
    assert asked(book, product__maturity="NEW") == ["technology"]
    assert asked(book, product__maturity="NEW", product__runs_made=3) == []
    request = book.review({**PLAIN, "product.maturity": "NEW"}).sign_offs[0]
    assert (request.hold_hours, request.rule) == (48, "SIGN-OFF-NEW-PROCESS") and "validated" in request.reason
    assert asked(book, material__fits=False) == [] and asked(book, customer__tier="KEY", margin__pct=12.0) == []


def test_the_briefs_routes_are_expressed_in_the_rule_files_words() -> None:
    book = load_rulebook_from_texts(review_text(ROUTES))
    assert asked(book) == []
    assert asked(book, material__fits=False) == ["purchasing"]
    assert asked(book, customer__tier="KEY", margin__pct=12.0) == ["finance"]
    assert asked(book, order__rush=True) == ["production"]
    assert asked(book, capacity__fits=False, capacity__splittable_share=0.6) == ["production"]
    assert sorted(asked(book, product__maturity="NEW", material__fits=False)) == ["purchasing", "technology"]


@pytest.mark.parametrize(("line", "message"), [
    ("{role: technolgy, hold_hours: 48}", "did you mean 'technology'"),
    ("{role: technology, hold_hours: 0}", "hold_hours must be between 1 and 720"),
    ("{role: technology}", "needs parameter 'hold_hours'"),
    ("{role: viewer, hold_hours: 4}", "one of technology|purchasing|production|finance|sales"),
])
def test_a_bad_sign_off_is_refused_with_its_line(line: str, message: str) -> None:
    old = "      - require_sign_off: {role: technology, hold_hours: 48, reason: \"Technology confirms the new " \
          "process can be validated in time.\"}\n"
    with pytest.raises(RulesError) as refused:
        load_rulebook_from_texts(review_text({old: f"      - require_sign_off: {line}\n"}))
    assert message in str(refused.value) and "review.yaml:" in str(refused.value), str(refused.value)
