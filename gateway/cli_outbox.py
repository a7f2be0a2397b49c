"""The outbox worker command: ``flask --app app outbox-work [--once]``."""
from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from types import FrameType

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from core.ports import Transport
from core.services.outbox_worker import LEASE_SAFETY_SHARE, WorkReport, drain
from gateway.metrics import current_metrics
from gateway.providers import configured_transports
from gateway.runtime import runtime, uncertain_window

log = logging.getLogger(__name__)


def _line(transport: Transport, report: WorkReport) -> str:
    line = (f"{transport.channel.value}: sent {report.sent}, retried {report.retried}, failed {report.failed}, "
            f"uncertain {report.uncertain}")
    return line + (f", released {report.released}" if report.released else "")


def _count(transport: Transport, report: WorkReport) -> None:
    """Add a drain's results to the metrics (seen by /metrics when the worker shares PROMETHEUS_MULTIPROC_DIR)."""
    metrics = current_metrics()
    if metrics is not None:
        metrics.outbox_report(transport.channel.value, report)


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGTERM and SIGINT finish the current round, then stop the loop (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():
            raise KeyboardInterrupt  # asked twice: stop now (claimed messages come back when their lease runs out)
        click.echo(f"{signal.Signals(signum).name}: stopping after this round", err=True)
        stop.set()

    previous = {signum: signal.signal(signum, handler) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


@click.command("outbox-work")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
@click.option("--batch", default=50, show_default=True, type=click.IntRange(min=1),
              help="Messages claimed per round and channel.")
@click.option("--interval", default=10.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds between rounds in loop mode.")
@click.option("--lease", default=120.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds a claimed message stays reserved; a killed worker's messages return to the "
                   "queue after it.")
@click.option("--requeue-uncertain", "requeue_minutes", type=click.IntRange(min=1), default=None,
              help="First queue again the uncertain messages queued more than this many minutes ago that no "
                   "delivery report settled (each may then reach the subscriber twice).")
@with_appcontext
def outbox_work(once: bool, batch: int, interval: float, lease: float, requeue_minutes: int | None) -> None:
    """Send the queued emails and SMS of the outbox: a loop, stopped cleanly by SIGTERM or Ctrl-C."""
    if requeue_minutes is not None:
        rt = runtime()
        with rt.uow_factory() as uow:
            count = uow.outbox.requeue_uncertain(rt.clock.now() - timedelta(minutes=requeue_minutes), rt.clock.now())
            uow.commit()
        click.echo(f"queued again {count} uncertain message(s) older than {requeue_minutes} min")
    transports = configured_transports(current_app.config)
    if not transports:
        click.echo("no outbox transport configured (set SMTP_URL, or an SMS provider: see SMS_PROVIDER): nothing to do")
        return
    for transport in transports:
        worst = getattr(transport, "max_send_s", None)
        if isinstance(worst, float) and lease * LEASE_SAFETY_SHARE < worst:
            click.echo(f"warning: --lease {lease:g}: its last quarter is shorter than the {worst:g} s one "
                       f"{transport.channel.value} send may take, so a slow send can outlive its lease and another "
                       "worker will mark it uncertain", err=True)
    rt = runtime()
    window = uncertain_window()
    stop = threading.Event()
    with _stop_on_signals(stop):
        while not stop.is_set():
            for transport in transports:
                if stop.is_set():
                    break
                try:
                    report = drain(transport, uow_factory=rt.uow_factory, clock=rt.clock, batch=batch,
                                   lease_s=lease, uncertain_window=window)
                except Exception:
                    if once:
                        raise
                    log.exception("outbox round failed for %s; trying again next round", transport.channel.value)
                    continue
                click.echo(_line(transport, report))
                _count(transport, report)
            if once:
                return
            stop.wait(interval)


def register(app: Flask) -> None:
    """Attach the outbox commands."""
    app.cli.add_command(outbox_work)
