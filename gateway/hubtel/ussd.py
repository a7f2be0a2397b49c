"""Hubtel-style USSD wire format: a JSON request parsed into a hop or a session end, a reply as JSON."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import orjson

from gateway.base import MalformedRequestError
from gateway.bounds import INT32_MAX, printable, storable
from gateway.hop_inputs import caller_msisdn, input_reader
from gateway.ussd_edge import Call, SessionEnd, WireRequest
from menus.hop import Reply, UssdHop

PROVIDER: Final = "hubtel"
USSD_PATH: Final = "/gateway/hubtel/ussd"
CONTENT_TYPE: Final = "application/json; charset=utf-8"
TYPES: Final = ("Initiation", "Response", "Release", "Timeout")
ENDS: Final = ("Release", "Timeout")  # the network ended the session: stored, answered, no screen
# A field beyond its limit or with a control character is a 400 naming it. SessionId and ServiceCode end up
# in columns of these widths; Operator is informative (cut to the network-code column).
LIMITS: Final = {"Mobile": 32, "SessionId": 100, "ServiceCode": 40, "Message": 500}
OPERATOR_WIDTH: Final = 10


def parse_hubtel_request(payload: Mapping[str, Any]) -> UssdHop | SessionEnd:
    """Validate a request object: a hop (Initiation, Response) or the end of a session (Release, Timeout).

    ``Sequence`` numbers the hops of a session, so a request sent again with the same number is a
    duplicate (answered as before); ``Message`` is this hop's input only, the dialled string on
    Initiation (``*909*1#`` starts with the answer 1). ``ClientState`` is ignored: the session lives here.
    """
    kind = _text(payload, "Type", 16)
    if kind not in TYPES:
        raise MalformedRequestError(f"Type: not one of {', '.join(TYPES)}")
    session_id = printable("SessionId", _text(payload, "SessionId"), LIMITS["SessionId"], ascii_only=True)
    if not session_id.strip():
        raise MalformedRequestError("SessionId: empty")
    msisdn = caller_msisdn(printable("Mobile", _text(payload, "Mobile"), LIMITS["Mobile"]), "Mobile")
    service_code = printable("ServiceCode", _optional(payload, "ServiceCode"), LIMITS["ServiceCode"])
    operator = storable(_optional(payload, "Operator"), OPERATOR_WIDTH).strip()
    if kind in ENDS:
        return SessionEnd(PROVIDER, session_id, kind, msisdn, service_code, operator)
    message = printable("Message", _optional(payload, "Message"), LIMITS["Message"])
    sequence = _sequence(payload.get("Sequence"))
    dialled = message if kind == "Initiation" else None
    return UssdHop(provider=PROVIDER, session_id=session_id, msisdn=msisdn, service_code=service_code,
                   network_code=operator, cursor=f"s{sequence}", read_inputs=input_reader(message, dialled, service_code))


def format_hubtel_reply(reply: Reply) -> tuple[str, dict[str, str]]:
    """``{Type: Response|Release, Message, ClientState}``: Release ends the session."""
    return _json(reply.text.rstrip(), reply.final)


def format_session_end() -> tuple[str, dict[str, str]]:
    """The answer to a Release or Timeout: nothing more to show."""
    return _json("", True)


def place_call(call: Call, key: str | None) -> WireRequest:
    """The hop as the aggregator posts it: Initiation with the dialled string, then one input per Response."""
    dialled = call.service_code.rstrip("#") + "".join(f"*{given}" for given in call.inputs) + "#"
    return WireRequest("POST", USSD_PATH, {"key": key} if key else {}, json={
        "Mobile": call.msisdn.e164.lstrip("+"), "SessionId": call.session_id, "ServiceCode": call.service_code,
        "Type": "Initiation" if call.first else "Response", "Message": dialled if call.first else call.inputs[-1],
        "Operator": "simulator", "Sequence": 1 if call.first else len(call.inputs) + 1, "ClientState": ""})


def read_reply(headers: Mapping[str, str], body: str) -> tuple[str, bool]:
    """(screen, final) of an answer; ``ValueError`` when it is not the reply object."""
    try:
        reply = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise ValueError(f"not JSON: {body[:80]!r}") from exc
    if not isinstance(reply, dict) or reply.get("Type") not in ("Response", "Release"):
        raise ValueError(f"not a Hubtel reply: {body[:80]!r}")
    return str(reply.get("Message", "")), reply["Type"] == "Release"


def _json(message: str, final: bool) -> tuple[str, dict[str, str]]:
    body = orjson.dumps({"Type": "Release" if final else "Response", "Message": message, "ClientState": ""})
    return body.decode(), {"Content-Type": CONTENT_TYPE}


def _text(payload: Mapping[str, Any], name: str, limit: int | None = None) -> str:
    """A required string field."""
    if name not in payload:
        raise MalformedRequestError(f"missing field: {name}")
    value = payload[name]
    if not isinstance(value, str):
        raise MalformedRequestError(f"{name}: not a string")
    if limit is not None and len(value) > limit:
        raise MalformedRequestError(f"{name}: too long")
    return value


def _optional(payload: Mapping[str, Any], name: str) -> str:
    """An optional string field ('' when absent or null)."""
    value = payload.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise MalformedRequestError(f"{name}: not a string")
    return value


def _sequence(raw: Any) -> int:
    """The hop's number in its session: a positive integer, or its decimal string."""
    if isinstance(raw, bool) or raw is None:
        raise MalformedRequestError("missing field: Sequence" if raw is None else "Sequence: not a number")
    if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) <= 10:
        raw = int(raw)
    if not isinstance(raw, int) or not 0 <= raw <= INT32_MAX:
        raise MalformedRequestError("Sequence: not a number")
    return raw
