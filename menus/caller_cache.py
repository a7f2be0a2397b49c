"""Who is calling (a phone's accounts), read from the session store's short-lived cache or else the directory."""
from __future__ import annotations

import logging
from typing import Any

import orjson

from core.domain.parties import PhoneAccount
from menus.context import Ctx

log = logging.getLogger(__name__)

Account = dict[str, str]  # {"kind", "number", "name"}: what the account choice shows and binds


def accounts_of(found: tuple[PhoneAccount, ...]) -> list[Account]:
    """The accounts of a phone, employers first, as the session keeps them."""
    return [{"kind": account.kind.value, "number": account.number, "name": account.name} for account in found]


def caller_accounts(ctx: Ctx) -> list[Account]:
    """The caller's accounts: the cached entry read with the session, or one directory lookup (then cached)."""
    if ctx.caller is not None:
        cached = _decode(ctx.caller)
        if cached is not None:
            return cached
    caller = ctx.call(ctx.backend.caller, ctx.msisdn)
    accounts = accounts_of(caller.accounts)
    ctx.caller_status = caller.sole_credential
    ctx.caller_found = orjson.dumps(accounts).decode()
    return accounts


def _decode(raw: str) -> list[Account] | None:
    try:
        value: Any = orjson.loads(raw)
    except ValueError:
        value = None
    if not isinstance(value, list) or not all(isinstance(a, dict) and {"kind", "number", "name"} <= a.keys()
                                              for a in value):
        log.warning("ignoring a corrupt caller record in the session store")
        return None
    return value
