"""Staff command moving a request along: ``flask --app app request-status TRACKING STATUS [--note TEXT]``.

The change is recorded with an entry in the holder's activity history, and an SMS telling the person
is queued in the outbox (once per tracking number, status and phone; ``outbox-work`` sends it).
"""
from __future__ import annotations

import logging

import click
from flask import Flask
from flask.cli import with_appcontext

from core.domain.errors import RequestNotFoundError
from core.domain.requests import InvalidRequestDetailsError, MAX_NOTE, RequestStatus, UnknownRequestStatusError, \
    parse_status
from core.services.requests import change_status
from gateway.runtime import runtime
from menus.request_texts import CatalogueRequestWording

logger = logging.getLogger(__name__)
STATUSES = ", ".join(status.value for status in RequestStatus)


@click.command("request-status")
@click.argument("tracking")
@click.argument("status")
@click.option("--note", default=None, help=f"A note for the person (at most {MAX_NOTE} characters), shown in "
                                           "\"my requests\" and in the SMS.")
@with_appcontext
def request_status(tracking: str, status: str, note: str | None) -> None:
    """Move a request to STATUS (received, in_progress, documents_missing, validated, ready, rejected, closed)."""
    tracking_number = tracking.strip().upper()
    try:
        new_status = parse_status(status)
    except UnknownRequestStatusError:
        raise click.ClickException(f"unknown status {status!r}; use one of: {STATUSES}") from None
    rt = runtime()
    try:
        request = change_status(tracking_number, new_status, note, uow=rt.uow_factory(), clock=rt.clock,
                                wording=CatalogueRequestWording())
    except RequestNotFoundError:
        raise click.ClickException(f"no request has the tracking number {tracking_number!r}") from None
    except InvalidRequestDetailsError:
        raise click.ClickException(f"the note is longer than {MAX_NOTE} characters") from None
    logger.info("request %s moved to %s by an agent", request.tracking_number, request.status.value)
    late = f" [late: deadline was {request.details.get('deadline')}]" if request.details.get("late") else ""
    click.echo(f"{request.tracking_number} ({request.kind.value}): {request.status.value}{late}")


def register(app: Flask) -> None:
    """Attach the request-status command."""
    app.cli.add_command(request_status)
