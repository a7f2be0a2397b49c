"""USSD hops answered in front of Flask: a well-formed hop is served here, anything else goes on to Flask.

A hop is the hot path (every keypress of every subscriber), so a valid one skips Flask's request
machinery: no request context, URL map, hooks or form parser. Only the plain shape is taken here
(``POST`` on a registered path, a form body within ``MAX_CONTENT_LENGTH``, the right callback key, an
allowed network, fields the adapter accepts); for anything else the body is put back and Flask's own
route answers it, so refusals (400 with the reason, 403, 405, 413) have a single implementation.
"""
from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import parse_qsl, unquote

from gateway import logs
from gateway.base import MalformedRequestError
from gateway.edge import Network, caller_allowed, plain_text, report_unexpected, request_id_for
from gateway.incidents import IncidentRegister
from gateway.logs import bind_session
from gateway.metrics import USSD_ERROR, count_error
from gateway.security import key_matches
from menus.hop import Reply, UssdHop, new_error_id
from menus.service import UssdService
from menus.texts import DEFAULT_LANGUAGE, render

logger = logging.getLogger(__name__)
FORM_TYPE: Final = "application/x-www-form-urlencoded"
MAX_FIELDS: Final = 64  # a hop has five; more is not a provider's callback, Flask's route decides
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass(frozen=True, slots=True)
class HopRoute:
    """A provider's USSD callback: its path, its secret, how a form becomes a hop and a reply goes on the wire."""

    path: str
    key_setting: str | None  # the setting whose value, when set, is expected as ``?key=``
    parse: Callable[[Mapping[str, str]], UssdHop]  # raises MalformedRequestError
    format: Callable[[Reply], tuple[str, dict[str, str]]]


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


class UssdEdge:
    """WSGI middleware: serves well-formed hops of the registered routes, passes every other request on."""

    def __init__(self, app: WsgiApp, config: Mapping[str, Any], ussd: UssdService, routes: Sequence[HopRoute],
                 incidents: IncidentRegister | None = None) -> None:
        """Serve ``routes`` with ``ussd``; ``config`` (the Flask app's, read on every hop) gives the secrets,
        ``MAX_CONTENT_LENGTH`` and ``AT_ALLOWED_NETWORKS``."""
        self.app, self.config, self.ussd, self.incidents = app, config, ussd, incidents
        self.routes = {route.path: route for route in routes}

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        route = self.routes.get(environ.get("PATH_INFO", ""))
        if route is None or environ.get("REQUEST_METHOD") != "POST":
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
        if environ.get("CONTENT_TYPE", "").partition(";")[0].strip().lower() != FORM_TYPE:
            return None
        try:
            length = int(environ.get("CONTENT_LENGTH") or "")
        except ValueError:
            return None  # chunked or garbled: Flask reads it
        if not 0 <= length <= (self.config.get("MAX_CONTENT_LENGTH") or 0):
            return None
        body: bytes = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)  # whatever happens, Flask can read it again
        key = self.config.get(route.key_setting) if route.key_setting else None
        if key and not key_matches(key, _query_value(environ.get("QUERY_STRING", ""), "key")):
            return None
        networks: Sequence[Network] = self.config.get("AT_ALLOWED_NETWORKS") or ()
        if networks and not caller_allowed(environ.get("REMOTE_ADDR"), networks):
            return None
        try:
            form = _form(body)
            return route.parse(form) if form is not None else None
        except MalformedRequestError:
            return None


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


def _query_value(query: str, name: str) -> str | None:
    """The first value of ``name`` in a query string (None when absent or not UTF-8)."""
    if not query:
        return None
    try:
        pairs = parse_qsl(query, keep_blank_values=True, errors="strict", max_num_fields=MAX_FIELDS)
    except (UnicodeDecodeError, ValueError):
        return None
    return next((value for key, value in pairs if key == name), None)
