"""Input bounds shared by the provider edges: printable text, storable integers and dates, well-encoded forms."""
from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Final
from urllib.parse import unquote_to_bytes

from core.domain.alerts import normalise_sender
from gateway.base import MalformedRequestError

INT32_MAX: Final = 2**31 - 1  # the widest value an Integer column holds on PostgreSQL
EARLIEST_DATE: Final = datetime(2000, 1, 1, tzinfo=UTC)
FUTURE_SLACK: Final = timedelta(days=1)  # provider clocks may run a little ahead, not years
_LINE_BREAKS: Final = frozenset("\n\r\t")


def printable(name: str, value: str, limit: int, *, ascii_only: bool = False) -> str:
    """``value`` unchanged when it fits ``limit`` and is printable (no NUL, control or surrogate); else refused."""
    if len(value) > limit:
        raise MalformedRequestError(f"{name}: too long")
    # isprintable() is False for \n, \r, tabs, NUL, other controls and lone surrogates (log and header injection).
    if not value.isprintable() or (ascii_only and not value.isascii()):
        raise MalformedRequestError(f"{name}: non-printable character")
    return value


def storable(value: str, limit: int, *, multiline: bool = False) -> str:
    """``value`` without control characters and lone surrogates (line breaks kept if ``multiline``), cut to ``limit``.

    For informative fields: what cannot be stored is dropped instead of refusing the whole callback.
    """
    if value.isprintable():
        return value[:limit]
    kept = (ch for ch in value if _storable_char(ch) or (multiline and ch in _LINE_BREAKS))
    return "".join(kept)[:limit]


def _storable_char(ch: str) -> bool:
    return unicodedata.category(ch) not in ("Cc", "Cs")


def stripped(raw: str | None) -> str:
    """``raw`` without control characters or surrounding spaces (not yet cut: leading spaces must go first)."""
    return storable(raw or "", len(raw or "")).strip()


def inbound_sms_fields(args: Mapping[str, str], required: Sequence[str], limits: Mapping[str, int], text_limit: int,
                       read: Callable[[str, str], str] = lambda _name, raw: raw) -> tuple[dict[str, str], str, str]:
    """The identifiers (``limits``), the normalised sender (``from``) and the text of an incoming SMS callback.

    Stored whole or not at all: a missing ``required`` field, an identifier beyond its column or with a
    control character, or a text beyond ``text_limit`` is a 400 naming it. ``read(name, raw)`` is a
    provider's own reading of a raw value.
    """
    for name in required:
        if not (args.get(name) or "").strip():
            raise MalformedRequestError(f"missing field: {name}")
    fields = {name: printable(name, read(name, args.get(name) or "").strip(), limit) for name, limit in limits.items()}
    sender = normalise_sender(fields["from"])
    if len(sender) > limits["from"]:  # upper-casing may lengthen a sender id (ß -> SS)
        raise MalformedRequestError("from: too long")
    text = args.get("text") or ""
    if len(text) > text_limit:
        raise MalformedRequestError("text: too long")
    return fields, sender, text


def bounded_count(raw: str, maximum: int = INT32_MAX) -> int | None:
    """A non-negative decimal integer no larger than ``maximum``; anything else (sign, garbage, overflow) is None."""
    value = raw.strip()
    if not value or not value.isascii() or not value.isdigit() or len(value) > len(str(maximum)):
        return None
    number = int(value)
    return number if number <= maximum else None


def within_window(moment: datetime, now: datetime) -> datetime | None:
    """An aware ``moment`` as UTC if it lies between 2000-01-01 and a day after ``now``; otherwise None."""
    try:
        utc = moment.astimezone(UTC)  # 9999-12-31T23:59:59-14:00 overflows here
        latest = now + FUTURE_SLACK
    except (OverflowError, ValueError):
        return None
    return utc if EARLIEST_DATE <= utc <= latest else None


def check_form_encoding(body: bytes) -> None:
    """Refuse an url-encoded body whose names or values are not valid UTF-8 once percent-decoded.

    The form parser would otherwise silently drop such pairs or keep their escapes verbatim.
    """
    for pair in body.split(b"&"):
        name, _, value = pair.partition(b"=")
        label = _label(name)
        for part in (name, value):
            try:
                unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
            except UnicodeDecodeError:
                raise MalformedRequestError(f"{label}: bad encoding (not UTF-8)") from None


def _label(name: bytes) -> str:
    """A field name fit for an error message: decoded when possible, never raw bytes or controls."""
    try:
        text = unquote_to_bytes(name.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return "field name"
    return text if text.isprintable() and text.isascii() and 0 < len(text) <= 32 else "field"
