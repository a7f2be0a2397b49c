"""The metrics hop recorder and the abuse-limit observer: counts from hop records, never an exception."""
from __future__ import annotations

from datetime import UTC, datetime

from prometheus_client import generate_latest

from core.domain.msisdn import Msisdn
from gateway.metrics import GatewayMetrics, MetricsRecorder
from menus.limits import AbuseLimits, LimitSettings
from menus.memory_limits import MemoryRateLimiter
from menus.transcripts import HopRecord
from tests.support.metrics import parse_samples, value


def _hop(screen: str, **flags: object) -> HopRecord:
    fields: dict[str, object] = {"provider": "at", "session_id": "s1", "msisdn": "+22890112233",
                                 "service_code": "*909#", "network_code": "61501", "at": datetime.now(UTC),
                                 "duration_ms": 12.0, "screen": screen, "final": False, "new_session": False}
    return HopRecord(**{**fields, **flags})  # type: ignore[arg-type]


def test_a_repeated_hop_is_timed_but_starts_ends_or_refuses_nothing_again() -> None:
    metrics = GatewayMetrics()
    recorder = MetricsRecorder(metrics)
    recorder.record(_hop("auth.locked", final=True, new_session=True))
    recorder.record(_hop("auth.locked", final=True, repeat=True))
    recorder.record(_hop("common.internal_error", final=True))
    samples = parse_samples(generate_latest(metrics.registry).decode())
    assert value(samples, "cnss_ussd_hop_seconds_count", screen="auth.locked") == 2
    assert value(samples, "cnss_ussd_hop_seconds_bucket", screen="auth.locked", le="0.01") == 0
    assert value(samples, "cnss_ussd_hop_seconds_bucket", screen="auth.locked", le="0.025") == 2
    assert value(samples, "cnss_ussd_sessions_started_total", provider="at") == 1
    assert value(samples, "cnss_ussd_sessions_ended_total", provider="at", outcome="auth.locked") == 1
    assert value(samples, "cnss_errors_total", where="ussd") == 1


def test_a_recorder_that_fails_costs_nothing() -> None:
    metrics = GatewayMetrics()
    metrics.hop_seconds = None  # type: ignore[assignment]  # broken on purpose
    MetricsRecorder(metrics).record(_hop("auth.pin"))  # no exception


def test_the_limits_tell_their_observer_of_each_refusal_and_survive_a_broken_one() -> None:
    refused: list[str] = []
    limits = AbuseLimits(MemoryRateLimiter(lambda: 0.0), LimitSettings(sessions_per_minute=1), on_refused=refused.append)
    phone = Msisdn("+22890112233")
    assert limits.new_session(phone) and not limits.new_session(phone)
    assert refused == ["sessions"]

    def broken(_name: str) -> None:
        raise RuntimeError("observer bug")

    limits.on_refused = broken
    assert not limits.new_session(phone), "the answer does not depend on the observer"
