"""`sop keys`: create (customers for partner keys only, optional expiry), list, revoke and rotate."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from cli import cli
from domain.access import authenticate_sync, in_force
from domain.api_keys import create_api_key
from domain.errors import InvalidInput
from domain.models import ApiKey, Role, utcnow
from tests.factories import make_customer


def _sop(args: list[str], url: str) -> Result:
    return CliRunner().invoke(cli, args, env={"SOP_DATABASE_URL": url})


@pytest.mark.parametrize("role", ["viewer", "mes", "planner", "purchasing", "admin"])
def test_customer_binding_is_for_partner_keys_only(role: str, db: Engine, db_url: str) -> None:
    """Input tried: `sop keys create --role ROLE --customer C0001` for each role but partner (it was stored)."""
    with Session(db) as session:
        make_customer(session, code="C0001")
        session.commit()
    result = _sop(["keys", "create", "--role", role, "--customer", "C0001"], db_url)
    assert result.exit_code == 1 and result.output == "Error: --customer applies to partner keys only\n"
    with Session(db) as session:
        assert session.scalar(select(func.count()).select_from(ApiKey)) == 0
        with pytest.raises(InvalidInput, match="partner keys only"):
            create_api_key(session, role, None, ["C0001"])
        assert _sop(["keys", "create", "--role", "partner", "--customer", "C0001"], db_url).exit_code == 0


def test_a_purchasing_key_is_created_and_signs_in_as_purchasing(db: Engine, db_url: str) -> None:
    """`sop keys create --role purchasing` (the role recordMaterialReceipt needs); `--role buyer` is refused."""
    result = _sop(["keys", "create", "--role", "purchasing", "--name", "stores"], db_url)
    assert result.exit_code == 0, result.output
    key = next(word for word in result.output.split() if word.startswith("sop_"))
    with Session(db) as session:
        principal = authenticate_sync(session, key)
        assert principal is not None and principal.role is Role.PURCHASING and principal.actor == "purchasing:stores"
    refused = _sop(["keys", "create", "--role", "buyer"], db_url)
    assert refused.exit_code == 2 and "buyer" in refused.output


def test_a_key_name_longer_than_the_actor_columns_take_is_refused(db: Engine, db_url: str) -> None:
    """Input tried: --name of 150 characters (a DataError traceback on PostgreSQL) and of 60 (stored, then every
    write by the key failed: "planner:<name>" does not fit the 64-character actor columns)."""
    for length in (150, 60):
        result = _sop(["keys", "create", "--role", "planner", "--name", "n" * length], db_url)
        assert result.exit_code == 1 and "1 to 48 characters" in result.output, result.output
    assert _sop(["keys", "create", "--role", "planner", "--name", "n" * 48], db_url).exit_code == 0


def _key_row(db: Engine, key: str) -> ApiKey:
    with Session(db) as session:
        principal = authenticate_sync(session, key)
        assert principal is not None, "the key should authenticate"
        return session.get_one(ApiKey, principal.key_id)


def _last_line(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.output.splitlines()[-1]


def test_list_shows_every_key_and_its_state_but_never_the_secret(db: Engine, db_url: str) -> None:
    with Session(db) as session:
        make_customer(session, code="C0001")
        session.commit()
    partner = _last_line(_sop(["keys", "create", "--role", "partner", "--customer", "C0001", "--name", "erp"], db_url))
    viewer = _last_line(_sop(["keys", "create", "--role", "viewer", "--name", "board",
                              "--expires-at", "2030-01-31"], db_url))
    assert _sop(["keys", "revoke", _key_row(db, viewer).prefix], db_url).exit_code == 0
    result = _sop(["keys", "list"], db_url)
    assert result.exit_code == 0, result.output
    header, *rows = result.output.splitlines()
    assert header.split() == ["id", "prefix", "name", "role", "customers", "created", "expires", "last", "used",
                              "revoked", "state"]
    erp, board = (row.split() for row in rows)
    assert erp[1:5] == [partner.split("_")[1], "erp", "partner", "C0001"] and erp[-2:] == ["-", "active"]
    assert board[1:5] == [viewer.split("_")[1], "board", "viewer", "-"] and board[-1] == "revoked"
    assert "2030-01-31 00:00" in rows[1]
    for key in (partner, viewer):
        assert key.split("_", 2)[2] not in result.output  # the secret (urlsafe base64: it may hold "_" itself)
    with Session(db) as session:
        assert all(row.key_hash not in result.output for row in session.scalars(select(ApiKey)))


def test_revoke_by_id_or_prefix_refuses_the_key_from_then_on(db: Engine, db_url: str) -> None:
    key = _last_line(_sop(["keys", "create", "--role", "planner"], db_url))
    row = _key_row(db, key)
    result = _sop(["keys", "revoke", str(row.id)], db_url)
    assert result.exit_code == 0 and f"key {row.id} ({row.prefix}, planner-{row.prefix}) revoked at" in result.output
    with Session(db) as session:
        assert authenticate_sync(session, key) is None
    again = _sop(["keys", "revoke", row.prefix], db_url)
    assert again.exit_code == 0 and "was already revoked" in again.output
    unknown = _sop(["keys", "revoke", "feedfacecafe"], db_url)
    assert unknown.exit_code == 1
    assert unknown.output == "Error: no API key has the id or prefix 'feedfacecafe' (see `sop keys list`)\n"


def test_rotate_gives_the_same_name_role_and_customers_and_keeps_the_old_key_through_the_grace(
    db: Engine, db_url: str
) -> None:
    with Session(db) as session:
        make_customer(session, code="C0001")
        session.commit()
    old = _last_line(_sop(["keys", "create", "--role", "partner", "--customer", "C0001", "--name", "erp",
                           "--expires-in-days", "90"], db_url))
    old_row = _key_row(db, old)
    result = _sop(["keys", "rotate", old_row.prefix, "--grace-hours", "2"], db_url)
    new = _last_line(result)
    new_row = _key_row(db, new)
    with Session(db) as session:
        old_row, new_row = session.get_one(ApiKey, old_row.id), session.get_one(ApiKey, new_row.id)
        assert (new_row.name, new_row.role, [c.code for c in new_row.customers]) == ("erp", Role.PARTNER, ["C0001"])
        assert authenticate_sync(session, old) is not None  # within its grace
        assert old_row.revoked_at is not None
        assert abs(old_row.revoked_at - utcnow() - timedelta(hours=2)) < timedelta(minutes=1)
        assert new_row.expires_at is not None
        assert abs(new_row.expires_at - utcnow() - timedelta(days=90)) < timedelta(minutes=1)  # a 90-day key again
        assert in_force(old_row, old_row.revoked_at - timedelta(seconds=1))
        assert not in_force(old_row, old_row.revoked_at)
    again = _sop(["keys", "rotate", str(old_row.id)], db_url)
    assert again.exit_code == 1 and "was rotated already and is revoked from" in again.output
    _last_line(_sop(["keys", "rotate", new_row.prefix], db_url))
    with Session(db) as session:
        assert authenticate_sync(session, new) is None  # no grace: refused at once


def test_an_expired_key_is_refused(db: Engine, db_url: str) -> None:
    key = _last_line(_sop(["keys", "create", "--role", "viewer", "--expires-in-days", "1"], db_url))
    row = _key_row(db, key)
    with Session(db) as session:
        session.get_one(ApiKey, row.id).expires_at = utcnow() - timedelta(seconds=1)
        session.commit()
        assert authenticate_sync(session, key) is None
    assert "expired" in _sop(["keys", "list"], db_url).output


@pytest.mark.parametrize(("args", "message"), [
    (["--expires-in-days", "0"], "--expires-in-days must be 1 to 3650, got 0"),
    (["--expires-in-days", "5000"], "--expires-in-days must be 1 to 3650, got 5000"),
    (["--expires-in-days", "3", "--expires-at", "2999-01-01"], "give --expires-in-days or --expires-at, not both"),
    (["--expires-at", "2020-01-01"], "--expires-at 2020-01-01T00:00:00+00:00 is not in the future"),
    (["--expires-at", "2999-01-01T10:00"], "'2999-01-01T10:00' has no offset: add one, e.g. 2999-01-01T10:00+00:00"),
    (["--expires-at", "soon"], "'soon' is not a day (YYYY-MM-DD) or an instant"),
])
def test_a_bad_expiry_is_refused_saying_what_is_wrong(args: list[str], message: str, db: Engine, db_url: str) -> None:
    result = _sop(["keys", "create", "--role", "viewer", *args], db_url)
    assert result.exit_code != 0 and message in result.output, result.output
    with Session(db) as session:
        assert session.scalar(select(func.count()).select_from(ApiKey)) == 0


@pytest.mark.parametrize("hours", ["-1", "721", "nan", "inf"])
def test_a_bad_grace_is_refused_and_the_old_key_kept(hours: str, db: Engine, db_url: str) -> None:
    key = _last_line(_sop(["keys", "create", "--role", "viewer"], db_url))
    result = _sop(["keys", "rotate", _key_row(db, key).prefix, "--grace-hours", hours], db_url)
    assert result.exit_code == 1 and "--grace-hours must be 0 to 720" in result.output, result.output
    with Session(db) as session:
        assert session.scalar(select(func.count()).select_from(ApiKey)) == 1
        assert authenticate_sync(session, key) is not None
