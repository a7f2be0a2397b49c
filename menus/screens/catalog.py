"""All screens in one registry, built once at start-up."""
from __future__ import annotations

from menus.registry import Registry
from menus.screens import (
    auth,
    common,
    declaration,
    declaration_workers,
    employer,
    employer_requests,
    enrolment,
    insured,
    insured_requests,
    payment,
    profile,
    public,
    quitus,
    requests,
    settings,
)

_MODULES = (common, auth, public, settings, employer, payment, declaration, declaration_workers, quitus, requests, insured,
            insured_requests, employer_requests, profile, enrolment)
# Where sessions may start or end without a declared edge: the engine's own screens and the entry router's.
ROOTS = ("session.resume", "auth.pick_account", "auth.pin", "auth.activation_code", "auth.locked", "public.home",
         "common.too_many_errors", "common.sms_follows", "common.internal_error", "common.busy", "common.service_busy",
         "session.too_many")


def build_registry() -> Registry:
    """Every screen of every flow."""
    screens = [screen for module in _MODULES for screen in module.SCREENS]
    protected = [screen_id for module in _MODULES for screen_id in getattr(module, "PROTECTED", ())]
    return Registry(screens, ROOTS, protected)
