"""How big a demo plant is: the named sizes `sop demo load --size` offers, and custom ones for tests."""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import InvalidInput

# Rows a generated plant has per order (the order, its lines, deliveries, review, history, shop-floor and
# after-sales rows) and per product (the product, substitutes, bill of materials, routings), as measured on
# the named sizes: 16.9-17.1 and 7.2-7.5 (18.7 on small once orders were delivered and closed, two history
# steps more). Only a progress bar's total rests on them.
ROWS_PER_ORDER = 18.6
ROWS_PER_PRODUCT = 7.4


@dataclass(frozen=True)
class DemoSize:
    """The dimensions of a generated plant; every count must be at least 1."""

    name: str
    products: int
    families: int
    lines: int
    customers: int
    orders: int
    materials_per_family: int = 4
    forecast_weeks_ahead: int = 26
    forecast_weeks_back: int = 26
    history_days: int = 365

    def __post_init__(self) -> None:
        for field, value in vars(self).items():
            if field != "name" and value < 1:
                raise InvalidInput(f"demo size {self.name!r}: {field} must be at least 1, got {value}", [field])
        if self.families > self.products:
            raise InvalidInput(
                f"demo size {self.name!r}: {self.families} families need at least as many products "
                f"(got {self.products})",
                ["families"],
            )

    @property
    def expected_rows(self) -> int:
        """About how many rows a plant of this size has, known before it is generated."""
        forecasts = self.products * (self.forecast_weeks_ahead + self.forecast_weeks_back)
        return round(self.orders * ROWS_PER_ORDER + self.products * ROWS_PER_PRODUCT + forecasts + self.customers)


SIZES: dict[str, DemoSize] = {
    "small": DemoSize("small", products=30, families=4, lines=5, customers=40, orders=2_000),
    "medium": DemoSize("medium", products=500, families=8, lines=20, customers=300, orders=20_000),
    "large": DemoSize("large", products=2_000, families=12, lines=50, customers=1_000, orders=100_000),
}


def size_named(name: str) -> DemoSize:
    try:
        return SIZES[name]
    except KeyError:
        raise InvalidInput(f"unknown demo size {name!r}; sizes are {', '.join(SIZES)}", ["size"]) from None
