"""One USSD hop end to end: lock and load the session, run the engine, save, answer."""
from __future__ import annotations

import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC
from typing import Any

from menus.backend import ScreenBackend
from menus.context import Ctx, DeadlineExceeded
from menus.dsl import Menu, Pick, Prompt
from menus.engine import Engine
from menus.hop import Reply, UssdHop, new_error_id
from menus.incidents import IncidentSink, NoIncidents
from menus.phone_registry import RegistryRefresher
from menus.screens.auth import entry
from menus.session_views import SessionViews
from menus.state import SessionState
from menus.store import HopLease, SessionBusyError, SessionStore
from menus.texts import DEFAULT_LANGUAGE, render
from menus.transcripts import HopRecord, HopRecorder, NoRecorder

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class UssdSettings:
    """Per-hop deadline and lock wait, in seconds."""

    hop_deadline: float = 2.0
    lock_wait: float = 3.0


class UssdService:
    """Answers hops; safe to share between threads (no per-request state on the instance)."""

    def __init__(self, store: SessionStore, backend: ScreenBackend, engine: Engine,
                 settings: UssdSettings = UssdSettings(),
                 executor: ThreadPoolExecutor | None = None, recorder: HopRecorder | None = None,
                 registry: RegistryRefresher | None = None, incidents: IncidentSink | None = None) -> None:
        self.store, self.backend, self.engine, self.settings = store, backend, engine, settings
        self.executor = executor or ThreadPoolExecutor(max_workers=16, thread_name_prefix="ussd-backend")
        self.recorder: HopRecorder = recorder or NoRecorder()
        self.registry = registry
        self.incidents: IncidentSink = incidents or NoIncidents()
        self.views = SessionViews()  # lookups a session shows more than once (its account), made once

    def respond(self, hop: UssdHop) -> Reply:
        """The reply to one hop; a duplicate hop gets the reply it got before, with no side effect."""
        started = time.monotonic()
        arrived = self.backend.clock.now().astimezone(UTC)
        reply, new, repeat = self._respond(hop, started)
        try:
            self.recorder.record(HopRecord(
                provider=hop.provider, session_id=hop.session_id, msisdn=hop.msisdn.e164,
                service_code=hop.service_code, network_code=hop.network_code, at=arrived,
                duration_ms=(time.monotonic() - started) * 1000, screen=reply.screen_id, final=reply.final,
                new_session=new, repeat=repeat, error=reply.error))
        except Exception:  # noqa: BLE001 - operations' records never cost the caller an answer
            logger.exception("could not record a hop")
        return reply

    def _respond(self, hop: UssdHop, started: float) -> tuple[Reply, bool, bool]:
        """The reply, whether it opened a session, and whether it repeats the previous one."""
        try:
            lease = self.store.acquire(f"{hop.provider}:{hop.session_id}", hop.msisdn.e164,
                                       wait=self.settings.lock_wait,
                                       session_limit=self.backend.limits.session_window())
        except SessionBusyError:
            return Reply(render("common.busy", DEFAULT_LANGUAGE), True, "common.busy"), False, False
        if lease.limited:  # too many new sessions from this phone: nothing stored, no database
            self.backend.limits.session_refused(hop.msisdn)
            return (Reply(render("session.too_many", lease.language or DEFAULT_LANGUAGE), True, "session.too_many"),
                    True, False)
        if lease.registry_stale and self.registry is not None:
            self.registry.stale()
        try:
            state = lease.state
            cached = state.cached_reply() if state else None
            if state is not None and cached is not None and (state.cursor == hop.cursor or cached.final):
                # A duplicate hop, or a hop after the session ended: the same answer, no side effect.
                self.store.release(lease)
                return cached, False, True
            state, reply, caller = self._run(hop, lease, state, started)
            language, state.new_language = state.new_language, None
            checkpoint = self._checkpoint(state, reply, lease)
            self.store.commit(lease, state.ended() if reply.final else state, checkpoint=checkpoint,
                              language=language, caller=caller)
            return reply, lease.state is None, False
        except BaseException:
            self.store.release(lease)
            raise

    def _run(self, hop: UssdHop, lease: HopLease, state: SessionState | None,
             started: float) -> tuple[SessionState, Reply, str | None]:
        new = state is None
        if state is None:
            state = SessionState(hop.session_id, hop.msisdn.e164, "", language=lease.language or DEFAULT_LANGUAGE)
        ctx = Ctx(state, hop.msisdn, self.backend, self.executor, started + self.settings.hop_deadline, self.store,
                  lease.checkpoint, lease.caller, views=self.views)
        try:
            if new:
                reply = self.engine.start(ctx, entry(ctx, lease.checkpoint), hop.read_inputs(None))
            else:
                reply = self.engine.advance(ctx, hop.read_inputs(state.cursor))
        except DeadlineExceeded as late:
            if late.lookup:
                reply = self.engine.final(ctx, "common.service_busy", {})  # nothing worth texting: try again
            else:
                self._text_when_done(ctx, late)
                reply = self.engine.final(ctx, "common.sms_follows", {})
        except Exception as exc:
            error_id = new_error_id()
            logger.exception("USSD hop failed error_id=%s screen=%s msisdn=%s", error_id, state.screen,
                             hop.msisdn.masked)
            self.incidents.incident(error_id, state.screen, type(exc).__name__)
            reply = self.engine.final(ctx, "common.internal_error", {"error_id": error_id})
        state.remember(hop.cursor, reply)
        return state, reply, ctx.caller_found

    def _text_when_done(self, ctx: Ctx, late: DeadlineExceeded) -> None:
        """Send the slow call's result by SMS once it completes (or log its failure)."""

        def done(future: Future[Any]) -> None:
            error = future.exception()
            if error is not None:
                logger.error("late backend call failed msisdn=%s: %r", ctx.msisdn.masked, error)
                return
            text = late.late(future.result()) if late.late else ("sms.request_done", {})
            if text is not None:
                ctx.sms(text[0], text[1], purpose="ussd_late_result", essential=True)

        late.future.add_done_callback(done)

    def _checkpoint(self, state: SessionState, reply: Reply, lease: HopLease) -> SessionState | None:
        """What a redial from this phone may resume: a form the subscriber began typing into, still unfinished."""
        if reply.final:
            return None
        if state.screen == "session.resume" or state.resume_screen is not None:
            return lease.checkpoint  # still deciding, or asked the PIN before the form comes back
        if state.screen.startswith(("auth.", "session.")):
            return None  # logging in is not a form worth resuming
        screen = self.engine.registry[state.screen]
        waiting = isinstance(screen, (Prompt, Pick)) or (isinstance(screen, Menu) and bool(screen.options))
        if not state.form or not waiting:
            return None
        return replace(state, cursor=None, last_reply=None, pending_inputs=[])
