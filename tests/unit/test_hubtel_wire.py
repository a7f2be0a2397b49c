"""The Hubtel-style wire format as a table: request objects in, hops, session ends or 400 reasons out."""
from __future__ import annotations

import json
from typing import Any

import pytest

from gateway.base import MalformedRequestError
from gateway.hubtel.ussd import format_hubtel_reply, format_session_end, parse_hubtel_request
from gateway.ussd_edge import SessionEnd
from menus.hop import Reply, UssdHop

BASE: dict[str, Any] = {"Mobile": "22890112233", "SessionId": "a1b2", "ServiceCode": "*909#", "Type": "Response",
                        "Message": "1", "Operator": "moov", "Sequence": 2, "ClientState": ""}


@pytest.mark.parametrize(("changes", "phone", "cursor", "new_inputs", "next_inputs"), [
    ({"Type": "Initiation", "Message": "*909#", "Sequence": 1}, "+22890112233", "s1", (), ("*909#",)),
    ({"Type": "Initiation", "Message": "*909*1*2#", "Sequence": 1}, "+22890112233", "s1", ("1", "2"), ("*909*1*2#",)),
    ({"Message": "1234"}, "+22890112233", "s2", (), ("1234",)),  # a Response of a session unknown here: afresh
    ({"Message": "a*b", "Sequence": "7"}, "+22890112233", "s7", (), ("a*b",)),  # a typed * kept, Sequence as text
    ({"Message": "", "Mobile": "+22899112233"}, "+22899112233", "s2", (), ("",)),
    ({"Mobile": "90112233"}, "+22890112233", "s2", (), ("1",)),  # national form
    ({"ClientState": None, "Operator": None}, "+22890112233", "s2", (), ("1",)),
])
def test_hops(changes: dict[str, Any], phone: str, cursor: str, new_inputs: tuple[str, ...],
              next_inputs: tuple[str, ...]) -> None:
    hop = parse_hubtel_request({**BASE, **changes})
    assert isinstance(hop, UssdHop) and hop.provider == "hubtel" and hop.session_id == "a1b2"
    assert hop.msisdn.e164 == phone and hop.cursor == cursor
    assert hop.read_inputs(None) == new_inputs and hop.read_inputs("s1") == next_inputs


@pytest.mark.parametrize("kind", ["Release", "Timeout"])
def test_session_ends(kind: str) -> None:
    end = parse_hubtel_request({**BASE, "Type": kind, "Operator": "a-very-long-operator-name"})
    assert end == SessionEnd("hubtel", "a1b2", kind, end.msisdn, "*909#", "a-very-lon")  # type: ignore[union-attr]


@pytest.mark.parametrize(("changes", "reason"), [
    ({"Type": "Begin"}, "Type: not one of Initiation, Response, Release, Timeout"),
    ({"Type": None}, "Type: not a string"),
    ({"SessionId": ""}, "SessionId: empty"),
    ({"SessionId": "é"}, "SessionId: non-printable character"),
    ({"SessionId": "x" * 101}, "SessionId: too long"),
    ({"Mobile": "12"}, "Mobile: invalid_number"),
    ({"Mobile": 22890112233}, "Mobile: not a string"),
    ({"Message": "1\n2"}, "Message: non-printable character"),
    ({"Message": "\u202e1"}, "Message: non-printable character"),
    ({"Message": "9" * 501}, "Message: too long"),
    ({"Sequence": None}, "missing field: Sequence"),
    ({"Sequence": -1}, "Sequence: not a number"),
    ({"Sequence": True}, "Sequence: not a number"),
    ({"Sequence": 2**31}, "Sequence: not a number"),
    ({"Sequence": "2x"}, "Sequence: not a number"),
    ({"ServiceCode": ["*909#"]}, "ServiceCode: not a string"),
])
def test_refusals_name_the_field(changes: dict[str, Any], reason: str) -> None:
    with pytest.raises(MalformedRequestError) as refused:
        parse_hubtel_request({**BASE, **changes})
    assert refused.value.reason == reason


@pytest.mark.parametrize("missing", ["Mobile", "SessionId", "Type"])
def test_a_missing_required_field(missing: str) -> None:
    with pytest.raises(MalformedRequestError, match=f"missing field: {missing}"):
        parse_hubtel_request({k: v for k, v in BASE.items() if k != missing})


def test_replies() -> None:
    body, headers = format_hubtel_reply(Reply("Menu\n1 Payer\n", False, "employer.home"))
    assert json.loads(body) == {"Type": "Response", "Message": "Menu\n1 Payer", "ClientState": ""}
    assert headers == {"Content-Type": "application/json; charset=utf-8"}
    assert json.loads(format_hubtel_reply(Reply("Merci", True, "x"))[0])["Type"] == "Release"
    assert json.loads(format_session_end()[0]) == {"Type": "Release", "Message": "", "ClientState": ""}
    assert "référence" in json.loads(format_hubtel_reply(Reply("Votre référence", False, "x"))[0])["Message"]
