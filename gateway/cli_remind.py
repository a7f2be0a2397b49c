"""The reminder command: ``flask --app app remind`` (run daily by a timer)."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Attach the reminder command."""
