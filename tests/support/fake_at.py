"""A scriptable fake of Africa's Talking's bulk SMS endpoint (``POST /version1/messaging``) on 127.0.0.1."""
from __future__ import annotations

import argparse
import json
import threading
import time
from collections import Counter, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs

ACCEPTED, REFUSED, HTTP_ERROR, UNANSWERED, RAW = "accepted", "refused", "http_error", "unanswered", "raw"


@dataclass(frozen=True, slots=True)
class Reply:
    """How the fake answers one request; build it with the class methods."""

    kind: str
    status_code: int = 101  # per-recipient statusCode (accept and recipient errors)
    status: str = "Success"
    http_status: int = 201
    content_type: str = "application/json"
    delay_s: float = 0.0  # sleep before answering; the message counts as taken at arrival all the same
    body: str = ""

    @classmethod
    def accept(cls, *, content_type: str = "application/json", status_code: int = 101,
               delay_s: float = 0.0) -> Reply:
        """Taken (100 Processed, 101 Sent, 102 Queued): a ``messageId`` ``ATXid_<n>``."""
        status = {100: "Processed", 101: "Success", 102: "Queued"}[status_code]
        return cls(ACCEPTED, status_code, status, 201, content_type, delay_s)

    @classmethod
    def recipient_error(cls, status_code: int, status: str, *, content_type: str = "application/json") -> Reply:
        """A per-recipient refusal, e.g. ``(403, "InvalidPhoneNumber")``: ``messageId`` "None", cost 0."""
        return cls(REFUSED, status_code, status, 201, content_type)

    @classmethod
    def invalid_sender(cls) -> Reply:
        """``{"SMSMessageData": {"Message": "InvalidSenderId", "Recipients": []}}``."""
        return cls(REFUSED, 0, "InvalidSenderId", 201)

    @classmethod
    def http_error(cls, http_status: int, body: str = "") -> Reply:
        """A non-2xx answer with a text body (the SDK raises ``AfricasTalkingException(body)``)."""
        return cls(HTTP_ERROR, 0, "", http_status, "text/plain", 0.0, body or f"HTTP {http_status}")

    @classmethod
    def raw(cls, body: str, *, content_type: str = "text/html", http_status: int = 200) -> Reply:
        """Any body at all (e.g. an unparseable 2xx)."""
        return cls(RAW, 0, "", http_status, content_type, 0.0, body)

    @classmethod
    def hold(cls) -> Reply:
        """Keep the request open without answering until :meth:`FakeAfricasTalking.release`, then hang up.

        The fake never took this message: it is recorded as ``unanswered``, not ``accepted``.
        """
        return cls(UNANSWERED, 0, "", 0)


@dataclass(frozen=True, slots=True)
class ReceivedSms:
    """One recipient of one request that reached the fake with the right key, and what became of it."""

    seq: int  # arrival order of the request, from 1
    to: str
    message: str
    sender: str | None
    username: str
    outcome: str  # accepted, refused, http_error, unanswered, raw
    message_id: str | None
    at: float  # time.monotonic() of the arrival


@dataclass
class _Script:
    default: Reply = field(default_factory=Reply.accept)
    queue: deque[Reply] = field(default_factory=deque)
    by_number: dict[str, Reply] = field(default_factory=dict)
    at_seq: dict[int, Reply] = field(default_factory=dict)


class FakeAfricasTalking:
    """A threaded HTTP server answering like Africa's Talking; start it with ``with FakeAfricasTalking() as fake``.

    The reply for a request is, in order of precedence: the one set for its arrival number
    (:meth:`reply_at`), the next queued one (:meth:`reply_next`), the one set for its number
    (:meth:`reply_to`), then :attr:`default`. Every request with the right ``apiKey`` is recorded in
    :attr:`received` (thread-safe) with its outcome; only ``accepted`` ones count as taken.
    """

    def __init__(self, api_key: str = "key", *, host: str = "127.0.0.1", port: int = 0,
                 default: Reply | None = None) -> None:
        self.api_key = api_key
        self.received: list[ReceivedSms] = []
        self.rejected_auth = 0
        self.connections = 0  # TCP connections accepted (HTTP/1.1 keep-alive: one carries many requests)
        self.held = threading.Event()  # set when a held request has arrived
        self._release = threading.Event()
        self._lock = threading.Lock()
        self._seq = 0
        self._script = _Script(default or Reply.accept())
        self._server = ThreadingHTTPServer((host, port), _handler(self))
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL to give the SDK (``AT_API_BASE_URL``); it posts to ``{url}/version1/messaging``."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def default(self) -> Reply:
        """The answer when nothing more specific is scripted."""
        return self._script.default

    @default.setter
    def default(self, reply: Reply) -> None:
        with self._lock:
            self._script.default = reply

    def reply_next(self, *replies: Reply) -> None:
        """The next requests get these answers, in order."""
        with self._lock:
            self._script.queue.extend(replies)

    def reply_to(self, number: str, reply: Reply) -> None:
        """Every request to ``number`` gets this answer."""
        with self._lock:
            self._script.by_number[number] = reply

    def reply_at(self, seq: int, reply: Reply) -> None:
        """The ``seq``-th request (counting every authenticated request from 1) gets this answer."""
        with self._lock:
            self._script.at_seq[seq] = reply

    def release(self) -> None:
        """Let held requests go: the fake hangs up on them without an answer."""
        self._release.set()

    def start(self) -> FakeAfricasTalking:
        """Serve in a background thread."""
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fake-at", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket (held requests are released)."""
        self.release()
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def run_forever(self) -> None:
        """Serve in the calling thread until interrupted."""
        try:
            self._server.serve_forever(poll_interval=0.2)
        finally:
            self._server.server_close()

    def __enter__(self) -> FakeAfricasTalking:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def reset(self) -> None:
        """Forget what was received and scripted (the default answer is kept)."""
        with self._lock:
            self.received.clear()
            self._seq = 0
            self.connections = 0
            self._script = _Script(self._script.default)
        self.held.clear()
        self._release.clear()

    # What arrived.

    def records(self, outcome: str | None = None) -> list[ReceivedSms]:
        """A snapshot of :attr:`received`, optionally only one outcome."""
        with self._lock:
            return [r for r in self.received if outcome is None or r.outcome == outcome]

    def arrivals(self) -> Counter[tuple[str, str]]:
        """How many times each ``(to, message)`` reached the fake, whatever the answer."""
        return Counter((r.to, r.message) for r in self.records())

    def accepted(self) -> Counter[tuple[str, str]]:
        """How many times each ``(to, message)`` was taken (answered, or due to be answered, with 10x)."""
        return Counter((r.to, r.message) for r in self.records(ACCEPTED))

    def accepted_texts(self) -> Counter[str]:
        """Taken messages counted by text (the tests make each text unique, like an idempotency key)."""
        return Counter(r.message for r in self.records(ACCEPTED))

    def wait_for(self, count: int, outcome: str = ACCEPTED, timeout_s: float = 30.0) -> bool:
        """Wait until ``count`` records of ``outcome`` have arrived; False on timeout."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if len(self.records(outcome)) >= count:
                return True
            time.sleep(0.005)
        return False

    def delivery_report(self, number: str, status: str = "Success") -> dict[str, str]:
        """The delivery-report form AT would post for the last message taken for ``number``."""
        [last, *_] = sorted((r for r in self.records(ACCEPTED) if r.to == number), key=lambda r: -r.seq)
        return {"id": last.message_id or "", "status": status, "phoneNumber": number, "networkCode": "61501",
                "retryCount": "0"}

    # Request handling (called from the server's threads).

    def _answer(self, api_key: str | None,
                form: dict[str, list[str]]) -> tuple[Reply | None, list[tuple[ReceivedSms, Reply]]]:
        """The reply to the request, and each recipient's record with its own reply.

        A reply set by arrival number or queued applies to every recipient of the request; otherwise
        each recipient gets the accept or refusal set for its number (else the default), as AT answers
        per recipient, and the request as a whole gets the first recipient's special reply, if any.
        """
        if api_key != self.api_key:
            with self._lock:
                self.rejected_auth += 1
            return None, []
        username = (form.get("username") or [""])[0]
        numbers = [n.strip() for n in (form.get("to") or [""])[0].split(",") if n.strip()]
        text = (form.get("message") or [""])[0]
        sender = form["from"][0] if form.get("from") else None
        now = time.monotonic()
        with self._lock:
            self._seq += 1
            seq = self._seq
            script = self._script
            whole = script.at_seq.pop(seq, None) or (script.queue.popleft() if script.queue else None)
            own = [whole or script.by_number.get(n, script.default) for n in numbers]
            reply = whole or next((script.by_number[n] for n in numbers if n in script.by_number), script.default)
            pairs: list[tuple[ReceivedSms, Reply]] = []
            for number, mine in zip(numbers, own):
                mine = mine if mine.kind in (ACCEPTED, REFUSED) and reply.kind in (ACCEPTED, REFUSED) else reply
                accepted = mine.kind == ACCEPTED
                pairs.append((ReceivedSms(seq, number, text, sender, username, mine.kind,
                                          f"ATXid_{seq}" + (f"_{len(pairs)}" if pairs else "")
                                          if accepted else None, now), mine))
            self.received.extend(record for record, _ in pairs)
        return reply, pairs


def _handler(fake: FakeAfricasTalking) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "FakeAfricasTalking/1.0"
        protocol_version = "HTTP/1.1"  # keep-alive, like AT's edge; every answer has a Content-Length
        disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall between them

        def setup(self) -> None:
            super().setup()
            with fake._lock:
                fake.connections += 1

        def do_POST(self) -> None:  # noqa: N802 - the http.server naming
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode("utf-8"), keep_blank_values=True)
            if self.path.rstrip("/") != "/version1/messaging":
                self._send(404, "text/plain", "Not Found")
                return
            if not all((form.get(name) or [""])[0] for name in ("username", "to", "message")):
                self._send(400, "text/plain", "Request is missing required form field 'username', 'to' or 'message'")
                return
            reply, pairs = fake._answer(self.headers.get("apiKey"), form)
            if reply is None:
                self._send(401, "text/plain", "The supplied authentication is invalid")
                return
            if reply.kind == UNANSWERED:
                fake.held.set()
                fake._release.wait(timeout=120)
                self.close_connection = True  # hang up without a byte of answer
                return
            if reply.delay_s:
                time.sleep(reply.delay_s)
            if reply.kind == HTTP_ERROR or reply.kind == RAW:
                self._send(reply.http_status, reply.content_type, reply.body)
                return
            self._send(reply.http_status, reply.content_type, json.dumps(_body(reply, pairs)))

        def do_GET(self) -> None:  # noqa: N802
            self._send(405, "text/plain", "Method Not Allowed")

        def _send(self, status: int, content_type: str, body: str) -> None:
            payload = body.encode("utf-8")
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:  # the client gave up (read timeout, killed): the message stays counted
                self.close_connection = True

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
            pass

    return Handler


def _body(reply: Reply, pairs: list[tuple[ReceivedSms, Reply]]) -> dict[str, Any]:
    if reply.kind == REFUSED and reply.status == "InvalidSenderId" and reply.status_code == 0:
        return {"SMSMessageData": {"Message": "InvalidSenderId", "Recipients": []}}
    recipients = [{"statusCode": mine.status_code, "number": r.to, "status": mine.status,
                   "cost": "XOF 25" if mine.kind == ACCEPTED else "0", "messageId": r.message_id or "None"}
                  for r, mine in pairs]
    taken = sum(1 for _, mine in pairs if mine.kind == ACCEPTED)
    cost = f"XOF {25 * taken}" if taken else "0"
    return {"SMSMessageData": {"Message": f"Sent to {taken}/{len(pairs)} Total Cost: {cost}",
                               "Recipients": recipients}}


@contextmanager
def running(api_key: str = "key", default: Reply | None = None) -> Iterator[FakeAfricasTalking]:
    """A started fake, stopped on exit."""
    with FakeAfricasTalking(api_key, default=default) as fake:
        yield fake


def main() -> None:
    """``python -m tests.support.fake_at [--port 8099] [--api-key key] [--delay-ms 0]``: serve until Ctrl-C."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--api-key", default="key")
    parser.add_argument("--delay-ms", type=float, default=0.0)
    args = parser.parse_args()
    fake = FakeAfricasTalking(args.api_key, port=args.port, default=Reply.accept(delay_s=args.delay_ms / 1000))
    print(f"fake Africa's Talking on {fake.url}/version1/messaging (apiKey {args.api_key!r})", flush=True)
    try:
        fake.run_forever()
    except KeyboardInterrupt:
        accepted = fake.accepted()
        print(f"taken {sum(accepted.values())} SMS, {sum(1 for n in accepted.values() if n > 1)} more than once")


if __name__ == "__main__":
    main()
