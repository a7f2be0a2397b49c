"""Employer requests beyond quitus and claims: registering a worker, a work accident, a payment already made."""
from __future__ import annotations

from core.domain.requests import DECLARED_PAYMENT, WORK_ACCIDENT, WORKER_REGISTRATION, ServiceRequest
from menus import forms
from menus.context import Ctx
from menus.dsl import Goto, Menu, Option, Values


def _accident_deadline(ctx: Ctx, _request: ServiceRequest) -> Values:
    """The time an employer has to declare a work accident (a dated parameter)."""
    return {"hours": ctx.backend.rulebook.services.at(ctx.backend.clock.today()).work_accident_hours}


# Options 5 to 7 of the employer's "Demandes" menu (menus/screens/requests.py); 8 and 9 stay free.
OPTIONS = (
    Option("5", "requests.workers_option", Goto("requests.workers")),
    Option("6", "requests.declared_payment_option", forms.start(DECLARED_PAYMENT)),
    Option("7", "requests.profile_option", Goto("profile.home")),
)

SCREENS = (
    Menu("requests.workers", "requests.workers", (
        Option("1", "requests.worker_option", forms.start(WORKER_REGISTRATION)),
        Option("2", "requests.accident_option", forms.start(WORK_ACCIDENT)),
    )),
    *forms.form_screens(WORKER_REGISTRATION),
    *forms.form_screens(WORK_ACCIDENT, end_values=_accident_deadline),
    *forms.form_screens(DECLARED_PAYMENT),
)
PROTECTED = ("requests.workers", *forms.protected(WORKER_REGISTRATION), *forms.protected(WORK_ACCIDENT),
             *forms.protected(DECLARED_PAYMENT))
