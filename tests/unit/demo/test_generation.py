"""Generation leaves the interpreter as it found it, and a plant's size is known well enough before it exists."""

from __future__ import annotations

import gc
from datetime import date

import pytest

from domain.demo import SIZES, generate_plant
from domain.demo.generate import collector_paused

TODAY = date(2025, 6, 11)


def test_expected_rows_is_close_to_what_is_generated() -> None:
    # The progress bar's total before generation ends; `small` is the size `make run` loads.
    plant = generate_plant(SIZES["small"], seed=7, today=TODAY)
    assert abs(SIZES["small"].expected_rows - plant.total_rows) <= 0.05 * plant.total_rows


def test_the_cycle_collector_is_back_as_it_was() -> None:
    assert gc.isenabled()
    generate_plant(SIZES["small"], seed=3, today=TODAY)
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # a caller that had it off keeps it off
    finally:
        gc.enable()


def test_the_collector_comes_back_when_generation_fails() -> None:
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("generation failed")
    assert gc.isenabled()
