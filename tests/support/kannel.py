"""A real Kannel (bearerbox, smsbox and the fake SMSC client ``fakesmsc``) on private loopback ports, for the tests.

The helper writes its own ``kannel.conf`` in a temporary directory, starts the three programs, waits until
they answer and stops them (by their own process ids) at the end. ``fakesmsc`` runs in interactive mode:
every MT message bearerbox hands to the fake SMSC is read from its output, and an MO message is injected by
writing a line to its input (``sender receiver text ...``).
"""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote_to_bytes

import pytest

from tests.support.private_servers import free_port

BEARERBOX = "/usr/sbin/bearerbox"
SMSBOX = "/usr/sbin/smsbox"
FAKESMSC = "/usr/lib/kannel/test/fakesmsc"
BINARIES = (BEARERBOX, SMSBOX, FAKESMSC)
USERNAME, PASSWORD = "cnss", "s3cret-pw"
ADMIN_PASSWORD = "admin-pw"
START_TIMEOUT_S = 20.0
# "Got message 3: <+22890112233 8323 udh %05%00%03%01%02%01 text+here>" (the fake SMSC's own line format).
_GOT = re.compile(r"Got message (\d+): <(.*)>\s*$")


def require_kannel() -> None:
    """Fail under CI (never skip there), skip locally, when Kannel's programs are not installed."""
    missing = [path for path in BINARIES if not os.access(path, os.X_OK)]
    if not missing:
        return
    reason = (f"Kannel is not installed ({', '.join(missing)} missing): apt-get install kannel kannel-extras "
              "(scripts/test.sh does it)")
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(reason)
    pytest.skip(reason)


@dataclass(frozen=True)
class FakeSms:
    """One message as the fake SMSC printed it: MT text, or a part of a concatenated one (``udh`` set)."""

    sender: str
    receiver: str
    kind: str  # "text", "data", "udh-data", "ucs2", ...
    text: str  # decoded message data (``data``/``udh``: url-decoded, as bytes read as Latin-1 unless UTF-8)
    udh: bytes = b""
    raw: str = ""


def _decode(value: str) -> bytes:
    return unquote_to_bytes(value.replace("+", " "))


def parse_fake_line(line: str) -> FakeSms | None:
    """A ``Got message`` line of fakesmsc, parsed; None for any other line.

    Observed formats: ``<from> <to> text <literal text>`` and, for each part of a concatenated message,
    ``<from> <to> udh <udh url-encoded> data <text url-encoded>``.
    """
    found = _GOT.search(line)
    if not found:
        return None
    body = found.group(2)
    sender, receiver, kind, rest = (body.split(" ", 3) + ["", "", "", ""])[:4]
    udh = b""
    if kind.startswith("udh"):
        udh_part, _, rest = rest.partition(" ")
        udh = _decode(udh_part)
        subkind, _, rest = rest.partition(" ")
        kind = f"udh-{subkind}"
    if kind.endswith(("data", "ucs2")):
        payload = _decode(rest)
    else:
        payload = rest.encode("utf-8")
    if kind.endswith("ucs2"):
        text = payload.decode("utf-16-be", "replace")
    else:
        try:
            text = payload.decode("utf-8")
        except UnicodeDecodeError:
            text = payload.decode("latin-1")
    return FakeSms(sender, receiver, kind, text, udh, body)


@dataclass
class Kannel:
    """Ports, paths and processes of one private Kannel."""

    directory: Path
    get_url: str
    admin_port: int = field(default_factory=free_port)
    smsbox_port: int = field(default_factory=free_port)
    smsc_port: int = field(default_factory=free_port)
    sendsms_port: int = field(default_factory=free_port)
    http_retries: int = 2
    max_messages: int = 3
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    fake_lines: list[str] = field(default_factory=list)
    _fakesmsc: subprocess.Popen[bytes] | None = None
    _lines_changed: threading.Condition = field(default_factory=threading.Condition)

    @property
    def sendsms_url(self) -> str:
        """The smsbox ``sendsms`` interface."""
        return f"http://127.0.0.1:{self.sendsms_port}/cgi-bin/sendsms"

    @property
    def conf_path(self) -> Path:
        return self.directory / "kannel.conf"

    def conf(self) -> str:
        """The configuration: core, one fake SMSC, smsbox, one sendsms user and the default sms-service."""
        d = self.directory
        return f"""\
group = core
admin-port = {self.admin_port}
admin-password = {ADMIN_PASSWORD}
admin-allow-ip = "127.0.0.1"
smsbox-port = {self.smsbox_port}
box-allow-ip = "127.0.0.1"
log-file = "{d / 'bearerbox.log'}"
log-level = 0
access-log = "{d / 'access.log'}"
dlr-storage = internal

group = smsc
smsc = fake
smsc-id = fake
port = {self.smsc_port}
connect-allow-ip = "127.0.0.1"

group = smsbox
bearerbox-host = 127.0.0.1
sendsms-port = {self.sendsms_port}
log-file = "{d / 'smsbox.log'}"
log-level = 0
http-request-retry = {self.http_retries}
http-queue-delay = 1

group = sendsms-user
username = {USERNAME}
password = {PASSWORD}
max-messages = {self.max_messages}
concatenation = true
user-allow-ip = "127.0.0.1"

group = sms-service
keyword = default
catch-all = true
get-url = "{self.get_url}"
max-messages = 0
"""

    def start(self) -> None:
        """Write the configuration, start bearerbox, smsbox and fakesmsc, and wait until each one is up."""
        self.directory.mkdir(parents=True, exist_ok=True)
        self.conf_path.write_text(self.conf(), encoding="utf-8")
        self._spawn("bearerbox", [BEARERBOX, "-v", "2", str(self.conf_path)])
        _wait_port(self.smsc_port, "bearerbox (fake SMSC port)", self)
        _wait_port(self.smsbox_port, "bearerbox (smsbox port)", self)
        self._fakesmsc = self._spawn("fakesmsc", [FAKESMSC, "-H", "127.0.0.1", "-r", str(self.smsc_port)],
                                         stdin=True, capture=True)
        threading.Thread(target=self._read_fake, name="fakesmsc-reader", daemon=True).start()
        self._spawn("smsbox", [SMSBOX, "-v", "2", str(self.conf_path)])
        _wait_port(self.sendsms_port, "smsbox (sendsms port)", self)
        self._wait_smsc_online()

    def _spawn(self, name: str, argv: list[str], *, stdin: bool = False,
               capture: bool = False) -> subprocess.Popen[bytes]:
        if capture:
            process = subprocess.Popen(argv, stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=self.directory)
        else:
            with (self.directory / f"{name}.out").open("wb") as out:  # the child keeps its own descriptor
                process = subprocess.Popen(argv, stdin=subprocess.PIPE if stdin else subprocess.DEVNULL, stdout=out,
                                           stderr=subprocess.STDOUT, cwd=self.directory)
        self.processes.append(process)
        return process

    def _read_fake(self) -> None:
        assert self._fakesmsc is not None and self._fakesmsc.stdout is not None
        with (self.directory / "fakesmsc.out").open("w", encoding="utf-8") as copy:
            for raw in self._fakesmsc.stdout:
                line = raw.decode("utf-8", "replace")
                copy.write(line)
                copy.flush()
                with self._lines_changed:
                    self.fake_lines.append(line)
                    self._lines_changed.notify_all()

    def _wait_smsc_online(self) -> None:
        """Wait until bearerbox reports the fake SMSC connection online (fakesmsc connected)."""
        import requests

        deadline = time.monotonic() + START_TIMEOUT_S
        status = ""
        while time.monotonic() < deadline:
            try:
                status = requests.get(f"http://127.0.0.1:{self.admin_port}/status.txt",
                                      params={"password": ADMIN_PASSWORD}, timeout=2).text
            except requests.RequestException:
                status = ""
            if re.search(r"fake\[fake\].*\(online", status) and re.search(r"smsbox:.*\(on-line", status):
                return
            time.sleep(0.1)
        raise RuntimeError(f"Kannel did not come up: status {status!r}; logs: {self.logs()}")

    def received(self, count: int, timeout: float = 10.0) -> list[FakeSms]:
        """The MT messages the fake SMSC got, waiting until there are at least ``count``."""
        deadline = time.monotonic() + timeout
        with self._lines_changed:
            while True:
                messages = [m for m in map(parse_fake_line, self.fake_lines) if m is not None]
                left = deadline - time.monotonic()
                if len(messages) >= count or left <= 0:
                    return messages
                self._lines_changed.wait(left)

    def inject(self, sender: str, receiver: str, text: str, *, ucs2: bool = False) -> None:
        """An MO message typed into fakesmsc (interactive mode): ``sender receiver text <text>``, or a UCS-2 one
        (``sender receiver ucs2 <UTF-16BE url-encoded>``)."""
        assert self._fakesmsc is not None and self._fakesmsc.stdin is not None
        line = f"{sender} {receiver} ucs2 {quote(text.encode('utf-16-be'), safe='')}" if ucs2 else (
            f"{sender} {receiver} text {text}")
        self._fakesmsc.stdin.write(f"{line}\n".encode("utf-8"))
        self._fakesmsc.stdin.flush()

    def logs(self) -> str:
        """The tail of every log file, for a failure message."""
        parts = []
        for path in sorted(self.directory.glob("*.log")) + sorted(self.directory.glob("*.out")):
            text = path.read_text("utf-8", "replace")
            parts.append(f"--- {path.name}\n{text[-3000:]}")
        return "\n".join(parts)

    def stop(self) -> None:
        """Stop the processes this helper started (smsbox and fakesmsc first, bearerbox last)."""
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in reversed(self.processes):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
            for stream in (process.stdin, process.stdout):
                if stream is not None:
                    stream.close()


def _wait_port(port: int, what: str, kannel: Kannel) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        for process in kannel.processes:
            if process.poll() is not None:
                raise RuntimeError(f"{process.args!r} exited with {process.returncode}; logs: {kannel.logs()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} is not listening on {port} after {START_TIMEOUT_S:g} s; logs: {kannel.logs()}")
