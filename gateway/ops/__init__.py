"""The operations console for CNSS staff (``/ops``): one blueprint, pages in its modules."""
from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("ops", __name__, url_prefix="/ops", template_folder="templates", static_folder="static",
                      cli_group=None)  # cli_group=None: the staff commands are top-level (flask staff-add)
PAGE_MODULES = ("gateway.ops.auth", "gateway.ops.pages", "gateway.ops.outbox", "gateway.ops.payments",
                "gateway.ops.requests", "gateway.ops.unlock", "gateway.ops.incidents", "gateway.ops.staff",
                "gateway.ops.cli_staff", "gateway.ops.analytics")  # a new page module is added here


def register_pages() -> Blueprint:
    """Import every page module (each adds its routes to ``blueprint``) and return the blueprint."""
    import importlib

    for module in PAGE_MODULES:
        importlib.import_module(module)  # each adds its routes to the blueprint
    return blueprint
