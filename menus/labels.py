"""Text keys of request kinds, request statuses, activity kinds and reference statuses."""
from __future__ import annotations


def kind_key(kind: str) -> str:
    """The text key naming a request kind, e.g. ``kind.quitus``."""
    return f"kind.{kind}"


def status_key(status: str) -> str:
    """The text key naming a request status, e.g. ``status.received``."""
    return f"status.{status}"


def activity_key(kind: str) -> str:
    """The text key of one activity-history line, e.g. ``activity.request_filed``."""
    return f"activity.{kind}"


def reference_status_key(status: str, being_confirmed: bool = False) -> str:
    """The text key of a payment reference's status (``status.pending``, ``status.being_confirmed``...)."""
    return "status.being_confirmed" if being_confirmed else f"status.{status}"


def documents_key(kind: str) -> str:
    """The text key listing the documents to bring for a request kind, e.g. ``documents.pension``."""
    return f"documents.{kind}"


def field_key(kind: str, field: str) -> str:
    """The text key of a form field's prompt, e.g. ``form.claim.category``."""
    return f"form.{kind}.{field}"


def choice_key(kind: str, field: str, choice: str) -> str:
    """The text key of one choice of a choice field, e.g. ``choice.claim.category.other``."""
    return f"choice.{kind}.{field}.{choice}"
