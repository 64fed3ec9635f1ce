"""Settings from environment variables with safe defaults, read in this one place."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RULES_DIR = REPO_ROOT / "rules"
DEFAULT_DATABASE_URL = f"sqlite:///{REPO_ROOT / 'var' / 'sop.db'}"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    rules_dir: Path = DEFAULT_RULES_DIR
    environment: str = "development"
    # AUTO picks by plant size from measurements (domain/planning/weekly.py: choose_solver).
    solver: str = "AUTO"
    allowed_origins: tuple[str, ...] = field(default_factory=tuple)
    max_page_size: int = 500
    max_query_depth: int = 10
    max_aliases: int = 30
    max_tokens: int = 5000
    max_mutations: int = 10
    # The document's shape, checked before graphql-core validates it (api/core/validation.py): its validation is
    # quadratic in repeated fields and fragment spreads (1,249 repeats of a field took 2 s, 250 spreads 0.66 s).
    max_selections: int = 1000
    max_duplicate_fields: int = 10
    max_fragment_spreads: int = 100
    max_subscriptions: int = 20  # active subscriptions on one websocket
    max_body_bytes: int = 1_000_000
    # Objects one request may resolve, estimated before it runs (api/core/cost.py): a 500-order page with
    # lines, history, deliveries and review is about 35,000.
    max_query_cost: int = 100_000
    # Capacity-adjustment cost of a rush order (R15), in the company currency.
    overtime_hour_cost: float = 60.0
    changeover_cost: float = 400.0
    displaced_order_cost: float = 250.0
    # Database trouble (api/core/view.py): a client told UNAVAILABLE (HTTP 503) waits this long before retrying.
    retry_after_seconds: int = 2
    # PostgreSQL bounds on one statement and on one wait for a row lock (domain/db.py), in milliseconds.
    statement_timeout_ms: int = 30_000
    lock_timeout_ms: int = 5_000
    # A request (key check and execution) still running after this is rolled back and answered UNAVAILABLE,
    # so a request its client gave up on does not commit later.
    request_timeout_seconds: float = 30.0
    # GET /metrics needs "Authorization: Bearer <metrics_token>"; without a token set, /metrics is off (404).
    metrics_token: str | None = None

    @property
    def production(self) -> bool:
        return self.environment == "production"


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Read SOP_* variables; anything unset keeps its default."""
    env = dict(os.environ) if env is None else env
    origins = tuple(o.strip() for o in env.get("SOP_ALLOWED_ORIGINS", "").split(",") if o.strip())
    return Settings(
        database_url=env.get("SOP_DATABASE_URL", DEFAULT_DATABASE_URL),
        rules_dir=Path(env.get("SOP_RULES_DIR", str(DEFAULT_RULES_DIR))),
        environment=env.get("SOP_ENV", "development"),
        solver=env.get("SOP_SOLVER", "AUTO").upper(),
        allowed_origins=origins,
        max_page_size=int(env.get("SOP_MAX_PAGE_SIZE", "500")),
        max_query_depth=int(env.get("SOP_MAX_QUERY_DEPTH", "10")),
        max_aliases=int(env.get("SOP_MAX_ALIASES", "30")),
        max_tokens=int(env.get("SOP_MAX_TOKENS", "5000")),
        max_mutations=int(env.get("SOP_MAX_MUTATIONS", "10")),
        max_selections=int(env.get("SOP_MAX_SELECTIONS", "1000")),
        max_duplicate_fields=int(env.get("SOP_MAX_DUPLICATE_FIELDS", "10")),
        max_fragment_spreads=int(env.get("SOP_MAX_FRAGMENT_SPREADS", "100")),
        max_subscriptions=int(env.get("SOP_MAX_SUBSCRIPTIONS", "20")),
        max_body_bytes=int(env.get("SOP_MAX_BODY_BYTES", "1000000")),
        max_query_cost=int(env.get("SOP_MAX_QUERY_COST", "100000")),
        overtime_hour_cost=float(env.get("SOP_OVERTIME_HOUR_COST", "60")),
        changeover_cost=float(env.get("SOP_CHANGEOVER_COST", "400")),
        displaced_order_cost=float(env.get("SOP_DISPLACED_ORDER_COST", "250")),
        retry_after_seconds=int(env.get("SOP_RETRY_AFTER_SECONDS", "2")),
        statement_timeout_ms=int(env.get("SOP_STATEMENT_TIMEOUT_MS", "30000")),
        lock_timeout_ms=int(env.get("SOP_LOCK_TIMEOUT_MS", "5000")),
        request_timeout_seconds=float(env.get("SOP_REQUEST_TIMEOUT_SECONDS", "30")),
        metrics_token=env.get("SOP_METRICS_TOKEN") or None,
    )
