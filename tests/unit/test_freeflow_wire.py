"""The Freeflow wire format as a table: query parameters in, hops, session ends or 400 reasons out."""
from __future__ import annotations

import pytest

from gateway.base import MalformedRequestError
from gateway.freeflow.ussd import (
    DEFAULT_NAMES, format_freeflow_reply, format_session_end, parameter_names, parse_freeflow_request)
from gateway.ussd_edge import SessionEnd
from menus.hop import Reply, UssdHop

BASE = {"MSISDN": "22890112233", "SessionID": "3001", "MSC": "61501", "input": "909"}


@pytest.mark.parametrize(("typed", "new_inputs", "next_inputs"), [
    ("909", (), ("909",)),
    ("909*1", ("1",), ("909*1",)),
    ("909*1*45", ("1", "45"), ("909*1*45",)),
    ("2", (), ("2",)),
    ("", (), ("",)),
    ("a*b", ("b",), ("a*b",)),
])
def test_hops(typed: str, new_inputs: tuple[str, ...], next_inputs: tuple[str, ...]) -> None:
    hop = parse_freeflow_request({**BASE, "input": typed})
    assert isinstance(hop, UssdHop) and hop.provider == "freeflow" and hop.msisdn.e164 == "+22890112233"
    assert hop.network_code == "61501" and hop.service_code == ""
    assert hop.read_inputs(None) == new_inputs and hop.read_inputs("n0") == next_inputs


def test_no_two_hops_share_a_cursor() -> None:
    """The protocol numbers no hop: every request is a new input, never a duplicate."""
    cursors = {parse_freeflow_request(BASE).cursor for _ in range(50)}  # type: ignore[union-attr]
    assert len(cursors) == 50


def test_the_cleanup_call_ends_the_session() -> None:
    end = parse_freeflow_request({**BASE, "clean": "clean-session", "input": ""})
    assert isinstance(end, SessionEnd) and (end.provider, end.session_id, end.status) == ("freeflow", "3001",
                                                                                        "clean-session")
    assert isinstance(parse_freeflow_request({**BASE, "clean": "no"}), UssdHop)


@pytest.mark.parametrize(("changes", "reason"), [
    ({"SessionID": ""}, "SessionID: empty"),
    ({"SessionID": "é1"}, "SessionID: non-printable character"),
    ({"MSISDN": "123"}, "MSISDN: invalid_number"),
    ({"MSISDN": ""}, "MSISDN: empty"),
    ({"input": "1\r\n"}, "input: non-printable character"),
    ({"input": "1" * 501}, "input: too long"),
])
def test_refusals_name_the_field(changes: dict[str, str], reason: str) -> None:
    with pytest.raises(MalformedRequestError) as refused:
        parse_freeflow_request({**BASE, **changes})
    assert refused.value.reason == reason


@pytest.mark.parametrize("missing", ["MSISDN", "SessionID", "input"])
def test_a_missing_field(missing: str) -> None:
    with pytest.raises(MalformedRequestError, match=f"missing field: {missing}"):
        parse_freeflow_request({k: v for k, v in BASE.items() if k != missing})


def test_operators_own_parameter_names() -> None:
    names = parameter_names("MSISDN=msisdn, SessionID=sessionId,input=ussdString")
    assert names["MSISDN"] == "msisdn" and names["MSC"] == "MSC"
    hop = parse_freeflow_request({"msisdn": "22899112233", "sessionId": "9", "ussdString": "909*2"}, names)
    assert isinstance(hop, UssdHop) and hop.msisdn.e164 == "+22899112233" and hop.read_inputs(None) == ("2",)
    with pytest.raises(MalformedRequestError, match="missing field: ussdString"):
        parse_freeflow_request({"msisdn": "22899112233", "sessionId": "9", "input": "909"}, names)
    assert parameter_names(None) == DEFAULT_NAMES
    for wrong in ("PHONE=msisdn", "MSISDN", "MSISDN="):
        with pytest.raises(ValueError):
            parameter_names(wrong)


def test_replies() -> None:
    body, headers = format_freeflow_reply(Reply("Menu\n1 Payer\n", False, "employer.home"))
    assert body == "Menu\n1 Payer" and headers["Freeflow"] == "FC" and headers["charge"] == "N"
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    assert format_freeflow_reply(Reply("Merci", True, "x"))[1]["Freeflow"] == "FB"
    assert format_session_end() == ("", {**headers, "Freeflow": "FB"})
