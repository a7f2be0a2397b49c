"""A bank's HTTP client: signs requests exactly as the API contract says."""
from __future__ import annotations

import json
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from gateway.bank.signing import signature

BANK_ID, BANK_SECRET = "ibbank", "test-bank-secret"


class SignedClient:
    """Signs with a caller id and secret at the clock's time (or a given timestamp)."""

    def __init__(self, client: FlaskClient, clock: Any, caller: str = BANK_ID, secret: str = BANK_SECRET,
                 id_header: str = "X-Bank-Id") -> None:
        self.client, self.clock, self.caller, self.secret, self.id_header = client, clock, caller, secret, id_header

    def headers(self, method: str, path: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
        """The three signature headers."""
        stamp = str(timestamp if timestamp is not None else int(self.clock.now().timestamp()))
        return {self.id_header: self.caller, "X-Timestamp": stamp,
                "X-Signature": signature(self.secret, stamp, method, path, body)}

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        """A signed GET."""
        return self.client.get(path, headers=self.headers("GET", path, b"", **kwargs))

    def post(self, path: str, payload: Any, raw: bytes | None = None, **kwargs: Any) -> TestResponse:
        """A signed POST of JSON (or of ``raw`` bytes)."""
        body = raw if raw is not None else json.dumps(payload).encode()
        return self.client.post(path, data=body, content_type="application/json",
                                headers=self.headers("POST", path, body, **kwargs))
