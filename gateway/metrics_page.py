"""``/metrics`` in Prometheus text format: this process's registry, or every process's in multi-process mode."""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Final

from flask import Blueprint, Flask, Response, current_app, request
from prometheus_client import CollectorRegistry
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import choose_encoder
from prometheus_client.multiprocess import MultiProcessCollector

from gateway.metrics import EXTENSION, GatewayMetrics, multiprocess_mode
from gateway.security import key_matches

logger = logging.getLogger(__name__)
blueprint = Blueprint("metrics", __name__)
DEPTH_EXTENSION: Final = "cnss_outbox_depth"
_TEXT: Final = {"Content-Type": "text/plain; charset=utf-8"}
Depth = dict[tuple[str, str], int]


class OutboxDepthCollector:
    """``cnss_outbox_messages{channel,status}``, counted at scrape time: at most one query every ``cache_s``
    seconds, and a scrape waits at most ``timeout_s`` for it (then the gauge is left out, and logged)."""

    def __init__(self, count: Callable[[], Depth], cache_s: float = 5.0, timeout_s: float = 0.5) -> None:
        """Gauge over ``count``."""
        self.count, self.cache_s, self.timeout_s = count, cache_s, timeout_s
        self._lock = threading.Lock()
        self._pending: Future[Depth] | None = None
        self._cached: tuple[float, Depth] | None = None
        self._workers = ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox-depth")

    def collect(self) -> Iterator[Metric]:
        """The gauge, when the count is fresh enough or answers in time."""
        depth = self._depth()
        if depth is None:
            return
        gauge = GaugeMetricFamily("cnss_outbox_messages", "Outbox messages not settled yet, by channel and status",
                                  labels=["channel", "status"])
        for (channel, status), count in sorted(depth.items()):
            gauge.add_metric([channel, status], count)
        yield gauge

    def _depth(self) -> Depth | None:
        with self._lock:
            if self._cached is not None and time.monotonic() - self._cached[0] < self.cache_s:
                return self._cached[1]
            if self._pending is None:  # one query at a time, however many scrapes wait on it
                self._pending = self._workers.submit(self.count)
            pending = self._pending
        try:
            depth = pending.result(timeout=self.timeout_s)
        except Exception as exc:  # noqa: BLE001 - a slow or failing database leaves the gauge out, not the page
            logger.warning("outbox depth not counted: %s", type(exc).__name__)
            if pending.done():
                self._forget(pending)
            return None
        with self._lock:
            self._forget(pending)
            self._cached = (time.monotonic(), depth)
        return depth

    def _forget(self, pending: Future[Depth]) -> None:
        if self._pending is pending:
            self._pending = None


def install(app: Flask, metrics: GatewayMetrics, depth: OutboxDepthCollector) -> None:
    """Serve ``metrics`` (and the outbox depth) on ``/metrics`` of ``app``."""
    app.extensions[EXTENSION] = metrics
    app.extensions[DEPTH_EXTENSION] = depth
    metrics.registry.register(depth)
    app.register_blueprint(blueprint)


def _allowed() -> tuple[bool, int]:
    """May this request read the metrics? With METRICS_TOKEN, only its bearer; without, development only."""
    token: str | None = current_app.config.get("METRICS_TOKEN")
    if not token:
        return current_app.config.get("GATEWAY_ENV") != "production", 403
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and key_matches(token, given.strip()), 401


@blueprint.get("/metrics")
def metrics_page() -> Response:
    """Every metric, in the Prometheus text format."""
    allowed, status = _allowed()
    if not allowed:
        headers = {**_TEXT, "WWW-Authenticate": 'Bearer realm="metrics"'} if status == 401 else _TEXT
        return Response("metrics need the METRICS_TOKEN bearer token\n", status, headers)
    metrics: GatewayMetrics = current_app.extensions[EXTENSION]
    registry = metrics.registry
    if multiprocess_mode():
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # every process's values, summed
        registry.register(current_app.extensions[DEPTH_EXTENSION])
    encode, content_type = choose_encoder(request.headers.get("Accept", ""))  # the format the scraper asks for
    return Response(encode(registry), 200, {"Content-Type": content_type})
