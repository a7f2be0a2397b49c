"""The operations console for CNSS staff (``/ops``): one blueprint, pages in its modules."""
from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("ops", __name__, url_prefix="/ops", template_folder="templates")
PAGE_MODULES = ("gateway.ops.auth", "gateway.ops.pages")  # a new page module is added here


def register_pages() -> Blueprint:
    """Import every page module (each adds its routes to ``blueprint``) and return the blueprint."""
    import importlib

    for module in PAGE_MODULES:
        importlib.import_module(module)  # each adds its routes to the blueprint
    return blueprint
