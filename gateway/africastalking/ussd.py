"""Africa's Talking USSD wire format: parse callback forms into a ``UssdHop``, format a ``Reply`` as CON/END."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from core.domain.errors import InvalidPhoneNumberError
from core.domain.msisdn import Msisdn
from gateway.africastalking.cursor import SEPARATOR, cursor_of, inputs_since
from gateway.base import MalformedRequestError
from gateway.bounds import INT32_MAX, bounded_count, printable, storable, within_window
from gateway.ussd_edge import Call, WireRequest
from menus.hop import Reply, UssdHop

PROVIDER: Final = "at"
USSD_PATH: Final = "/gateway/at/ussd"
HOP_FIELDS: Final = ("sessionId", "phoneNumber", "networkCode", "serviceCode", "text")
# The interactive hop: a field beyond its limit or with a control character is a 400.
# sessionId, serviceCode and networkCode end up in ussd_session_events' columns of the same width.
HOP_LIMITS: Final = {"sessionId": 100, "phoneNumber": 32, "serviceCode": 40, "networkCode": 10, "text": 500}
# The end-of-session notification, stored in ussd_session_events: a longer value is cut (Text columns at
# TEXT_LIMIT), control characters are dropped; only sessionId and status are required.
EVENT_LIMITS: Final = {"sessionId": 100, "status": 32, "phoneNumber": 32, "serviceCode": 40, "networkCode": 10,
                       "cost": 32, "hopsMetadata": 2000, "lastAppResponse": 2000, "errorMessage": 2000}
EVENT_COUNTS: Final = {"durationInMillis": INT32_MAX, "hopsCount": INT32_MAX}  # Integer columns
MAX_DATE_CHARS: Final = 40
MAX_HOP_LABEL: Final = 99  # AT limit for the at-ussd-hop-metadata header, which must not contain '|'
CONTENT_TYPE: Final = "text/plain; charset=utf-8"
HOP_LABEL_HEADER: Final = "at-ussd-hop-metadata"
_UNSAFE_LABEL_CHARS: Final = re.compile(r"[^A-Za-z0-9._:-]")
_PREFIXED: Final = re.compile(r"(CON|END)(\s|$)")


def parse_ussd_request(form: Mapping[str, str], *, cursor_key: bytes) -> UssdHop:
    """Validate an interactive callback form and return the provider-neutral hop.

    The hop's cursor is a keyed digest of the cumulative text (``cursor_key`` is a server secret),
    so the session store never holds what the subscriber typed, the PIN included.
    """
    missing = [name for name in HOP_FIELDS if name not in form]
    if missing:
        raise MalformedRequestError(f"missing field: {missing[0]}")
    session_id = _checked(form, "sessionId", ascii_only=True)
    if not session_id.strip():
        raise MalformedRequestError("sessionId: empty")
    service_code = _checked(form, "serviceCode")
    network_code = _checked(form, "networkCode")  # AT always sends it; an empty one is harmless
    text = _checked(form, "text")
    msisdn = _parse_msisdn(_checked(form, "phoneNumber"))

    def read_inputs(previous: str | None) -> tuple[str, ...]:
        return inputs_since(previous, text, cursor_key)

    return UssdHop(
        provider=PROVIDER, session_id=session_id, msisdn=msisdn, service_code=service_code,
        network_code=network_code, cursor=cursor_of(text, cursor_key), read_inputs=read_inputs,
    )


def format_ussd_reply(reply: Reply) -> tuple[str, dict[str, str]]:
    """Wire body (``CON ``/``END `` + text) and headers, including a sanitised hop label."""
    text = reply.text.rstrip()
    if _PREFIXED.match(text):
        raise ValueError(f"reply text of screen {reply.screen_id!r} already starts with CON/END")
    body = ("END " if reply.final else "CON ") + text
    headers = {"Content-Type": CONTENT_TYPE}
    label = hop_label(reply.screen_id)
    if label:
        headers[HOP_LABEL_HEADER] = label
    return body, headers


def place_call(call: Call, key: str | None) -> WireRequest:
    """The hop as Africa's Talking posts it: every input so far joined by ``*`` (``key``: AT_CALLBACK_KEY)."""
    return WireRequest("POST", USSD_PATH, {"key": key} if key else {}, form={
        "sessionId": call.session_id, "phoneNumber": call.msisdn.e164, "networkCode": "99999",
        "serviceCode": call.service_code, "text": SEPARATOR.join(call.inputs)})


def read_reply(headers: Mapping[str, str], body: str) -> tuple[str, bool]:
    """(screen, final) of an answer; ``ValueError`` when it is not ``CON``/``END``."""
    if not body.startswith(("CON ", "END ")):
        raise ValueError(f"not a CON/END answer: {body[:80]!r}")
    return body[4:], body.startswith("END ")


def hop_label(screen_id: str) -> str:
    """``screen_id`` made safe for AT's hop metadata: no '|', a small ASCII alphabet, at most 99 chars."""
    return _UNSAFE_LABEL_CHARS.sub("_", screen_id)[:MAX_HOP_LABEL]


@dataclass(frozen=True, slots=True)
class UssdSessionEvent:
    """AT's end-of-session notification; ``status`` is kept verbatim (Success, Incomplete, Failed, ...)."""

    session_id: str
    status: str
    date: datetime | None
    msisdn: Msisdn | None
    service_code: str
    network_code: str
    cost: str
    duration_ms: int | None
    hops_count: int | None
    hops_metadata: tuple[str, ...]
    inputs_count: int | None  # AT's ``input`` joins every input, the PIN first: only its length is kept
    last_app_response: str
    error_message: str | None


def parse_ussd_event(form: Mapping[str, str], received_at: datetime) -> UssdSessionEvent:
    """Parse an end-of-session notification; only ``sessionId`` and ``status`` are required.

    Anything else that is absent, garbled or too long is cut or becomes None/empty instead of a 400,
    because a rejected notification would only be retried by AT with the same content. A sessionId
    that cannot be stored as sent (too long, control characters) is refused: it is the record's key.
    """
    status = storable(form.get("status", ""), EVENT_LIMITS["status"]).strip()
    if not form.get("sessionId", "").strip():
        raise MalformedRequestError("missing field: sessionId")
    if not status:
        raise MalformedRequestError("missing field: status")
    session_id = printable("sessionId", form["sessionId"], EVENT_LIMITS["sessionId"], ascii_only=True)
    metadata = _informative(form, "hopsMetadata")
    return UssdSessionEvent(
        session_id=session_id,
        status=status,
        date=parse_at_date(form.get("date"), received_at),
        msisdn=_optional_msisdn(form.get("phoneNumber", "")),
        service_code=_informative(form, "serviceCode"),
        network_code=_informative(form, "networkCode"),
        cost=_informative(form, "cost"),
        duration_ms=bounded_count(form.get("durationInMillis", ""), EVENT_COUNTS["durationInMillis"]),
        hops_count=bounded_count(form.get("hopsCount", ""), EVENT_COUNTS["hopsCount"]),
        hops_metadata=tuple(metadata.split("|")) if metadata else (),
        inputs_count=_count_inputs(form.get("input")),
        last_app_response=_informative(form, "lastAppResponse", multiline=True),
        error_message=_informative(form, "errorMessage", multiline=True) or None,
    )


def _checked(form: Mapping[str, str], name: str, *, ascii_only: bool = False) -> str:
    return printable(name, form[name], HOP_LIMITS[name], ascii_only=ascii_only)


def _informative(form: Mapping[str, str], name: str, *, multiline: bool = False) -> str:
    return storable(form.get(name, ""), EVENT_LIMITS[name], multiline=multiline)


def _parse_msisdn(raw: str) -> Msisdn:
    try:
        return Msisdn.parse(_restore_plus(raw))
    except InvalidPhoneNumberError as exc:
        raise MalformedRequestError(f"phoneNumber: {exc.data['reason']}") from exc


def _restore_plus(raw: str) -> str:
    # A '+' sent unencoded (hand-made curl tests) is decoded to a space by form parsing.
    stripped = raw.lstrip(" ")
    return "+" + stripped if stripped != raw and stripped[:1].isdigit() else raw


def _optional_msisdn(raw: str) -> Msisdn | None:
    if len(raw) > EVENT_LIMITS["phoneNumber"] or not raw.isprintable():
        return None
    try:
        return Msisdn.parse(_restore_plus(raw))
    except InvalidPhoneNumberError:
        return None


def _count_inputs(raw: str | None) -> int | None:
    """How many inputs AT's ``input`` field joins; the values themselves are dropped here, at the edge."""
    if raw is None:
        return None
    count = raw.count(SEPARATOR) + 1 if raw else 0
    return count if count <= INT32_MAX else None


def parse_at_date(raw: str | None, received_at: datetime) -> datetime | None:
    """AT's dates, ``2017-05-03 06:04:45`` or ``2017-05-03T06:04:45Z`` (UTC), as aware UTC.

    Garbage, and dates before 2000 or more than a day after ``received_at``, are None.
    """
    if not raw or len(raw) > MAX_DATE_CHARS:
        return None
    try:
        parsed = datetime.fromisoformat(raw.strip())
    except ValueError:
        return None
    return within_window(parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed, received_at)
