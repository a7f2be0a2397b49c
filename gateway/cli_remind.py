"""The reminder command: ``flask --app app remind [--dry-run]``, run once a day by a timer (docs/reminders.md).

Each run queues, in the outbox, a reminder a few days before the 15th and an overdue notice after
it for every period an employer still owes, each at most once per employer, period and mobile
phone (idempotency key), so running it twice, or daily, never sends the same message again. The
outbox worker (``outbox-work``) sends them, never between 20:00 and 07:00 Lome time; run at night,
the command queues them due at 07:00. Opted-out phones are skipped by the worker (not essential).

Daily at 08:00 Lome time with systemd (``systemctl enable --now cnss-remind.timer``)::

    # /etc/systemd/system/cnss-remind.service
    [Unit]
    Description=CNSS gateway: contribution reminders and overdue notices
    After=network-online.target postgresql.service

    [Service]
    Type=oneshot
    User=cnss
    WorkingDirectory=/srv/cnss-gateway
    EnvironmentFile=/etc/cnss-gateway/env
    ExecStart=/srv/cnss-gateway/.venv/bin/flask --app app remind

    # /etc/systemd/system/cnss-remind.timer
    [Unit]
    Description=Run the CNSS reminders every morning

    [Timer]
    OnCalendar=*-*-* 08:00:00 Africa/Lome
    Persistent=true
    RandomizedDelaySec=5min

    [Install]
    WantedBy=timers.target

Or with cron (``crontab -e`` as the service user; cronie reads ``CRON_TZ``)::

    CRON_TZ=Africa/Lome
    0 8 * * * cd /srv/cnss-gateway && set -a && . /etc/cnss-gateway/env && set +a && .venv/bin/flask --app app remind >> /var/log/cnss-gateway/remind.log 2>&1
"""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from core.domain.money import format_xof
from core.domain.payment_references import display_reference
from core.services.reminders import ReminderKind, ReminderLine, ReminderReport, send_reminders
from gateway.runtime import runtime
from menus.reminder_texts import CatalogueReminders


def _line(line: ReminderLine) -> str:
    reference = display_reference(line.reference) if line.reference else "new reference"
    surcharges = f" incl. surcharges {format_xof(line.surcharges)}" if line.surcharges else ""
    return (f"  {line.kind.value} {line.employer_number} {line.period} to {line.recipient.masked}: "
            f"{format_xof(line.amount)}{surcharges}, ref {reference}, due {line.due_at:%Y-%m-%d %H:%M} UTC")


def _summary(report: ReminderReport) -> list[str]:
    verb = "would queue" if report.dry_run else "queued"
    lines = [f"{kind.value}: {verb} {report.queued(kind)}, already queued {report.duplicates(kind)}"
             for kind in ReminderKind]
    lines.append(f"total: {verb} {report.queued()}, already queued {report.duplicates()} "
                 f"({report.employers} employer(s) checked)")
    return lines


@click.command("remind")
@click.option("--dry-run", is_flag=True, help="List what would be queued; write nothing (no surcharge, reference "
                                              "or message).")
@with_appcontext
def remind(dry_run: bool) -> None:
    """Queue the contribution reminders and overdue notices due today (safe to run again)."""
    rt = runtime()
    report = send_reminders(uow_factory=rt.uow_factory, clock=rt.clock, rulebook=rt.rulebook,
                            wording=CatalogueReminders(), dry_run=dry_run)
    if dry_run:
        click.echo("dry run: nothing written")
        for line in report.lines:
            if line.queued:
                click.echo(_line(line))
    for text in _summary(report):
        click.echo(text)
    if report.failed:
        raise click.ClickException(f"{len(report.failed)} employer(s) failed (see the log): "
                                   + ", ".join(report.failed))


def register(app: Flask) -> None:
    """Attach the reminder command."""
    app.cli.add_command(remind)
