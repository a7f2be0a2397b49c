"""The retention command: ``flask --app app purge [--days N]``, run daily (docs/retention.md).

Rolls every whole day older than the cutoff up into ``ussd_daily_stats`` (kept forever, once per
day), then deletes raw USSD hops, incoming SMS, end-of-session reports and delivery reports older
than the cutoff, and blanks the text of settled outgoing SMS, in batches of bounded transactions.
"""
from __future__ import annotations

from datetime import timedelta

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from core.services.retention import DEFAULT_BATCH, purge
from gateway.hop_log import hop_log_of
from gateway.runtime import runtime


@click.command("purge")
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="Keep this many days (default: RETENTION_DAYS, 90).")
@click.option("--batch", type=click.IntRange(min=1), default=DEFAULT_BATCH, show_default=True,
              help="Rows deleted per transaction.")
@with_appcontext
def purge_command(days: int | None, batch: int) -> None:
    """Roll old USSD hops up into the kept daily counts, then purge personal records older than the cutoff."""
    rt = runtime()
    log = hop_log_of(rt.ussd)
    if log is not None:
        log.flush()  # this process's own hops first (a no-op for a command run on its own)
    kept = days or current_app.config["RETENTION_DAYS"]
    report = purge(rt.uow_factory, rt.clock, days=kept,
                   session_ttl=timedelta(seconds=current_app.config["USSD_SESSION_TTL"]), batch=batch)
    click.echo(f"cutoff: {report.cutoff:%Y-%m-%d %H:%M} UTC ({kept} days kept)")
    rolled = ", ".join(f"{day:%Y-%m-%d}" for day in report.days_rolled_up) or "none"
    click.echo(f"days rolled up into ussd_daily_stats: {len(report.days_rolled_up)} ({rolled})")
    click.echo(f"deleted: {report.hops} USSD hop(s), {report.inbound_sms} incoming SMS, "
               f"{report.session_events} session report(s), {report.delivery_reports} delivery report(s)")
    click.echo(f"blanked: {report.outbox_texts_blanked} sent SMS text(s)")


def register(app: Flask) -> None:
    """Attach the retention command."""
    app.cli.add_command(purge_command)
