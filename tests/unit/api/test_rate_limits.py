"""Token buckets on a fake clock: the burst, the refill, the share of one process, bounded memory; the settings."""

from __future__ import annotations

import pytest

from api.core.rate_limits import Buckets, RateLimited, RateLimits
from domain.config import RateLimit, SettingInvalid, Settings, load_settings, rate_limit


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_passes_then_one_token_per_interval() -> None:
    clock = Clock()
    buckets = Buckets(RateLimit(2.0, 4.0, "2/s burst 4"), clock)
    assert [buckets.take("k") for _ in range(4)] == [0.0] * 4
    assert buckets.take("k") == pytest.approx(0.5)  # one token comes back every half second
    clock.now += 0.25
    assert buckets.take("k") == pytest.approx(0.25)  # a refused request takes nothing
    clock.now += 0.25
    assert buckets.take("k") == 0.0
    assert buckets.take("other") == 0.0  # each name has its own bucket
    clock.now += 60
    assert [buckets.take("k") for _ in range(5)][-1] > 0  # refilled to the burst, not beyond


def test_each_process_takes_its_share_and_at_least_one_token() -> None:
    limit = RateLimit(20.0, 40.0, "20/s burst 40")
    assert limit.shared_by(4) == RateLimit(5.0, 10.0, "20/s burst 40")
    assert limit.shared_by(1) is limit
    assert RateLimit(1.0, 2.0, "1/s burst 2").shared_by(8).burst == 1.0
    clock = Clock()
    limits = RateLimits(Settings(rate_limit_per_key=limit, api_processes=4), clock)
    for _ in range(10):
        limits.admit("7")
    with pytest.raises(RateLimited, match=r"limit 20/s burst 40 over all API processes") as refused:
        limits.admit("7")
    assert refused.value.retry_after == 1  # 0.2 s, rounded up to whole seconds


def test_failed_sign_ins_are_counted_per_address() -> None:
    clock = Clock()
    limits = RateLimits(Settings(failed_sign_in_limit=rate_limit("X", "6/min burst 2")), clock)
    limits.failed_sign_in("10.0.0.1")
    limits.failed_sign_in("10.0.0.1")
    with pytest.raises(RateLimited, match=r"Too many failed sign-ins from 10\.0\.0\.1") as refused:
        limits.failed_sign_in("10.0.0.1")
    assert refused.value.retry_after == 10
    limits.failed_sign_in("10.0.0.2")
    clock.now += 10
    limits.failed_sign_in("10.0.0.1")


def test_limits_off_admit_everything() -> None:
    limits = RateLimits(Settings(rate_limit_per_key=None, failed_sign_in_limit=None))
    for _ in range(10_000):
        limits.admit("1")
        limits.failed_sign_in("10.0.0.1")


def test_many_addresses_do_not_grow_memory_without_bound() -> None:
    clock = Clock()
    buckets = Buckets(RateLimit(1 / 60, 10.0, "1/min burst 10"), clock, most=100)
    for i in range(1000):
        buckets.take(f"10.0.{i // 256}.{i % 256}")
    assert len(buckets) <= 100
    buckets.take("busy")
    for _ in range(9):
        buckets.take("busy")
    assert buckets.take("busy") > 0  # a name being counted right now is kept


def test_defaults_limit_failed_sign_ins_only() -> None:
    """Per key off (an ERP's bursts are the plant's business), failed sign-ins 10 a minute per address."""
    for settings in (Settings(), load_settings({})):
        assert settings.rate_limit_per_key is None
        assert settings.failed_sign_in_limit == RateLimit(10 / 60, 10.0, "10/min burst 10")
        assert settings.api_processes == 1
    configured = load_settings({"SOP_RATE_LIMIT_PER_KEY": "20/s burst 40", "SOP_RATE_LIMIT_FAILED_SIGN_INS": "off",
                                "SOP_API_PROCESSES": "3"})
    assert (configured.rate_limit_per_key, configured.failed_sign_in_limit, configured.api_processes) == (
        RateLimit(20.0, 40.0, "20/s burst 40"), None, 3)
    assert rate_limit("X", "600/min") == RateLimit(10.0, 600.0, "600/min")
    assert rate_limit("X", " 5 / hour  burst 20 ") == RateLimit(5 / 3600, 20.0, "5 / hour burst 20")


@pytest.mark.parametrize(("env", "message"), [
    ({"SOP_RATE_LIMIT_PER_KEY": "20 per second"},
     "SOP_RATE_LIMIT_PER_KEY='20 per second' is not a rate such as '20/s burst 40', '600/min' or 'off'"),
    ({"SOP_RATE_LIMIT_PER_KEY": "0/s"}, "SOP_RATE_LIMIT_PER_KEY='0/s': the rate must be above 0"),
    ({"SOP_RATE_LIMIT_FAILED_SIGN_INS": "10/min burst 0"}, "the burst at least 1"),
    ({"SOP_API_PROCESSES": "0"}, "SOP_API_PROCESSES='0' must be a whole number of processes, 1 or more"),
    ({"SOP_API_PROCESSES": "two"}, "SOP_API_PROCESSES='two' must be a whole number"),
])
def test_a_bad_setting_names_the_variable_and_the_value(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingInvalid) as refused:
        load_settings(env)
    assert message in str(refused.value)


def test_single_sign_on_settings_need_an_audience_and_read_the_claims() -> None:
    """Input tried: SOP_OIDC_ISSUER without SOP_OIDC_AUDIENCE (refused, naming both), then a full set."""
    assert load_settings({}).oidc is None
    with pytest.raises(SettingInvalid, match=r"SOP_OIDC_ISSUER='https://sso\.example' needs SOP_OIDC_AUDIENCE"):
        load_settings({"SOP_OIDC_ISSUER": "https://sso.example"})
    oidc = load_settings({"SOP_OIDC_ISSUER": "https://sso.example", "SOP_OIDC_AUDIENCE": "sop",
                          "SOP_OIDC_ROLES_CLAIM": "realm_access.roles"}).oidc
    assert oidc is not None and (oidc.audience, oidc.roles_claim, oidc.name_claim) == ("sop", "realm_access.roles",
                                                                                      "name")
