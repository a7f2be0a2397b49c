"""Navigation keys reserved by the engine, defined once."""
from __future__ import annotations

from typing import Final

BACK: Final = "0"
HOME: Final = "00"
MORE: Final = "98"
RESERVED: Final = frozenset({BACK, HOME, MORE})
