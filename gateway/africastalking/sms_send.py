"""Africa's Talking SMS transport of the outbox: one SMS per message through the real SDK, the answer classified."""
from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import africastalking  # type: ignore[import-untyped]
import requests
from africastalking.Service import AfricasTalkingException  # type: ignore[import-untyped]
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, NewConnectionError

from core.domain.delivery import DeliveryOutcome, DeliveryResult
from core.domain.msisdn import Msisdn
from core.domain.outbox import MessageChannel, OutboundMessage

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT: tuple[float, float] = (3.05, 10.0)  # (connect, read) seconds, passed to every ``send``

# Per-recipient ``statusCode`` of the send response (reference §3.5), and what each means for the outbox.
ACCEPTED_CODES: Mapping[int, str] = {100: "Processed", 101: "Sent", 102: "Queued"}
PERMANENT_CODES: Mapping[int, str] = {
    402: "InvalidSenderId",  # configuration: every message fails the same way until SMS_SENDER_ID is fixed
    403: "InvalidPhoneNumber",
    404: "UnsupportedNumberType",
    406: "UserInBlacklist",  # the subscriber opted out of this sender
    409: "DoNotDisturbRejection",
}
RETRY_CODES: Mapping[int, str] = {
    405: "InsufficientBalance",  # nothing was sent; goes through after a top-up (within the retry policy)
    407: "CouldNotRoute",
    500: "InternalServerError",
    501: "GatewayError",
    502: "RejectedByGateway",
}
UNCERTAIN_CODES: Mapping[int, str] = {
    401: "RiskHold",  # held by AT's risk review: may still go out later, so never re-sent; its DLR settles it
}
_LOUD_CODES = frozenset({402, 405})  # an operator must act: sender id, account balance
_PHONE_LIKE = re.compile(r"\+?\d[\d ]{5,}\d")
_GATEWAY_TIMEOUT = re.compile(r"\b504\b|gateway time-?out", re.IGNORECASE)
_AUTH_FAILED = re.compile(r"authentication", re.IGNORECASE)
# Failures of the request before any byte of it reached AT: sending again cannot duplicate anything.
_NOT_SENT = (requests.exceptions.ConnectTimeout, requests.exceptions.ProxyError, requests.exceptions.SSLError,
             requests.exceptions.URLRequired, requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema,
             requests.exceptions.InvalidURL, requests.exceptions.InvalidHeader)


class AfricasTalkingSmsTransport:
    """Sends SMS messages of the outbox through Africa's Talking, one recipient per request.

    Classification (``DeliveryOutcome``): recipient status 100/101/102 accepted (the AT ``messageId``
    kept); invalid number, unsupported number type, blacklisted, invalid sender id and DND refused for
    good; insufficient balance, routing and AT-side errors retried with backoff; risk hold uncertain.
    HTTP errors (the SDK raises ``AfricasTalkingException`` with the body only) and failures before the
    request left (connection refused, connect timeout, DNS, TLS handshake) are retried. Anything that
    may have happened after AT received the request (read timeout, connection dropped before the
    answer, an unreadable 2xx body, a 504 from AT's edge) is uncertain: never re-sent automatically.
    """

    channel = MessageChannel.SMS

    def __init__(self, username: str, api_key: str, *, base_url: str | None = None, sender_id: str | None = None,
                 timeout: tuple[float, float] = DEFAULT_TIMEOUT) -> None:
        if not username or not api_key:
            raise ValueError("Africa's Talking needs AT_USERNAME and AT_API_KEY")
        if len(timeout) != 2 or min(timeout) <= 0:
            raise ValueError("timeout is (connect seconds, read seconds), both > 0")
        self.username = username
        self.sender_id = sender_id or None
        self.timeout = (float(timeout[0]), float(timeout[1]))
        # The 2.0.3 constructor takes (username, api_key) only: the timeout goes with each send().
        self._sms: Any = africastalking.SMSService(username, api_key)
        if base_url:
            parts = urlsplit(base_url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ValueError("AT_API_BASE_URL must look like https://host[:port] (no /version1)")
            root = base_url.rstrip("/")
            # The SDK has no public option: send() posts to f"{_baseUrl}/messaging".
            self._sms._baseUrl = root + "/version1"
            self._sms._contentUrl = root + "/version1"
        self.endpoint: str = self._sms._make_url("/messaging")

    def __repr__(self) -> str:
        return f"AfricasTalkingSmsTransport({self.username!r}, {self.endpoint!r})"  # never the key

    @property
    def max_send_s(self) -> float:
        """The longest one send can take (connect + read timeouts); a worker's lease must leave room for it."""
        return self.timeout[0] + self.timeout[1]

    def send(self, message: OutboundMessage) -> DeliveryResult:
        """Send one SMS to its one recipient and classify the answer; never raises for an AT or network failure."""
        who = _masked(message.recipient)
        try:
            response = self._sms.send(message.body, [message.recipient], sender_id=self.sender_id, enqueue=False,
                                      timeout=self.timeout)
        except requests.exceptions.RequestException as exc:  # not wrapped by the SDK; caught before ValueError,
            return self._network_error(message, who, exc)  # which requests' JSONDecodeError also is
        except AfricasTalkingException as exc:  # a non-2xx answer; the SDK keeps only its body
            return self._http_error(message, who, str(exc))
        except ValueError:  # raised by the SDK before any request: not a +<country><number> address
            log.warning("outbox message %s: recipient %s is not an international number", message.message_id, who)
            return DeliveryResult.permanent("recipient is not an international number (+...)")
        return self._classify(message, who, response)

    def _http_error(self, message: OutboundMessage, who: str, body: str) -> DeliveryResult:
        excerpt = _redact(body)
        if _GATEWAY_TIMEOUT.search(body):  # AT's edge gave up waiting: the message may have been taken
            log.warning("outbox message %s to %s: AT answered a gateway timeout, outcome unknown",
                        message.message_id, who)
            return DeliveryResult.uncertain(f"http gateway timeout: {excerpt}")
        if _AUTH_FAILED.search(body):
            log.error("Africa's Talking refused the credentials (outbox message %s): check AT_USERNAME and "
                      "AT_API_KEY; retrying later", message.message_id)
        else:
            log.warning("outbox message %s to %s: AT answered an HTTP error: %s", message.message_id, who, excerpt)
        return DeliveryResult.retry(f"http error: {excerpt}")

    def _network_error(self, message: OutboundMessage, who: str,
                       exc: requests.exceptions.RequestException) -> DeliveryResult:
        name = type(exc).__name__
        if isinstance(exc, requests.exceptions.ReadTimeout):
            log.warning("outbox message %s to %s: no answer within %.1f s; AT may have sent it (uncertain)",
                        message.message_id, who, self.timeout[1])
            return DeliveryResult.uncertain(f"read timeout after {self.timeout[1]:g} s: AT may have sent it")
        if isinstance(exc, requests.exceptions.JSONDecodeError):  # "application/json" whose body is not JSON
            log.warning("outbox message %s to %s: unreadable 2xx answer from AT (uncertain)", message.message_id, who)
            return DeliveryResult.uncertain("unreadable answer: invalid JSON")
        if isinstance(exc, _NOT_SENT) or _never_connected(exc):
            log.warning("outbox message %s to %s: AT unreachable (%s), retrying later", message.message_id, who,
                        name)
            return DeliveryResult.retry(f"network: {name} before the request was sent")
        # Connection dropped or answer unreadable after the request was written: AT may have it.
        log.warning("outbox message %s to %s: connection lost after the request was sent (%s), uncertain",
                    message.message_id, who, name)
        return DeliveryResult.uncertain(f"network: {name} after the request was sent")

    def _classify(self, message: OutboundMessage, who: str, response: object) -> DeliveryResult:
        data = _parsed(response)
        if data is None:
            log.warning("outbox message %s to %s: unreadable 2xx answer from AT (uncertain)", message.message_id, who)
            return DeliveryResult.uncertain(f"unreadable answer: {_redact(str(response))}")
        summary = data.get("Message")
        recipients = data.get("Recipients")
        if not isinstance(recipients, list) or not recipients:
            text = _redact(str(summary))
            if summary == "InvalidSenderId":
                log.error("Africa's Talking refuses the sender id %r (outbox message %s): fix SMS_SENDER_ID; "
                          "SMS fail until then", self.sender_id, message.message_id)
                return DeliveryResult.permanent("InvalidSenderId: the configured sender id is refused")
            log.warning("outbox message %s to %s: AT took no recipient (%s), retrying later", message.message_id,
                        who, text)
            return DeliveryResult.retry(f"no recipient taken: {text}")
        entry = _entry_for(recipients, message.recipient)
        code = _int(entry.get("statusCode"))
        status = str(entry.get("status") or "")[:60]
        provider_id = _message_id(entry.get("messageId"))
        label = f"{code} {status or _name(code)}".strip()
        if code in ACCEPTED_CODES:
            return DeliveryResult.accepted(provider_id)
        if code in _LOUD_CODES:
            log.error("Africa's Talking refused outbox message %s: %s; an operator must act (%s)", message.message_id,
                      label, "fix SMS_SENDER_ID" if code == 402 else "top up the account")
        if code in PERMANENT_CODES:
            log.info("outbox message %s to %s refused for good: %s", message.message_id, who, label)
            return DeliveryResult.permanent(label)
        if code in RETRY_CODES:
            return DeliveryResult.retry(label)
        if code in UNCERTAIN_CODES:
            log.warning("outbox message %s to %s held by AT: %s (uncertain)", message.message_id, who, label)
            return DeliveryResult(DeliveryOutcome.UNCERTAIN, provider_id, label)
        if provider_id is not None:  # an unknown code with a real message id: AT may send it, never re-send
            log.warning("outbox message %s to %s: unknown AT status %s with a message id (uncertain)",
                        message.message_id, who, label)
            return DeliveryResult(DeliveryOutcome.UNCERTAIN, provider_id, f"unknown status {label}")
        log.warning("outbox message %s to %s: unknown AT status %s, retrying later", message.message_id, who, label)
        return DeliveryResult.retry(f"unknown status {label}")


def _parsed(response: object) -> dict[str, Any] | None:
    """``SMSMessageData`` of a ``dict`` answer, or of a ``str`` one (any content type but exactly JSON)."""
    if isinstance(response, (str, bytes)):
        try:
            response = json.loads(response)
        except ValueError:
            return None
    if not isinstance(response, dict):
        return None
    data = response.get("SMSMessageData")
    return data if isinstance(data, dict) else None


def _entry_for(recipients: list[Any], number: str) -> Mapping[str, Any]:
    entries = [r for r in recipients if isinstance(r, dict)]
    for entry in entries:
        if entry.get("number") == number:
            return entry
    return entries[0] if entries else {}


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def _message_id(value: object) -> str | None:
    text = str(value or "").strip()
    return text[:100] if text and text != "None" else None


def _name(code: int | None) -> str:
    if code is None:
        return "no status code"
    for table in (ACCEPTED_CODES, PERMANENT_CODES, RETRY_CODES, UNCERTAIN_CODES):
        if code in table:
            return table[code]
    return ""


def _never_connected(exc: requests.exceptions.RequestException) -> bool:
    """Connection refused, DNS failure or connect timeout, which requests reports as a plain ConnectionError."""
    if not isinstance(exc, requests.exceptions.ConnectionError):
        return False
    cause = exc.args[0] if exc.args else None
    return isinstance(cause, MaxRetryError) and isinstance(cause.reason, (NewConnectionError, ConnectTimeoutError))


def _masked(recipient: str) -> str:
    try:
        return Msisdn(recipient).masked
    except Exception:  # noqa: BLE001 - a malformed number must still be logged safely
        return "+***"


def _redact(text: str) -> str:
    """Provider text for the record: one line, at most 200 characters, phone-like digit runs masked."""
    return _PHONE_LIKE.sub("***", " ".join(text.split()))[:200]
