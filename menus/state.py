"""Session state: small, JSON-serialisable, never ORM objects or secrets; engine bookkeeping as typed fields."""
from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from typing import Any

import orjson

from menus.hop import Reply


@dataclass
class SessionState:
    """Where one USSD session stands; stored as compact JSON with a TTL.

    ``data`` holds what screens collect; the engine's own bookkeeping has typed fields. ``to_json``
    leaves out fields at their default and ``from_json`` ignores unknown ones and lifts the underscore
    keys older releases kept in ``data`` (``_form``, ``_pin_flow``...), so sessions in flight at a
    deploy carry on.
    """

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
    form: bool = False  # the subscriber typed or picked something worth resuming after a drop
    pin_flow: str | None = None  # "activation" or "change" while a new PIN is being chosen
    pin_candidate: str | None = None  # the new PIN, sealed, between choosing and confirming it
    resume_screen: str | None = None  # where a resumed form goes back once the PIN is typed again
    resume_history: list[str] = field(default_factory=list)
    page_values: list[str] = field(default_factory=list)  # what the digits of a Pick's current page stand for
    more: bool = False  # the Pick has a further page
    notice: str | None = None  # a line shown on top of the next render (not kept past it)
    error: list[Any] | None = None  # [text key, values] of an invalid input, shown on the next render
    new_language: str | None = None  # a language chosen this hop, for the store to remember per phone

    def to_json(self) -> str:
        """Compact JSON of the fields that differ from their default (``new_language`` is never stored)."""
        out = {name: value for name in _REQUIRED if (value := getattr(self, name)) is not None}
        for name, default in _DEFAULTS:
            value = getattr(self, name)
            if value != default:
                out[name] = value
        return orjson.dumps(out).decode()

    @classmethod
    def from_json(cls, raw: str | bytes) -> SessionState:
        """Parse what ``to_json`` wrote, or what an older release wrote (unknown fields ignored)."""
        stored = orjson.loads(raw)
        if not isinstance(stored, dict):
            raise ValueError("a session state is a JSON object")
        state = cls(**{name: value for name, value in stored.items() if name in _NAMES})
        if any(key.startswith("_") for key in state.data):
            _lift_legacy(state)
        return state

    def remember(self, cursor: str, reply: Reply) -> None:
        """Record the reply given at ``cursor`` so a duplicate hop gets it again."""
        self.cursor = cursor
        self.last_reply = {"text": reply.text, "final": reply.final, "screen_id": reply.screen_id}

    def ended(self) -> SessionState:
        """What an ended session keeps: who, where and the last reply, to answer a repeated hop the same way;
        what its screens collected is of no further use and is not stored."""
        return SessionState(self.session_id, self.msisdn, self.screen, language=self.language, cursor=self.cursor,
                            last_reply=self.last_reply)

    def cached_reply(self) -> Reply | None:
        """The reply of the last handled hop."""
        return Reply(**self.last_reply) if self.last_reply else None


def _lift_legacy(state: SessionState) -> None:
    """Move the underscore keys of sessions stored before the typed fields into those fields."""
    data = state.data
    state.form = bool(data.pop("_form", state.form))
    state.pin_flow = data.pop("_pin_flow", state.pin_flow)
    state.pin_candidate = data.pop("_pin_candidate", state.pin_candidate)
    target = data.pop("_resume_target", None)
    if isinstance(target, dict):
        state.resume_screen, state.resume_history = target.get("screen"), list(target.get("history") or ())
    state.page_values = list(data.pop("_page", state.page_values))
    state.more = bool(data.pop("_more", state.more))
    for transient in ("_resume", "_notice", "_error", "_language"):  # the checkpoint is read from the store now
        data.pop(transient, None)


_NAMES = frozenset(f.name for f in fields(SessionState))
_REQUIRED = ("session_id", "msisdn", "screen")
_NOT_STORED = ("new_language",)
_DEFAULTS: tuple[tuple[str, Any], ...] = tuple(
    (f.name, f.default if f.default is not MISSING else f.default_factory())  # type: ignore[operator]
    for f in fields(SessionState) if f.name not in _REQUIRED + _NOT_STORED)
