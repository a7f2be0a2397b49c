"""One-time codes texted to a phone (first-use activation, a new phone's confirmation): sealed, 10 minutes, 3 tries."""
from __future__ import annotations

import enum
import json
import secrets
from typing import Any, Final

from core.domain.pins import seal, sealed_matches
from menus.context import Ctx
from menus.dsl import InvalidInput

CODE_DIGITS: Final = 6
CODE_TTL: Final = 600  # seconds
CODE_TRIES: Final = 3


class CodeCheck(enum.Enum):
    """What a typed code did."""

    MATCHED = "matched"
    EXPIRED = "expired"  # none kept (never sent, or its 10 minutes are over)
    BLOCKED = "blocked"  # the last allowed wrong try: the code is forgotten


def new_code(ctx: Ctx, name: str, **kept: str) -> str:
    """A fresh code kept under ``name`` as its seal only (with ``kept`` values); the caller texts it."""
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    record = {"hash": seal(ctx.backend.seal_key, code), "tries": 0, **kept}
    ctx.scratch.put_value(name, json.dumps(record), CODE_TTL)
    return code


def check_code(ctx: Ctx, name: str, code: str) -> tuple[CodeCheck, dict[str, Any]]:
    """Check a typed code against the one kept under ``name``; a wrong one that may be retried raises
    ``InvalidInput("auth.code_wrong")`` (the screen asks again)."""
    raw = ctx.scratch.get_value(name)
    if raw is None:
        return CodeCheck.EXPIRED, {}
    record: dict[str, Any] = json.loads(raw)
    if sealed_matches(ctx.backend.seal_key, record["hash"], code):
        ctx.scratch.delete_value(name)
        return CodeCheck.MATCHED, record
    record["tries"] += 1
    if record["tries"] >= CODE_TRIES:
        ctx.scratch.delete_value(name)
        return CodeCheck.BLOCKED, record
    ctx.scratch.put_value(name, json.dumps(record), CODE_TTL)
    raise InvalidInput("auth.code_wrong")
