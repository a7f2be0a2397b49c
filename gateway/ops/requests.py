"""Requests of every kind: list by kind and status, detail (phones masked), and an agent's status change told by SMS."""
from __future__ import annotations

from typing import Final

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from core.domain.errors import RequestNotFoundError
from core.domain.parties import HolderKind
from core.domain.requests import KINDS, MAX_NOTE, FieldType, InvalidRequestDetailsError, RequestStatus, \
    ServiceRequest, UnknownRequestStatusError, parse_status
from core.services.console import set_request_status
from core.services.staff import Actor
from gateway.ops import blueprint
from gateway.ops.auth import current_staff, staff_required
from gateway.ops.views import PAGE_SIZE, masked, offset, page_number
from gateway.runtime import runtime
from menus.request_texts import CatalogueRequestWording

KIND_LABELS: Final = {
    "quitus": "quitus social", "attestation": "attestation individuelle", "claim": "réclamation",
    "worker_registration": "immatriculation d'un salarié", "work_accident": "accident du travail",
    "declared_payment": "paiement déjà fait", "phone_change": "changement de téléphone",
    "email_change": "changement d'e-mail", "address_change": "changement d'adresse",
    "old_age_pension": "pension de vieillesse", "invalidity_pension": "pension d'invalidité",
    "prenatal_allowance": "allocation prénatale", "maternity_allowance": "indemnité de maternité",
    "child_declaration": "déclaration d'enfant", "spouse_declaration": "déclaration de conjoint",
    "occupational_disease": "maladie professionnelle", "domestic_employer": "pré-immatriculation employeur de maison",
    "business_employer": "pré-immatriculation entreprise", "voluntary_insurance": "assurance volontaire",
    "self_employed": "travailleur indépendant",
}
TRACKING_CHARS: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def shown_fields(req: ServiceRequest) -> list[tuple[str, str]]:
    """The form's fields as staff see them: phone fields masked, everything else as filed."""
    phones = {f.name for f in req.kind.fields if f.type is FieldType.PHONE}
    return [(name, masked(str(value)) if name in phones else str(value)) for name, value in req.details.items()]


def holder(req: ServiceRequest) -> str:
    """Who filed: an account number, or a masked phone for someone without an account."""
    if req.holder_kind is HolderKind.PHONE:
        return "téléphone " + masked(req.holder_number)
    return ("employeur " if req.holder_kind is HolderKind.EMPLOYER else "assuré ") + req.holder_number


@blueprint.app_template_filter("kind_label")
def kind_label(kind: str) -> str:
    """The French name of a kind of request."""
    return KIND_LABELS.get(kind, kind)


@blueprint.get("/requests")
@staff_required("viewer")
def requests_list() -> str:
    """Newest requests first, filtered by kind and status."""
    kind = request.args.get("kind", "")
    kind = kind if kind in KINDS else ""
    status = request.args.get("status", "")
    status = status if status in {s.value for s in RequestStatus} else ""
    page, rt = page_number(), runtime()
    with rt.uow_factory() as uow:
        found = uow.console.requests_page(kind=kind or None, status=status or None, limit=PAGE_SIZE + 1,
                                          offset=offset(page))
    args = {k: v for k, v in (("kind", kind), ("status", status)) if v}
    return render_template("ops/requests.html", found=found[:PAGE_SIZE], more=len(found) > PAGE_SIZE, page=page,
                           args=args, kinds=list(KINDS), statuses=[s.value for s in RequestStatus], kind=kind,
                           status=status, holder=holder)


@blueprint.get("/requests/<tracking>")
@staff_required("viewer")
def request_detail(tracking: str) -> str:
    """One request: its fields (phones masked), status, note, and the status form for agents."""
    rt = runtime()
    with rt.uow_factory() as uow:
        found = uow.requests.get(_tracking(tracking))
    if found is None:
        abort(404)
    return render_template("ops/request.html", req=found, fields=shown_fields(found), holder=holder(found),
                           statuses=[s.value for s in RequestStatus], max_note=MAX_NOTE)


@blueprint.post("/requests/<tracking>/status")
@staff_required("agent")
def request_status(tracking: str) -> Response:
    """Move the request (the same service as ``request-status``): the person is told by SMS."""
    rt, member, number = runtime(), current_staff(), _tracking(tracking)
    assert member is not None  # staff_required let the request in
    try:
        status = parse_status(request.form.get("status", ""))
        changed = set_request_status(number, status, request.form.get("note", "")[:200] or None, Actor.of(member),
                                     uow_factory=rt.uow_factory, clock=rt.clock, wording=CatalogueRequestWording())
        flash(f"{changed.tracking_number} : {changed.status.value} — la personne est prévenue par SMS.", "ok")
    except UnknownRequestStatusError:
        flash("Statut inconnu.", "error")
    except InvalidRequestDetailsError:
        flash(f"La note dépasse {MAX_NOTE} caractères.", "error")
    except RequestNotFoundError:
        abort(404)
    return redirect(url_for("ops.request_detail", tracking=number))


def _tracking(raw: str) -> str:
    number = raw.strip().upper()
    if not 0 < len(number) <= 12 or not set(number) <= TRACKING_CHARS:
        abort(404)
    return number
