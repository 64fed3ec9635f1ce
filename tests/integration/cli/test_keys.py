"""`sop keys create` binds customers to partner keys only (a viewer key bound to C0001 was stored)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from domain.access import create_api_key
from domain.cli import cli
from domain.errors import InvalidInput
from domain.models import ApiKey
from tests.factories import make_customer


def _sop(args: list[str], url: str) -> Result:
    return CliRunner().invoke(cli, args, env={"SOP_DATABASE_URL": url})


@pytest.mark.parametrize("role", ["viewer", "mes", "planner", "admin"])
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


def test_a_key_name_longer_than_the_actor_columns_take_is_refused(db: Engine, db_url: str) -> None:
    """Input tried: --name of 150 characters (a DataError traceback on PostgreSQL) and of 60 (stored, then every
    write by the key failed: "planner:<name>" does not fit the 64-character actor columns)."""
    for length in (150, 60):
        result = _sop(["keys", "create", "--role", "planner", "--name", "n" * length], db_url)
        assert result.exit_code == 1 and "1 to 48 characters" in result.output, result.output
    assert _sop(["keys", "create", "--role", "planner", "--name", "n" * 48], db_url).exit_code == 0
