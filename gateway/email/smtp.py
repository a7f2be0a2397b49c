"""SMTP transport of the outbox: one email per message with the standard library, the reply classified."""
from __future__ import annotations

import enum
import hashlib
import logging
import re
import smtplib
import ssl
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from urllib.parse import parse_qs, unquote, urlsplit

from core.domain.delivery import DeliveryResult
from core.domain.outbox import MessageChannel, OutboundMessage

log = logging.getLogger(__name__)

DEFAULT_SENDER = "CNSS Togo <no-reply@cnss.tg>"
_TRUE = {"1", "true", "yes", "on"}
_QUEUE_ID = re.compile(r"queued as ([A-Za-z0-9._@-]+)", re.IGNORECASE)
_LOCAL_PART = re.compile(r"[^\s<>()\[\]@,;:\"']+@")


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """Where and how to connect, parsed from ``smtp[s]://[user:pass@]host[:port][?starttls=1]``."""

    host: str
    port: int
    implicit_tls: bool = False
    starttls: bool = False
    username: str | None = None
    password: str | None = None


def parse_smtp_url(url: str) -> SmtpSettings:
    """Read an SMTP URL; ``smtps`` is TLS from the first byte (port 465 by default), ``smtp`` port 25."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("SMTP_URL must look like smtp://host:port or smtps://user:pass@host:port")
    query = parse_qs(parts.query)
    starttls = (query.get("starttls") or ["0"])[-1].lower() in _TRUE
    implicit_tls = parts.scheme == "smtps"
    if implicit_tls and starttls:
        raise ValueError("SMTP_URL: smtps:// already uses TLS, drop ?starttls=1")
    return SmtpSettings(
        host=parts.hostname, port=parts.port or (465 if implicit_tls else 25), implicit_tls=implicit_tls,
        starttls=starttls, username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None)


class _Stage(enum.Enum):
    SESSION = "session"  # connecting, greeting, EHLO, STARTTLS, AUTH: nothing about this message yet
    ENVELOPE = "envelope"  # MAIL FROM, RCPT TO, DATA command: the server has not got the content
    CONTENT = "content"  # the content is being handed over or was: the server may have queued it


class _Refused(Exception):
    """The server answered a command of this message with a code other than the expected one."""

    def __init__(self, command: str, code: int, reply: bytes | str) -> None:
        super().__init__(command, code)
        self.command, self.code = command, code
        self.reply = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply


class SmtpTransport:
    """Sends EMAIL messages of the outbox through one SMTP server (one connection per message)."""

    channel = MessageChannel.EMAIL

    def __init__(self, url: str, sender: str = DEFAULT_SENDER, timeout: float = 10) -> None:
        self.settings = parse_smtp_url(url)
        self.sender = sender
        self.timeout = timeout
        self.envelope_sender = parseaddr(sender)[1]
        if "@" not in self.envelope_sender:
            raise ValueError("the sender needs an address, e.g. 'CNSS Togo <no-reply@cnss.tg>'")
        self.domain = self.envelope_sender.rpartition("@")[2]

    def __repr__(self) -> str:
        s = self.settings
        return f"SmtpTransport({'smtps' if s.implicit_tls else 'smtp'}://{s.host}:{s.port})"  # never the password

    def compose(self, message: OutboundMessage) -> EmailMessage:
        """The email of one message: UTF-8 text, stable ``Message-ID`` from the idempotency key."""
        email = EmailMessage(policy=policy.SMTPUTF8 if not message.recipient.isascii() else policy.SMTP)
        email["From"] = self.sender
        email["To"] = message.recipient
        email["Subject"] = message.subject or ""
        email["Date"] = formatdate(usegmt=True)
        email["Message-ID"] = self.message_id(message)
        email.set_content(message.body, charset="utf-8", cte="quoted-printable")  # 7-bit safe, no 8BITMIME
        return email

    def message_id(self, message: OutboundMessage) -> str:
        """The same for every attempt of a message, so receiving systems can drop a duplicate."""
        digest = hashlib.sha256(message.idempotency_key.encode("utf-8")).hexdigest()[:40]
        return f"<{digest}.outbox@{self.domain}>"

    def send(self, message: OutboundMessage) -> DeliveryResult:
        """Send one email and classify what happened; never raises for an SMTP or network failure."""
        try:
            email = self.compose(message)
            content = _dot_stuffed(email.as_bytes())
        except (ValueError, TypeError) as exc:  # e.g. a line break in the address: no retry can fix it
            return DeliveryResult.permanent(f"cannot compose the email: {type(exc).__name__}")
        stage = _Stage.SESSION
        smtp: smtplib.SMTP | None = None
        try:
            smtp = self._open()
            stage = _Stage.ENVELOPE
            _expect(smtp.mail(self.envelope_sender, self._mail_options(smtp, message)), "MAIL FROM", 250)
            _expect(smtp.rcpt(message.recipient), "RCPT TO", 250, 251)
            smtp.putcmd("data")
            _expect(smtp.getreply(), "DATA", 354)
            stage = _Stage.CONTENT
            smtp.send(content)
            code, reply = smtp.getreply()
            if not 200 <= code < 300:
                raise _Refused("end of data", code, reply)
            _quit(smtp)
            return DeliveryResult.accepted(_queue_id(reply) or self.message_id(message).strip("<>"))
        except _Refused as refused:
            return _classify_reply(refused, stage, message)
        except smtplib.SMTPResponseException as exc:  # greeting, EHLO, STARTTLS or AUTH answered with an error
            log.error("SMTP %s:%d refused the session (%d) for outbox message %s: check SMTP_URL",
                      self.settings.host, self.settings.port, exc.smtp_code, message.message_id)
            return DeliveryResult.retry(f"smtp session refused: {exc.smtp_code} {_redact(_text(exc.smtp_error))}")
        except (smtplib.SMTPException, OSError) as exc:  # timeouts, refused or dropped connections, TLS errors
            if stage is _Stage.CONTENT:
                return DeliveryResult.uncertain(f"no answer after the content was sent: {type(exc).__name__}")
            log.warning("SMTP %s:%d unreachable for outbox message %s during %s: %s", self.settings.host,
                        self.settings.port, message.message_id, stage.value, type(exc).__name__)
            return DeliveryResult.retry(f"smtp {stage.value}: {type(exc).__name__}")
        finally:
            if smtp is not None:
                smtp.close()  # after a failure, no polite QUIT: it could wait out another timeout

    def _open(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if s.implicit_tls:
            smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=self.timeout)
        try:
            smtp.ehlo_or_helo_if_needed()
            if s.starttls:
                smtp.starttls(context=context)
                smtp.ehlo()
            if s.username is not None:
                smtp.login(s.username, s.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _mail_options(self, smtp: smtplib.SMTP, message: OutboundMessage) -> list[str]:
        if message.recipient.isascii():
            return []
        if not smtp.has_extn("smtputf8"):
            raise _Refused("MAIL FROM", 553, "the server cannot take a non-ASCII address (no SMTPUTF8)")
        return ["SMTPUTF8"]


def _expect(answer: tuple[int, bytes], command: str, *codes: int) -> None:
    code, reply = answer
    if code not in codes:
        raise _Refused(command, code, reply)


def _classify_reply(refused: _Refused, stage: _Stage, message: OutboundMessage) -> DeliveryResult:
    """A reply code, by where it came: 4xx retry, 5xx permanent; anything odd after the content is uncertain."""
    error = f"{refused.command}: {refused.code} {_redact(refused.reply)}"
    if 400 <= refused.code < 500:
        return DeliveryResult.retry(error)
    if 500 <= refused.code < 600:
        log.info("SMTP refused outbox message %s for good at %s (%d)", message.message_id, refused.command,
                 refused.code)
        return DeliveryResult.permanent(error)
    if stage is _Stage.CONTENT:
        return DeliveryResult.uncertain(error)
    return DeliveryResult.retry(error)


def _dot_stuffed(content: bytes) -> bytes:
    """The DATA payload: CRLF lines, leading dots doubled, ended by ``CRLF . CRLF`` (RFC 5321 4.5.2)."""
    content = re.sub(rb"(?m)^\.", b"..", content)
    if not content.endswith(b"\r\n"):
        content += b"\r\n"
    return content + b".\r\n"


def _queue_id(reply: bytes) -> str | None:
    match = _QUEUE_ID.search(reply.decode("utf-8", "replace"))
    return match.group(1)[:100] if match else None


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply


def _redact(reply: str) -> str:
    """A server reply for the record: addresses it echoes keep only their domain."""
    return _LOCAL_PART.sub("***@", " ".join(reply.split()))[:300]


def _quit(smtp: smtplib.SMTP) -> None:
    """Say goodbye after a delivery; the message is already accepted, so a failure here changes nothing."""
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()
