"""Kannel SMS transport of the outbox: one GET of smsbox's ``sendsms`` interface per message, kept-alive."""
from __future__ import annotations

import logging
import re
import secrets
from typing import Final
from urllib.parse import quote, urlsplit

import requests

from core.domain.delivery import DeliveryOutcome, DeliveryResult
from core.domain.msisdn import mask_phone
from core.domain.outbox import MessageChannel, OutboundMessage
from gateway.http_client import KeptAliveClient, KeptAliveTransport, answer_excerpt, nothing_sent
from gateway.logs import hide_in_lines

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT: Final[tuple[float, float]] = (3.05, 10.0)  # (connect, read) seconds of every request
DLR_MASK: Final = 31  # every report: delivered (1), failed (2), buffered (4), submitted (8), SMSC reject (16)
DELIVERY_PATH: Final = "/gateway/kannel/sms/delivery"
PROVIDER_ID_PREFIX: Final = "kannel-"
# The bodies of smsbox's 202 answers that mean the message was taken (user guide, "SMS Push reply codes").
ACCEPTED_BODIES: Final = ("0:", "3:")  # "0: Accepted for delivery", "3: Queued for later delivery"
_AUTH_FAILED: Final = re.compile(r"authori[sz]ation failed", re.IGNORECASE)
# Characters a dlr-url may carry verbatim: Kannel reads every '%' in it as one of its escapes (%d, %p, ...),
# so the key and the id must never need percent-encoding themselves.
_URL_SAFE: Final = re.compile(r"[A-Za-z0-9._~-]+")
# urllib3 logs every request line at DEBUG, the sendsms query included: these values are hidden from it.
_QUERY_SECRETS: Final = re.compile(r"(?<=[?&])(password|pass|to|text|dlr-url)=[^&\s\"]*")
hide_in_lines("urllib3.connectionpool", _QUERY_SECRETS, r"\1=***")


class KannelSmsTransport(KeptAliveTransport):
    """Sends SMS messages of the outbox through Kannel's smsbox (``sendsms``), one message per request.

    Kannel's answer carries no message id, so the transport makes one per attempt (``kannel-<outbox id>-<random>``),
    puts it in the ``dlr-url`` it hands to Kannel and returns it with the result: the delivery reports Kannel
    fetches later find the message by it, an uncertain one included.

    Classification (``DeliveryOutcome``):

    * HTTP 202 with ``0: Accepted for delivery`` or ``3: Queued for later delivery``: accepted.
    * 403 ``Authorization failed``: retried with backoff, and logged as an error. It is a configuration
      fault (KANNEL_USERNAME/KANNEL_PASSWORD, ``user-allow-ip``) that fails every message the same way;
      failing them for good would lose every SMS of a password rotation, while the retry policy still
      gives them up after its last attempt.
    * Any other 4xx (missing receiver, number denied by white/black lists, sender missing, bad request):
      permanent, sending the same request again cannot help.
    * 5xx (Kannel's 503 "temporal failure", a proxy's 500/502/503), a redirect, connection refused, DNS
      failure and connect timeout: retried (nothing was taken).
    * A 504 from a proxy, a read timeout, a connection dropped after the request was written, and a 2xx
      whose body is not one of the accepted ones: uncertain (Kannel may have it); never re-sent
      automatically, its delivery report settles it.

    Never logged: the password (the request URL carries it, so no requests exception text is ever kept,
    and urllib3's DEBUG request lines get the password, recipient, text and dlr-url of a sendsms query
    masked), a full phone number (masked to its last 4 digits) or the text.
    """

    channel = MessageChannel.SMS

    def __init__(self, sendsms_url: str, username: str, password: str, *, callback_url: str,
                 callback_key: str | None = None, smsc: str | None = None, sender_id: str | None = None,
                 timeout: tuple[float, float] = DEFAULT_TIMEOUT) -> None:
        parts = urlsplit(sendsms_url or "")
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("KANNEL_SENDSMS_URL must look like http://host:port/cgi-bin/sendsms")
        if not username or not password:
            raise ValueError("Kannel needs KANNEL_USERNAME and KANNEL_PASSWORD (its sendsms-user)")
        callback = urlsplit(callback_url or "")
        if callback.scheme not in ("http", "https") or not callback.netloc:
            raise ValueError("KANNEL_CALLBACK_URL must look like http://host:port (this gateway as Kannel reaches it)")
        if callback_key and not _URL_SAFE.fullmatch(callback_key):
            raise ValueError("KANNEL_CALLBACK_KEY may only hold letters, digits and . _ ~ - (Kannel reads '%' "
                             "in a dlr-url as its own escapes)")
        self.endpoint = sendsms_url
        self.username = username
        self._password = password
        self.callback_url = callback_url.rstrip("/")
        self._callback_key = callback_key or None
        self.smsc = smsc or None
        self.sender_id = sender_id or None
        self._http = KeptAliveClient(timeout, trust_env=False)  # no proxy from the environment before Kannel

    def __repr__(self) -> str:
        return f"KannelSmsTransport({self.username!r}, {self.endpoint!r})"  # never the password

    def provider_message_id(self, message: OutboundMessage) -> str:
        """A new id for one attempt of ``message``: its outbox id (when it has one) and a random token."""
        token = secrets.token_hex(6)
        return f"{PROVIDER_ID_PREFIX}{message.message_id}-{token}" if message.message_id is not None else (
            f"{PROVIDER_ID_PREFIX}{token}")

    def dlr_url(self, provider_id: str) -> str:
        """The dlr-url Kannel fetches for each report of the message; ``%d``, ``%p`` and ``%A`` are Kannel's."""
        key = f"key={quote(self._callback_key, safe='')}&" if self._callback_key else ""
        return (f"{self.callback_url}{DELIVERY_PATH}?{key}id={quote(provider_id, safe='')}"
                "&status=%d&to=%p&answer=%A")

    def params(self, message: OutboundMessage, provider_id: str) -> dict[str, str]:
        """The sendsms query of one message (requests percent-encodes each value, the dlr-url included)."""
        params = {"username": self.username, "password": self._password, "to": message.recipient,
                  "text": message.body, "charset": "UTF-8", "coding": "0", "dlr-mask": str(DLR_MASK),
                  "dlr-url": self.dlr_url(provider_id)}
        if self.sender_id:
            params["from"] = self.sender_id
        if self.smsc:
            params["smsc"] = self.smsc
        return params

    def send(self, message: OutboundMessage) -> DeliveryResult:
        """Send one SMS and classify Kannel's answer; never raises for a Kannel or network failure."""
        who = mask_phone(message.recipient)
        provider_id = self.provider_message_id(message)
        try:
            with self._http.sending() as session:
                response = session.get(self.endpoint, params=self.params(message, provider_id),
                                       timeout=self.timeout, allow_redirects=False)
        except requests.exceptions.RequestException as exc:
            return self._network_error(message, who, provider_id, exc)
        return self._classify(message, who, provider_id, response.status_code, response.text)

    def _classify(self, message: OutboundMessage, who: str, provider_id: str, status: int,
                  body: str) -> DeliveryResult:
        excerpt = answer_excerpt(body)
        label = f"http {status}: {excerpt}".rstrip(": ")
        if 200 <= status < 300:
            if body.strip().startswith(ACCEPTED_BODIES):
                return DeliveryResult.accepted(provider_id)
            log.warning("outbox message %s to %s: Kannel answered %s with an unknown body (uncertain)",
                        message.message_id, who, status)
            return DeliveryResult(DeliveryOutcome.UNCERTAIN, provider_id, f"unknown answer {label}")
        if (status == 403 and _AUTH_FAILED.search(body)) or status == 401:
            log.error("Kannel refused the sendsms credentials (outbox message %s): check KANNEL_USERNAME, "
                      "KANNEL_PASSWORD and the sendsms-user's user-allow-ip; retrying later", message.message_id)
            return DeliveryResult.retry(label)
        if status == 504:  # a proxy in front of smsbox gave up waiting: smsbox may have taken it
            log.warning("outbox message %s to %s: gateway timeout in front of Kannel, outcome unknown",
                        message.message_id, who)
            return DeliveryResult(DeliveryOutcome.UNCERTAIN, provider_id, label)
        if 400 <= status < 500:
            log.warning("outbox message %s to %s refused for good by Kannel: %s", message.message_id, who, label)
            return DeliveryResult.permanent(label)
        log.warning("outbox message %s to %s: Kannel answered %s, retrying later", message.message_id, who, status)
        return DeliveryResult.retry(label)

    def _network_error(self, message: OutboundMessage, who: str, provider_id: str,
                       exc: requests.exceptions.RequestException) -> DeliveryResult:
        name = type(exc).__name__  # never str(exc): it quotes the request URL, password included
        if isinstance(exc, requests.exceptions.ReadTimeout):
            log.warning("outbox message %s to %s: no answer from Kannel within %.1f s; it may have taken it "
                        "(uncertain)", message.message_id, who, self.timeout[1])
            return DeliveryResult(DeliveryOutcome.UNCERTAIN, provider_id,
                                  f"read timeout after {self.timeout[1]:g} s: Kannel may have taken it")
        if nothing_sent(exc):
            log.warning("outbox message %s to %s: Kannel unreachable (%s), retrying later", message.message_id,
                        who, name)
            return DeliveryResult.retry(f"network: {name} before the request was sent")
        log.warning("outbox message %s to %s: connection lost after the request was sent (%s), uncertain",
                    message.message_id, who, name)
        return DeliveryResult(DeliveryOutcome.UNCERTAIN, provider_id, f"network: {name} after the request was sent")
