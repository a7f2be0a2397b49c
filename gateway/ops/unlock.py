"""PIN unlock: who is locked or blocked now (masked), and an agent's unlock by employer or insured number."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from core.domain.parties import HolderKind
from core.services.console import LOCKED_PINS_SHOWN, unlock_holder_pin
from core.services.staff import Actor
from gateway.ops import blueprint
from gateway.ops.auth import current_staff, staff_required
from gateway.ops.pages import pin_policy
from gateway.runtime import runtime

HOLDER_KINDS = {HolderKind.EMPLOYER.value: "employeur", HolderKind.INSURED.value: "assuré"}


@blueprint.get("/pins")
@staff_required("viewer")
def pins() -> str:
    """Credentials locked now or blocked until an agent unlocks them."""
    rt, policy = runtime(), pin_policy()
    with rt.uow_factory() as uow:
        locked = uow.console.locked_credentials(rt.clock.now(), len(policy.lock_steps), LOCKED_PINS_SHOWN)
    return render_template("ops/pins.html", locked=locked, blocked=policy.blocks, kinds=HOLDER_KINDS)


@blueprint.post("/pins/unlock")
@staff_required("agent")
def unlock() -> Response:
    """Clear the wrong-PIN count, lock and block (the same service as ``pin-unlock``), audited."""
    rt, member = runtime(), current_staff()
    assert member is not None  # staff_required let the request in
    kind, number = request.form.get("kind", ""), request.form.get("number", "").strip()[:13]
    if kind not in HOLDER_KINDS or not number.isdigit():
        flash("Indiquez employeur ou assuré, et un numéro.", "error")
    elif unlock_holder_pin(HolderKind(kind), number, Actor.of(member), uow_factory=rt.uow_factory, clock=rt.clock):
        flash(f"Accès PIN de l'{HOLDER_KINDS[kind]} {number} déverrouillé.", "ok")
    else:
        flash(f"Aucun PIN n'est défini pour l'{HOLDER_KINDS[kind]} {number}.", "error")
    return redirect(url_for("ops.pins"))
