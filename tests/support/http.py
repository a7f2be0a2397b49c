"""A real HTTP answer shaped like Flask's test response, for helpers that talk to a running server."""
from __future__ import annotations

from typing import Any

import requests


class HttpResponse:
    """What ``UssdPhone`` and ``SignedClient`` read (status, headers, body, JSON), plus how long it took and
    which server answered."""

    def __init__(self, raw: requests.Response, seconds: float = 0.0, server: str = "") -> None:
        self.raw, self.seconds, self.server = raw, seconds, server
        self.status_code = raw.status_code
        self.headers = raw.headers

    def get_data(self, as_text: bool = False) -> Any:
        """The body, as text or bytes."""
        return self.raw.text if as_text else self.raw.content

    @property
    def json(self) -> Any:
        """The JSON body, or None when it is not JSON."""
        try:
            return self.raw.json()
        except ValueError:
            return None
