"""Wording of the SMS telling a person their request changed status (``RequestWording``), from the catalogues."""
from __future__ import annotations

import re

from core.domain.requests import ServiceRequest
from menus import texts
from menus.forms import display_values
from menus.labels import kind_key, status_key
from menus.texts import DEFAULT_LANGUAGE, render


def status_sms_key(kind: str, status: str) -> str:
    """The text of this kind and status (``request_sms.claim.rejected``), else of this status (``request_sms.rejected``)."""
    own = f"request_sms.{kind}.{status}"
    return own if own in texts.CATALOGUES[DEFAULT_LANGUAGE] else f"request_sms.{status}"


class CatalogueRequestWording:
    """``RequestWording`` using the message catalogues; texts see tracking, kind, status, note and the fields."""

    def __init__(self, language: str = DEFAULT_LANGUAGE) -> None:
        self.language = language

    def status_sms(self, request: ServiceRequest) -> str:
        """One SMS: the kind's own text for this status, or the status's generic one."""
        values = {**display_values(self.language, request.kind, request.details),
                  "tracking": request.tracking_number, "kind": render(kind_key(request.kind.value), self.language),
                  "status": render(status_key(request.status.value), self.language), "note": request.note or ""}
        text = render(status_sms_key(request.kind.value, request.status.value), self.language, values)
        return re.sub(" {2,}", " ", text).strip()  # a blank note leaves no gap

    def field_sms(self, request: ServiceRequest, field: str) -> str | None:
        """The kind's text for the phone in ``field`` at this status (``request_sms.<kind>.<status>.<field>``), if any."""
        key = f"request_sms.{request.kind.value}.{request.status.value}.{field}"
        if key not in texts.CATALOGUES[DEFAULT_LANGUAGE]:
            return None
        values = {**display_values(self.language, request.kind, request.details),
                  "tracking": request.tracking_number, "note": request.note or ""}
        return re.sub(" {2,}", " ", render(key, self.language, values)).strip()
