"""Africa's Talking USSD wire format: parse callback forms into a ``UssdHop``, format a ``Reply`` as CON/END."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from core.domain.errors import InvalidPhoneNumberError
from core.domain.msisdn import Msisdn
from gateway.base import MalformedRequestError
from menus.hop import Reply, UssdHop

PROVIDER: Final = "at"
SEPARATOR: Final = "*"  # AT joins every input of a session with the same key the subscriber can type
HOP_FIELDS: Final = ("sessionId", "phoneNumber", "networkCode", "serviceCode", "text")
MAX_LENGTHS: Final = {"sessionId": 100, "serviceCode": 40, "networkCode": 10, "text": 500}
MAX_HOP_LABEL: Final = 99  # AT limit for the at-ussd-hop-metadata header, which must not contain '|'
CONTENT_TYPE: Final = "text/plain; charset=utf-8"
HOP_LABEL_HEADER: Final = "at-ussd-hop-metadata"
_UNSAFE_LABEL_CHARS: Final = re.compile(r"[^A-Za-z0-9._:-]")
_PREFIXED: Final = re.compile(r"(CON|END)(\s|$)")


def parse_ussd_request(form: Mapping[str, str]) -> UssdHop:
    """Validate an interactive callback form and return the provider-neutral hop."""
    missing = [name for name in HOP_FIELDS if name not in form]
    if missing:
        raise MalformedRequestError(f"missing field: {missing[0]}")
    session_id = _checked(form, "sessionId", ascii_only=True)
    if not session_id.strip():
        raise MalformedRequestError("sessionId: empty")
    service_code = _checked(form, "serviceCode")
    network_code = _checked(form, "networkCode")  # AT always sends it; an empty one is harmless
    text = _checked(form, "text")
    msisdn = _parse_msisdn(form["phoneNumber"])

    def read_inputs(previous: str | None) -> tuple[str, ...]:
        return inputs_since(previous, text)

    return UssdHop(
        provider=PROVIDER, session_id=session_id, msisdn=msisdn, service_code=service_code,
        network_code=network_code, cursor=text, read_inputs=read_inputs,
    )


def inputs_since(previous: str | None, text: str) -> tuple[str, ...]:
    """What the subscriber typed since the hop whose cumulative text was ``previous`` (None: new session)."""
    if previous is None:
        # A chained dial (*909*1*2#) starts the session with "1*2": several answers at once.
        return tuple(text.split(SEPARATOR)) if text else ()
    if text == previous:
        return ()  # duplicate hop
    if previous == "":
        return (text,)  # first answer, kept whole: the subscriber may have typed a '*'
    if text.startswith(previous + SEPARATOR):
        return (text[len(previous) + 1:],)  # may contain '*', may be "" (empty reply)
    # The text does not extend the previous one: a resent, non-cumulative (Airtel-style) or
    # truncated text. No delta exists, so take the last token, which is what such providers mean
    # by "the latest input"; a '*' typed inside it is lost, which only free text could suffer.
    return (text.rsplit(SEPARATOR, 1)[-1],)


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


def parse_ussd_event(form: Mapping[str, str]) -> UssdSessionEvent:
    """Parse an end-of-session notification; only ``sessionId`` and ``status`` are required.

    Anything else that is absent or garbled becomes None/empty instead of a 400, because
    a rejected notification would only be retried by AT with the same content.
    """
    for name in ("sessionId", "status"):
        if not form.get(name, "").strip():
            raise MalformedRequestError(f"missing field: {name}")
    session_id = _checked(form, "sessionId", ascii_only=True)
    metadata = form.get("hopsMetadata", "")
    return UssdSessionEvent(
        session_id=session_id,
        status=form["status"].strip(),
        date=parse_at_date(form.get("date", "")),
        msisdn=_optional_msisdn(form.get("phoneNumber", "")),
        service_code=form.get("serviceCode", ""),
        network_code=form.get("networkCode", ""),
        cost=form.get("cost", ""),
        duration_ms=_parse_count(form.get("durationInMillis", "")),
        hops_count=_parse_count(form.get("hopsCount", "")),
        hops_metadata=tuple(metadata.split("|")) if metadata else (),
        inputs_count=_count_inputs(form.get("input")),
        last_app_response=form.get("lastAppResponse", ""),
        error_message=form.get("errorMessage") or None,
    )


def _checked(form: Mapping[str, str], name: str, *, ascii_only: bool = False) -> str:
    value = form[name]
    if len(value) > MAX_LENGTHS[name]:
        raise MalformedRequestError(f"{name}: too long")
    # isprintable() rejects \n, \r, tabs and other control characters (log and header injection).
    if not value.isprintable() or (ascii_only and not value.isascii()):
        raise MalformedRequestError(f"{name}: non-printable character")
    return value


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
    try:
        return Msisdn.parse(_restore_plus(raw))
    except InvalidPhoneNumberError:
        return None


def _count_inputs(raw: str | None) -> int | None:
    """How many inputs AT's ``input`` field joins; the values themselves are dropped here, at the edge."""
    if raw is None:
        return None
    return raw.count(SEPARATOR) + 1 if raw else 0


def _parse_count(raw: str) -> int | None:
    value = raw.strip()
    return int(value) if value.isascii() and value.isdigit() else None


def parse_at_date(raw: str | None) -> datetime | None:
    """AT's dates, ``2017-05-03 06:04:45`` or ``2017-05-03T06:04:45Z`` (UTC), as aware UTC; garbage is None."""
    if not raw:
        return None
    try:
        parsed = datetime.fromisoformat(raw.strip())
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
