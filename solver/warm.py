"""A warm start for the next weekly replan: last week's simplex basis, moved on by the weeks that passed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solver.direct import WEEK

BASIC, LOWER = 1, 0  # HiGHS basis status codes (HighsBasisStatus kBasic, kLower)


@dataclass(frozen=True)
class Basis:
    """A solved LP's basis status per column and row, with the keys (direct.key) naming them."""

    col_key: np.ndarray
    col_status: np.ndarray
    row_key: np.ndarray
    row_status: np.ndarray


def shifted(old: Basis, col_key: np.ndarray, row_key: np.ndarray, shift: int, n_weeks: int) -> Basis:
    """The basis of a horizon `shift` weeks later: each variable and row takes the status its namesake had
    `shift` weeks later in the old horizon (the last week repeats the old last one). New columns start at
    their lower bound and new rows with their slack basic; HiGHS completes the count (an 'alien' basis)."""
    return Basis(
        col_key, _statuses(old.col_key, old.col_status, col_key, shift, n_weeks, LOWER),
        row_key, _statuses(old.row_key, old.row_status, row_key, shift, n_weeks, BASIC),
    )


def _statuses(
    old_key: np.ndarray, old_status: np.ndarray, new_key: np.ndarray, shift: int, n_weeks: int, default: int
) -> np.ndarray:
    week = new_key % WEEK
    wanted = new_key - week + np.minimum(week + shift, n_weeks - 1)
    order = np.argsort(old_key)
    at = np.clip(np.searchsorted(old_key, wanted, sorter=order), 0, max(len(old_key) - 1, 0))
    if not len(old_key):
        return np.full(len(new_key), default, np.int8)
    found = old_key[order[at]] == wanted
    return np.where(found, old_status[order[at]], default).astype(np.int8)
