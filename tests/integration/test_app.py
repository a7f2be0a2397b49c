"""The app factory, its configuration, probes and CLI commands, as operators use them."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask

from app import create_app
from config import SETTINGS, load_config
from core.adapters.sqlalchemy.migrate import upgrade
from core.domain.periods import ContributionPeriod
from gateway.runtime import Runtime
from tests.conftest import REDIS_URL

CLOSED_PORT_DB = "postgresql://postgres@127.0.0.1:1/none"


def _app(tmp_path: Path, **config: object) -> Flask:
    return create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'gw.db'}", "TESTING": True, **config})


def test_defaults_follow_the_documented_configuration(tmp_path: Path) -> None:
    config = load_config({}, str(tmp_path))
    assert config["DATABASE_URL"] == f"sqlite:///{tmp_path}/cnss-gateway.db"
    assert config["REDIS_URL"] is None and config["GATEWAY_TIMEZONE"] == "Africa/Lome"
    assert set(config) == set(SETTINGS)
    env = load_config({"REDIS_URL": "redis://r:6379/0", "BANK_API_SECRET": "s3cret", "AT_USERNAME": ""}, "/x")
    assert (env["REDIS_URL"], env["BANK_API_SECRET"], env["AT_USERNAME"]) == ("redis://r:6379/0", "s3cret", "sandbox")


def test_creating_the_app_opens_no_connection() -> None:
    app = create_app({"DATABASE_URL": CLOSED_PORT_DB, "REDIS_URL": "redis://127.0.0.1:1/0"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_readiness_names_what_is_unreachable() -> None:
    app = create_app({"DATABASE_URL": CLOSED_PORT_DB, "REDIS_URL": "redis://127.0.0.1:1/0"})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "failing": ["database", "migrations", "redis"]}


@pytest.mark.redis
def test_ready_when_database_and_redis_answer(tmp_path: Path) -> None:
    app = _app(tmp_path, REDIS_URL=REDIS_URL)
    upgrade(app.extensions["cnss"].engine)
    response = app.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ready", "checked": ["database", "migrations", "redis"]}


def test_cli_upgrades_the_schema_and_seeds_demo_data_once(tmp_path: Path) -> None:
    app = _app(tmp_path)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db-upgrade"])
    assert result.exit_code == 0, result.output
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "demo data created" in first.output and "1000001" in first.output and "PIN 1234" in first.output
    second = runner.invoke(args=["seed-demo"])
    assert "demo data already present" in second.output
    rt: Runtime = app.extensions["cnss"]
    with rt.uow_factory() as uow:
        assert uow.employers.get("1000001").company_name == "BOULANGERIE DU PORT SARL"  # type: ignore[union-attr]


def test_a_rules_file_adds_dated_parameters(tmp_path: Path) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({"smig": [{"effective_from": "2027-01-01", "value": 60000, "source": "decree"}]}))
    rt: Runtime = _app(tmp_path, CNSS_RULES_FILE=str(rules)).extensions["cnss"]
    assert rt.rulebook.smig.at(ContributionPeriod(2026, 12).first_day) == 52_500
    assert rt.rulebook.smig.at(ContributionPeriod(2027, 1).first_day) == 60_000


def test_the_embedded_default_database_lives_under_instance(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app()
    assert app.config["DATABASE_URL"] == f"sqlite:///{app.instance_path}/cnss-gateway.db"
    assert Path(app.instance_path).is_dir()
