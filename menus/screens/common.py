"""Screens the engine itself ends on: too many errors, SMS follows, service busy, internal error."""
from __future__ import annotations

from menus.dsl import Final

SCREENS = (
    Final("common.too_many_errors", "common.too_many_errors"),
    Final("common.sms_follows", "common.sms_follows"),
    Final("common.internal_error", "common.internal_error"),
    Final("common.busy", "common.busy"),
    Final("common.service_busy", "common.service_busy"),
)
