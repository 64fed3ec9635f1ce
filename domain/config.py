"""Settings from environment variables with safe defaults, read in this one place."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RULES_DIR = REPO_ROOT / "rules"
DEFAULT_DATABASE_URL = f"sqlite:///{REPO_ROOT / 'var' / 'sop.db'}"


class SettingInvalid(ValueError):
    """An SOP_* variable that does not say what it must: the message names the variable and the value."""


@dataclass(frozen=True)
class OidcSettings:
    """A plant's single sign-on: JWTs from `issuer` for `audience`, keys from its JWKS, roles from a claim."""

    issuer: str  # SOP_OIDC_ISSUER, e.g. https://sso.plant.example/realms/plant
    audience: str  # SOP_OIDC_AUDIENCE: the client id the tokens are issued for
    jwks_url: str | None = None  # SOP_OIDC_JWKS_URL; unset: the issuer's /.well-known/openid-configuration
    roles_claim: str = "roles"  # SOP_OIDC_ROLES_CLAIM, a dotted path such as realm_access.roles
    name_claim: str = "name"  # SOP_OIDC_NAME_CLAIM; preferred_username, email, sub when absent


def oidc_settings(env: dict[str, str]) -> OidcSettings | None:
    issuer = env.get("SOP_OIDC_ISSUER", "").strip()
    if not issuer:
        return None
    audience = env.get("SOP_OIDC_AUDIENCE", "").strip()
    if not audience:
        raise SettingInvalid(f"SOP_OIDC_ISSUER={issuer!r} needs SOP_OIDC_AUDIENCE (the client id its tokens name)")
    return OidcSettings(issuer, audience, env.get("SOP_OIDC_JWKS_URL") or None,
                        env.get("SOP_OIDC_ROLES_CLAIM") or "roles", env.get("SOP_OIDC_NAME_CLAIM") or "name")


@dataclass(frozen=True)
class RateLimit:
    """A token bucket: `per_second` tokens come back each second, at most `burst` are held; `text` as configured."""

    per_second: float
    burst: float
    text: str

    def shared_by(self, processes: int) -> RateLimit:
        """This process's share when `processes` divide the limit; at least one token, or none would ever pass."""
        if processes <= 1:
            return self
        return RateLimit(self.per_second / processes, max(1.0, self.burst / processes), self.text)


_RATE = re.compile(r"(\d+(?:\.\d+)?)\s*/\s*(s|sec|second|min|minute|h|hour)(?:\s+burst\s+(\d+))?", re.IGNORECASE)
_SECONDS = {"s": 1, "sec": 1, "second": 1, "min": 60, "minute": 60, "h": 3600, "hour": 3600}


def rate_limit(variable: str, text: str) -> RateLimit | None:
    """"20/s burst 40", "600/min" (burst: the count), "10/minute burst 20", or "off" (None)."""
    wanted = " ".join(text.split())
    if wanted.lower() == "off":
        return None
    match = _RATE.fullmatch(wanted)
    if match is None:
        raise SettingInvalid(f"{variable}={text!r} is not a rate such as '20/s burst 40', '600/min' or 'off'")
    count = float(match[1])
    burst = float(match[3]) if match[3] else count
    if count <= 0 or burst < 1:
        raise SettingInvalid(f"{variable}={text!r}: the rate must be above 0 and the burst at least 1 (or say 'off')")
    return RateLimit(count / _SECONDS[match[2].lower()], burst, wanted)


def _count(variable: str, text: str, of: str) -> int:
    """A whole number, 1 or more, of `of` (processes, connections)."""
    if not text.strip().isdigit() or int(text) < 1:
        raise SettingInvalid(f"{variable}={text!r} must be a whole number of {of}, 1 or more")
    return int(text)


# Failed sign-ins per client address: a person mistyping is not slowed, a client looping on a wrong key is.
DEFAULT_FAILED_SIGN_INS = "10/min burst 10"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    rules_dir: Path = DEFAULT_RULES_DIR
    environment: str = "development"
    # AUTO picks by plant size from measurements (solver/choice.py).
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
    # Token buckets kept in each API process (api/core/rate_limits.py), each process taking 1/api_processes of
    # the limit. Per key: off unless configured (an ERP sends bursts; size it to the plant's partners).
    rate_limit_per_key: RateLimit | None = None
    failed_sign_in_limit: RateLimit | None = field(
        default_factory=lambda: rate_limit("SOP_RATE_LIMIT_FAILED_SIGN_INS", DEFAULT_FAILED_SIGN_INS))
    # API processes sharing the database (all hosts, all workers); `sop serve --workers N` sets it to N.
    api_processes: int = 1
    # PostgreSQL connections each API process keeps open, and never more: a request past them waits for one.
    # Connections beyond a pool's size close when returned; under 25 requests in flight a process with 10 kept
    # and 20 overflow opened and closed ~190 backends in two bench loops, ~6 ms of the machine a request
    # (docs/scaling.md, "the connection pool"). Size PostgreSQL's max_connections for processes x this.
    db_pool_size: int = 30
    # `sop serve --workers N`: uvicorn kills a worker that does not answer its supervisor's ping within this many
    # seconds and starts another. uvicorn's 5 s is shorter than a worker's start on a loaded host (measured on
    # 2 busy cores: 5-20 s), so every new worker was killed while starting, for ever (bench/faults.py).
    worker_healthcheck_seconds: int = 30
    # GET /metrics needs "Authorization: Bearer <metrics_token>"; without a token set, /metrics is off (404).
    metrics_token: str | None = None
    # OpenID Connect bearer tokens beside API keys (api/core/oidc.py); None: API keys only.
    oidc: OidcSettings | None = None
    # Webhook delivery of customer notices (domain/notices): a round every this many seconds in each API process
    # (0: none), the first retry after webhook_retry_base_seconds, doubled each time, DEAD after max attempts.
    webhook_interval_seconds: float = 5.0
    webhook_retry_base_seconds: float = 10.0
    webhook_max_attempts: int = 8
    # Negotiated rush moves (R15): every this many seconds each API process ends the unanswered ones past their
    # expiry (0: none).
    negotiation_check_seconds: float = 60.0
    # Sign-off holds (R3): each API process releases and re-reviews expired holds every this many seconds (0: none).
    hold_expiry_interval_seconds: float = 60.0
    # Measuring only (bench/api.py): each process appends its ledger lock hold times to <prefix>.<pid>
    # (domain/capacity/lock_timing.py). Off when unset.
    ledger_lock_log: Path | None = None

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
        rate_limit_per_key=rate_limit("SOP_RATE_LIMIT_PER_KEY", env.get("SOP_RATE_LIMIT_PER_KEY") or "off"),
        failed_sign_in_limit=rate_limit("SOP_RATE_LIMIT_FAILED_SIGN_INS",
                                        env.get("SOP_RATE_LIMIT_FAILED_SIGN_INS") or DEFAULT_FAILED_SIGN_INS),
        api_processes=_count("SOP_API_PROCESSES", env.get("SOP_API_PROCESSES") or "1", "processes"),
        db_pool_size=_count("SOP_DB_POOL_SIZE", env.get("SOP_DB_POOL_SIZE") or "30", "connections"),
        worker_healthcheck_seconds=int(env.get("SOP_WORKER_HEALTHCHECK_SECONDS", "30")),
        metrics_token=env.get("SOP_METRICS_TOKEN") or None,
        oidc=oidc_settings(env),
        webhook_interval_seconds=float(env.get("SOP_WEBHOOK_INTERVAL_SECONDS", "5")),
        webhook_retry_base_seconds=float(env.get("SOP_WEBHOOK_RETRY_BASE_SECONDS", "10")),
        webhook_max_attempts=int(env.get("SOP_WEBHOOK_MAX_ATTEMPTS", "8")),
        negotiation_check_seconds=float(env.get("SOP_NEGOTIATION_CHECK_SECONDS", "60")),
        hold_expiry_interval_seconds=float(env.get("SOP_HOLD_EXPIRY_INTERVAL_SECONDS", "60")),
        ledger_lock_log=Path(env["SOP_LEDGER_LOCK_LOG"]) if env.get("SOP_LEDGER_LOCK_LOG") else None,
    )
