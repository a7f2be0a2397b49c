"""Incidents: the newest internal failures, and one looked up by the error id a caller quoted."""
from __future__ import annotations

from flask import render_template, request

from gateway.incidents import incident_register
from gateway.ops import blueprint
from gateway.ops.auth import staff_required

SHOWN = 100


@blueprint.get("/incidents")
@staff_required("viewer")
def incidents() -> str:
    """Recent incidents; ``?error_id=`` finds one (what failed and where, never the request's values)."""
    register = incident_register()
    error_id = "".join(ch for ch in request.args.get("error_id", "") if ch.isalnum() or ch in "-_")[:16]
    if register is None:
        return render_template("ops/incidents.html", available=False, recent=[], found=None, error_id=error_id)
    found = register.by_id(error_id) if error_id else None
    return render_template("ops/incidents.html", available=True, recent=register.recent(SHOWN), found=found,
                           error_id=error_id)
