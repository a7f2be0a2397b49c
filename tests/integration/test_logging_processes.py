"""The app configures its own logs: JSON lines at INFO under granian and in the worker command, phones masked."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from config import SETTINGS
from core.adapters.sqlalchemy.database import make_engine
from core.adapters.sqlalchemy.migrate import upgrade
from core.adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from core.domain.outbox import sms_message
from tests.support.fake_at import FakeAfricasTalking, Reply
from tests.support.private_servers import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PHONE = "+22896123456"


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'gw.db'}", PYTHONUNBUFFERED="1", **extra)
    engine = make_engine(env["DATABASE_URL"])
    upgrade(engine)
    engine.dispose()
    return env


def _json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def _post(url: str, form: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=urllib.parse.urlencode(form).encode(), method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def granian(env: dict[str, str], *, workers: int) -> tuple[subprocess.Popen[str], str]:
    """The app under granian on a free port, once it answers ``/healthz`` (or after 15 s); the process and its URL."""
    port = free_port()
    server = subprocess.Popen([str(BIN / "granian"), "--interface", "wsgi", "--factory", "--host", "127.0.0.1",
                               "--port", str(port), "--workers", str(workers), "app:create_app"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    return server, base


def test_under_granian_info_lines_are_json_with_time_level_and_request_id(tmp_path: Path) -> None:
    server, base = granian(_env(tmp_path), workers=1)
    try:
        sms = {"from": PHONE, "to": "8323", "text": "AIDE", "id": "log-1", "date": "2026-11-23 10:00:00"}
        assert _post(base + "/gateway/at/sms/inbound", sms) == 200
        hop = {"sessionId": "S-log", "phoneNumber": "garbage", "networkCode": "61501", "serviceCode": "*909#",
               "text": ""}
        assert _post(base + "/gateway/at/ussd", hop) == 400
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0]
    lines = [line for line in _json_lines(output) if line["logger"].startswith("gateway")]
    assert {"INFO", "WARNING"} <= {line["level"] for line in lines}, output
    for line in lines:
        assert {"time", "level", "logger", "message", "request_id"} <= set(line)
        assert datetime.fromisoformat(line["time"]).tzinfo is not None
    assert PHONE not in output and PHONE[4:] not in output


def test_the_worker_command_logs_json_lines_too(tmp_path: Path) -> None:
    with FakeAfricasTalking() as fake:
        fake.default = Reply.http_error(500)  # a retry, which the worker logs at INFO
        env = _env(tmp_path, AT_API_KEY=fake.api_key, AT_USERNAME="sandbox", AT_API_BASE_URL=fake.url)
        engine = make_engine(env["DATABASE_URL"])
        with SqlAlchemyUnitOfWorkFactory(engine)() as uow:
            uow.outbox.add(sms_message(PHONE, "CNSS: test", "payment_receipt", "log-test",
                                       datetime.now(timezone.utc) - timedelta(seconds=1), essential=True))
            uow.commit()
        engine.dispose()
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "outbox-work", "--once"], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = _json_lines(done.stderr)
    assert any(line["level"] == "INFO" and "attempt 1 failed" in line["message"] for line in lines), done.stderr
    assert PHONE not in done.stderr
