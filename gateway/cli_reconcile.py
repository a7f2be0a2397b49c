"""The reconciliation command: ``flask --app app reconcile <date> [--bank-statement FILE]``."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Attach the reconciliation command."""
