"""Reading a request's tracking number off the screen that filed it."""
from __future__ import annotations

import re


def tracking_number(prefix: str, screen: str) -> str:
    """The ``<prefix>`` + 8 digits tracking number an END screen shows after ``Suivi:``."""
    found = re.search(rf"Suivi: ({prefix}\d{{8}})", screen)
    assert found, screen
    return found.group(1)
