"""Inputs of the providers that send one hop's input at a time (Hubtel, Freeflow), not a cumulative text."""
from __future__ import annotations

import secrets
from collections.abc import Callable

from core.domain.errors import InvalidPhoneNumberError
from core.domain.msisdn import Msisdn
from gateway.base import MalformedRequestError

SEPARATOR = "*"


def dialled_inputs(dialled: str, service_code: str = "") -> tuple[str, ...]:
    """The answers chained after the service code in a dialled string.

    ``*909*1*2#`` or ``909*1*2`` give ``("1", "2")``; with ``service_code`` ``*909*5#``, ``*909*5*1#``
    gives ``("1",)``. A string that does not start with the service code loses its first part only.
    """
    parts = dialled.strip().strip("#").lstrip(SEPARATOR).split(SEPARATOR)
    code = [part for part in service_code.strip().strip("#").lstrip(SEPARATOR).split(SEPARATOR) if part]
    if code and parts[:len(code)] == code:
        return tuple(parts[len(code):])
    return tuple(parts[1:])


def input_reader(this_hop: str, dialled: str | None, service_code: str = "") -> Callable[[str | None], tuple[str, ...]]:
    """``read_inputs`` of a hop that carries only its own input.

    A new session (no previous cursor) starts from what was dialled, when the hop carries it (its
    chained answers); a hop of a known session is the one input typed, kept whole (it may contain a
    ``*``). A hop of a session the gateway does not know and that carries no dialled string starts
    afresh: its input answered a screen this gateway no longer has.
    """
    def read_inputs(previous: str | None) -> tuple[str, ...]:
        if previous is None:
            return dialled_inputs(dialled, service_code) if dialled is not None else ()
        return (this_hop,)

    return read_inputs


def fresh_cursor() -> str:
    """A cursor no other hop has: for a provider whose hops carry no sequence, no hop is a duplicate."""
    return "n" + secrets.token_hex(8)


def caller_msisdn(raw: str, name: str) -> Msisdn:
    """The caller's number as these gateways send it: international digits without ``+`` (22890112233),
    or with it, or national (90112233); a number that does not parse is a 400 naming ``name``."""
    digits = raw.strip()
    international = not digits.startswith(("+", "0")) and len(digits) > 8
    try:
        return Msisdn.parse("+" + digits if international else digits)
    except InvalidPhoneNumberError as exc:
        raise MalformedRequestError(f"{name}: {exc.data['reason']}") from exc
