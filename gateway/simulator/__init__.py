"""The web phone simulator (``/simulator``): development only, never registered in production."""
from __future__ import annotations

from gateway.simulator.pages import blueprint

__all__ = ["blueprint"]
