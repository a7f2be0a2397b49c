"""Operator commands: ``flask --app app db-upgrade`` and ``flask --app app seed-demo``."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from core.adapters.sqlalchemy.migrate import upgrade
from core.services.demo import DEMO_ACCOUNTANT_PHONE, DEMO_ACCOUNTS, seed_demo
from gateway.runtime import runtime


@click.command("db-upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Apply the database migrations (Alembic) up to the latest revision."""
    upgrade(runtime().engine)
    click.echo("database schema is up to date")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Create the documented demo accounts and history (safe to run again)."""
    rt = runtime()
    created = seed_demo(uow_factory=rt.uow_factory, clock=rt.clock, rulebook=rt.rulebook, hasher=rt.pin_hasher)
    click.echo("demo data created" if created else "demo data already present")
    for account in DEMO_ACCOUNTS:
        click.echo(f"  {account.kind.value:<9} {account.number}  {account.name:<27} {account.phone}  PIN {account.pin}")
    click.echo(f"  accountant phone linked to both employers: {DEMO_ACCOUNTANT_PHONE}")


def register(app: Flask) -> None:
    """Attach the commands to the app's ``flask`` CLI."""
    for command in (db_upgrade, seed_demo_command):
        app.cli.add_command(command)
