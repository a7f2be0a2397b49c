"""Load-balancer probes: ``/healthz`` (process up) and ``/readyz`` (database and Redis reachable)."""
from __future__ import annotations

import logging

from flask import Blueprint, Response, jsonify

from gateway.runtime import runtime

logger = logging.getLogger(__name__)
blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz() -> Response:
    """The process answers."""
    return jsonify(status="ok")


@blueprint.get("/readyz")
def readyz() -> tuple[Response, int]:
    """Every dependency answers; 503 naming the ones that do not."""
    failing: list[str] = []
    for name, probe in runtime().readiness.items():
        try:
            probe()
        except Exception:  # noqa: BLE001 - any failure means not ready
            logger.warning("readiness probe %s failed", name, exc_info=True)
            failing.append(name)
    if failing:
        return jsonify(status="unavailable", failing=failing), 503
    return jsonify(status="ready", checked=sorted(runtime().readiness)), 200
