"""Apply Alembic migrations programmatically (``flask db-upgrade`` and the tests use this)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine) -> Config:
    """An Alembic config bound to ``engine`` (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


@dataclass(frozen=True, slots=True)
class SchemaChange:
    """Revision of the schema before and after an upgrade (``before`` None: the database was empty)."""

    before: str | None
    after: str | None

    def describe(self) -> str:
        """What the upgrade did, in words an operator reads."""
        if self.before == self.after:
            return f"database schema already up to date (revision {self.after})"
        if self.before is None:
            return f"database schema created (revision {self.after})"
        return f"database schema upgraded from revision {self.before} to {self.after}"


def current_revision(connection: Connection) -> str | None:
    """The schema revision stamped in the database (None when it has none yet)."""
    return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """The newest revision of the migration scripts (what ``db-upgrade`` brings a database to)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def upgrade(engine: Engine, revision: str = "head") -> SchemaChange:
    """Bring the schema to ``revision``; returns the revisions before and after."""
    config = alembic_config(engine)
    with engine.begin() as connection:
        before = current_revision(connection)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        return SchemaChange(before, current_revision(connection))


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Take the schema back to ``revision``."""
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def revision(engine: Engine, message: str) -> None:
    """Autogenerate a new revision against the current schema (developer tool)."""
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)
