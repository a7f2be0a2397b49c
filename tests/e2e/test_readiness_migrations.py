"""``/readyz`` names the schema when the database is not at the code's last migration."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory

from core.adapters.sqlalchemy.migrate import MIGRATIONS, head_revision
from tests.e2e.conftest import Gateway

_STAMP = sa.text("UPDATE alembic_version SET version_num = :revision")


def _previous_revision() -> str:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_revision(head_revision())
    assert head is not None and isinstance(head.down_revision, str)
    return head.down_revision


@contextmanager
def _stamped(gateway: Gateway, revision: str) -> Iterator[None]:
    """The database claims ``revision`` while inside (as if the last migration had not run)."""
    with gateway.rt.engine.begin() as connection:
        current = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one()
        connection.execute(_STAMP, {"revision": revision})
    try:
        yield
    finally:
        with gateway.rt.engine.begin() as connection:
            connection.execute(_STAMP, {"revision": current})


def test_a_current_schema_is_ready(gateway: Gateway) -> None:
    response = gateway.client.get("/readyz")
    assert response.status_code == 200 and "migrations" in response.json["checked"]


def test_a_database_one_migration_behind_is_not_ready_and_says_why(gateway: Gateway) -> None:
    with _stamped(gateway, _previous_revision()):
        response = gateway.client.get("/readyz")
    assert response.status_code == 503 and response.json["failing"] == ["migrations"]
    assert gateway.client.get("/readyz").status_code == 200, "ready again once migrated"
