"""Load-balancer probes: ``/healthz`` (process up), ``/readyz`` (database, Redis, schema current; within a second)."""
from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait

from flask import Blueprint, Response, current_app, jsonify
from sqlalchemy.engine import Engine

from core.adapters.sqlalchemy.migrate import current_revision
from gateway.runtime import runtime

logger = logging.getLogger(__name__)
blueprint = Blueprint("health", __name__)
# Probes run here so that a frozen dependency holds a probe thread, never the request: /readyz answers in time.
_probes = ThreadPoolExecutor(max_workers=4, thread_name_prefix="readiness")


@blueprint.get("/healthz")
def healthz() -> Response:
    """The process answers."""
    return jsonify(status="ok")


@blueprint.get("/readyz")
def readyz() -> tuple[Response, int]:
    """Every dependency answers within ``READINESS_TIMEOUT``; 503 naming the ones that do not."""
    timeout: float = current_app.config["READINESS_TIMEOUT"]
    futures: dict[str, Future[object]] = {name: _probes.submit(probe) for name, probe in runtime().readiness.items()}
    wait(futures.values(), timeout=timeout)
    failing: list[str] = []
    for name, future in futures.items():
        if not future.done():
            future.cancel()
            logger.warning("readiness probe %s did not answer within %.1f s", name, timeout)
            failing.append(name)
        elif future.exception() is not None:
            logger.warning("readiness probe %s failed: %s", name, type(future.exception()).__name__)
            failing.append(name)
    if failing:
        return jsonify(status="unavailable", failing=sorted(failing)), 503
    return jsonify(status="ready", checked=sorted(futures)), 200


class SchemaNotCurrentError(Exception):
    """The database's schema revision is not the one the code's migrations end at."""


def migrations_probe(engine: Engine, head: str | None) -> Callable[[], None]:
    """A readiness probe: the database's schema revision is ``head`` (computed once, at start)."""

    def probe() -> None:
        with engine.connect() as connection:
            found = current_revision(connection)
        if found != head:
            logger.warning("database schema at revision %s, the code expects %s: run db-upgrade", found, head)
            raise SchemaNotCurrentError(f"database at {found}, code at {head}")

    return probe
