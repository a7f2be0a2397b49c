"""Property tests of every Africa's Talking parser and the SMS keyword parser: junk in, a clean refusal or storable values out."""
from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.adapters.sqlalchemy import tables as t
from gateway.africastalking.cursor import SEPARATOR, cursor_of, inputs_since
from gateway.africastalking.sms import parse_delivery_report, parse_inbound_sms
from gateway.africastalking.ussd import format_ussd_reply, parse_ussd_event, parse_ussd_request
from gateway.base import MalformedRequestError
from gateway.sms_keywords import Keyword, parse_keyword
from menus.hop import Reply

KEY = b"property-test-key"
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
INT32_MAX = 2**31 - 1
PROPERTY_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Any code point, surrogates included (the form parser never yields them, but nothing upstream guarantees it).
any_char = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=())
hostile_char = st.sampled_from(["\x00", "\n", "\r", "\t", "\x1b", "\x7f", "\u2028", "\ud800", "\udfff", "é",
                                "\U0001F600", "*", "|", "+", "#", " ", "%", "ß", "\ufdfa"])
short_junk = st.text(st.one_of(any_char, hostile_char), max_size=40)
huge = st.builds(lambda piece, times: piece * times, st.text(st.one_of(any_char, hostile_char), min_size=1,
                                                             max_size=3), st.integers(1, 3000))
digits = st.one_of(st.integers(-(10**30), 10**30).map(str), st.text("0123456789", max_size=25))
dates = st.one_of(st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
                  st.sampled_from(["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "2026-11-23 10:00:00",
                                   "2017-05-03T06:04:45Z", "yesterday", ""]))
junk = st.one_of(short_junk, huge, digits, dates)
phones = st.one_of(st.sampled_from(["+22890112233", " 22890112233", "90112233", "+256772100104", ""]), junk)


@st.composite
def _form(draw: st.DrawFn, valid: dict[str, str], extra: dict[str, st.SearchStrategy[str]]) -> dict[str, str]:
    form = dict(valid)
    for name in draw(st.sets(st.sampled_from(sorted(valid)), max_size=3)):
        value = draw(st.one_of(extra.get(name, junk), junk, st.none()))
        if value is None:
            del form[name]
        else:
            form[name] = value
    return form | draw(st.dictionaries(short_junk, junk, max_size=2))


def forms(valid: dict[str, str], extra: dict[str, st.SearchStrategy[str]] | None = None
          ) -> st.SearchStrategy[dict[str, str]]:
    """A valid form with up to three fields replaced by junk or dropped, and maybe extra junk fields."""
    return _form(valid, extra or {})


def width(column: sa.Column[object]) -> int:
    length = getattr(column.type, "length", None)
    assert isinstance(length, int)
    return length


def storable(value: str | None, *, multiline: bool = False) -> bool:
    """No NUL, control character or lone surrogate (line breaks allowed where the column takes text)."""
    return value is None or all(unicodedata.category(ch) not in ("Cc", "Cs") or (multiline and ch in "\n\r\t")
                                for ch in value)


def fits(value: str | None, column: sa.Column[object]) -> bool:
    return value is None or (len(value) <= width(column) and storable(value))


def in_int32(value: int | None) -> bool:
    return value is None or 0 <= value <= INT32_MAX


def in_window(moment: datetime | None) -> bool:
    return moment is None or datetime(2000, 1, 1, tzinfo=UTC) <= moment <= NOW + timedelta(days=1)


HOP = {"sessionId": "ATUid_abc", "phoneNumber": "+22890112233", "networkCode": "61501", "serviceCode": "*909#",
       "text": "1234*1"}


@PROPERTY_SETTINGS
@given(form=forms(HOP, {"phoneNumber": phones}), previous=st.one_of(st.none(), short_junk, junk.map(
    lambda text: cursor_of(text, KEY))))
def test_a_ussd_hop_is_refused_cleanly_or_fits_its_columns(form: dict[str, str], previous: str | None) -> None:
    try:
        hop = parse_ussd_request(form, cursor_key=KEY)
    except MalformedRequestError as refused:
        assert refused.reason.isprintable() and len(refused.reason) < 100
        return
    events = t.ussd_session_events.c
    assert fits(hop.session_id, events.session_id) and hop.session_id.isascii()
    assert fits(hop.service_code, events.service_code) and fits(hop.network_code, events.network_code)
    assert fits(hop.msisdn.e164, events.msisdn)
    assert re.fullmatch(r"\d{1,3}:[0-9a-f]{16}", hop.cursor), "the cursor is opaque and small"
    assert hop.read_inputs(hop.cursor) == ()
    inputs = hop.read_inputs(previous)
    assert sum(map(len, inputs)) <= 500 and all(storable(value) for value in inputs)


def previous_inputs_since(previous: str | None, text: str) -> tuple[str, ...]:
    """The release before opaque cursors, which kept the raw text: the oracle of the semantics."""
    if previous is None:
        return tuple(text.split(SEPARATOR)) if text else ()
    if text == previous:
        return ()
    if previous == "":
        return (text,)
    if text.startswith(previous + SEPARATOR):
        return (text[len(previous) + 1:],)
    return (text.rsplit(SEPARATOR, 1)[-1],)


keypad = st.text("0123456789*#", max_size=12)
texts = st.one_of(keypad, short_junk)


@PROPERTY_SETTINGS
@given(previous=st.one_of(st.none(), texts), text=texts, extension=st.one_of(st.none(), keypad))
def test_opaque_cursors_give_exactly_the_inputs_raw_texts_gave(previous: str | None, text: str,
                                                               extension: str | None) -> None:
    if previous is not None and extension is not None:
        text = previous + SEPARATOR + extension  # the usual case: the next cumulative text
    cursor = None if previous is None else cursor_of(previous, KEY)
    assert inputs_since(cursor, text, KEY) == previous_inputs_since(previous, text)


@PROPERTY_SETTINGS
@given(cursor=junk, text=junk)
def test_any_stored_cursor_reads_without_error(cursor: str, text: str) -> None:
    inputs = inputs_since(cursor, text, KEY)
    assert len(inputs) == 1 and text.endswith(inputs[0])


EVENT = {"sessionId": "ATUid_abc", "status": "Success", "phoneNumber": "+22890112233", "serviceCode": "*909#",
         "networkCode": "61501", "date": "2026-11-23 09:59:00", "cost": "XOF 10", "durationInMillis": "12000",
         "hopsCount": "3", "hopsMetadata": "auth.pin|employer.home", "input": "1234*1", "lastAppResponse": "END x",
         "errorMessage": "timeout"}


@PROPERTY_SETTINGS
@given(form=forms(EVENT, {"phoneNumber": phones, "date": dates}))
def test_an_end_of_session_event_is_refused_cleanly_or_fits_its_columns(form: dict[str, str]) -> None:
    try:
        event = parse_ussd_event(form, NOW)
    except MalformedRequestError as refused:
        assert refused.reason.split(":")[0] in ("missing field", "sessionId")
        return
    c = t.ussd_session_events.c
    assert fits(event.session_id, c.session_id) and event.session_id.strip()
    assert fits(event.status, c.status) and event.status.strip()
    assert fits(event.service_code, c.service_code) and fits(event.network_code, c.network_code)
    assert fits(event.cost, c.cost) and fits(event.msisdn.e164 if event.msisdn else None, c.msisdn)
    assert all(map(in_int32, (event.duration_ms, event.hops_count, event.inputs_count)))
    assert in_window(event.date)
    assert storable("|".join(event.hops_metadata)) and storable(event.last_app_response, multiline=True)
    assert storable(event.error_message, multiline=True)
    assert max(len("|".join(event.hops_metadata)), len(event.last_app_response), len(event.error_message or "")) <= 2000


INBOUND = {"from": "+22890112233", "to": "8323", "text": "SOLDE", "id": "ATXid_1", "date": "2026-11-23 09:59:00",
           "linkId": "link-1", "networkCode": "61501"}


@PROPERTY_SETTINGS
@given(form=forms(INBOUND, {"from": phones, "text": st.one_of(short_junk, huge), "date": dates}))
def test_an_incoming_sms_is_refused_cleanly_or_stored_whole(form: dict[str, str]) -> None:
    try:
        message = parse_inbound_sms(form, NOW)
    except MalformedRequestError as refused:
        assert refused.reason.split(":")[0] in ("missing field", "from", "to", "id", "linkId", "text")
        return
    c = t.inbound_messages.c
    assert fits(message.provider_message_id, c.provider_message_id) and message.provider_message_id
    assert fits(message.sender, c.sender) and fits(message.recipient, c.recipient)
    assert fits(message.link_id, c.link_id) and fits(message.network_code, c.network_code)
    assert in_window(message.sent_at) and message.received_at == NOW
    kept = "".join(ch for ch in form.get("text") or "" if storable(ch, multiline=True))
    assert message.text == kept, "the text loses control characters only, never a cut tail"


DELIVERY = {"id": "ATXid_1", "status": "Success", "phoneNumber": "+22890112233", "networkCode": "61501",
            "failureReason": "", "retryCount": "0"}


@PROPERTY_SETTINGS
@given(form=forms(DELIVERY, {"retryCount": digits}))
def test_a_delivery_report_is_refused_only_without_id_or_status(form: dict[str, str]) -> None:
    try:
        report = parse_delivery_report(form, NOW)
    except MalformedRequestError as refused:
        assert refused.reason in ("missing field: id", "missing field: status")
        return
    c = t.delivery_reports.c
    assert fits(report.provider_message_id, c.provider_message_id) and report.provider_message_id
    assert fits(report.status, c.status) and report.status
    assert fits(report.phone, c.phone) and fits(report.network_code, c.network_code)
    assert fits(report.failure_reason, c.failure_reason) and in_int32(report.retry_count)


@PROPERTY_SETTINGS
@given(text=st.one_of(junk, st.builds(lambda word, rest: f"{word} {rest}", st.sampled_from(
    ["SOLDE", "REF", "PENSION", "cnss ref", "Démarrer", "STOP"]), junk)))
def test_any_sms_text_reads_as_a_keyword_or_unknown(text: str) -> None:
    query = parse_keyword(text)
    assert isinstance(query.keyword, Keyword) and query.language in ("fr", "en")
    assert re.fullmatch(r"[A-Z0-9 ]*", query.argument), "arguments are plain ASCII words"
    if query.keyword is Keyword.UNKNOWN:
        assert query.argument == ""


_PREFIXED = re.compile(r"(CON|END)(\s|$)")


@PROPERTY_SETTINGS
@given(text=st.one_of(junk, st.builds(str.__add__, st.sampled_from(["CON", "END", "CONTINUE ", "END\n"]), junk)),
       final=st.booleans(), screen_id=junk)
def test_every_reply_is_a_con_or_end_body_with_a_safe_hop_label(text: str, final: bool, screen_id: str) -> None:
    reply = Reply(text, final, screen_id)
    if _PREFIXED.match(text.rstrip()):
        with pytest.raises(ValueError, match="CON/END"):  # a screen text is never prefixed by hand
            format_ussd_reply(reply)
        return
    body, headers = format_ussd_reply(reply)
    assert body.startswith("END " if final else "CON ") and body[4:] == text.rstrip()
    assert re.fullmatch(r"[A-Za-z0-9._:-]{0,99}", headers.get("at-ussd-hop-metadata", ""))
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
