"""Delivery reports of sent SMS: kept verbatim and applied to their outbox message in one transaction."""
from __future__ import annotations

from core.domain.delivery_reports import DeliveryReport
from core.ports import UnitOfWork


def record_delivery_report(report: DeliveryReport, *, uow: UnitOfWork) -> bool:
    """Store the report and settle its message; False when no outbound message has its provider id."""
    with uow:
        uow.delivery_reports.add(report)
        matched = uow.delivery_reports.apply(report.provider_message_id, report.status, report.failure_reason,
                                             report.received_at)
        uow.commit()
        return matched
