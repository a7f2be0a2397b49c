"""Delivery reports of sent SMS: kept verbatim and applied to their outbox message in one transaction.

A report whose provider id is no message's may be for an uncertain SMS (its worker died, or the
provider's answer was lost, before the id was recorded): it settles the one uncertain SMS to the
same phone whose send began within the window before it, and none when there are several.
"""
from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from datetime import timedelta

from core.domain.delivery_reports import DeliveryReport, RecipientMatch
from core.domain.errors import InvalidPhoneNumberError
from core.domain.msisdn import Msisdn
from core.domain.uncertain_sms import DEFAULT_UNCERTAIN_WINDOW
from core.ports import UnitOfWork

log = logging.getLogger(__name__)


def record_delivery_report(report: DeliveryReport, *, uow: UnitOfWork,
                           window: timedelta = DEFAULT_UNCERTAIN_WINDOW) -> bool:
    """Store the report and settle its message; False when it settles no outbound message."""
    phone = recipient_of(report)
    with uow:
        uow.delivery_reports.add(dataclasses.replace(report, phone=phone.e164) if phone else report)
        matched = _apply(uow, report)
        if not matched:  # perhaps a send whose result a worker is writing now: once written, apply again
            uow.delivery_reports.await_sends_in_flight()
            matched = _apply(uow, report)
        if not matched and phone is not None:
            match = uow.delivery_reports.adopt_uncertain(phone.e164, report.received_at - window, report.received_at,
                                                         report.provider_message_id)
            if match is RecipientMatch.AMBIGUOUS:
                log.warning("delivery report %s: several uncertain SMS to %s began within %s, none settled",
                            report.provider_message_id, phone.masked, window)
            elif match is RecipientMatch.ADOPTED:
                matched = _apply(uow, report)
                log.info("delivery report %s settles an uncertain SMS to %s", report.provider_message_id,
                         phone.masked)
        uow.commit()
        return matched


def apply_early_reports(uow: UnitOfWork, provider_message_ids: Sequence[str]) -> int:
    """Apply the stored reports of sends just recorded, in arrival order; how many there were.

    A fast provider (Kannel's SMSC, an operator's) can report a delivery before the worker has written the
    send's result: that report was stored matching no message. Run after the sends' results are written: a
    report stored meanwhile either waited for those writes (:meth:`await_sends_in_flight`) and matched, or
    made them wait, and is then found here.
    """
    reports = uow.delivery_reports.for_provider_ids(provider_message_ids)
    for report in reports:
        _apply(uow, report)
    return len(reports)


def settle_from_stored_reports(uow: UnitOfWork, recipient: Msisdn, reports: list[DeliveryReport],
                               window: timedelta) -> bool:
    """Apply reports that arrived before their message was known to be uncertain (its worker died mid-send).

    They must all carry one provider id; the first is matched by the same rule as on arrival.
    """
    if not reports or len({r.provider_message_id for r in reports}) != 1:
        return False
    first = reports[0]
    match = uow.delivery_reports.adopt_uncertain(recipient.e164, first.received_at - window, first.received_at,
                                                 first.provider_message_id)
    if match is not RecipientMatch.ADOPTED:
        return False
    for report in reports:
        _apply(uow, report)
    return True


def recipient_of(report: DeliveryReport) -> Msisdn | None:
    """The report's phone in E.164, or None when it has none that parses."""
    try:
        return Msisdn.parse(report.phone) if report.phone else None
    except InvalidPhoneNumberError:
        return None


def _apply(uow: UnitOfWork, report: DeliveryReport) -> bool:
    return uow.delivery_reports.apply(report.provider, report.provider_message_id, report.status,
                                      report.failure_reason, report.received_at)
