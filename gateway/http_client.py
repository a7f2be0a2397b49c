"""A provider transport's HTTP side: its connection (kept alive, renewed after it sat idle), what counts as
nothing sent, and the excerpt of a provider's answer fit to keep on record."""
from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

import requests
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, NewConnectionError

# A kept-alive connection idle longer than this is closed before the next send: a server that dropped it
# meanwhile would otherwise fail the send after the request was written, which counts as uncertain.
IDLE_RECONNECT_S: Final = 4.0
_PHONE_LIKE: Final = re.compile(r"\+?\d[\d ]{5,}\d")


# Failures of a request before any byte of it reached the server: sending again cannot duplicate anything.
_NOT_SENT: Final = (requests.exceptions.ConnectTimeout, requests.exceptions.ProxyError, requests.exceptions.SSLError,
                    requests.exceptions.URLRequired, requests.exceptions.MissingSchema,
                    requests.exceptions.InvalidSchema, requests.exceptions.InvalidURL,
                    requests.exceptions.InvalidHeader)


def nothing_sent(exc: requests.exceptions.RequestException) -> bool:
    """Whether the request failed before the server could have received it (safe to send again): a connect
    timeout, TLS, proxy or URL error, or connection refused / DNS failure (a plain ConnectionError to requests)."""
    if isinstance(exc, _NOT_SENT):
        return True
    if not isinstance(exc, requests.exceptions.ConnectionError):
        return False
    cause = exc.args[0] if exc.args else None
    return isinstance(cause, MaxRetryError) and isinstance(cause.reason, (NewConnectionError, ConnectTimeoutError))


def answer_excerpt(text: str) -> str:
    """A provider's answer for the record: one line, at most 200 characters, phone-like digit runs masked."""
    return _PHONE_LIKE.sub("***", " ".join(text.split()))[:200]


class KeptAliveClient:
    """One ``requests.Session`` per transport (one per worker process) and its (connect, read) timeouts."""

    def __init__(self, timeout: tuple[float, float], *, trust_env: bool = True) -> None:
        if len(timeout) != 2 or min(timeout) <= 0:
            raise ValueError("timeout is (connect seconds, read seconds), both > 0")
        self.timeout = (float(timeout[0]), float(timeout[1]))
        self.session = requests.Session()
        self.session.trust_env = trust_env
        self._last_used = 0.0

    @property
    def max_send_s(self) -> float:
        """The longest one send can take (connect + read timeouts); a worker's lease must leave room for it."""
        return self.timeout[0] + self.timeout[1]

    @contextmanager
    def sending(self) -> Iterator[requests.Session]:
        """The session for one request: its connection renewed first if it sat idle too long."""
        if time.monotonic() - self._last_used > IDLE_RECONNECT_S:
            self.session.close()  # a connection idle this long may have been closed by the server
        try:
            yield self.session
        finally:
            self._last_used = time.monotonic()

    def close(self) -> None:
        """Close the kept-alive connections (a later send opens a new one)."""
        self.session.close()


class KeptAliveTransport:
    """Base of the outbox transports that speak HTTP: their client, how long a send may take, and closing."""

    _http: KeptAliveClient

    @property
    def timeout(self) -> tuple[float, float]:
        """(connect, read) seconds of every request."""
        return self._http.timeout

    @property
    def max_send_s(self) -> float:
        """The longest one send can take (connect + read timeouts); a worker's lease must leave room for it."""
        return self._http.max_send_s

    def close(self) -> None:
        """Close the kept-alive connections (a later send opens a new one)."""
        self._http.close()
