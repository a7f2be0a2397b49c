"""Prometheus metrics of the gateway: their definitions, and the hop recorder that feeds the USSD ones."""
from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from flask import current_app
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client import values as prometheus_values

from core.domain.parties import HolderKind
from core.services.credentials import PinCheck
from core.services.outbox_worker import WorkReport
from menus.backend import Backend
from menus.transcripts import HopRecord

logger = logging.getLogger(__name__)
EXTENSION: Final = "cnss_metrics"
MULTIPROC_ENV: Final = "PROMETHEUS_MULTIPROC_DIR"
# From 1 ms (a cached duplicate hop) to 3 s (past the 2 s hop deadline, when the answer goes by SMS).
HOP_BUCKETS: Final = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0)
INTERNAL_ERROR: Final = "common.internal_error"
# Values of the ``where`` label of cnss_errors_total.
USSD_ERROR, HTTP_ERROR, STORAGE_ERROR = "ussd", "http", "storage"


def multiprocess_mode() -> bool:
    """True when prometheus_client keeps values in ``PROMETHEUS_MULTIPROC_DIR`` files (fixed at its import)."""
    return prometheus_values.ValueClass is not prometheus_values.MutexValue


class GatewayMetrics:
    """Every metric of one app, on its own registry (in multi-process mode the values live in the directory's
    files instead, and ``/metrics`` sums every process's). Label values come from fixed sets: provider names,
    screen ids of the registry, limit names, channels and result words, never a request's values."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        """Metrics registered on ``registry`` (a new one by default)."""
        self.registry = registry if registry is not None else CollectorRegistry()
        r = self.registry
        self.hop_seconds = Histogram("cnss_ussd_hop_seconds", "Time to answer one USSD hop, by screen answered",
                                     ["screen"], buckets=HOP_BUCKETS, registry=r)
        self.sessions_started = Counter("cnss_ussd_sessions_started", "USSD sessions opened", ["provider"],
                                        registry=r)
        self.sessions_ended = Counter("cnss_ussd_sessions_ended",
                                      "USSD sessions ended by the gateway, by final screen (outcome)",
                                      ["provider", "outcome"], registry=r)
        self.invalid_inputs = Counter("cnss_ussd_invalid_inputs", "Inputs refused, by screen", ["screen"],
                                      registry=r)
        self.pin_lockouts = Counter("cnss_pin_lockouts", "Wrong PINs that locked or blocked USSD access", registry=r)
        self.rate_limited = Counter("cnss_rate_limited", "Events refused for being over an abuse limit, by limit",
                                    ["limit"], registry=r)
        self.errors = Counter("cnss_errors", "Failures answered with an error id: ussd (apology), http (500), "
                              "storage (503)", ["where"], registry=r)
        self.outbox_sends = Counter("cnss_outbox_sends", "Outbox messages handled by the worker, by result",
                                    ["channel", "result"], registry=r)
        self.payment_notifications = Counter("cnss_payment_notifications",
                                             "Payment notifications of banks and operators, by result",
                                             ["channel", "result"], registry=r)

    def rate_limit(self, limit: str) -> None:
        """Count one event refused for being over ``limit`` (an ``AbuseLimits`` observer)."""
        self.rate_limited.labels(limit).inc()

    def error(self, where: str) -> None:
        """Count one failure answered with an error id."""
        self.errors.labels(where).inc()

    def outbox_report(self, channel: str, report: WorkReport) -> None:
        """Count what one outbox drain did on ``channel``."""
        for result in ("sent", "retried", "failed", "uncertain", "released", "skipped"):
            count = getattr(report, result)
            if count:
                self.outbox_sends.labels(channel, result).inc(count)

    def payment_notification(self, channel: str, result: str) -> None:
        """Count one payment notification's result."""
        self.payment_notifications.labels(channel, result).inc()


def metrics_for(config_dir: str | None) -> GatewayMetrics:
    """The metrics of a new app; ``PROMETHEUS_MULTIPROC_DIR`` must then be in the process's environment,
    where prometheus_client reads it when first imported (ValueError otherwise, naming the variable)."""
    if config_dir and (not multiprocess_mode() or os.environ.get(MULTIPROC_ENV) != config_dir):
        raise ValueError(f"{MULTIPROC_ENV} must be set in the environment of the process, before it starts")
    return GatewayMetrics()


def current_metrics() -> GatewayMetrics | None:
    """The current app's metrics (None outside an app, or before ``create_app`` set them)."""
    try:
        found = current_app.extensions.get(EXTENSION)
    except RuntimeError:  # no application context
        return None
    return found if isinstance(found, GatewayMetrics) else None


def count_error(where: str) -> None:
    """Count one failure on the current app's metrics; never raises."""
    try:
        metrics = current_metrics()
        if metrics is not None:
            metrics.error(where)
    except Exception:  # noqa: BLE001 - counting never changes the answer
        logger.exception("could not count an error")


class MetricsRecorder:
    """The hop recorder of the metrics (a ``menus.transcripts.HopRecorder``): memory only, never raises."""

    def __init__(self, metrics: GatewayMetrics) -> None:
        """Record hops on ``metrics``."""
        self.metrics = metrics
        self._timers: dict[str, Any] = {}  # per screen: ``labels()`` validates and locks on every call

    def _timer(self, screen: str) -> Any:
        timer = self._timers.get(screen)
        if timer is None:
            timer = self._timers[screen] = self.metrics.hop_seconds.labels(screen)
        return timer

    def record(self, hop: HopRecord) -> None:
        """Count one answered hop."""
        try:
            self._count(hop)
        except Exception:  # noqa: BLE001 - metrics never cost the caller an answer
            logger.exception("could not count a hop")

    def _count(self, hop: HopRecord) -> None:
        m = self.metrics
        self._timer(hop.screen).observe(hop.duration_ms / 1000)
        if hop.repeat:
            return  # a duplicate hop: timed, but it started, ended or refused nothing new
        if hop.new_session:
            m.sessions_started.labels(hop.provider).inc()
        if hop.final:
            m.sessions_ended.labels(hop.provider, hop.screen).inc()
        if hop.error is not None:
            m.invalid_inputs.labels(hop.screen).inc()
        if hop.screen == INTERNAL_ERROR:
            m.error(USSD_ERROR)


def _ignore() -> None:
    """No one is told."""


@dataclass
class MeteredBackend(Backend):
    """The core as the screens call it, telling ``on_lockout`` of every wrong PIN that locks or blocks access.

    A lock found when the account is chosen is shown without a PIN check, so a locked answer here is
    always the wrong PIN that caused it.
    """

    on_lockout: Callable[[], None] = _ignore

    def check_pin(self, kind: HolderKind, number: str, pin: str) -> PinCheck:
        """Verify a PIN, counting failures (and lockouts)."""
        check = super().check_pin(kind, number, pin)
        if not check.ok and (check.blocked or check.locked_until is not None):
            try:
                self.on_lockout()
            except Exception:  # noqa: BLE001 - counting never changes the answer
                logger.exception("could not count a PIN lockout")
        return check
