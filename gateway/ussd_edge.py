"""USSD hops of every provider answered in front of Flask: a well-formed hop is served here, anything else
goes on to Flask.

A hop is the hot path (every keypress of every subscriber), so a valid one skips Flask's request
machinery: no request context, URL map, hooks or form parser. Only the plain shape is taken here (the
route's method and path; its payload: a form or JSON body within ``MAX_CONTENT_LENGTH``, or the query
string; the provider's callback secret; an allowed network; fields the adapter accepts as a hop); for
anything else the body is put back and Flask's own route answers it, so refusals (400 with the reason,
403, 405, 413) and the provider's other requests (a session ended by the network) have a single
implementation. The hop policy every provider shares (the lock, the deadline, ``END`` with an error id)
is ``answer_hop``.
"""
from __future__ import annotations

import enum
import io
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final
from urllib.parse import parse_qsl, unquote

import orjson

from core.domain.msisdn import Msisdn
from core.domain.operations import UssdSessionReport
from core.ports import UnitOfWorkFactory
from gateway import logs
from gateway.base import MalformedRequestError
from gateway.callbacks import Allowed
from gateway.edge import Network, caller_allowed, plain_text, report_unexpected, request_id_for
from gateway.incidents import IncidentRegister, incident_register
from gateway.logs import bind_session
from gateway.metrics import USSD_ERROR, count_error
from gateway.runtime import runtime
from menus.hop import Reply, UssdHop, new_error_id
from menus.service import UssdService
from menus.texts import DEFAULT_LANGUAGE, render

logger = logging.getLogger(__name__)
FORM_TYPE: Final = "application/x-www-form-urlencoded"
JSON_TYPE: Final = "application/json"
MAX_FIELDS: Final = 64  # a hop has five; more is not a provider's callback, Flask's route decides
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass(frozen=True, slots=True)
class SessionEnd:
    """A provider's word that a session is over (released, timed out, cleaned up): stored, answered, no screen."""

    provider: str
    session_id: str
    status: str  # the provider's own word, verbatim
    msisdn: Msisdn | None = None
    service_code: str = ""
    network_code: str = ""


def record_session_end(end: SessionEnd, uow_factory: UnitOfWorkFactory, received_at: datetime) -> None:
    """Store a session end as operations see every provider's (``ussd_session_events``)."""
    bind_session(end.provider, end.session_id)
    report = UssdSessionReport(provider=end.provider, session_id=end.session_id, status=end.status,
                               received_at=received_at, msisdn=end.msisdn.e164 if end.msisdn else None,
                               service_code=end.service_code, network_code=end.network_code, ended_at=received_at)
    with uow_factory() as uow:
        uow.ussd_reports.add(report)
        uow.commit()


@dataclass(frozen=True, slots=True)
class Call:
    """One hop of a session as a phone places it (``ussd-dial``, the simulator), whatever the provider."""

    session_id: str
    msisdn: Msisdn
    service_code: str  # as dialled: *909#
    inputs: tuple[str, ...]  # everything answered so far, this hop's last; a first hop's are the chained ones
    first: bool  # the dial itself


@dataclass(frozen=True, slots=True)
class WireRequest:
    """A hop as a provider sends it over HTTP."""

    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str] | None = None
    json: dict[str, Any] | None = None


class Payload(enum.Enum):
    """Where a provider puts a hop's fields."""

    FORM = "form"  # a POSTed application/x-www-form-urlencoded body
    JSON = "json"  # a POSTed JSON object
    QUERY = "query"  # the query string of a GET


@dataclass(frozen=True, slots=True)
class HopRoute:
    """A provider's USSD callback: where and how it arrives, its secret, how its fields become a hop and a
    reply goes on the wire."""

    path: str
    payload: Payload
    allowed: Allowed  # whether the request carries the provider's secret (constant time)
    parse: Callable[[Mapping[str, Any]], UssdHop | None]  # None: not a plain hop; raises MalformedRequestError
    format: Callable[[Reply], tuple[str, dict[str, str]]]

    @property
    def method(self) -> str:
        """The HTTP method the provider calls with."""
        return "GET" if self.payload is Payload.QUERY else "POST"


def answer_hop(ussd: UssdService, hop: UssdHop, incidents: IncidentRegister | None, where: str) -> Reply:
    """The reply to a parsed hop: always a screen, an apology with an error id if the gateway fails inside."""
    bind_session(hop.provider, hop.session_id)  # log lines carry the session id keyed, never raw
    try:
        return ussd.respond(hop)
    except Exception as exc:
        error_id = new_error_id()
        logger.exception("USSD hop failed outside the engine error_id=%s msisdn=%s", error_id, hop.msisdn.masked)
        count_error(USSD_ERROR)
        if incidents is not None:
            incidents.incident(error_id, where, type(exc).__name__)
        return Reply(render("common.internal_error", DEFAULT_LANGUAGE, {"error_id": error_id}), True,
                     "common.internal_error")


def answer_callback(parsed: UssdHop | SessionEnd, where: str, format_reply: Callable[[Reply], tuple[str, dict[str, str]]],
                    format_end: Callable[[], tuple[str, dict[str, str]]]) -> tuple[str, int, dict[str, str]]:
    """A provider's Flask route, once its request is parsed: a hop answered, or a session end stored."""
    rt = runtime()
    if isinstance(parsed, SessionEnd):
        record_session_end(parsed, rt.uow_factory, rt.clock.now())
        body, headers = format_end()
    else:
        body, headers = format_reply(answer_hop(rt.ussd, parsed, incident_register(), where))
    return body, 200, headers


class UssdEdge:
    """WSGI middleware: serves well-formed hops of the registered routes, passes every other request on."""

    def __init__(self, app: WsgiApp, config: Mapping[str, Any], ussd: UssdService, routes: Sequence[HopRoute],
                 incidents: IncidentRegister | None = None) -> None:
        """Serve ``routes`` with ``ussd``; ``config`` (the Flask app's, read on every hop) gives the secrets,
        ``MAX_CONTENT_LENGTH`` and ``AT_ALLOWED_NETWORKS`` (the networks allowed to call any provider route)."""
        self.app, self.config, self.ussd, self.incidents = app, config, ussd, incidents
        self.routes = {(route.method, route.path): route for route in routes}

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        route = self.routes.get((environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", "")))
        if route is None:
            return self.app(environ, start_response)
        hop = self._hop(route, environ)
        if hop is None:
            return self.app(environ, start_response)  # Flask's route gives the refusal and its reason
        rid = logs.request_id.set(request_id_for(environ.get("HTTP_X_REQUEST_ID", "")))
        ref = logs.session_ref.set(None)
        try:
            status, body, headers = self._answer(route, hop)
            headers["X-Request-Id"] = logs.request_id.get() or ""
        finally:
            logs.request_id.reset(rid)
            logs.session_ref.reset(ref)
        payload = body.encode()
        start_response(status, [*headers.items(), ("Content-Length", str(len(payload)))])
        return [payload]

    def _answer(self, route: HopRoute, hop: UssdHop) -> tuple[str, str, dict[str, str]]:
        reply = answer_hop(self.ussd, hop, self.incidents, route.path)
        try:
            body, headers = route.format(reply)
        except Exception as exc:  # the same 500 as Flask's edge would give
            error_id = report_unexpected(exc, route.path, lambda eid, kind: self._incident(eid, route.path, kind))
            return "500 INTERNAL SERVER ERROR", plain_text("internal error", error_id=error_id), {
                "Content-Type": "text/plain; charset=utf-8"}
        return "200 OK", body, headers

    def _incident(self, error_id: str, where: str, kind: str) -> None:
        if self.incidents is not None:
            self.incidents.incident(error_id, where, kind)

    def _hop(self, route: HopRoute, environ: dict[str, Any]) -> UssdHop | None:
        """The parsed hop when the request has the plain valid shape; None (body put back) otherwise."""
        query = _query(environ.get("QUERY_STRING", ""))
        if query is None:
            return None
        if route.payload is Payload.QUERY:
            fields: Mapping[str, Any] | None = query
        else:
            body = self._body(route, environ)
            if body is None:
                return None
            fields = _form(body) if route.payload is Payload.FORM else json_object(body)
        if fields is None or not route.allowed(self.config, query, fields):
            return None
        networks: Sequence[Network] = self.config.get("AT_ALLOWED_NETWORKS") or ()
        if networks and not caller_allowed(environ.get("REMOTE_ADDR"), networks):
            return None
        try:
            return route.parse(fields)
        except MalformedRequestError:
            return None

    def _body(self, route: HopRoute, environ: dict[str, Any]) -> bytes | None:
        """The request body when its type is the route's and its length is allowed (put back for Flask)."""
        expected = FORM_TYPE if route.payload is Payload.FORM else JSON_TYPE
        if environ.get("CONTENT_TYPE", "").partition(";")[0].strip().lower() != expected:
            return None
        try:
            length = int(environ.get("CONTENT_LENGTH") or "")
        except ValueError:
            return None  # chunked or garbled: Flask reads it
        if not 0 <= length <= (self.config.get("MAX_CONTENT_LENGTH") or 0):
            return None
        body: bytes = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)  # whatever happens, Flask can read it again
        return body


def _form(body: bytes) -> dict[str, str] | None:
    """The first value of each field, as Flask's form would give it; None when the body is not plain
    percent-encoded ASCII decoding to UTF-8 (Flask then decides)."""
    try:
        text = body.decode("ascii")
    except UnicodeDecodeError:
        return None
    if text.count("&") >= MAX_FIELDS:
        return None
    form: dict[str, str] = {}
    try:
        for pair in text.split("&"):
            if pair:
                name, _, value = pair.partition("=")
                form.setdefault(_unquoted(name), _unquoted(value))
    except UnicodeDecodeError:
        return None
    return form


def _unquoted(part: str) -> str:
    """``+`` and ``%XX`` decoded (UTF-8, strict), as ``parse_qsl`` does."""
    if "+" in part:
        part = part.replace("+", " ")
    return unquote(part, errors="strict") if "%" in part else part


def _query(query: str) -> dict[str, str] | None:
    """The first value of each field of a query string; None when it is not UTF-8 or has too many fields."""
    try:
        pairs = parse_qsl(query, keep_blank_values=True, errors="strict", max_num_fields=MAX_FIELDS)
    except (UnicodeDecodeError, ValueError):
        return None
    fields: dict[str, str] = {}
    for name, value in pairs:
        fields.setdefault(name, value)
    return fields


def json_object(body: bytes) -> dict[str, Any] | None:
    """A JSON object body (UTF-8, nested 1,024 deep at most); None for anything else."""
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None
