"""deploy/: the compose file, Dockerfile and Caddyfile agree with each other and with the code.

docker is not installed where these tests run: nothing is built or started here. These checks catch what a
YAML load and a read can: a broken file, a lost replica, migrations not run first, a root container, an image
missing a folder the code reads, a `sop` option that does not exist.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from cli.serve import serve
from domain.config import load_settings

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    return loaded


def test_the_compose_file_is_yaml_with_two_api_replicas_behind_a_proxy_after_one_migration() -> None:
    """Input tried: deploy/compose.yaml as shipped, loaded with yaml.safe_load."""
    services = _compose()["services"]
    assert set(services) == {"postgres", "migrate", "api", "proxy"}
    assert services["api"]["deploy"]["replicas"] >= 2
    assert services["migrate"]["command"] == ["sop", "db", "upgrade"] and services["migrate"]["restart"] == "no"
    assert services["api"]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert services["migrate"]["depends_on"]["postgres"] == {"condition": "service_healthy"}
    assert "./Caddyfile:/etc/caddy/Caddyfile:ro" in services["proxy"]["volumes"]
    for name in ("migrate", "api"):
        env = services[name]["environment"]
        assert env["SOP_DATABASE_URL"].startswith("postgresql://") and "@postgres:5432/" in env["SOP_DATABASE_URL"]


def test_the_api_command_uses_options_sop_serve_has_and_processes_match_the_rate_limit_share() -> None:
    """Input tried: the api service's command against `sop serve`'s click options."""
    api = _compose()["services"]["api"]
    command = api["command"]
    assert command[:2] == ["sop", "serve"]
    known = {opt for param in serve.params for opt in param.opts}
    assert {word for word in command[2:] if word.startswith("--")} <= known
    workers = int(command[command.index("--workers") + 1])
    assert int(api["environment"]["SOP_API_PROCESSES"]) == workers * api["deploy"]["replicas"]


def test_postgres_admits_every_api_processs_pool_and_listener_with_room_for_commands() -> None:
    """Input tried: the postgres command's max_connections against SOP_API_PROCESSES x (SOP_DB_POOL_SIZE + 1)."""
    services = _compose()["services"]
    command = " ".join(services["postgres"]["command"])
    found = re.search(r"max_connections=(\d+)", command)
    env = services["api"]["environment"]
    settings = load_settings({k: str(v) for k, v in env.items()})
    needed = settings.api_processes * (settings.db_pool_size + 1)
    assert found is not None and int(found.group(1)) >= needed + 10


def test_the_proxy_sends_to_every_api_replica_on_the_port_it_listens_on() -> None:
    """Input tried: deploy/Caddyfile read as text: the upstream name and port must be the api service's."""
    caddy = (DEPLOY / "Caddyfile").read_text()
    command = _compose()["services"]["api"]["command"]
    upstream = re.search(r"dynamic a \{\s*name api\s*port (\d+)", caddy)
    assert upstream is not None and upstream.group(1) == command[command.index("--port") + 1]


def test_the_image_is_python_3_11_slim_runs_as_a_user_checks_health_and_holds_what_the_code_reads() -> None:
    """Input tried: deploy/Dockerfile read as text."""
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim$", dockerfile, re.M)
    users = re.findall(r"^USER (\S+)$", dockerfile, re.M)
    assert users and users[-1] not in ("root", "0")
    assert re.search(r"^HEALTHCHECK .*\n?.*/readyz", dockerfile, re.M)
    copied = set(re.findall(r"^COPY (\S+)", dockerfile, re.M))
    assert {"api", "domain", "rules", "solver", "migrations"} <= copied  # packages, rule files, Alembic scripts
    assert any("alembic.ini" in line for line in dockerfile.splitlines() if line.startswith("COPY"))
