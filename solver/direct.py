"""The same weekly LP as model.py, built as sparse matrices in numpy and handed to HiGHS directly (no CVXPY).

For large plants CVXPY's canonical form carries a row and a column for every promise gap, every
safety-stock shortfall and every change the window does not price, and overtime limits as rows.
Here a column exists only where it can matter (a promise held, a safety stock set, a change priced)
and limits are column bounds, so the exact LP is about half the size and is solved as HiGHS's own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from solver.lp_data import LpData


@dataclass(frozen=True)
class SparseLp:
    """min c.x, row_lower <= A x <= row_upper, col_lower <= x <= col_upper; where each block of x starts."""

    a: sp.csc_matrix
    c: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    n_hours: int  # x[:n_hours] are route hours [R, W - F], row-major
    capacity_rows: slice  # rows of the line-week capacity limits [L, W - F], row-major
    col_key: np.ndarray  # [columns] block, entity and week of each column (key(); for warm starts)
    row_key: np.ndarray  # [rows] the same for each row


WEEK, ENTITY = 10**4, 10**12


def key(block: int, entity: np.ndarray, week: np.ndarray) -> np.ndarray:
    """One int64 per (block, entity, week): which variable or row of which product, line or route in which week."""
    return block * ENTITY + np.asarray(entity, np.int64) * WEEK + np.asarray(week, np.int64)


def grid_key(block: int, index: np.ndarray, width: int, first_week: int) -> np.ndarray:
    """key() of cells of a row-major [entity, week] grid whose first column is week first_week."""
    entity, week = np.divmod(np.asarray(index, np.int64), max(width, 1))
    return key(block, entity, first_week + week)


def build(data: LpData, route_product: np.ndarray, route_line: np.ndarray, route_rate: np.ndarray) -> SparseLp:
    """The LP of model.CapacityModel for these numbers, without the columns that cannot change the optimum."""
    n_p, n_w = data.demand.shape
    n_l, n_free = data.capacity.shape
    n_r, n_f, n_k = len(route_product), n_w - n_free, data.change_weight.shape[1]
    cols = _Columns()
    hours = cols.add(n_r * n_free, 0.0)
    inventory = cols.add(n_p * n_w, data.holding.ravel())
    backlog = cols.add(n_p * n_w, data.backlog_weight.ravel())
    overtime = cols.add(n_l * n_free, data.overtime_cost, upper=data.overtime_max.ravel())
    short = np.flatnonzero(((data.safety_stock > 0) & (data.shortfall_cost > 0)).ravel())
    shortfall = cols.add(len(short), data.shortfall_cost.ravel()[short])
    priced = np.flatnonzero(data.change_weight.ravel() > 0)
    up = cols.add(len(priced), data.change_weight.ravel()[priced])
    down = cols.add(len(priced), data.change_weight.ravel()[priced])
    held = np.flatnonzero(data.committed.ravel() > 0)
    gap = cols.add(len(held), data.promise_break_cost)
    every = np.arange(max(n_r * n_free, n_p * n_w, n_l * n_free))
    col_key = np.concatenate([
        grid_key(0, every[: n_r * n_free], n_free, n_f),
        grid_key(1, every[: n_p * n_w], n_w, 0),
        grid_key(2, every[: n_p * n_w], n_w, 0),
        grid_key(3, every[: n_l * n_free], n_free, n_f),
        grid_key(4, short, n_w, 0),
        grid_key(5, priced, n_k, n_f),
        grid_key(6, priced, n_k, n_f),
        grid_key(7, held, n_free, n_f),
    ])
    row_key = np.concatenate([
        grid_key(8, every[: n_p * n_w], n_w, 0),
        grid_key(9, every[: n_l * n_free], n_free, n_f),
        grid_key(10, short, n_w, 0),
        grid_key(11, priced, n_k, n_f),
        grid_key(12, held, n_free, n_f),
    ])

    rows = _Rows()
    # Stock balance per product-week: net(t) - net(t-1) - made(t) = -demand(t), net = inventory - backlog.
    pw = np.arange(n_p * n_w)
    later = pw[pw % n_w > 0]
    r_idx, t_idx = np.divmod(np.arange(n_r * n_free), n_free)
    rows.add(
        n_p * n_w,
        [
            (pw, inventory + pw, 1.0),
            (pw, backlog + pw, -1.0),
            (later, inventory + later - 1, -1.0),
            (later, backlog + later - 1, 1.0),
            (route_product[r_idx] * n_w + n_f + t_idx, hours + r_idx * n_free + t_idx, -route_rate[r_idx]),
        ],
        -data.demand.ravel(),
        -data.demand.ravel(),
    )
    capacity = rows.add(
        n_l * n_free,
        [
            (route_line[r_idx] * n_free + t_idx, hours + r_idx * n_free + t_idx, 1.0),
            (np.arange(n_l * n_free), overtime + np.arange(n_l * n_free), -1.0),
        ],
        -np.inf,
        data.capacity.ravel(),
    )
    seq = np.arange(len(short))
    rows.add(  # shortfall >= safety stock - inventory
        len(short),
        [(seq, shortfall + seq, 1.0), (seq, inventory + short, 1.0)],
        data.safety_stock.ravel()[short],
        np.inf,
    )
    # |h - h_prev| = up + down where the window prices a change (h index of window cell: route * n_free + week).
    window_r, window_t = np.divmod(priced, n_k) if n_k else (priced, priced)
    priced_h = hours + window_r * n_free + window_t
    seq = np.arange(len(priced))
    rows.add(
        len(priced),
        [(seq, priced_h, 1.0), (seq, up + seq, -1.0), (seq, down + seq, 1.0)],
        data.previous_hours.ravel()[priced],
        data.previous_hours.ravel()[priced],
    )
    seq = np.arange(len(held))
    rows.add(len(held), [(seq, hours + held, 1.0), (seq, gap + seq, 1.0)], data.committed.ravel()[held], np.inf)
    return SparseLp(
        a=rows.matrix(cols.count),
        c=cols.cost(),
        row_lower=rows.lower(),
        row_upper=rows.upper(),
        col_lower=np.zeros(cols.count),
        col_upper=cols.upper(),
        n_hours=n_r * n_free,
        capacity_rows=slice(capacity, capacity + n_l * n_free),
        col_key=col_key,
        row_key=row_key,
    )


class _Columns:
    """Blocks of columns with their costs and upper bounds (lower bounds are all 0)."""

    def __init__(self) -> None:
        self.count = 0
        self.costs: list[np.ndarray] = []
        self.uppers: list[np.ndarray] = []

    def add(self, n: int, cost: float | np.ndarray, upper: float | np.ndarray = np.inf) -> int:
        start, self.count = self.count, self.count + n
        self.costs.append(np.broadcast_to(np.asarray(cost, float), (n,)))
        self.uppers.append(np.broadcast_to(np.asarray(upper, float), (n,)))
        return start

    def cost(self) -> np.ndarray:
        return np.concatenate(self.costs)

    def upper(self) -> np.ndarray:
        return np.concatenate(self.uppers)


class _Rows:
    """Blocks of rows given as (row in block, column, value) triplets and their bounds."""

    def __init__(self) -> None:
        self.count = 0
        self.triplets: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.lowers: list[np.ndarray] = []
        self.uppers: list[np.ndarray] = []

    def add(
        self,
        n: int,
        entries: list[tuple[np.ndarray, np.ndarray | int, float | np.ndarray]],
        lower: float | np.ndarray,
        upper: float | np.ndarray,
    ) -> int:
        start, self.count = self.count, self.count + n
        for row, col, value in entries:
            row = np.asarray(row, np.int64)
            self.triplets.append((
                start + row,
                np.broadcast_to(np.asarray(col, np.int64), row.shape),
                np.broadcast_to(np.asarray(value, float), row.shape),
            ))
        self.lowers.append(np.broadcast_to(np.asarray(lower, float), (n,)))
        self.uppers.append(np.broadcast_to(np.asarray(upper, float), (n,)))
        return start

    def matrix(self, n_cols: int) -> sp.csc_matrix:
        row, col, value = (np.concatenate(part) for part in zip(*self.triplets, strict=True))
        return sp.csc_matrix((value, (row, col)), shape=(self.count, n_cols))

    def lower(self) -> np.ndarray:
        return np.concatenate(self.lowers)

    def upper(self) -> np.ndarray:
        return np.concatenate(self.uppers)
