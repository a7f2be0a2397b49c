"""Session state: small, JSON-serialisable, never ORM objects or secrets."""
from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any

from menus.hop import Reply


@dataclass
class SessionState:
    """Where one USSD session stands; stored as JSON with a TTL."""

    session_id: str
    msisdn: str
    screen: str
    language: str = "fr"
    history: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    page: int = 0
    attempts: int = 0
    holder_kind: str | None = None
    holder_number: str | None = None
    authenticated: bool = False
    pending_inputs: list[str] = field(default_factory=list)
    cursor: str | None = None  # the provider's opaque cursor of the last hop (never the typed text)
    last_reply: dict[str, Any] | None = None

    def to_json(self) -> str:
        """Compact JSON (a shallow field map: ``asdict`` deep-copies and costs ~10 % of a hop)."""
        return json.dumps({name: getattr(self, name) for name in _FIELDS}, separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str | bytes) -> SessionState:
        """Parse what ``to_json`` wrote."""
        return cls(**json.loads(raw))

    def remember(self, cursor: str, reply: Reply) -> None:
        """Record the reply given at ``cursor`` so a duplicate hop gets it again."""
        self.cursor = cursor
        self.last_reply = {"text": reply.text, "final": reply.final, "screen_id": reply.screen_id}

    def cached_reply(self) -> Reply | None:
        """The reply of the last handled hop."""
        return Reply(**self.last_reply) if self.last_reply else None


_FIELDS = tuple(f.name for f in fields(SessionState))
