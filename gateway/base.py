"""Provider-neutral edge types shared by every gateway adapter."""
from __future__ import annotations


class MalformedRequestError(Exception):
    """A provider request cannot be parsed; ``reason`` names the field at fault (sent back in the 400)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
