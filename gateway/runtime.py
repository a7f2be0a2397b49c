"""The wired dependencies the edge hands to menus and core (built once by ``create_app``)."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy.engine import Engine

from core.domain.parameters import RuleBook
from core.domain.pins import PinHasher
from core.domain.alerts import AlertSender
from core.domain.uncertain_sms import DEFAULT_UNCERTAIN_WINDOW
from core.domain.msisdn import Msisdn
from core.ports import Clock, ReceiptComposer, SmsSender, UnitOfWorkFactory
from menus.service import UssdService


@dataclass
class Runtime:
    """Engine, unit of work, clock, rules, SMS port, USSD service and readiness probes of one app."""

    engine: Engine
    uow_factory: UnitOfWorkFactory
    clock: Clock
    rulebook: RuleBook
    pin_hasher: PinHasher
    sms: SmsSender
    ussd: UssdService
    receipts: ReceiptComposer
    finance_phones: tuple[Msisdn, ...] = ()
    alert_senders: dict[str, AlertSender] = field(default_factory=dict)
    readiness: dict[str, Callable[[], object]] = field(default_factory=dict)


def runtime() -> Runtime:
    """The runtime of the current Flask app."""
    return current_app.extensions["cnss"]  # type: ignore[no-any-return]


def uncertain_window(config: Mapping[str, Any] | None = None) -> timedelta:
    """How long a delivery report may settle an uncertain SMS by its phone (``SMS_UNCERTAIN_WINDOW_MINUTES``)."""
    config = config if config is not None else current_app.config
    minutes = config.get("SMS_UNCERTAIN_WINDOW_MINUTES")  # None only where a test passes its own config
    return timedelta(minutes=minutes) if minutes else DEFAULT_UNCERTAIN_WINDOW
