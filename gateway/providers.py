"""The registered providers: a provider is one package under ``gateway/`` and one line in ``registered()``.

Each package exposes a ``Provider``: its Flask blueprint (callbacks), the USSD hop routes the fast
edge serves, and, for an SMS provider, how its outbox transport is built from the configuration.
Transports are built here and nowhere else.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint

from config import ConfigError
from core.ports import Transport
from gateway.ussd_edge import Call, HopRoute, WireRequest


@dataclass(frozen=True, slots=True)
class Provider:
    """A provider's parts as the app wires them; ``name`` is the id stored with its sessions and messages."""

    name: str
    title: str  # for people: logs, the simulator, the console
    blueprint: Blueprint | None = None
    hop_routes: Callable[[Mapping[str, Any]], Sequence[HopRoute]] = field(default=lambda _config: ())
    # Built when the configuration enables it (None otherwise); SMS_PROVIDER picks one when several are.
    sms_transport: Callable[[Mapping[str, Any]], Transport | None] | None = None
    # A USSD provider's side of the wire, as a phone places a hop (``ussd-dial``, tests): the request, and
    # (headers, body) of the answer read back as (screen, final).
    place_call: Callable[[Call, Mapping[str, Any]], WireRequest] | None = None
    read_reply: Callable[[Mapping[str, str], str], tuple[str, bool]] | None = None


def registered() -> tuple[Provider, ...]:
    """Every provider, in the order their routes are registered."""
    from gateway.africastalking.provider import AFRICAS_TALKING
    from gateway.freeflow.provider import FREEFLOW
    from gateway.hubtel.provider import HUBTEL
    from gateway.kannel.provider import KANNEL

    return (AFRICAS_TALKING, HUBTEL, FREEFLOW, KANNEL)


def ussd_providers() -> tuple[Provider, ...]:
    """The providers a phone can dial through."""
    return tuple(p for p in registered() if p.place_call is not None and p.read_reply is not None)


def hop_routes(config: Mapping[str, Any]) -> list[HopRoute]:
    """The USSD hop routes of every provider, for the fast edge."""
    return [route for provider in registered() for route in provider.hop_routes(config)]


def configured_transports(config: Mapping[str, Any]) -> list[Transport]:
    """The transports the configuration enables, one per channel: email by SMTP_URL, SMS by its provider.

    The SMS provider is ``SMS_PROVIDER`` when set; otherwise the one SMS provider configured. Two
    configured and none chosen is a configuration error rather than a guess.
    """
    transports: list[Transport] = []
    if config.get("SMTP_URL"):
        from gateway.email.smtp import SmtpTransport

        transports.append(SmtpTransport(str(config["SMTP_URL"])))
    sms = sms_transport(config)
    if sms is not None:
        transports.append(sms)
    return transports


def sms_transport(config: Mapping[str, Any]) -> Transport | None:
    """The SMS transport of the configured provider, or None when no SMS provider is configured."""
    chosen = (config.get("SMS_PROVIDER") or "").strip()
    builders = {p.name: p.sms_transport for p in registered() if p.sms_transport is not None}
    if chosen:
        if chosen not in builders:
            raise ConfigError(f"invalid settings: SMS_PROVIDER ({chosen!r} is not one of {', '.join(builders)})")
        transport = builders[chosen](config)
        if transport is None:
            raise ConfigError(f"invalid settings: SMS_PROVIDER ({chosen} is chosen but not configured)")
        return transport
    built = {name: t for name, build in builders.items() if (t := build(config)) is not None}
    if len(built) > 1:
        raise ConfigError(f"invalid settings: SMS_PROVIDER (unset while {' and '.join(built)} are both configured)")
    return next(iter(built.values()), None)
