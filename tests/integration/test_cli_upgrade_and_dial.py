"""Operator commands say what they did: db-upgrade names the revisions, ussd-dial shows every SMS queued."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from app import create_app
from core.adapters.sqlalchemy.migrate import head_revision, upgrade
from gateway.runtime import Runtime

EMPLOYER_PHONE = "+22890112233"


def _app(tmp_path: Path, **config: object) -> Flask:
    return create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'gw.db'}", "TESTING": True, **config})


def test_db_upgrade_says_it_created_then_upgraded_then_found_the_schema_up_to_date(tmp_path: Path) -> None:
    app = _app(tmp_path)
    runner = app.test_cli_runner()
    head = head_revision()
    created = runner.invoke(args=["db-upgrade"])
    assert created.exit_code == 0 and f"database schema created (revision {head})" in created.output
    assert f"already up to date (revision {head})" in runner.invoke(args=["db-upgrade"]).output
    older = _app(tmp_path / "older")
    (tmp_path / "older").mkdir()
    rt: Runtime = older.extensions["cnss"]
    assert upgrade(rt.engine, "0007").after == "0007"
    upgraded = older.test_cli_runner().invoke(args=["db-upgrade"])
    assert f"database schema upgraded from revision 0007 to {head}" in upgraded.output, upgraded.output


def _seeded(tmp_path: Path, **config: object) -> Flask:
    app = _app(tmp_path, **config)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db-upgrade"]).exit_code == 0
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    return app


def test_ussd_dial_shows_each_sms_once_and_counts_those_queued_since_the_dial(tmp_path: Path) -> None:
    app = _seeded(tmp_path)
    dial = app.test_cli_runner().invoke(args=["ussd-dial", EMPLOYER_PHONE], input="1234\n2\n2\n")
    assert dial.exit_code == 0, dial.output
    assert dial.output.count(f"[SMS queued for {EMPLOYER_PHONE}] CNSS BOULANGERIE DU PORT SARL\nSolde 182") == 1
    assert dial.output.rstrip().endswith(f"1 SMS queued for {EMPLOYER_PHONE} since the dial started")


def test_ussd_dial_waits_for_the_sms_a_slow_request_sends_after_the_session_ended(tmp_path: Path) -> None:
    app = _seeded(tmp_path, USSD_HOP_DEADLINE="0.5")
    backend = app.extensions["cnss"].ussd.backend
    issue = backend.issue_reference

    def slow_issue(*args: Any, **kwargs: Any) -> Any:
        time.sleep(1.0)  # a write slower than the hop deadline: its result goes by SMS
        return issue(*args, **kwargs)

    backend.issue_reference = slow_issue
    dial = app.test_cli_runner().invoke(args=["ussd-dial", EMPLOYER_PHONE, "--sms-wait", "10"],
                                        input="1234\n1\n1\n1\n")
    assert "Vous recevrez le résultat par SMS" in dial.output, dial.output
    assert f"[SMS queued for {EMPLOYER_PHONE}] CNSS BOULANGERIE DU PORT SARL: référence" in dial.output, dial.output
    assert dial.output.rstrip().endswith(f"1 SMS queued for {EMPLOYER_PHONE} since the dial started")


@pytest.mark.parametrize("provider", ["at", "hubtel", "freeflow"])
def test_ussd_dial_walks_the_same_screens_over_every_provider_with_its_secret(tmp_path: Path, provider: str) -> None:
    app = _seeded(tmp_path, AT_CALLBACK_KEY="at-key-1", HUBTEL_CALLBACK_KEY="hubtel-key-1", FREEFLOW_USERID="moov",
                  FREEFLOW_PASSWORD="ff-pass-1", FREEFLOW_PARAM_NAMES="input=ussdString")
    dial = app.test_cli_runner().invoke(args=["ussd-dial", EMPLOYER_PHONE, "--provider", provider],
                                        input="1234\n2\n0\n")
    assert dial.exit_code == 0, dial.output
    assert "Entrez votre code PIN" in dial.output and "Solde: 182 425 FCFA" in dial.output
    assert dial.output.count("1 Payer") == 2, "back to the employer menu after the balance"
    engine = app.extensions["cnss"].engine
    engine.dispose()  # writes the buffered hop records
    with engine.connect() as connection:
        stored = list(connection.execute(sa.text("SELECT provider, screen FROM ussd_hops ORDER BY id")))
    assert stored == [(provider, "auth.pin"), (provider, "employer.home"), (provider, "account.summary"),
                      (provider, "employer.home")]


def test_ussd_dial_refuses_an_unknown_provider(tmp_path: Path) -> None:
    app = _seeded(tmp_path)
    unknown = app.test_cli_runner().invoke(args=["ussd-dial", EMPLOYER_PHONE, "--provider", "kannel-x"])
    assert unknown.exit_code == 2 and "not a USSD provider (one of at, hubtel, freeflow" in unknown.output
