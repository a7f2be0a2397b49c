"""Africa's Talking SMS transport of the outbox: one text to one or more recipients per call of the real SDK."""
from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import africastalking  # type: ignore[import-untyped]
import requests
from africastalking.Service import AfricasTalkingException, validate_phone  # type: ignore[import-untyped]

from core.domain.delivery import DeliveryOutcome, DeliveryResult
from core.domain.msisdn import mask_phone
from core.domain.outbox import MessageChannel, OutboundMessage
from gateway.http_client import KeptAliveClient, KeptAliveTransport, answer_excerpt, nothing_sent

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT: tuple[float, float] = (3.05, 10.0)  # (connect, read) seconds, passed to every ``send``
MAX_GROUP = 100  # recipients of one text in one request (AT's bulk endpoint takes a comma-separated ``to``)

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
_GATEWAY_TIMEOUT = re.compile(r"\b504\b|gateway time-?out", re.IGNORECASE)
_AUTH_FAILED = re.compile(r"authentication", re.IGNORECASE)


class AfricasTalkingSmsTransport(KeptAliveTransport):
    """Sends SMS messages of the outbox through Africa's Talking: one text, one or more recipients per request.

    Classification (``DeliveryOutcome``), per recipient from ``SMSMessageData.Recipients``: status
    100/101/102 accepted (that recipient's AT ``messageId`` kept); invalid number, unsupported number
    type, blacklisted, invalid sender id and DND refused for good; insufficient balance, routing and
    AT-side errors retried with backoff; risk hold uncertain. HTTP errors (the SDK raises
    ``AfricasTalkingException`` with the body only) and failures before the request left (connection
    refused, connect timeout, DNS, TLS handshake) are retried. Anything that may have happened after AT
    received the request (read timeout, connection dropped before the answer, an unreadable 2xx body, a
    504 from AT's edge) is uncertain: never re-sent automatically. A failure of the whole request applies
    to every recipient of it: a grouped request that timed out leaves each of its messages uncertain,
    each settled by its own recipient's delivery report.

    Connections are kept alive: the SDK's POST goes through one ``requests.Session`` of this transport
    (one per worker process), so consecutive sends reuse one TCP connection instead of opening one each.
    """

    channel = MessageChannel.SMS
    max_group = MAX_GROUP

    def __init__(self, username: str, api_key: str, *, base_url: str | None = None, sender_id: str | None = None,
                 timeout: tuple[float, float] = DEFAULT_TIMEOUT) -> None:
        if not username or not api_key:
            raise ValueError("Africa's Talking needs AT_USERNAME and AT_API_KEY")
        self._http = KeptAliveClient(timeout)
        self.username = username
        self.sender_id = sender_id or None
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
        # The SDK's Service._make_request (status check, JSON parsing, AfricasTalkingException) calls the
        # private static ``__make_post_request``, which does a module-level ``requests.post`` (a new
        # connection every time). This instance attribute shadows it with the same signature, posting
        # through the session; the rest of the SDK's request path is unchanged.
        self._sms._Service__make_post_request = self._post

    def __repr__(self) -> str:
        return f"AfricasTalkingSmsTransport({self.username!r}, {self.endpoint!r})"  # never the key

    def _post(self, url: str, headers: Mapping[str, str], data: Mapping[str, Any], params: Any,
              callback: Any = None, timeout: tuple[float, float] = DEFAULT_TIMEOUT) -> requests.Response | None:
        """The SDK's ``__make_post_request``, through this transport's session."""
        with self._http.sending() as session:
            response = session.post(url=url, headers=dict(headers), params=params, data=data, timeout=timeout)
        if callback is None or callback == {}:
            return response
        callback(response)
        return None

    def send(self, message: OutboundMessage) -> DeliveryResult:
        """Send one SMS to its one recipient and classify the answer; never raises for an AT or network failure."""
        return self.send_group([message])[0]

    def send_group(self, messages: Sequence[OutboundMessage]) -> list[DeliveryResult]:
        """Send one text to the recipients of ``messages`` (same body, distinct recipients) in one request.

        One result per message, in order, each from its own recipient's entry of the answer; a
        recipient that is not an international number is refused alone, before the request.
        """
        if not messages:
            return []
        if len({m.body for m in messages}) != 1 or len({m.recipient for m in messages}) != len(messages):
            raise ValueError("a group is one text to distinct recipients")
        if len(messages) > self.max_group:
            raise ValueError(f"at most {self.max_group} recipients in one request")
        results: dict[int, DeliveryResult] = {}
        valid: list[tuple[int, OutboundMessage]] = []
        for index, message in enumerate(messages):
            if isinstance(message.recipient, str) and validate_phone(message.recipient):
                valid.append((index, message))
            else:  # the SDK would raise ValueError for the whole request before sending anything
                log.warning("outbox message %s: recipient %s is not an international number", message.message_id,
                            mask_phone(message.recipient))
                results[index] = DeliveryResult.permanent("recipient is not an international number (+...)")
        if valid:
            sent = [message for _, message in valid]
            for (index, _), result in zip(valid, self._request(sent)):
                results[index] = result
        return [results[index] for index in range(len(messages))]

    def _request(self, messages: list[OutboundMessage]) -> list[DeliveryResult]:
        ref = _Ref(messages)
        try:
            response = self._sms.send(messages[0].body, [m.recipient for m in messages], sender_id=self.sender_id,
                                      enqueue=False, timeout=self.timeout)
        except requests.exceptions.RequestException as exc:  # not wrapped by the SDK; caught before ValueError,
            return ref.every(self._network_error(ref, exc))  # which requests' JSONDecodeError also is
        except AfricasTalkingException as exc:  # a non-2xx answer; the SDK keeps only its body
            return ref.every(self._http_error(ref, str(exc)))
        except ValueError:  # validated above; kept in case the SDK's check changes
            return ref.every(DeliveryResult.permanent("recipient is not an international number (+...)"))
        return self._classify_all(ref, response)

    def _http_error(self, ref: _Ref, body: str) -> DeliveryResult:
        excerpt = answer_excerpt(body)
        if _GATEWAY_TIMEOUT.search(body):  # AT's edge gave up waiting: the message may have been taken
            log.warning("outbox message %s to %s: AT answered a gateway timeout, outcome unknown", ref.ids, ref.who)
            return DeliveryResult.uncertain(f"http gateway timeout: {excerpt}")
        if _AUTH_FAILED.search(body):
            log.error("Africa's Talking refused the credentials (outbox message %s): check AT_USERNAME and "
                      "AT_API_KEY; retrying later", ref.ids)
        else:
            log.warning("outbox message %s to %s: AT answered an HTTP error: %s", ref.ids, ref.who, excerpt)
        return DeliveryResult.retry(f"http error: {excerpt}")

    def _network_error(self, ref: _Ref, exc: requests.exceptions.RequestException) -> DeliveryResult:
        name = type(exc).__name__
        if isinstance(exc, requests.exceptions.ReadTimeout):
            log.warning("outbox message %s to %s: no answer within %.1f s; AT may have sent it (uncertain)",
                        ref.ids, ref.who, self.timeout[1])
            return DeliveryResult.uncertain(f"read timeout after {self.timeout[1]:g} s: AT may have sent it")
        if isinstance(exc, requests.exceptions.JSONDecodeError):  # "application/json" whose body is not JSON
            log.warning("outbox message %s to %s: unreadable 2xx answer from AT (uncertain)", ref.ids, ref.who)
            return DeliveryResult.uncertain("unreadable answer: invalid JSON")
        if nothing_sent(exc):
            log.warning("outbox message %s to %s: AT unreachable (%s), retrying later", ref.ids, ref.who, name)
            return DeliveryResult.retry(f"network: {name} before the request was sent")
        # Connection dropped or answer unreadable after the request was written: AT may have it.
        log.warning("outbox message %s to %s: connection lost after the request was sent (%s), uncertain",
                    ref.ids, ref.who, name)
        return DeliveryResult.uncertain(f"network: {name} after the request was sent")

    def _classify_all(self, ref: _Ref, response: object) -> list[DeliveryResult]:
        data = _parsed(response)
        if data is None:
            log.warning("outbox message %s to %s: unreadable 2xx answer from AT (uncertain)", ref.ids, ref.who)
            return ref.every(DeliveryResult.uncertain(f"unreadable answer: {answer_excerpt(str(response))}"))
        summary = data.get("Message")
        recipients = data.get("Recipients")
        if not isinstance(recipients, list) or not recipients:
            text = answer_excerpt(str(summary))
            if summary == "InvalidSenderId":
                log.error("Africa's Talking refuses the sender id %r (outbox message %s): fix SMS_SENDER_ID; "
                          "SMS fail until then", self.sender_id, ref.ids)
                return ref.every(DeliveryResult.permanent("InvalidSenderId: the configured sender id is refused"))
            log.warning("outbox message %s to %s: AT took no recipient (%s), retrying later", ref.ids, ref.who, text)
            return ref.every(DeliveryResult.retry(f"no recipient taken: {text}"))
        entries = [r for r in recipients if isinstance(r, dict)]
        by_number = {str(entry.get("number")): entry for entry in entries}
        results = []
        for message in ref.messages:
            entry = by_number.get(message.recipient)
            if entry is None and len(ref.messages) == 1:
                entry = entries[0] if entries else {}  # one recipient: its entry, whatever number AT wrote
            if entry is None:  # AT answered for others but not this one: it may still have taken it
                log.warning("outbox message %s to %s: AT's answer lists no status for this recipient (uncertain)",
                            message.message_id, mask_phone(message.recipient))
                results.append(DeliveryResult.uncertain("no status for this recipient in AT's answer"))
                continue
            results.append(self._classify(message, entry))
        return results

    def _classify(self, message: OutboundMessage, entry: Mapping[str, Any]) -> DeliveryResult:
        who = mask_phone(message.recipient)
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


class _Ref:
    """The messages of one request, and how its log lines name them (ids; recipients masked)."""

    def __init__(self, messages: list[OutboundMessage]) -> None:
        self.messages = messages
        first = messages[0]
        many = len(messages) > 1
        self.ids = f"{first.message_id}" + (f" and {len(messages) - 1} more" if many else "")
        self.who = mask_phone(first.recipient) + (f" and {len(messages) - 1} more" if many else "")

    def every(self, result: DeliveryResult) -> list[DeliveryResult]:
        """The same result for every message of the request."""
        return [result] * len(self.messages)


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
