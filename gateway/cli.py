"""Operator commands: db-upgrade, seed-demo, pin-unlock, menus-check, menus-diagram, and the phone ussd-dial."""
from __future__ import annotations

import logging
import time
import uuid
from urllib.parse import urlencode

import click
from flask import Flask, current_app
from flask.testing import FlaskClient
from flask.cli import with_appcontext

from core.adapters.sqlalchemy.migrate import upgrade
from core.domain.errors import InvalidPhoneNumberError
from core.domain.msisdn import Msisdn
from core.domain.outbox import OutboundMessage
from core.domain.parties import HolderKind
from core.services.credentials import unlock_pin
from core.services.demo import DEMO_ACCOUNTANT_PHONE, DEMO_ACCOUNTS, seed_demo
from gateway import cli_outbox, cli_reconcile, cli_remind, cli_requests, cli_retention, providers
from gateway.providers import Provider
from gateway.runtime import runtime
from gateway.ussd_edge import FORM_TYPE, Call
from menus import lint, texts
from menus.screens.catalog import build_registry

logger = logging.getLogger(__name__)


@click.command("db-upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Apply the database migrations (Alembic) up to the latest revision and say what was done."""
    click.echo(upgrade(runtime().engine).describe())


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Create the documented demo accounts and history (safe to run again)."""
    rt = runtime()
    created = seed_demo(uow_factory=rt.uow_factory, clock=rt.clock, rulebook=rt.rulebook, hasher=rt.pin_hasher,
                        registrations=rt.ussd.store)
    click.echo("demo data created" if created else "demo data already present")
    for account in DEMO_ACCOUNTS:
        click.echo(f"  {account.kind.value:<9} {account.number}  {account.name:<27} {account.phone}  PIN {account.pin}")
    click.echo(f"  accountant phone linked to both employers: {DEMO_ACCOUNTANT_PHONE}")


@click.command("pin-unlock")
@click.argument("kind", type=click.Choice([HolderKind.EMPLOYER.value, HolderKind.INSURED.value]))
@click.argument("number")
@with_appcontext
def pin_unlock(kind: str, number: str) -> None:
    """Agent reset of a locked or blocked PIN: clears wrong-PIN counts and locks (the PIN itself stays)."""
    if not unlock_pin(HolderKind(kind), number, uow=runtime().uow_factory()):
        raise click.ClickException(f"no PIN is set for {kind} {number}")
    logger.info("PIN unlocked by an agent for %s %s", kind, number)
    click.echo(f"PIN access of {kind} {number} unlocked")


@click.command("menus-check")
def menus_check() -> None:
    """Lint every screen (160 GSM-7 characters in every language) and the journey graph."""
    registry = build_registry()
    problems = lint.catalogue_problems() + lint.graph_problems(registry) + lint.budget_problems(registry)
    for problem in problems:
        click.echo(problem, err=True)
    screens = len(list(registry))
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in {screens} screens")
    click.echo(f"{screens} screens x 2 languages: all within 160 GSM-7 characters; graph consistent")


@click.command("menus-diagram")
def menus_diagram() -> None:
    """Print the journey graph as Mermaid."""
    click.echo(lint.mermaid(build_registry()))


@click.command("ussd-dial")
@click.argument("phone")
@click.option("--code", default="*909#", show_default=True, help="Service code dialled.")
@click.option("--sms-wait", default=30.0, show_default=True,
              help="Seconds to wait for the SMS when the session ends saying one follows.")
@click.option("--provider", "provider_name", default="at", show_default=True,
              help="Whose wire format the hops take, on that provider's own callback: at, hubtel, freeflow.")
@with_appcontext
def ussd_dial(phone: str, code: str, sms_wait: float, provider_name: str) -> None:
    """A terminal phone: walk the real USSD endpoint as the provider would ('q' hangs up).

    Every SMS queued to the phone after the dial started is shown: after the hop that queued it,
    and, when the session ended saying an SMS follows, once the slow request has queued it.
    """
    try:
        msisdn = Msisdn.parse(phone)
    except InvalidPhoneNumberError as exc:
        raise click.BadParameter(f"not a phone number ({exc.data['reason']})") from exc
    client = current_app.test_client()
    dialable = {p.name: p for p in providers.ussd_providers()}
    if provider_name not in dialable:
        raise click.BadParameter(f"not a USSD provider (one of {', '.join(dialable)})", param_hint="--provider")
    provider = dialable[provider_name]
    session_id, inputs, first = f"DIAL{uuid.uuid4().hex}", list[str](), True
    shown = _SmsShown(msisdn, _last_outbox_id(msisdn))
    while True:
        try:
            screen, final = place_call(client, provider, Call(session_id, msisdn, code, tuple(inputs), first))
        except ValueError as exc:
            raise click.ClickException(f"{provider.title} callback: {exc}") from exc
        first = False
        click.echo("\n+" + "-" * 30 + "\n" + screen + "\n+" + "-" * 30)
        shown.show_new()
        if final:
            if screen in _SMS_FOLLOWS:
                shown.wait_for_one(sms_wait)
            break
        try:
            typed = click.prompt(">", default="", show_default=False, prompt_suffix=" ")
        except click.Abort:
            break  # end of input: hang up
        if typed.strip().lower() == "q":
            break
        inputs.append(typed.strip())
    shown.show_new()
    click.echo(f"{shown.count} SMS queued for {msisdn.e164} since the dial started")


_SMS_FOLLOWS = frozenset(texts.render("common.sms_follows", language) for language in texts.LANGUAGES)


class _SmsShown:
    """The SMS queued to one phone since the dial started, each echoed once."""

    def __init__(self, msisdn: Msisdn, start_id: int) -> None:
        self.msisdn, self.last_id, self.count = msisdn, start_id, 0

    def show_new(self) -> int:
        """Echo the SMS queued since the last look; how many there were."""
        found = 0
        while batch := _outbox_after(self.msisdn, self.last_id):
            for message in batch:
                click.echo(f"[SMS queued for {self.msisdn.e164}] {message.body}")
                self.last_id = message.message_id or self.last_id
            found += len(batch)
        self.count += found
        return found

    def wait_for_one(self, seconds: float) -> None:
        """Poll until an SMS is queued (a slow request's result) or ``seconds`` pass."""
        deadline = time.monotonic() + seconds
        while not self.show_new() and time.monotonic() < deadline:
            time.sleep(0.2)


def _outbox_after(msisdn: Msisdn, after_id: int) -> list[OutboundMessage]:
    with runtime().uow_factory() as uow:
        return uow.outbox.find(recipient=msisdn.e164, after_id=after_id, limit=20)


def _last_outbox_id(msisdn: Msisdn) -> int:
    last = 0
    while batch := _outbox_after(msisdn, last):
        last = batch[-1].message_id or last
    return last


def place_call(client: FlaskClient, provider: Provider, call: Call) -> tuple[str, bool]:
    """Send one hop to ``provider``'s real callback in this app; (screen, final), ``ValueError`` if refused."""
    assert provider.place_call is not None and provider.read_reply is not None
    request = provider.place_call(call, current_app.config)
    response = client.open(request.path, method=request.method, query_string=request.query,
                           data=urlencode(request.form) if request.form is not None else None,
                           json=request.json, content_type=FORM_TYPE if request.form is not None else None)
    body = response.get_data(as_text=True)
    if response.status_code != 200:
        raise ValueError(f"HTTP {response.status_code}: {body[:200]}")
    return provider.read_reply(dict(response.headers.items()), body)


def register(app: Flask) -> None:
    """Attach the commands to the app's ``flask`` CLI."""
    for command in (db_upgrade, seed_demo_command, menus_check, menus_diagram, ussd_dial, pin_unlock):
        app.cli.add_command(command)
    cli_outbox.register(app)
    cli_reconcile.register(app)
    cli_remind.register(app)
    cli_requests.register(app)
    cli_retention.register(app)
