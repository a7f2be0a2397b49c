"""The bank API (/api/bank/v1) and the mobile-money notification route, both signed."""
from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from flask import Blueprint, Response, current_app, g, jsonify, request

from core.domain.errors import InvalidPaymentReferenceError, PaymentReferenceNotFoundError
from core.domain.payments import PaymentChannel
from core.services.payment_notifications import REJECTION_REASONS, notify_payment
from core.services.payment_references import ReferenceView, follow_reference
from core.services.payments import RecordedPayment
from gateway.bank.notices import InvalidNotice, is_reference, parse_notice
from gateway.bank.openapi import DOCUMENT
from gateway.bank.signing import SignatureProblem, verify
from gateway.metrics import current_metrics
from gateway.runtime import runtime

logger = logging.getLogger(__name__)
bank = Blueprint("bank_api", __name__, url_prefix="/api/bank/v1")
mobile_money = Blueprint("mobile_money_api", __name__, url_prefix="/api/mobile-money/v1")
JsonReply = tuple[Response, int]
Result = TypeVar("Result")
# Storage work runs here so a frozen database cannot hold a bank's request past its deadline.
_storage_workers = ThreadPoolExecutor(max_workers=8, thread_name_prefix="bank-api-storage")


class DeadlineExceeded(TimeoutError):
    """The storage work did not finish within BANK_REQUEST_DEADLINE (it may still commit: replays are safe)."""


def _reply(status: int, **body: Any) -> JsonReply:
    return jsonify(body), status


@bank.before_request
def _signed_by_a_bank() -> JsonReply | None:
    if request.endpoint == "bank_api.openapi":
        return None
    return _check_signature(current_app.config["BANK_SECRETS"], request.headers.get("X-Bank-Id"))


@mobile_money.before_request
def _signed_by_the_operator() -> JsonReply | None:
    operator = (request.view_args or {}).get("operator")
    caller = request.headers.get("X-Operator-Id")
    if caller != operator:
        return _reply(401, error="unauthorized", reason="operator_mismatch")
    return _check_signature(current_app.config["MOBILE_MONEY_SECRETS"], caller)


def _check_signature(secrets: dict[str, str], caller: str | None) -> JsonReply | None:
    try:
        g.caller_id = verify(secrets, caller, request.headers.get("X-Timestamp"), request.headers.get("X-Signature"),
                             request.method, request.path, request.get_data(cache=True), runtime().clock.now().timestamp())
    except SignatureProblem as problem:
        logger.warning("refused unsigned call to %s: %s", request.path, problem.reason)
        return _reply(401, error="unauthorized", reason=problem.reason)
    return None


def _within_deadline(work: Callable[[], Result]) -> Result:
    """Run ``work`` (no Flask context inside) on a storage worker; ``DeadlineExceeded`` when it overruns."""
    deadline: float = current_app.config["BANK_REQUEST_DEADLINE"]
    pending = _storage_workers.submit(work)
    try:
        return pending.result(timeout=deadline)
    except TimeoutError:
        pending.cancel()  # never started: nothing will be written
        raise DeadlineExceeded() from None


@bank.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3 description of this API."""
    return jsonify(DOCUMENT)


@bank.get("/references/<reference>")
def get_reference(reference: str) -> JsonReply:
    """Look a payment reference up (amount, employer name, date)."""
    if not is_reference(reference):
        return _reply(400, error="invalid_reference")
    uow_factory, clock = runtime().uow_factory, runtime().clock
    try:
        view = _within_deadline(lambda: follow_reference(reference, uow=uow_factory(), clock=clock))
    except InvalidPaymentReferenceError:
        return _reply(400, error="invalid_reference")
    except PaymentReferenceNotFoundError:
        return _reply(404, error="reference_not_found")
    return jsonify(_reference_body(view)), 200


def _reference_body(view: ReferenceView) -> dict[str, Any]:
    ref = view.reference
    return {"reference": ref.code, "amount": ref.amount, "currency": "XOF", "employer_number": ref.employer_number,
            "employer_name": view.company_name, "period": str(ref.period) if ref.period else None,
            "issued_at": _iso(ref.issued_at), "expires_at": _iso(ref.expires_at), "status": view.status.value}


@bank.post("/payments")
def post_payment() -> JsonReply:
    """A bank's payment notification."""
    return _notify(g.caller_id, PaymentChannel.BANK)


@mobile_money.post("/<operator>/payments")
def post_mobile_money_payment(operator: str) -> JsonReply:
    """A mobile-money operator's payment notification (same body and semantics as the bank's)."""
    return _notify(operator, PaymentChannel.MOBILE_MONEY)


def _notify(provider: str, channel: PaymentChannel) -> JsonReply:
    try:
        reply, result = _notified(provider, channel)
    except Exception:
        _count(channel, "unavailable")  # answered by the edge (503, or 500 with an error id)
        raise
    _count(channel, result)
    return reply


def _count(channel: PaymentChannel, result: str) -> None:
    metrics = current_metrics()
    if metrics is not None:
        metrics.payment_notification(channel.value, result)


def _notified(provider: str, channel: PaymentChannel) -> tuple[JsonReply, str]:
    """The answer to a notification, and its result for the metrics (a word of a fixed set)."""
    rt = runtime()
    try:
        notice = parse_notice(request.get_data(cache=True), rt.clock.now())
    except InvalidNotice as invalid:
        return (jsonify(invalid.body()), 400), "invalid"
    uow_factory, clock, rulebook, receipts, finance_phones = (rt.uow_factory, rt.clock, rt.rulebook, rt.receipts,
                                                              rt.finance_phones)
    try:
        recorded = _within_deadline(lambda: notify_payment(
            reference=notice.reference, amount=notice.amount, provider=provider,
            transaction_id=notice.transaction_id, channel=channel, paid_at=notice.paid_at,
            uow_factory=uow_factory, clock=clock, rulebook=rulebook, receipts=receipts,
            finance_phones=finance_phones, account_label=notice.account_label))
    except InvalidPaymentReferenceError:
        return _reply(400, error="invalid_reference", field="reference"), "invalid_reference"
    except tuple(REJECTION_REASONS) as refused:
        reason = REJECTION_REASONS[type(refused)]
        return _reply(404 if reason == "reference_not_found" else 409, error=reason), reason
    result = "accepted" if recorded.created else "repeat"  # a repeat is answered as first, credited once
    return (jsonify(_accepted(recorded)), 201 if recorded.created else 200), result


def _accepted(recorded: RecordedPayment) -> dict[str, Any]:
    return {"status": "accepted", "payment_id": recorded.payment.payment_id,
            "receipt_number": recorded.payment.receipt_number}


def _iso(instant: Any) -> str:
    return str(instant.isoformat().replace("+00:00", "Z"))
