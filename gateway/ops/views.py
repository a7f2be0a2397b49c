"""What the console's pages share: page numbers and limits, French labels, masked recipients, local times."""
from __future__ import annotations

from datetime import datetime
from typing import Final

from flask import request

from core.domain.msisdn import mask_phone, redact_phones
from gateway.ops import blueprint
from gateway.runtime import runtime

PAGE_SIZE: Final = 50
MAX_PAGE: Final = 1000

STATUS_LABELS: Final = {
    # outbox
    "queued": "en attente", "sending": "en cours d'envoi", "sent": "envoyé", "delivered": "remis",
    "uncertain": "incertain", "failed": "échec", "skipped": "non envoyé",
    # requests
    "received": "reçue", "in_progress": "en cours", "documents_missing": "pièces manquantes",
    "validated": "validée", "ready": "prête", "rejected": "rejetée", "closed": "clôturée",
}
REJECTION_LABELS: Final = {  # core.services.payment_notifications.REJECTION_REASONS
    "amount_mismatch": "montant différent", "already_paid": "référence déjà payée",
    "reference_expired": "référence expirée", "reference_cancelled": "référence annulée",
    "reference_not_found": "référence inconnue", "transaction_id_reused": "n° de transaction réutilisé",
}


def page_number() -> int:
    """The ``page`` asked for (1 when absent or malformed, at most ``MAX_PAGE``)."""
    raw = request.args.get("page", "1")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(MAX_PAGE)):
        return MAX_PAGE if raw.isascii() and raw.isdigit() and raw.lstrip("0") else 1  # huge: the last page
    return min(int(raw), MAX_PAGE) if int(raw) > 0 else 1


def offset(page: int) -> int:
    """First row of ``page``."""
    return (page - 1) * PAGE_SIZE


@blueprint.app_template_filter("masked")
def masked(recipient: str | None) -> str:
    """A phone as ``****2233``; an e-mail address as ``a***@domain``; nothing else shown in full."""
    if not recipient:
        return ""
    if "@" in recipient:
        local, _, domain = recipient.partition("@")
        return f"{local[:1]}***@{domain}"
    return mask_phone(recipient)


@blueprint.app_template_filter("when")
def when(instant: datetime | None) -> str:
    """An instant in business time, ``2026-11-23 10:00``."""
    if instant is None:
        return ""
    return runtime().clock.local(instant).strftime("%Y-%m-%d %H:%M")


@blueprint.app_template_filter("label")
def label(value: str | None) -> str:
    """The French label of a status (the value itself when none)."""
    return STATUS_LABELS.get(value or "", REJECTION_LABELS.get(value or "", value or ""))


@blueprint.app_template_filter("xof")
def xof(amount: int | None) -> str:
    """An amount in francs CFA, ``1 234 567 F``."""
    return "" if amount is None else f"{amount:,}".replace(",", "\u202f") + " F"


@blueprint.app_template_filter("redacted")
def redacted(text: str | None, length: int = 120) -> str:
    """Free text (an error, a refusal's detail) cut to ``length``, any phone number in it masked."""
    return redact_phones((text or "")[:length])
