"""Composition root: ``create_app`` wires configuration, persistence, rules, sessions and routes."""
from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from flask import Flask
from sqlalchemy.pool import NullPool

from config import DEVELOPMENT_SECRET_KEY, PRODUCTION, ConfigError, check_production, load_config
from core.adapters.outbox_sms import OutboxSmsSender
from core.adapters.sqlalchemy.database import make_engine, when_disposed
from core.adapters.sqlalchemy.incidents_repo import SqlAlchemyIncidentRepository
from core.adapters.sqlalchemy.migrate import head_revision
from core.adapters.sqlalchemy.outbox_depth import outbox_depth
from core.adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from core.clock import SystemClock
from core.domain.alerts import AlertSender, senders_from_config
from core.domain.msisdn import Msisdn
from core.domain.parameters import RuleBook, default_rulebook, rulebook_with_overrides
from core.domain.pins import DEVELOPMENT_PEPPER, PinHasher, PinPolicy
from core.ports import Clock
from gateway import cli, edge, health
from gateway.logs import configure_logging
from gateway import metrics_page
from gateway.incidents import EXTENSION as INCIDENTS, IncidentRegister
from gateway.metrics import GatewayMetrics, MeteredBackend, MetricsRecorder, metrics_for
from gateway import providers
from gateway.bank import api as bank_api
from gateway.bank.signing import parse_secrets
from gateway.hop_log import HopLog
from gateway.runtime import Runtime
from gateway.ussd_edge import UssdEdge
from gateway import simulator
from gateway import ops
from menus.backend import Backend
from menus.engine import Engine
from menus.limits import AbuseLimits, LimitSettings, RateLimiter
from menus.memory_limits import MemoryRateLimiter
from menus.memory_store import MemorySessionStore
from menus.receipts import CatalogueReceipts
from menus.screens.catalog import build_registry
from menus.service import UssdService, UssdSettings
from menus.store import SessionStore, StoreTtls
from menus.phone_registry import RegistryRefresher
from menus.transcripts import FanOutRecorder, HopRecorder

if TYPE_CHECKING:
    from redis import Redis, RedisCluster


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the gateway app; nothing connects until a request or command needs it."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(load_config(os.environ, app.instance_path, config))
    check_production(app.config)  # closed by default: production never starts open or on SQLite
    if app.config["GATEWAY_ENV"] == PRODUCTION:
        app.debug = False
    app.config["GATEWAY_SECRET_KEY"] = app.config.get("GATEWAY_SECRET_KEY") or DEVELOPMENT_SECRET_KEY
    configure_logging(app.config["LOG_LEVEL"], app.config["LOG_FORMAT"], app.config["GATEWAY_SECRET_KEY"])
    if app.config["DATABASE_URL"].startswith("sqlite:///" + app.instance_path):
        os.makedirs(app.instance_path, exist_ok=True)  # the embedded default lives under instance/
    engine = make_engine(app.config["DATABASE_URL"], connect_timeout=app.config["DB_CONNECT_TIMEOUT"],
                         statement_timeout_ms=app.config["DB_STATEMENT_TIMEOUT_MS"],
                         pool_timeout=app.config["DB_POOL_TIMEOUT"])
    clock = app.config.get("CLOCK") or SystemClock(app.config["GATEWAY_TIMEZONE"])
    rulebook = _rulebook(app.config.get("CNSS_RULES_FILE"))
    uow_factory = SqlAlchemyUnitOfWorkFactory(engine)
    hasher = app.config.get("PIN_HASHER") or PinHasher(peppers=app.config["PIN_PEPPER"] or (DEVELOPMENT_PEPPER,))
    sms = app.config.get("SMS_SENDER") or OutboxSmsSender(uow_factory, clock)  # every SMS is an outbox row
    redis_client = _redis_client(app.config)
    metrics = _metrics(app.config)
    incidents = _incident_register(app.config, clock)  # the error register, best effort
    backend = MeteredBackend(uow_factory, clock, rulebook, hasher, sms, _pin_policy(app.config),
                             _abuse_limits(app.config, clock, redis_client, metrics),
                             app.config["GATEWAY_SECRET_KEY"].encode(), on_lockout=metrics.pin_lockouts.inc)
    store, probes = _session_store(app.config, redis_client, clock)
    uow_factory.registrations = store  # every registration committed is told to the caller cache and registry
    ussd = UssdService(store, backend, Engine(build_registry(), strict=bool(app.config.get("TESTING"))),
                       UssdSettings(hop_deadline=app.config["USSD_HOP_DEADLINE"]),
                       recorder=FanOutRecorder(_hop_recorders(app.config, uow_factory, metrics)),
                       registry=_registry_refresher(app.config, store, backend), incidents=incidents)
    rt = Runtime(engine=engine, uow_factory=uow_factory, clock=clock, rulebook=rulebook, pin_hasher=hasher, sms=sms,
                 ussd=ussd, receipts=CatalogueReceipts(),
                 finance_phones=tuple(Msisdn.parse(p) for p in (app.config["FINANCE_ALERT_PHONES"] or "").split(",")
                                      if p.strip()))
    rt.alert_senders = _alert_senders(app.config)
    app.config["BANK_SECRETS"] = _bank_secrets(app.config)
    app.config["MOBILE_MONEY_SECRETS"] = parse_secrets(app.config["MOBILE_MONEY_SECRETS"])
    rt.readiness["database"] = lambda: _ping_database(rt)
    rt.readiness.update(probes)
    rt.readiness["migrations"] = health.migrations_probe(engine, head_revision())
    app.extensions["cnss"] = rt
    app.wsgi_app = UssdEdge(app.wsgi_app, app.config, ussd, providers.hop_routes(app.config),  # type: ignore[method-assign]
                            incidents)  # valid hops skip Flask's machinery; inside ProxyFix (edge.install)
    edge.install(app)
    app.extensions[INCIDENTS] = incidents
    metrics_page.install(app, metrics, metrics_page.OutboxDepthCollector(lambda: outbox_depth(engine)))
    app.register_blueprint(health.blueprint)
    for provider in providers.registered():
        if provider.blueprint is not None:
            app.register_blueprint(provider.blueprint)
    app.register_blueprint(bank_api.bank)
    app.register_blueprint(bank_api.mobile_money)
    if app.config["GATEWAY_ENV"] != PRODUCTION:
        app.register_blueprint(simulator.blueprint)  # the web phone: development only, 404 in production
    app.register_blueprint(ops.register_pages())  # the operations console (/ops), staff only
    cli.register(app)
    return app


def _hop_recorders(config: Mapping[str, Any], uow_factory: SqlAlchemyUnitOfWorkFactory,
                   metrics: GatewayMetrics) -> list[HopRecorder]:
    """Who receives every answered hop's record (metrics, the hop log for the console)."""
    recorders: list[HopRecorder] = [MetricsRecorder(metrics)]
    if config["HOP_LOG_ENABLED"]:
        hop_log = HopLog(uow_factory)  # written in the background, read by the console
        hop_log.flush_when_disposed(uow_factory.engine)
        recorders.append(hop_log)
    return recorders


def _pin_policy(config: Mapping[str, Any]) -> PinPolicy:
    """PIN_LOCKOUT_MINUTES is the first lock; PIN_LOCKOUT_STEPS the further ones (minutes), then a block."""
    minutes = (config["PIN_LOCKOUT_MINUTES"], *config["PIN_LOCKOUT_STEPS"])
    return PinPolicy(config["PIN_MAX_ATTEMPTS"], tuple(timedelta(minutes=m) for m in minutes))


def _redis_client(config: Mapping[str, Any]) -> Redis | RedisCluster | None:
    """One client for sessions and limits, when Redis is configured; bounded so a frozen Redis cannot hang a hop.

    With REDIS_CLUSTER, a Redis Cluster client that reads the slot map on its first command (no I/O here)."""
    if not config["REDIS_URL"]:
        if config["REDIS_CLUSTER"]:
            raise ConfigError("invalid settings: REDIS_CLUSTER (needs REDIS_URL, one node of the cluster)")
        return None
    import redis  # only when Redis is configured

    timeout = config["REDIS_TIMEOUT"]
    if config["REDIS_CLUSTER"]:
        from gateway.redis_cluster import cluster_client

        try:
            return cluster_client(config["REDIS_URL"], timeout)
        except ValueError as exc:
            raise ConfigError(f"invalid settings: REDIS_URL ({exc})") from exc
    return redis.Redis.from_url(config["REDIS_URL"], socket_timeout=timeout, socket_connect_timeout=timeout)


def _abuse_limits(config: Mapping[str, Any], clock: Clock, client: Redis | RedisCluster | None,
                  metrics: GatewayMetrics) -> AbuseLimits:
    """Limits counted in Redis when REDIS_URL is set, in process otherwise; windows follow the app clock."""
    def now() -> float:
        return clock.now().timestamp()

    limiter: RateLimiter | None = config.get("RATE_LIMITER")  # injected (tests)
    if limiter is None and client is not None:
        from menus.redis_limits import RedisRateLimiter

        limiter = RedisRateLimiter(client, now)
    settings = LimitSettings(activation_sms_per_day=config["ACTIVATION_SMS_PER_DAY"],
                             activation_sms_gap=config["ACTIVATION_SMS_GAP_SECONDS"],
                             sessions_per_minute=config["USSD_SESSIONS_PER_MINUTE"],
                             keyword_replies_per_hour=config["KEYWORD_REPLIES_PER_HOUR"])
    return AbuseLimits(limiter or MemoryRateLimiter(now), settings, on_refused=metrics.rate_limit)


def _incident_register(config: Mapping[str, Any], clock: Clock) -> IncidentRegister:
    """The error register, on an unpooled engine: incidents are rare, written off the request thread, and
    each write closes its own connection (none is left checked out when the app's engine is disposed)."""
    engine = make_engine(config["DATABASE_URL"], connect_timeout=config["DB_CONNECT_TIMEOUT"],
                         statement_timeout_ms=config["DB_STATEMENT_TIMEOUT_MS"], poolclass=NullPool)
    return IncidentRegister(SqlAlchemyIncidentRepository(engine), clock)


def _metrics(config: Mapping[str, Any]) -> GatewayMetrics:
    """The app's metrics; in multi-process mode (PROMETHEUS_MULTIPROC_DIR) summed over every process."""
    try:
        return metrics_for(config["PROMETHEUS_MULTIPROC_DIR"])
    except ValueError as exc:
        raise ConfigError(f"invalid settings: PROMETHEUS_MULTIPROC_DIR ({exc})") from exc


def _registry_refresher(config: Mapping[str, Any], store: SessionStore, backend: Backend) -> RegistryRefresher | None:
    """With Redis, keep its list of registered phones fresh so strangers are told without a lookup."""
    from menus.redis_store import RedisSessionStore

    if not isinstance(store, RedisSessionStore) or not config["USSD_REGISTRY_FRESH_SECONDS"]:
        return None
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="phone-registry")
    refresher = RegistryRefresher(store, backend.registered_phones, config["USSD_REGISTRY_FRESH_SECONDS"], executor)
    engine = getattr(backend.uow_factory, "engine", None)
    if engine is not None:  # once the engine is disposed (shutdown), no refresh starts again
        when_disposed(engine, refresher.close)  # waits for a refresh under way, then closes its connection
    return refresher


def _session_store(config: Mapping[str, Any], client: Redis | RedisCluster | None,
                   clock: Clock) -> tuple[SessionStore, dict[str, Any]]:
    ttls = StoreTtls(session=config["USSD_SESSION_TTL"], resume=config["USSD_RESUME_WINDOW"],
                     caller=config["USSD_CALLER_CACHE_TTL"])
    if config.get("SESSION_STORE") is not None:
        return config["SESSION_STORE"], {}  # injected (tests with a controllable clock)

    def wall() -> float:  # session-limit windows follow the app clock, as the other limits do
        return clock.now().timestamp()

    if client is None:
        return MemorySessionStore(ttls, wall_clock=wall), {}
    from menus.redis_store import RedisSessionStore

    if config["REDIS_CLUSTER"]:
        from gateway.redis_cluster import every_master_answers

        return RedisSessionStore(client, ttls, wall_clock=wall), {"redis": every_master_answers(client)}
    return RedisSessionStore(client, ttls, wall_clock=wall), {"redis": client.ping}


def _alert_senders(config: Mapping[str, Any]) -> dict[str, AlertSender]:
    if config.get("PAYMENT_ALERT_SENDERS"):
        return senders_from_config(config["PAYMENT_ALERT_SENDERS"])
    if not config["PAYMENT_ALERT_SENDERS_FILE"]:
        return {}
    with open(config["PAYMENT_ALERT_SENDERS_FILE"], encoding="utf-8") as handle:
        return senders_from_config(json.load(handle))


def _bank_secrets(config: Mapping[str, Any]) -> dict[str, str]:
    secrets = parse_secrets(config["BANK_API_SECRETS"])
    if config["BANK_API_SECRET"]:
        secrets[config["BANK_API_ID"]] = config["BANK_API_SECRET"]
    return secrets


def _rulebook(path: str | None) -> RuleBook:
    rules = default_rulebook()
    if path:
        with open(path, encoding="utf-8") as handle:
            rules = rulebook_with_overrides(rules, json.load(handle))
    return rules


def _ping_database(rt: Runtime) -> None:
    with rt.engine.connect() as connection:
        connection.exec_driver_sql("SELECT 1")
