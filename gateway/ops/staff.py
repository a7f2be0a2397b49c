"""Staff management for admins: accounts with their role and state, role change, disabling, and the audit trail."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from core.domain.staff import InvalidStaffError, StaffNotFoundError, parse_role
from core.services import staff as staff_service
from core.services.staff import Actor
from gateway.ops import blueprint
from gateway.ops.auth import ROLES, current_staff, staff_required
from gateway.ops.views import PAGE_SIZE, offset, page_number
from gateway.runtime import runtime


@blueprint.get("/staff")
@staff_required("admin")
def staff_list() -> str:
    """Every account, and the newest audit entries."""
    page, rt = page_number(), runtime()
    members = staff_service.list_staff(uow=rt.uow_factory())
    with rt.uow_factory() as uow:
        entries = uow.audit.recent(PAGE_SIZE + 1, offset(page))
    return render_template("ops/staff.html", members=members, entries=entries[:PAGE_SIZE], roles=ROLES, page=page,
                           more=len(entries) > PAGE_SIZE, args={})


@blueprint.post("/staff/<username>/role")
@staff_required("admin")
def staff_role(username: str) -> Response:
    """Give an account another role (effective on its next request)."""
    rt, member = runtime(), current_staff()
    assert member is not None  # staff_required let the request in
    try:
        changed = staff_service.change_role(username, parse_role(request.form.get("role", "")), uow=rt.uow_factory(),
                                            clock=rt.clock, actor=Actor.of(member))
        flash(f"{changed.username} : rôle {changed.role.value}.", "ok")
    except (InvalidStaffError, StaffNotFoundError):
        flash("Compte ou rôle inconnu.", "error")
    return redirect(url_for("ops.staff_list"))


@blueprint.post("/staff/<username>/disable")
@staff_required("admin")
def staff_disable(username: str) -> Response:
    """Disable an account: its open sessions end at once."""
    rt, member = runtime(), current_staff()
    assert member is not None  # staff_required let the request in
    try:
        changed = staff_service.disable_staff(username, uow=rt.uow_factory(), clock=rt.clock, actor=Actor.of(member))
        flash(f"{changed.username} : compte désactivé, ses sessions sont closes.", "ok")
    except (InvalidStaffError, StaffNotFoundError):
        flash("Compte inconnu.", "error")
    return redirect(url_for("ops.staff_list"))
