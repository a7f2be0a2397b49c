"""Every setting the gateway reads is documented in the README's settings table, and nothing more."""
from __future__ import annotations

import re
from pathlib import Path

import config

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_documents_every_setting_and_no_other() -> None:
    rows = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", README.read_text(encoding="utf-8"), re.M))
    assert set(config.SETTINGS) - rows == set(), "settings missing from the README table"
    assert rows - set(config.SETTINGS) == set(), "README rows for settings config.py does not read"
