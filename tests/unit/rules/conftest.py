"""Fixtures for the rules tests: the shipped rule book and a writable copy of the rules folder."""

from __future__ import annotations

import pathlib
import shutil

import pytest

from rules import RuleBook, load_rulebook

SHIPPED = pathlib.Path(__file__).resolve().parents[3] / "rules"

REGULAR_ORDER = {
    "customer.tier": "REGULAR", "margin.pct": 25.0, "product.maturity": "PROVEN", "capacity.fits": True,
    "capacity.days_late": 0, "capacity.splittable_share": 1.0, "material.fits": True,
}


@pytest.fixture(scope="session")
def book() -> RuleBook:
    return load_rulebook(SHIPPED)


@pytest.fixture
def rules_copy(tmp_path: pathlib.Path) -> pathlib.Path:
    """A copy of the shipped YAML files that a test may edit."""
    folder = tmp_path / "rules"
    folder.mkdir()
    for path in SHIPPED.glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    return folder


def edit(folder: pathlib.Path, file: str, old: str, new: str) -> None:
    path = folder / file
    text = path.read_text()
    assert old in text, f"{old!r} not in {file}"
    path.write_text(text.replace(old, new, 1))
