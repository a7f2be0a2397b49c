"""Layering is enforced: gateway -> menus -> core, and the domain imports no framework."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_every_module_opens_with_a_docstring() -> None:
    missing = []
    for package in ("core", "menus", "gateway"):
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text(encoding="utf-8").lstrip()
            if "versions" not in path.parts and not text.startswith('"""'):
                missing.append(str(path.relative_to(ROOT)))
    missing += [] if (ROOT / "app.py").read_text().startswith('"""') else ["app.py"]
    assert missing == []


def test_the_code_is_strictly_typed() -> None:
    mypy = Path(sys.executable).with_name("mypy")
    result = subprocess.run([str(mypy), "--strict", "core", "menus", "gateway", "app.py", "config.py"], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_unused_import_undefined_name_or_repeated_text_key() -> None:
    result = subprocess.run([sys.executable, "-m", "pyflakes", "core", "menus", "gateway", "tests", "bench", "app.py",
                             "config.py"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
