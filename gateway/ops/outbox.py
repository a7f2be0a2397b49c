"""The SMS outbox page: messages by status and purpose (phones masked), and an agent's retry of a failed one."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from core.domain.outbox import MessageStatus
from core.services.console import SmsNotRetriableError, retry_sms
from core.services.staff import Actor
from gateway.ops import blueprint
from gateway.ops.auth import current_staff, staff_required
from gateway.ops.views import PAGE_SIZE, offset, page_number
from gateway.runtime import runtime

FILTERED_STATUSES = ("queued", "sending", "sent", "delivered", "failed", "uncertain", "skipped")
NOT_RETRIED = {"unknown": "Message introuvable.", "not_failed": "Seul un SMS en échec peut être relancé.",
               "secret": "Un code à usage unique n'est jamais renvoyé : la personne en redemande un."}


@blueprint.get("/sms")
@staff_required("viewer")
def outbox() -> str:
    """Newest messages first, filtered by status and purpose."""
    raw_status = request.args.get("status", "")
    status = MessageStatus(raw_status) if raw_status in FILTERED_STATUSES else None
    purpose = request.args.get("purpose", "").strip()[:32] or None
    page, rt = page_number(), runtime()
    with rt.uow_factory() as uow:
        messages = uow.console.outbox_page(status=status, purpose=purpose, limit=PAGE_SIZE + 1, offset=offset(page))
        counts = uow.console.outbox_counts()
    args = {k: v for k, v in (("status", status.value if status else ""), ("purpose", purpose or "")) if v}
    return render_template("ops/outbox.html", messages=messages[:PAGE_SIZE], more=len(messages) > PAGE_SIZE,
                           page=page, args=args, statuses=FILTERED_STATUSES, status=status, purpose=purpose or "",
                           counts=counts)


@blueprint.post("/sms/<int:message_id>/retry")
@staff_required("agent")
def retry(message_id: int) -> Response:
    """Queue a failed SMS again (same idempotency key: one row, never two copies)."""
    rt, member = runtime(), current_staff()
    assert member is not None  # staff_required let the request in
    try:
        retry_sms(message_id, Actor.of(member), uow=rt.uow_factory(), clock=rt.clock)
        flash(f"SMS n° {message_id} remis en file d'envoi.", "ok")
    except SmsNotRetriableError as error:
        flash(NOT_RETRIED.get(str(error.data.get("reason")), "SMS non relancé."), "error")
    return redirect(url_for("ops.outbox", status="failed"))
