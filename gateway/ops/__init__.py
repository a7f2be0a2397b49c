"""The operations console for CNSS staff (``/ops``): one blueprint, pages in its modules."""
from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("ops", __name__, url_prefix="/ops", template_folder="templates")


def register_pages() -> Blueprint:
    """Import every page module (each adds its routes to ``blueprint``) and return the blueprint."""
    from gateway.ops import auth, pages  # noqa: F401 - imported for their routes

    return blueprint
