"""What every SMS provider's callbacks share: an incoming SMS dispatched, a delivery report settled.

A provider package parses its wire format into the neutral ``InboundSms`` or ``DeliveryReport`` and
hands it here; storing, de-duplication, payment alerts, keywords and outbox settlement are the same
whichever provider the message came through.
"""
from __future__ import annotations

import logging

from core.domain.delivery_reports import DeliveryReport, DeliveryState
from core.domain.inbound import InboundSms
from core.services.delivery_reports import record_delivery_report
from core.services.payment_alerts import alert_sender_of, receive_payment_alert, store_inbound
from gateway.runtime import runtime, uncertain_window
from gateway.sms_keywords import answer_keyword

logger = logging.getLogger(__name__)


def receive_inbound_sms(message: InboundSms) -> None:
    """Store an incoming SMS once (providers retry until they get a 200), then a payment alert or a keyword.

    A keyword is answered again on a repeat only if its reply is not queued yet (the reply's
    idempotency key makes that safe): a repeat after a failure mid-way still gets its answer.
    """
    rt = runtime()
    created = store_inbound(message, uow=rt.uow_factory())
    sender = alert_sender_of(message.sender, rt.alert_senders)
    if sender is not None:  # recorded once: a repeat after a failure mid-way records what was missed
        alert = receive_payment_alert(message, sender, uow_factory=rt.uow_factory, clock=rt.clock,
                                      rulebook=rt.rulebook, receipts=rt.receipts,
                                      finance_phones=rt.finance_phones)
        logger.info("payment alert %s from %s (%s): %s", message.provider_message_id, sender.provider,
                    "new" if created else "repeat", alert.status.value)
        return
    reply = answer_keyword(message, rt.ussd.backend, rt.uow_factory)
    if reply is not None:
        logger.info("SMS %s via %s: keyword %s answered (opt change: %s)", message.provider_message_id,
                    message.provider, reply.keyword.value, reply.opt.value)


def settle_delivery_report(report: DeliveryReport) -> bool:
    """Store a delivery report verbatim and apply it to its outbound message; False when it matches none."""
    rt = runtime()
    matched = record_delivery_report(report, uow=rt.uow_factory(), window=uncertain_window())
    if report.meaning.state is DeliveryState.UNKNOWN:
        logger.warning("delivery report %s via %s: unknown status %r kept as is", report.provider_message_id,
                       report.provider, report.status)
    if not matched:
        logger.info("delivery report %s via %s matches no outbound message", report.provider_message_id,
                    report.provider)
    return matched
