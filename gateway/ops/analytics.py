"""Console pages of USSD traffic: the day's sessions, funnel, latency, refused inputs, session X-ray."""
from __future__ import annotations

from datetime import date, timedelta

from flask import abort, current_app, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from core.services import session_xray as xray
from core.services import ussd_analytics as analytics
from gateway.ops import blueprint
from gateway.ops.auth import staff_required
from gateway.ops.pages import BAR_WIDTH, Bar
from gateway.ops.svg import hours_chart
from gateway.runtime import runtime

DEFAULT_DAYS = 7  # the period a page shows when none is asked for: the last week
MAX_SESSION_ID = 100  # as stored (ussd_hops.session_id)
OUTCOME_LABELS = {"abandoned": "abandonnée", "in_progress": "en cours"}


def _ttl() -> timedelta:
    return timedelta(seconds=current_app.config["USSD_SESSION_TTL"])


def _day(name: str, default: date) -> date:
    raw = request.args.get(name, "")
    try:
        return date.fromisoformat(raw) if raw else default
    except ValueError:
        return default


def _period() -> tuple[analytics.Period, str | None]:
    """The period asked for (``from``/``to``, default the last week); an unusable one gives the default and why."""
    clock = runtime().clock
    today = clock.today()
    last = _day("to", today)
    first = _day("from", last - timedelta(days=DEFAULT_DAYS - 1))
    try:
        return analytics.Period(clock, first, last, _ttl()), None
    except ValueError as exc:
        default = analytics.Period(clock, today - timedelta(days=DEFAULT_DAYS - 1), today, _ttl())
        return default, f"Période refusée ({exc}) : la dernière semaine est affichée. / Period refused."


def _outcome_bars(outcomes: list[tuple[str, str, int]]) -> list[Bar]:
    top = max([n for _p, _o, n in outcomes] + [1])
    return [Bar("failed" if outcome == "abandoned" else "sent",
                f"{provider} · {OUTCOME_LABELS.get(outcome, outcome)}"[:24], count, round(BAR_WIDTH * count / top))
            for provider, outcome, count in outcomes]


@blueprint.get("/ussd")
@staff_required("viewer")
def ussd_overview() -> str:
    """A day's USSD sessions by provider and outcome, and its hops per hour (default: today)."""
    clock = runtime().clock
    day = _day("day", clock.today())
    overview = analytics.day_overview(runtime().uow_factory, analytics.Period(clock, day, day, _ttl()))
    return render_template("ops/ussd_overview.html", overview=overview, outcomes=_outcome_bars(overview.outcomes),
                           chart=hours_chart(overview.hops_per_hour, f"Requêtes USSD par heure, {day:%d/%m/%Y}"),
                           labels=OUTCOME_LABELS, previous=day - timedelta(days=1), following=day + timedelta(days=1))


@blueprint.get("/funnel")
@staff_required("viewer")
def ussd_funnel() -> str:
    """Per-screen funnel of a period: sessions reaching each screen, going on, ending, giving up."""
    period, error = _period()
    steps = analytics.funnel(runtime().uow_factory, period)
    return render_template("ops/ussd_funnel.html", period=period, error=error, steps=steps)


@blueprint.get("/latency")
@staff_required("viewer")
def ussd_latency() -> str:
    """Hop latency percentiles of a period, overall and per screen."""
    period, error = _period()
    rows = analytics.latency(runtime().uow_factory, period)
    return render_template("ops/ussd_latency.html", period=period, error=error, rows=rows)


@blueprint.get("/inputs")
@staff_required("viewer")
def ussd_inputs() -> str:
    """Refused inputs by screen and refusal (never what was typed), and PIN lockouts, over a period."""
    period, error = _period()
    report = analytics.refused_inputs(runtime().uow_factory, period)
    return render_template("ops/ussd_inputs.html", period=period, error=error, report=report)


@blueprint.get("/sessions")
@staff_required("viewer")
def ussd_sessions() -> str | Response:
    """The latest sessions (phones masked), each linking to its X-ray; or straight to the session searched for."""
    wanted = request.args.get("session_id", "").strip()[:MAX_SESSION_ID]
    if wanted:
        return redirect(url_for("ops.ussd_xray", session_id=wanted))
    rt = runtime()
    found = xray.recent_sessions(rt.uow_factory, rt.clock.now(), _ttl())
    return render_template("ops/ussd_sessions.html", sessions=found, labels=OUTCOME_LABELS)


@blueprint.get("/sessions/<path:session_id>")
@staff_required("viewer")
def ussd_xray(session_id: str) -> str:
    """One session: its screens in order with timings and refusals, its outcome, the provider's report."""
    if len(session_id) > MAX_SESSION_ID:
        abort(404)
    rt = runtime()
    found = xray.session_xray(rt.uow_factory, session_id, rt.clock.now(), _ttl())
    if not found:
        abort(404)
    return render_template("ops/ussd_xray.html", sessions=found, session_id=session_id, labels=OUTCOME_LABELS)
