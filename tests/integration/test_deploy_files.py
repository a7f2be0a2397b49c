"""The deploy files hold together: env.example is generated from config.SETTINGS, the units are valid systemd
units calling real commands, their shell steps do what they say, and install.sh's dry run changes nothing."""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import click
import pytest

from app import create_app
from config import PRODUCTION, SETTINGS, load_config, production_faults

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = DEPLOY / "systemd"
VENV = "/opt/cnss-gateway/venv"
SERVICES = sorted(UNITS.glob("*.service"))
JOBS = ("remind", "reconcile", "purge")
HARDENING = ("User=cnss-gateway", "Group=cnss-gateway", "EnvironmentFile=/etc/cnss-gateway/env",
             "NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes", "ReadWritePaths=/var/lib/cnss-gateway")


def _env_file(path: Path) -> dict[str, str]:
    """The NAME=value lines of an environment file (comments skipped)."""
    pairs = (line.split("=", 1) for line in path.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.lstrip().startswith("#"))
    return {name.strip(): value.strip() for name, value in pairs}


def _directives(unit: Path, key: str) -> list[str]:
    """Every value of ``key`` in a unit file, with systemd's own escapes ($$, %%) undone."""
    return [line.split("=", 1)[1].replace("$$", "$").replace("%%", "%")
            for line in unit.read_text(encoding="utf-8").splitlines() if line.startswith(f"{key}=")]


def _command(unit: str, key: str = "ExecStart", index: int = 0) -> list[str]:
    return shlex.split(_directives(UNITS / unit, key)[index])


def test_env_example_is_what_the_script_prints_from_the_settings() -> None:
    printed = subprocess.run([sys.executable, "scripts/env_example.py"], cwd=ROOT, capture_output=True, text=True,
                             timeout=60, check=True).stdout
    assert (DEPLOY / "env.example").read_text(encoding="utf-8") == printed, (
        "deploy/env.example is stale: run .venv/bin/python scripts/env_example.py > deploy/env.example")
    text = printed
    for name in SETTINGS:
        assert re.search(rf"^#?{name}=", text, re.M), f"{name} missing from deploy/env.example"


def test_env_example_leaves_exactly_the_production_requirements_to_fill_and_starts_once_filled(
        tmp_path: Path) -> None:
    example = _env_file(DEPLOY / "env.example")
    blank = {name for name, value in example.items() if not value}
    assert example["GATEWAY_ENV"] == PRODUCTION
    faults = production_faults(load_config(example, str(tmp_path), {"PROMETHEUS_MULTIPROC_DIR": None}))
    assert {fault.split()[0] for fault in faults} == blank, "each blank line is a fault production names, and back"
    filled = {**example, "DATABASE_URL": "postgresql://cnss_gateway@db:5432/cnss_gateway",
              "REDIS_URL": "redis://redis:6379/0", "GATEWAY_SECRET_KEY": "k" * 32, "PIN_PEPPER": "k1:" + "p" * 32,
              "AT_CALLBACK_KEY": "c" * 32, "BANK_API_SECRET": "b" * 32, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    assert production_faults(load_config(filled, str(tmp_path))) == []
    assert example["PROMETHEUS_MULTIPROC_DIR"].startswith("/var/lib/cnss-gateway/"), "inside the units' writable path"


def test_the_units_are_valid_for_systemd(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze is missing: apt-get install systemd"
    venv = tmp_path / "venv" / "bin"
    venv.mkdir(parents=True)
    for tool in ("flask", "granian"):
        (venv / tool).write_text("#!/bin/sh\n")
        (venv / tool).chmod(0o755)
    for unit in UNITS.iterdir():  # the same files, pointing at executables that exist here
        (tmp_path / unit.name).write_text(unit.read_text(encoding="utf-8").replace(VENV, str(tmp_path / "venv")))
    checked = subprocess.run([analyze, "verify", *sorted(str(p) for p in tmp_path.glob("cnss-gateway-*"))],
                             capture_output=True, text=True, timeout=120)
    assert (checked.returncode, checked.stdout + checked.stderr) == (0, "")


def test_every_service_runs_hardened_as_the_service_user_and_every_daily_job_has_its_timer() -> None:
    names = {unit.name for unit in UNITS.iterdir()}
    assert {"cnss-gateway-web.service", "cnss-gateway-outbox.service"} <= names
    for job in JOBS:
        assert {f"cnss-gateway-{job}.service", f"cnss-gateway-{job}.timer"} <= names
        assert "OnCalendar=*-*-* " in (UNITS / f"cnss-gateway-{job}.timer").read_text()
    for service in SERVICES:
        lines = set(service.read_text(encoding="utf-8").splitlines())
        assert set(HARDENING) - lines == set(), service.name


def test_the_units_call_commands_and_options_the_app_has(tmp_path: Path) -> None:
    commands = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'gw.db'}"}).cli.commands
    calls = []
    for service in SERVICES:
        for key in ("ExecStartPre", "ExecStart"):
            for line in _directives(service, key):
                calls += re.findall(rf"{VENV}/bin/flask --app app ([\w-]+)((?: [^;&'\"]*)?)", line)
    assert {call[0] for call in calls} >= {"db-upgrade", "outbox-work", *JOBS}
    for name, rest in calls:
        assert name in commands, f"no flask command {name}"
        known = {opt for param in commands[name].params if isinstance(param, click.Option) for opt in param.opts}
        assert set(re.findall(r"--[\w-]+", rest)) <= known, f"{name}: unknown option in {rest!r}"
    web = _directives(UNITS / "cnss-gateway-web.service", "ExecStart")
    assert web == [f"{VENV}/bin/granian app:create_app"], "the web unit runs granian configured by granian.env"


def test_the_web_unit_empties_the_metrics_directory_before_it_starts(tmp_path: Path) -> None:
    metrics = tmp_path / "metrics"
    metrics.mkdir()
    (metrics / "counter_123.db").write_text("old")
    (metrics / "gone").mkdir()
    empty = _command("cnss-gateway-web.service", "ExecStartPre", 0)
    subprocess.run(empty, env={**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(metrics)}, check=True, timeout=30)
    assert metrics.is_dir() and list(metrics.iterdir()) == []
    unset = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    subprocess.run(empty, env=unset, check=True, timeout=30)  # not set: nothing to empty, the start goes on
    assert shlex.split(_directives(UNITS / "cnss-gateway-web.service", "ExecStartPre")[1])[-1] == "db-upgrade"


def test_the_reconcile_job_reports_the_day_before_in_lome(tmp_path: Path) -> None:
    stub = tmp_path / "flask"
    stub.write_text('#!/bin/sh\nprintf "%s\\n" "$@"\n')
    stub.chmod(0o755)
    command = [part.replace(f"{VENV}/bin/flask", str(stub)) for part in _command("cnss-gateway-reconcile.service")]
    ran = subprocess.run(command, env={**os.environ, "GATEWAY_TIMEZONE": "Africa/Lome"}, capture_output=True,
                         text=True, check=True, timeout=30)
    yesterday = (datetime.now(ZoneInfo("Africa/Lome")) - timedelta(days=1)).date().isoformat()
    assert ran.stdout.splitlines() == ["--app", "app", "reconcile", yesterday, "--output",
                                       f"/var/lib/cnss-gateway/reconciliation/reconciliation-{yesterday}.csv"]


def test_granian_env_sets_only_variables_granian_reads() -> None:
    help_text = subprocess.run([str(Path(sys.executable).with_name("granian")), "--help"], capture_output=True,
                               text=True, timeout=60, check=True).stdout
    known = set(re.findall(r"env\s+var:\s+(GRANIAN_[A-Z0-9_]+)", help_text.replace("\n", " ")))
    settings = _env_file(DEPLOY / "granian.env")
    assert settings["GRANIAN_INTERFACE"] == "wsgi" and settings["GRANIAN_FACTORY"] == "true"
    assert set(settings) - known == set()


def test_install_script_parses_and_its_dry_run_lists_every_step_and_changes_nothing() -> None:
    script = DEPLOY / "install.sh"
    assert subprocess.run(["bash", "-n", str(script)], timeout=30).returncode == 0
    assert subprocess.run(["sh", "-n", str(DEPLOY / "cnss-flask")], timeout=30).returncode == 0
    existed = Path("/opt/cnss-gateway").exists()
    ran = subprocess.run(["bash", str(script), "--dry-run"], capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stderr
    out = ran.stdout
    assert "useradd --system" in out or "user cnss-gateway exists" in out
    assert re.search(r"would run: \S*python3? -m venv /opt/cnss-gateway/venv", out) or "venv exists" in out
    assert "pip install --quiet --disable-pip-version-check -r /opt/cnss-gateway/app/requirements.txt" in out
    for unit in UNITS.iterdir():
        assert f"/etc/systemd/system/{unit.name}" in out, unit.name
    assert "/etc/cnss-gateway/env" in out and "would run: systemctl daemon-reload" in out.splitlines()
    assert Path("/opt/cnss-gateway").exists() == existed, "a dry run creates nothing"
    wrong = subprocess.run(["bash", str(script), "--bogus"], capture_output=True, text=True, timeout=30)
    assert wrong.returncode == 2 and "unknown argument" in wrong.stderr


@pytest.mark.parametrize("document", ["docs/OPERATIONS.md", "README.md"])
def test_the_operations_guide_is_linked_and_names_every_deploy_file(document: str) -> None:
    text = (ROOT / document).read_text(encoding="utf-8")
    if document == "README.md":
        assert "docs/OPERATIONS.md" in text
        return
    for unit in UNITS.iterdir():
        assert unit.name in text, f"{unit.name} not described in {document}"
    for name in ("deploy/install.sh", "deploy/env.example", "deploy/granian.env", "cnss-flask"):
        assert name in text
