"""Freeflow USSD wire format: query parameters parsed into a hop or a session end, a reply as text and headers."""
from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Final

from gateway.base import MalformedRequestError
from gateway.bounds import printable, storable
from gateway.hop_inputs import caller_msisdn, fresh_cursor, input_reader
from gateway.ussd_edge import Call, SessionEnd, WireRequest
from menus.hop import Reply, UssdHop

PROVIDER: Final = "freeflow"
USSD_PATH: Final = "/gateway/freeflow/ussd"
CONTENT_TYPE: Final = "text/plain; charset=utf-8"
CLEANUP: Final = "clean-session"
# Our name of each parameter -> the name operators use by default; FREEFLOW_PARAM_NAMES renames them.
DEFAULT_NAMES: Final = {"MSISDN": "MSISDN", "SessionID": "SessionID", "MSC": "MSC", "input": "input",
                        "clean": "clean", "userid": "userid", "password": "password"}
LIMITS: Final = {"MSISDN": 32, "SessionID": 100, "input": 500}
NETWORK_WIDTH: Final = 10  # MSC is informative: cut to the network-code column


@lru_cache(maxsize=8)
def parameter_names(setting: str | None) -> dict[str, str]:
    """The operator's parameter names: the defaults, renamed by ``'MSISDN=msisdn,input=ussdString'``.

    ``ValueError`` names a pair that is not ``ours=theirs`` with one of our names.
    """
    names = dict(DEFAULT_NAMES)
    for pair in (setting or "").split(","):
        if not pair.strip():
            continue
        ours, sep, theirs = (part.strip() for part in pair.partition("="))
        if not sep or ours not in names or not theirs:
            raise ValueError(f"{pair.strip()!r} is not NAME=operator_name with NAME one of {', '.join(names)}")
        names[ours] = theirs
    return names


def parse_freeflow_request(args: Mapping[str, str], names: Mapping[str, str] = DEFAULT_NAMES) -> UssdHop | SessionEnd:
    """Validate a request's parameters: a hop, or the cleanup call that ends a session.

    ``input`` is this hop's input only; on a session's first hop (a ``SessionID`` the gateway has not
    seen) it is the dialled code without ``*`` and ``#`` (``909*1`` starts with the answer 1), which is
    why the hop's service code is left empty: the operator routes one code to this URL. The protocol
    numbers no hop, so a request sent twice counts as two inputs.
    """
    def field(name: str) -> str:
        if names[name] not in args:
            raise MalformedRequestError(f"missing field: {names[name]}")
        return printable(names[name], args[names[name]], LIMITS[name], ascii_only=name == "SessionID")

    session_id = field("SessionID")
    if not session_id.strip():
        raise MalformedRequestError(f"{names['SessionID']}: empty")
    msisdn = caller_msisdn(field("MSISDN"), names["MSISDN"])
    network = storable(args.get(names["MSC"], ""), NETWORK_WIDTH).strip()
    if args.get(names["clean"]) == CLEANUP:
        return SessionEnd(PROVIDER, session_id, CLEANUP, msisdn, "", network)
    typed = field("input")
    return UssdHop(provider=PROVIDER, session_id=session_id, msisdn=msisdn, service_code="",
                   network_code=network, cursor=fresh_cursor(), read_inputs=input_reader(typed, typed))


def format_freeflow_reply(reply: Reply, charge: str = "N") -> tuple[str, dict[str, str]]:
    """The screen as plain text; ``Freeflow: FC`` continues the session, ``FB`` ends it."""
    return reply.text.rstrip(), _headers(reply.final, charge)


def format_session_end() -> tuple[str, dict[str, str]]:
    """The answer to a cleanup call: nothing to show, the session is over."""
    return "", _headers(True, "N")


def place_call(call: Call, names: Mapping[str, str], userid: str | None = None,
               password: str | None = None) -> WireRequest:
    """The hop as the operator's gateway sends it: the dialled code and chained answers first, then one input."""
    typed = "*".join((call.service_code.strip("*#"), *call.inputs)) if call.first else call.inputs[-1]
    query = {names["MSISDN"]: call.msisdn.e164.lstrip("+"), names["SessionID"]: call.session_id,
             names["MSC"]: "99999", names["input"]: typed}
    if userid or password:
        query.update({names["userid"]: userid or "", names["password"]: password or ""})
    return WireRequest("GET", USSD_PATH, query)


def read_reply(headers: Mapping[str, str], body: str) -> tuple[str, bool]:
    """(screen, final) of an answer; ``ValueError`` without the ``Freeflow`` header."""
    flag = headers.get("Freeflow")
    if flag not in ("FC", "FB"):
        raise ValueError(f"no Freeflow: FC/FB header (got {flag!r})")
    return body, flag == "FB"


def _headers(final: bool, charge: str) -> dict[str, str]:
    return {"Content-Type": CONTENT_TYPE, "Freeflow": "FB" if final else "FC", "charge": charge,
            "Cache-Control": "no-store"}
