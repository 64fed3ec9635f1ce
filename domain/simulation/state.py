"""What one run of the service policy carries from day to day: its database, rule book, world and tallies."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from domain.access import Principal
from domain.models import Role
from domain.simulation.outcomes import Tally
from domain.simulation.plant import PlantModel
from domain.simulation.world import World
from rules import RuleBook

PRINCIPAL = Principal(0, "simulation", Role.ADMIN)


@dataclass
class ServiceRun:
    """One run of the service policy: its database, rule book and what it has seen so far."""

    url: str
    book: RuleBook
    plant: PlantModel
    world: World
    tally: Tally
    check_ledger: bool = False
    violations: list[tuple[date, str]] = field(default_factory=list)
    checked_days: int = 0
    # Why an order was not promised its requested date at once, and why a promise was broken: counts per cause.
    mechanisms: Counter[str] = field(default_factory=Counter)
    receipt_ids: dict[int, int] = field(default_factory=dict)
    boms: dict[str, list[tuple[int, float]]] = field(default_factory=dict)  # sku -> (material id, per unit)
