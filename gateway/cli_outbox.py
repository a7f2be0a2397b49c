"""The outbox worker command: ``flask --app app outbox-work [--once]``."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Attach the outbox commands (filled in with the email and SMS workers)."""
