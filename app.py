"""Composition root: ``create_app`` wires configuration, persistence, rules and routes."""
from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

from config import load_config
from core.adapters.sqlalchemy.database import make_engine
from core.adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from core.clock import SystemClock
from core.domain.parameters import RuleBook, default_rulebook, rulebook_with_overrides
from core.domain.pins import PinHasher
from gateway import cli, health
from gateway.runtime import Runtime


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the gateway app; nothing connects until a request or command needs it."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(load_config(os.environ, app.instance_path))
    if config:
        app.config.update(config)
    if app.config["DATABASE_URL"].startswith("sqlite:///" + app.instance_path):
        os.makedirs(app.instance_path, exist_ok=True)  # the embedded default lives under instance/
    engine = make_engine(app.config["DATABASE_URL"])
    rt = Runtime(engine=engine, uow_factory=SqlAlchemyUnitOfWorkFactory(engine),
                 clock=app.config.get("CLOCK") or SystemClock(app.config["GATEWAY_TIMEZONE"]),
                 rulebook=_rulebook(app.config.get("CNSS_RULES_FILE")), pin_hasher=PinHasher())
    rt.readiness["database"] = lambda: _ping_database(rt)
    if app.config["REDIS_URL"]:
        import redis  # imported only when Redis is configured

        client = redis.Redis.from_url(app.config["REDIS_URL"], socket_timeout=1, socket_connect_timeout=1)
        rt.readiness["redis"] = client.ping
    app.extensions["cnss"] = rt
    app.register_blueprint(health.blueprint)
    cli.register(app)
    return app


def _rulebook(path: str | None) -> RuleBook:
    rules = default_rulebook()
    if path:
        with open(path, encoding="utf-8") as handle:
            rules = rulebook_with_overrides(rules, json.load(handle))
    return rules


def _ping_database(rt: Runtime) -> None:
    with rt.engine.connect() as connection:
        connection.exec_driver_sql("SELECT 1")
