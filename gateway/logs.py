"""Structured logs: JSON lines with time, level, logger, request id and hashed session id; phones masked."""
from __future__ import annotations

import contextvars
import hmac
import json
import logging
import re
import sys
from datetime import datetime, timezone
from typing import Any, Final, TextIO

from core.domain.msisdn import redact_phones

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
session_ref: contextvars.ContextVar[str | None] = contextvars.ContextVar("session_ref", default=None)
HANDLER_NAME: Final = "cnss-gateway"
_session_key: list[bytes] = [b"development-only-key"]


class _CurrentStderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at emit time (test runners swap it)."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


class JsonFormatter(logging.Formatter):
    """One JSON object per line; the whole line passes the phone-number mask."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        for name, var in (("request_id", request_id), ("session", session_ref)):
            value = var.get()
            if value:
                entry[name] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return redact_phones(json.dumps(entry, ensure_ascii=False, default=str))


class TextFormatter(logging.Formatter):
    """A readable line for a terminal, with the same fields and the same mask."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        context = " ".join(f"{name}={var.get()}" for name, var in (("request_id", request_id), ("session", session_ref))
                           if var.get())
        return redact_phones(super().format(record) + (f" [{context}]" if context else ""))


def _masking_record_factory(base: Any) -> Any:
    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record: logging.LogRecord = base(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed log call is logged as it is, never lost
            return record
        record.msg, record.args = redact_phones(message), None
        return record

    factory.masks_phones = True  # type: ignore[attr-defined]
    factory.base = base  # type: ignore[attr-defined]  # what tests restore to check each log call masks by itself
    return factory


# A provider callback's query string carries what was typed (Freeflow's ``input``, a PIN included), the text
# of an incoming SMS (Kannel's get-url) or a callback secret: request lines show its path only.
_CALLBACK_QUERY: Final = re.compile(r"(/gateway/[^\s?\"]*)\?[^\s\"]*")


class _RewriteLines(logging.Filter):
    """Rewrites the lines of one logger: every match of ``pattern`` replaced by ``replacement``."""

    def __init__(self, pattern: re.Pattern[str], replacement: str) -> None:
        super().__init__()
        self.pattern, self.replacement = pattern, replacement

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        hidden = self.pattern.sub(self.replacement, message)
        if hidden != message:
            record.msg, record.args = hidden, None
        return True


def hide_in_lines(logger_name: str, pattern: re.Pattern[str], replacement: str) -> None:
    """Have ``logger_name``'s lines show ``replacement`` for ``pattern`` (installed once, however often asked)."""
    target = logging.getLogger(logger_name)
    if not any(isinstance(f, _RewriteLines) and f.pattern is pattern for f in target.filters):
        target.addFilter(_RewriteLines(pattern, replacement))


def configure_logging(level: str = "INFO", fmt: str = "json", session_key: str | None = None) -> None:
    """Install the gateway's handler on the root logger (once) and mask phone numbers in every record.

    The same under ``flask run``, granian and the worker commands, because ``create_app`` calls it.
    """
    if session_key:
        _session_key[0] = session_key.encode()
    base = logging.getLogRecordFactory()
    if not getattr(base, "masks_phones", False):
        logging.setLogRecordFactory(_masking_record_factory(base))
    root = logging.getLogger()
    handler = next((h for h in root.handlers if h.get_name() == HANDLER_NAME), None)
    if handler is None:
        handler = _CurrentStderr()
        handler.set_name(HANDLER_NAME)
        root.addHandler(handler)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root.setLevel(level)
    hide_in_lines("werkzeug", _CALLBACK_QUERY, r"\1?[query hidden]")  # the request lines of ``flask run``


def hashed_session(provider: str, session_id: str) -> str:
    """A provider session id as logs show it: keyed, so logs cannot be joined to the provider's records."""
    return hmac.digest(_session_key[0], f"{provider}:{session_id}".encode(), "sha256").hex()[:12]


def bind_session(provider: str, session_id: str) -> None:
    """Tag the log lines of this request with the hashed provider session id."""
    session_ref.set(hashed_session(provider, session_id))
