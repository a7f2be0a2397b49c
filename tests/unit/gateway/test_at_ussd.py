"""Africa's Talking USSD adapter: captured form bodies in, UssdHop/event out; Reply in, CON/END body out."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.africastalking.cursor import cursor_of, inputs_since
from gateway.africastalking.ussd import format_ussd_reply, parse_ussd_event, parse_ussd_request
from gateway.base import MalformedRequestError
from menus.hop import Reply

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "providers" / "africastalking"
SANDBOX_SESSION = "ATUid_6c772a68e52bfc41e8e8d5289db4d90c"
TOGOCEL_SESSION = "ATUid_1f0c9a8e7d6b5a4c3b2a1f0e9d8c7b6a"
KEY = b"unit-test-cursor-key"
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def cursor(previous: str | None) -> str | None:
    """The cursor a hop with cumulative text ``previous`` left in the session."""
    return None if previous is None else cursor_of(previous, KEY)


def fixture_form(name: str) -> dict[str, str]:
    """A captured body decoded as Flask would (a raw '+' becomes a space), one value per field."""
    body = (FIXTURES / name).read_text(encoding="utf-8").strip()
    return {key: values[0] for key, values in parse_qs(body, keep_blank_values=True).items()}


def valid_form(**overrides: str) -> dict[str, str]:
    form = {"sessionId": "ATUid_abc", "phoneNumber": "+22890112233", "networkCode": "61501",
            "serviceCode": "*909#", "text": ""}
    return form | overrides


def without(name: str) -> dict[str, str]:
    return {key: value for key, value in valid_form().items() if key != name}


@dataclass(frozen=True)
class HopCase:
    label: str
    form: dict[str, str]
    session_id: str
    msisdn: str
    service_code: str
    network_code: str
    text: str
    new_session_inputs: tuple[str, ...] = field(default=())


HOP_CASES = [
    HopCase("captured sandbox start", fixture_form("ussd_sandbox_start.txt"), SANDBOX_SESSION,
            "+256772100104", "*384*35711#", "99999", ""),
    HopCase("togocel start", fixture_form("ussd_togocel_start.txt"), TOGOCEL_SESSION,
            "+22890112233", "*909#", "61501", ""),
    HopCase("moov start", fixture_form("ussd_moov_start.txt"), "ATUid_2a3b4c5d6e7f8091a2b3c4d5e6f70819",
            "+22899123456", "*909#", "61503", ""),
    HopCase("later hop with cumulative text", fixture_form("ussd_togocel_later_hop.txt"), TOGOCEL_SESSION,
            "+22890112233", "*909#", "61501", "1*2*1234", ("1", "2", "1234")),
    HopCase("chained dial carries two answers", fixture_form("ussd_moov_chained_dial.txt"),
            "ATUid_3c4d5e6f708192a3b4c5d6e7f8091a2b", "+22899123456", "*909#", "61503", "1*2", ("1", "2")),
    HopCase("raw plus decoded to a space", fixture_form("ussd_raw_plus_phone.txt"),
            "ATUid_4d5e6f708192a3b4c5d6e7f8091a2b3c", "+22890112233", "*384*35711#", "99999", ""),
    HopCase("national number without +228", valid_form(phoneNumber="90112233"), "ATUid_abc",
            "+22890112233", "*909#", "61501", ""),
    HopCase("empty network code accepted", valid_form(networkCode=""), "ATUid_abc",
            "+22890112233", "*909#", "", ""),
    HopCase("limits reached exactly", valid_form(sessionId="S" * 100, serviceCode="*" * 39 + "#",
                                                 networkCode="1" * 10, text="1" * 500),
            "S" * 100, "+22890112233", "*" * 39 + "#", "1" * 10, "1" * 500, ("1" * 500,)),
]


@pytest.mark.parametrize("case", HOP_CASES, ids=lambda case: case.label)
def test_callback_form_becomes_a_provider_neutral_hop(case: HopCase) -> None:
    hop = parse_ussd_request(case.form, cursor_key=KEY)
    assert (hop.provider, hop.session_id, hop.msisdn.e164, hop.service_code, hop.network_code, hop.cursor) == (
        "at", case.session_id, case.msisdn, case.service_code, case.network_code, cursor_of(case.text, KEY))
    assert hop.read_inputs(None) == case.new_session_inputs


def test_hop_reads_inputs_against_the_previous_cursor() -> None:
    hop = parse_ussd_request(fixture_form("ussd_togocel_later_hop.txt"), cursor_key=KEY)
    assert hop.read_inputs(cursor("1*2")) == ("1234",)
    assert hop.read_inputs(cursor("1*2*1234")) == ()


def test_the_cursor_keeps_no_typed_input() -> None:
    hop = parse_ussd_request(valid_form(text="1234*1*2"), cursor_key=KEY)
    length, _, digest = hop.cursor.partition(":")
    assert length == "8" and len(digest) == 16 and "1234" not in digest
    other_key = parse_ussd_request(valid_form(text="1234*1*2"), cursor_key=b"another key").cursor
    assert other_key != hop.cursor, "the digest depends on the server key, so it cannot be precomputed"
    assert parse_ussd_request(valid_form(text="1234*1*3"), cursor_key=KEY).cursor != hop.cursor


@pytest.mark.parametrize("previous", ["1234*1", "6:0000000000000000", "99:abc", "x", ""],
                         ids=["raw text of an older release", "wrong digest", "longer than the text", "garbage",
                              "empty"])
def test_a_cursor_that_does_not_match_falls_back_to_the_last_token(previous: str) -> None:
    assert inputs_since(previous, "1234*1*2", KEY) == ("2",)


def test_a_cursor_made_with_another_key_does_not_match() -> None:
    assert inputs_since(cursor_of("12", b"old key"), "12*5*6", KEY) == ("6",)
    assert inputs_since(cursor_of("12", KEY), "12*5*6", KEY) == ("5*6",)


REJECTIONS = [
    ("missing sessionId", without("sessionId"), "missing field: sessionId"),
    ("missing phoneNumber", without("phoneNumber"), "missing field: phoneNumber"),
    ("missing networkCode", without("networkCode"), "missing field: networkCode"),
    ("missing serviceCode", without("serviceCode"), "missing field: serviceCode"),
    ("missing text", without("text"), "missing field: text"),
    ("empty form names the first field", {}, "missing field: sessionId"),
    ("empty sessionId", valid_form(sessionId=""), "sessionId: empty"),
    ("blank sessionId", valid_form(sessionId="   "), "sessionId: empty"),
    ("sessionId too long", valid_form(sessionId="S" * 101), "sessionId: too long"),
    ("sessionId not ascii", valid_form(sessionId="ATUid_é"), "sessionId: non-printable character"),
    ("sessionId with newline", valid_form(sessionId="ATUid\n1"), "sessionId: non-printable character"),
    ("empty phone", valid_form(phoneNumber=""), "phoneNumber: empty"),
    ("garbage phone", valid_form(phoneNumber="abc"), "phoneNumber: unparseable"),
    ("invalid togo phone", valid_form(phoneNumber="+2281234"), "phoneNumber: invalid_number"),
    ("serviceCode too long", valid_form(serviceCode="*" * 40 + "#"), "serviceCode: too long"),
    ("networkCode too long", valid_form(networkCode="1" * 11), "networkCode: too long"),
    ("text too long", valid_form(text="1" * 501), "text: too long"),
    ("text with newline", valid_form(text="1\n2"), "text: non-printable character"),
    ("text with carriage return", valid_form(text="1\r"), "text: non-printable character"),
    ("text with NUL", valid_form(text="1\x002"), "text: non-printable character"),
    ("text with escape", valid_form(text="\x1b[2J"), "text: non-printable character"),
]


@pytest.mark.parametrize(("form", "reason"), [case[1:] for case in REJECTIONS], ids=[case[0] for case in REJECTIONS])
def test_malformed_callback_names_the_field_at_fault(form: dict[str, str], reason: str) -> None:
    with pytest.raises(MalformedRequestError) as caught:
        parse_ussd_request(form, cursor_key=KEY)
    assert caught.value.reason == reason


DELTAS = [
    ("new session, plain dial", None, "", ()),
    ("new session, chained dial", None, "1*2", ("1", "2")),
    ("new session, chained dial with empty part", None, "1**3", ("1", "", "3")),
    ("duplicate first hop", "", "", ()),
    ("duplicate later hop", "1*2", "1*2", ()),
    ("first answer", "", "1", ("1",)),
    ("first answer containing a star", "", "12*5", ("12*5",)),
    ("next answer", "1", "1*2", ("2",)),
    ("next answer containing a star", "1*2", "1*2*3*4", ("3*4",)),
    ("empty reply", "1*2", "1*2*", ("",)),
    ("answer after an empty reply", "1*", "1**5", ("5",)),
    ("non-cumulative resend falls back to last token", "1*2", "3", ("3",)),
    ("truncated text falls back to last token", "1*2*3", "1*2", ("2",)),
    ("prefix without separator is not a delta", "1", "12", ("12",)),
]


@pytest.mark.parametrize(("previous", "text", "inputs"), [case[1:] for case in DELTAS],
                         ids=[case[0] for case in DELTAS])
def test_inputs_since_derives_the_delta(previous: str | None, text: str, inputs: tuple[str, ...]) -> None:
    assert inputs_since(cursor(previous), text, KEY) == inputs


# A first answer of "" leaves text == "", indistinguishable from a duplicate of the opening hop,
# so the property starts with a non-empty answer; later answers may be empty or contain '*'.
keypad_input = st.text(alphabet="0123456789*", max_size=6)


@given(first=keypad_input.filter(bool), rest=st.lists(keypad_input, max_size=8))
def test_each_hop_of_a_cumulative_session_yields_exactly_its_input(first: str, rest: list[str]) -> None:
    answers = [first, *rest]
    previous = ""  # cursor of the opening hop
    for count, answer in enumerate(answers, start=1):
        cumulative = "*".join(answers[:count])
        assert inputs_since(cursor(previous), cumulative, KEY) == (answer,)
        previous = cumulative


REPLIES = [
    ("continue", Reply("Bienvenue\n1. Solde", final=False, screen_id="home"), "CON Bienvenue\n1. Solde", "home"),
    ("end", Reply("Merci", final=True, screen_id="pay.done"), "END Merci", "pay.done"),
    ("trailing whitespace stripped", Reply("Merci \n\n", final=True, screen_id="x"), "END Merci", "x"),
    ("empty text", Reply("", final=False, screen_id="x"), "CON ", "x"),
    ("word starting with END is fine", Reply("ENDETTEMENT", final=False, screen_id="x"), "CON ENDETTEMENT", "x"),
    ("pipe replaced", Reply("x", final=False, screen_id="a|b"), "CON x", "a_b"),
    ("allowed label chars kept", Reply("x", final=False, screen_id="Pay.step-2:ok_1"), "CON x", "Pay.step-2:ok_1"),
    ("unsafe label chars replaced", Reply("x", final=False, screen_id="é p\n/q"), "CON x", "__p__q"),
    ("150-char label truncated to 99", Reply("x", final=False, screen_id="s" * 150), "CON x", "s" * 99),
]


@pytest.mark.parametrize(("reply", "body", "label"), [case[1:] for case in REPLIES], ids=[case[0] for case in REPLIES])
def test_reply_is_formatted_as_con_or_end(reply: Reply, body: str, label: str) -> None:
    assert format_ussd_reply(reply) == (body, {"Content-Type": "text/plain; charset=utf-8",
                                               "at-ussd-hop-metadata": label})


def test_empty_screen_id_sends_no_hop_label() -> None:
    assert format_ussd_reply(Reply("x", final=True, screen_id="")) == (
        "END x", {"Content-Type": "text/plain; charset=utf-8"})


@pytest.mark.parametrize("text", ["CON Menu", "END Merci", "END", "CON\nMenu"])
def test_reply_text_already_prefixed_is_a_programming_error(text: str) -> None:
    with pytest.raises(ValueError, match="CON/END"):
        format_ussd_reply(Reply(text, final=False, screen_id="x"))


def test_success_event_is_parsed_from_the_captured_body() -> None:
    event = parse_ussd_event(fixture_form("ussd_event_success.txt"), NOW)
    assert event.session_id == TOGOCEL_SESSION and event.status == "Success"
    assert event.date == datetime(2026, 9, 29, 12, 0, tzinfo=UTC)
    assert event.msisdn is not None and event.msisdn.e164 == "+22890112233"
    assert (event.service_code, event.network_code, event.cost) == ("*909#", "61501", "XOF 10.0000")
    assert (event.duration_ms, event.hops_count, event.hops_metadata) == (12345, 3, ("a", "b"))
    assert (event.inputs_count, event.last_app_response, event.error_message) == (2, "END Merci", None)


def test_failed_event_keeps_the_error_message() -> None:
    event = parse_ussd_event(fixture_form("ussd_event_failed.txt"), NOW)
    assert event.status == "Failed" and event.hops_metadata == ("home",) and event.last_app_response == ""
    assert event.error_message == "Timeout while waiting for response from application"
    assert (event.duration_ms, event.hops_count) == (10512, 2)


def event_form(**overrides: str) -> dict[str, str]:
    return {"sessionId": "ATUid_abc", "status": "Success"} | overrides


EVENT_FIELDS = [
    ("unknown status kept verbatim", event_form(status="Aborted"), "status", "Aborted"),
    ("iso date with Z", event_form(date="2017-05-03T06:04:45Z"), "date", datetime(2017, 5, 3, 6, 4, 45, tzinfo=UTC)),
    ("offset date converted to UTC", event_form(date="2017-05-03T07:04:45+01:00"), "date",
     datetime(2017, 5, 3, 6, 4, 45, tzinfo=UTC)),
    ("absent date", event_form(), "date", None),
    ("garbage date", event_form(date="yesterday"), "date", None),
    ("bad phone kept None", event_form(phoneNumber="+2281234"), "msisdn", None),
    ("absent phone", event_form(), "msisdn", None),
    ("garbage duration", event_form(durationInMillis="12.5s"), "duration_ms", None),
    ("negative duration", event_form(durationInMillis="-3"), "duration_ms", None),
    ("absent hops count", event_form(), "hops_count", None),
    ("garbage hops count", event_form(hopsCount="three"), "hops_count", None),
    ("empty hops metadata", event_form(hopsMetadata=""), "hops_metadata", ()),
    ("empty error message", event_form(errorMessage=""), "error_message", None),
    ("absent strings are empty", event_form(), "cost", ""),
    ("far-future date with offset", event_form(date="9999-12-31T23:59:59-14:00"), "date", None),
    ("date more than a day ahead", event_form(date="2026-11-24T10:00:01Z"), "date", None),
    ("date a little ahead kept", event_form(date="2026-11-24T09:00:00Z"), "date",
     datetime(2026, 11, 24, 9, 0, tzinfo=UTC)),
    ("date before 2000", event_form(date="1999-12-31T23:59:59Z"), "date", None),
    ("year 1 with an offset", event_form(date="0001-01-01T00:00:00+14:00"), "date", None),
    ("overlong date", event_form(date="2017-05-03T06:04:45Z" + " " * 100), "date", None),
    ("duration beyond int32", event_form(durationInMillis="2147483648"), "duration_ms", None),
    ("duration at int32 max", event_form(durationInMillis="2147483647"), "duration_ms", 2147483647),
    ("huge hops count", event_form(hopsCount="9" * 400), "hops_count", None),
    ("non-ascii digits", event_form(hopsCount="٣"), "hops_count", None),
    ("status cut to its column", event_form(status="S" * 40), "status", "S" * 32),
    ("NUL dropped from status", event_form(status="Succ\x00ess"), "status", "Success"),
    ("cost cut to its column", event_form(cost="XOF " + "9" * 50), "cost", ("XOF " + "9" * 50)[:32]),
    ("service code cut", event_form(serviceCode="*" * 60), "service_code", "*" * 40),
    ("network code cut, controls dropped", event_form(networkCode="615\x0001" + "1" * 20), "network_code",
     "61501" + "1" * 5),
    ("line breaks kept in the last response", event_form(lastAppResponse="CON a\n1. b\x00"), "last_app_response",
     "CON a\n1. b"),
    ("surrogates dropped from the error", event_form(errorMessage="bad\ud800"), "error_message", "bad"),
    ("error made of controls only is None", event_form(errorMessage="\x00\x01"), "error_message", None),
    ("overlong phone is None", event_form(phoneNumber="+228" + "9" * 40), "msisdn", None),
    ("metadata cut and split", event_form(hopsMetadata="a|" * 1500), "hops_metadata", ("a",) * 1000 + ("",)),
]


@pytest.mark.parametrize(("form", "attribute", "expected"), [case[1:] for case in EVENT_FIELDS],
                         ids=[case[0] for case in EVENT_FIELDS])
def test_event_fields_degrade_instead_of_rejecting(form: dict[str, str], attribute: str, expected: object) -> None:
    assert getattr(parse_ussd_event(form, NOW), attribute) == expected


def test_event_raw_plus_phone_is_restored() -> None:
    event = parse_ussd_event(event_form(phoneNumber=" 256772100104"), NOW)
    assert event.msisdn is not None and event.msisdn.e164 == "+256772100104"


@pytest.mark.parametrize(("form", "reason"), [
    ({"status": "Success"}, "missing field: sessionId"),
    (event_form(sessionId=""), "missing field: sessionId"),
    ({"sessionId": "ATUid_abc"}, "missing field: status"),
    (event_form(status=" "), "missing field: status"),
    (event_form(sessionId="S" * 101), "sessionId: too long"),
    (event_form(sessionId="ATUid\x00"), "sessionId: non-printable character"),
    (event_form(status="\x00\x1b"), "missing field: status"),
], ids=["no sessionId", "empty sessionId", "no status", "blank status", "sessionId too long", "NUL in sessionId",
        "status made of controls"])
def test_event_without_session_or_status_is_malformed(form: dict[str, str], reason: str) -> None:
    with pytest.raises(MalformedRequestError) as caught:
        parse_ussd_event(form, NOW)
    assert caught.value.reason == reason
