"""Bank and mobile-money notifications: payments credited, and refused ones with their reason."""
from __future__ import annotations

from flask import render_template

from gateway.ops import blueprint
from gateway.ops.auth import staff_required
from gateway.ops.views import PAGE_SIZE, offset, page_number
from gateway.runtime import runtime


@blueprint.get("/payments")
@staff_required("viewer")
def payments() -> str:
    """Newest payments and newest refusals (amounts shown to staff; no phone is stored with them)."""
    page, rt = page_number(), runtime()
    with rt.uow_factory() as uow:
        credited = uow.console.payments_page(limit=PAGE_SIZE + 1, offset=offset(page))
        refused = uow.console.rejections_page(limit=PAGE_SIZE + 1, offset=offset(page))
    return render_template("ops/payments.html", payments=credited[:PAGE_SIZE], rejections=refused[:PAGE_SIZE],
                           page=page, more=len(credited) > PAGE_SIZE or len(refused) > PAGE_SIZE, args={})
