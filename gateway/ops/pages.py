"""The console's home page: outbox and requests by status (with a chart), refusals today, locked PINs."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, render_template

from core.domain.outbox import MessageStatus
from core.domain.pins import PinPolicy
from core.domain.requests import RequestStatus
from core.services.console import summary
from gateway.ops import blueprint
from gateway.ops.auth import staff_required
from gateway.ops.views import STATUS_LABELS
from gateway.runtime import runtime

BAR_WIDTH = 240  # SVG units of the longest bar; the chart scales to the screen


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar of a chart: its status, label, count and length."""

    status: str
    label: str
    count: int
    width: int


def bars(counts: dict[str, int], statuses: list[str]) -> list[Bar]:
    """Bars for ``statuses`` in order, the longest ``BAR_WIDTH`` long."""
    top = max([counts.get(s, 0) for s in statuses] + [1])
    return [Bar(s, STATUS_LABELS.get(s, s), counts.get(s, 0), round(BAR_WIDTH * counts.get(s, 0) / top))
            for s in statuses]


def pin_policy() -> PinPolicy:
    """The PIN lock policy of the app's settings (the same as the USSD's)."""
    config = current_app.config
    minutes = (config["PIN_LOCKOUT_MINUTES"], *config["PIN_LOCKOUT_STEPS"])
    return PinPolicy(config["PIN_MAX_ATTEMPTS"], tuple(timedelta(minutes=m) for m in minutes))


@blueprint.get("/")
@staff_required("viewer")
def home() -> str:
    """Counts and links to every page."""
    rt = runtime()
    counts = summary(uow=rt.uow_factory(), clock=rt.clock, policy=pin_policy())
    outbox = bars(counts.outbox, [s.value for s in MessageStatus])
    requests = bars(counts.requests, [s.value for s in RequestStatus])
    return render_template("ops/home.html", counts=counts, outbox=outbox, requests=requests)
