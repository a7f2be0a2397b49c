"""Configuration: every setting parsed and validated once, at start-up, into typed values."""
from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable, Mapping
from typing import Any

from core.domain.pins import DEVELOPMENT_PEPPER

Parser = Callable[[str], Any]
DEVELOPMENT, PRODUCTION = "development", "production"
DEVELOPMENT_SECRET_KEY = "development-only-key"  # never accepted in production


class ConfigError(Exception):
    """The settings cannot run the gateway; the message names every variable at fault."""


def _positive_int(raw: str) -> int:
    value = int(raw)
    if value <= 0:
        raise ValueError("must be a positive whole number")
    return value


def _non_negative_int(raw: str) -> int:
    value = int(raw)
    if value < 0:
        raise ValueError("must be zero or more")
    return value


def _positive_float(raw: str) -> float:
    value = float(raw)
    if not value > 0 or value == float("inf"):
        raise ValueError("must be a positive number")
    return value


def _environment(raw: str) -> str:
    if raw not in (DEVELOPMENT, PRODUCTION):
        raise ValueError(f"must be {DEVELOPMENT} or {PRODUCTION}")
    return raw


def _networks(raw: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in raw.split(",") if part.strip())


def _directory(raw: str) -> str:
    if not os.path.isdir(raw) or not os.access(raw, os.W_OK):
        raise ValueError("must be an existing writable directory")
    return raw


def _log_format(raw: str) -> str:
    if raw not in ("json", "text"):
        raise ValueError("must be json or text")
    return raw


def _level(raw: str) -> str:
    if raw.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
    return raw.upper()


def _steps(raw: str) -> tuple[int, ...]:
    return tuple(_positive_int(part.strip()) for part in raw.split(",") if part.strip())


def _peppers(raw: str) -> tuple[tuple[str, bytes], ...]:
    """'k2:secret2,k1:secret1' -> ((key id, secret), ...), the first current (ids fit the stored hash's column)."""
    peppers: list[tuple[str, bytes]] = []
    for part in (p.strip() for p in raw.split(",") if p.strip()):
        kid, sep, secret = part.partition(":")
        if not sep or not secret or not 0 < len(kid) <= 16 or not all(
                ch.isascii() and (ch.isalnum() or ch in "-_") for ch in kid):
            raise ValueError("must be 'keyid:secret' pairs separated by commas, "
                             "key ids of 1-16 letters, digits, - or _")
        if kid in dict(peppers):
            raise ValueError("a key id appears twice")
        peppers.append((kid, secret.encode()))
    if not peppers:
        raise ValueError("must name at least one 'keyid:secret'")
    return tuple(peppers)


# name -> (default, description[, parser]); without a parser the value stays a string.
# The README's configuration table lists the same.
SETTINGS: dict[str, tuple[Any, ...]] = {
    "GATEWAY_ENV": (DEVELOPMENT, "development, or production: refuses to start without its secrets", _environment),
    "DATABASE_URL": (None, "SQLAlchemy URL; default: SQLite file instance/cnss-gateway.db"),
    "REDIS_URL": (None, "Redis for USSD sessions and limits; unset: embedded in-process store"),
    "REDIS_CLUSTER": ("false", "REDIS_URL names one node of a Redis Cluster (database 0), whose other nodes are "
                      "found from it", lambda raw: raw.strip().lower() in ("1", "true", "yes", "on")),
    "GATEWAY_SECRET_KEY": (None, "Server-side key of session cursors and log ids (secret; required in production)"),
    "AT_USERNAME": ("sandbox", "Africa's Talking username"),
    "AT_API_KEY": (None, "Africa's Talking API key (secret)"),
    "AT_API_BASE_URL": (None, "Overrides the SMS API base URL (sandbox or local fake)"),
    "AT_CALLBACK_KEY": (None, "Secret expected as ?key= on Africa's Talking callbacks (required in production)"),
    "AT_ALLOWED_NETWORKS": (None, "Comma-separated CIDRs allowed to call the provider callbacks (every /gateway/ "
                            "route, whatever the provider)", _networks),
    "TRUSTED_PROXY_COUNT": ("0", "Reverse proxies in front of the app whose X-Forwarded-For is trusted",
                            _non_negative_int),
    "BANK_API_ENABLED": ("true", "Serve the bank API (production then needs a bank secret)",
                         lambda raw: raw.strip().lower() in ("1", "true", "yes", "on")),
    "BANK_API_SECRET": (None, "HMAC secret of the bank API (secret)"),
    "SMS_SENDER_ID": (None, "Sender id or short code for outgoing SMS"),
    "SMS_PROVIDER": (None, "SMS provider of the outbox: at or kannel; unset: the one configured"),
    "HUBTEL_CALLBACK_KEY": (None, "Secret expected as ?key= on the Hubtel-style USSD callback (secret; unset: "
                            "open in development, closed in production)"),
    "FREEFLOW_USERID": (None, "userid the operator's Freeflow USSD gateway sends (unset with FREEFLOW_PASSWORD: "
                        "open in development, closed in production)"),
    "FREEFLOW_PASSWORD": (None, "password the operator's Freeflow USSD gateway sends (secret)"),
    "FREEFLOW_PARAM_NAMES": (None, "The operator's own names of the Freeflow parameters, e.g. "
                             "'MSISDN=msisdn,SessionID=sessionId,input=ussdString'"),
    "KANNEL_SENDSMS_URL": (None, "Kannel smsbox sendsms URL, e.g. http://127.0.0.1:13013/cgi-bin/sendsms"),
    "KANNEL_USERNAME": (None, "Kannel sendsms user"),
    "KANNEL_PASSWORD": (None, "Kannel sendsms password (secret)"),
    "KANNEL_SMSC": (None, "Kannel smsc-id to route outgoing SMS through (unset: Kannel's routing)"),
    "KANNEL_CALLBACK_URL": (None, "This gateway's base URL as Kannel reaches it, for delivery reports (dlr-url), "
                            "e.g. http://10.0.0.5:8000"),
    "KANNEL_CALLBACK_KEY": (None, "Secret expected as ?key= on Kannel's get-url and dlr-url callbacks (secret; "
                            "unset: open in development, closed in production)"),
    "SMS_UNCERTAIN_WINDOW_MINUTES": ("60", "Minutes after its send a delivery report may settle an uncertain SMS "
                                     "by its phone; then its kind's policy applies", _positive_float),
    "SMTP_URL": (None, "SMTP server for email receipts, e.g. smtp://host:25"),
    "GATEWAY_TIMEZONE": ("Africa/Lome", "Timezone of business days and quiet hours"),
    "CNSS_RULES_FILE": (None, "JSON file of dated rule parameters added to the defaults"),
    "USSD_HOP_DEADLINE": ("2.0", "Seconds a hop may spend in the backend before the result goes by SMS",
                          _positive_float),
    "USSD_SESSION_TTL": ("300", "Seconds a USSD session is kept after its last hop", _positive_int),
    "USSD_RESUME_WINDOW": ("600", "Seconds a redial from the same phone may resume a dropped session",
                           _positive_int),
    "USSD_CALLER_CACHE_TTL": ("60", "Seconds the accounts of a calling phone stay cached in the session store "
                              "(0: look them up on every new session)", _non_negative_int),
    "USSD_REGISTRY_FRESH_SECONDS": ("300", "Seconds a refresh of Redis's list of registered phones stays trusted to tell "
                                    "unregistered callers without a database lookup (0: always look up)",
                                    _non_negative_int),
    "HOP_LOG_ENABLED": ("true", "Record every USSD hop (screen ids and timings) for the console, written in the "
                        "background", lambda raw: raw.strip().lower() in ("1", "true", "yes", "on")),
    "RETENTION_DAYS": ("90", "Days incoming SMS, USSD hop records and session reports are kept (purge command)",
                       _positive_int),
    "PIN_PEPPER": (None, "Keys of the stored PIN hashes, 'k2:secret,k1:older': the first hashes, all verify "
                   "(secret; required in production; unset: a development key)", _peppers),
    "PIN_MAX_ATTEMPTS": ("3", "Wrong PINs that lock USSD access", _positive_int),
    "PIN_LOCKOUT_MINUTES": ("30", "Minutes USSD access stays locked", _positive_float),
    "PIN_LOCKOUT_STEPS": ("120,1440", "Minutes of each further lock after the first; one more wrong PIN after the last "
                          "blocks access until an agent runs pin-unlock", _steps),
    "ACTIVATION_SMS_PER_DAY": ("3", "Activation codes texted to one phone per 24 h (0: no limit)", _non_negative_int),
    "ACTIVATION_SMS_GAP_SECONDS": ("120", "Seconds between two activation codes to one phone (0: no limit)",
                                   _non_negative_int),
    "USSD_SESSIONS_PER_MINUTE": ("6", "New USSD sessions one phone may open per minute (0: no limit)", _non_negative_int),
    "KEYWORD_REPLIES_PER_HOUR": ("5", "SMS keyword replies to one sender per hour (0: no limit)", _non_negative_int),
    "BANK_API_ID": ("ibbank", "X-Bank-Id of the bank whose secret is BANK_API_SECRET"),
    "BANK_API_SECRETS": (None, "More banks: 'bankid:secret,otherbank:secret' (secrets)"),
    "MOBILE_MONEY_SECRETS": (None, "Mobile-money operators: 'mixx:secret,flooz:secret' (secrets)"),
    "FINANCE_ALERT_PHONES": (None, "Comma-separated phones of CNSS finance staff for refused payments"),
    "PAYMENT_ALERT_SENDERS_FILE": (None, "JSON file: senders allowed to text payment alerts, and their templates"),
    "MAX_CONTENT_LENGTH": ("65536", "Largest request body accepted, in bytes (413 beyond)", _positive_int),
    "BANK_REQUEST_DEADLINE": ("5", "Seconds a bank or operator call may wait for storage before a 503",
                              _positive_float),
    "DB_CONNECT_TIMEOUT": ("2", "Seconds to open a PostgreSQL connection", _positive_int),
    "DB_STATEMENT_TIMEOUT_MS": ("5000", "PostgreSQL statement and lock timeout, in milliseconds", _positive_int),
    "DB_POOL_TIMEOUT": ("2", "Seconds to wait for a free database connection", _positive_float),
    "REDIS_TIMEOUT": ("1", "Seconds of Redis connect and socket timeout", _positive_float),
    "READINESS_TIMEOUT": ("0.8", "Seconds /readyz waits for its probes", _positive_float),
    "METRICS_TOKEN": (None, "Bearer token /metrics requires (secret); unset: /metrics open in development, "
                      "closed in production"),
    "PROMETHEUS_MULTIPROC_DIR": (None, "Directory where every worker process writes its metrics, summed by "
                                 "/metrics (emptied at each deploy's start); unset: one process's metrics",
                                 _directory),
    "LOG_LEVEL": ("INFO", "Lowest level logged", _level),
    "LOG_FORMAT": ("json", "json (one JSON object per line) or text", _log_format),
    "OPS_SESSION_HOURS": ("8", "Hours a console sign-in lasts at most", _positive_float),
    "OPS_IDLE_MINUTES": ("30", "Minutes without a console request after which staff sign in again", _positive_float),
}


def load_config(environ: Mapping[str, str], instance_path: str,
                overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Read and parse every setting from ``environ`` (empty values count as unset), then ``overrides``.

    Strings are parsed by the setting's parser wherever they come from; values already typed
    (tests, embedding code) are kept. ``ConfigError`` names every faulty setting in one message.
    """
    config: dict[str, Any] = {}
    faults: list[str] = []
    given = {**{name: environ.get(name) or None for name in SETTINGS}, **{
        name: value for name, value in (overrides or {}).items() if name in SETTINGS}}
    for name, (default, _description, *parser) in SETTINGS.items():
        raw = default if given.get(name) is None or given.get(name) == "" else given[name]
        if raw is None or not parser or not isinstance(raw, str):
            config[name] = raw
            continue
        try:
            config[name] = parser[0](raw.strip())
        except ValueError as exc:
            faults.append(f"{name} ({exc})")
    if faults:
        raise ConfigError("invalid settings: " + ", ".join(faults))
    config.update({name: value for name, value in (overrides or {}).items() if name not in SETTINGS})
    if not config["DATABASE_URL"]:
        config["DATABASE_URL"] = "sqlite:///" + os.path.join(instance_path, "cnss-gateway.db")
    return config


def production_faults(config: Mapping[str, Any]) -> list[str]:
    """What production lacks: each missing or unsafe variable, named (empty: ready to start)."""
    faults: list[str] = []
    for name in ("AT_CALLBACK_KEY", "REDIS_URL"):
        if not config.get(name):
            faults.append(f"{name} is not set")
    key = config.get("GATEWAY_SECRET_KEY")
    if not key:
        faults.append("GATEWAY_SECRET_KEY is not set")
    elif key == DEVELOPMENT_SECRET_KEY or len(str(key)) < 16:
        faults.append("GATEWAY_SECRET_KEY is too short or the development key (use 16 characters or more)")
    peppers = config.get("PIN_PEPPER")
    if not peppers:
        faults.append("PIN_PEPPER is not set")
    elif any(len(secret) < 16 or (kid, secret) == DEVELOPMENT_PEPPER for kid, secret in peppers):
        faults.append("PIN_PEPPER has a key shorter than 16 characters or the development key")
    url = str(config.get("DATABASE_URL") or "")
    if not url or url.startswith("sqlite"):
        faults.append("DATABASE_URL is not set to a server database (SQLite is the development default)")
    if config.get("BANK_API_ENABLED") and not (config.get("BANK_API_SECRET") or config.get("BANK_API_SECRETS")):
        faults.append("BANK_API_SECRET (or BANK_API_SECRETS) is not set while the bank API is enabled")
    if config.get("KANNEL_SENDSMS_URL") and not config.get("KANNEL_CALLBACK_KEY"):
        # Its callbacks would be closed: no delivery report and no incoming SMS would ever be accepted.
        faults.append("KANNEL_CALLBACK_KEY is not set while Kannel sends the SMS (KANNEL_SENDSMS_URL)")
    if bool(config.get("FREEFLOW_USERID")) != bool(config.get("FREEFLOW_PASSWORD")):
        faults.append("FREEFLOW_USERID and FREEFLOW_PASSWORD are set one without the other")
    return faults


def check_production(config: Mapping[str, Any]) -> None:
    """Refuse to start a production gateway that would be open or fragile, naming every fault in one message."""
    if config.get("GATEWAY_ENV") != PRODUCTION:
        return
    faults = production_faults(config)
    if faults:
        raise ConfigError("refusing to start in production: " + "; ".join(faults))
