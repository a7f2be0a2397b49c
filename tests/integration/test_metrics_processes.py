"""Multi-process metrics: two granian workers count hops in PROMETHEUS_MULTIPROC_DIR and /metrics sums them."""
from __future__ import annotations

import re
import urllib.request
from pathlib import Path

from tests.integration.test_logging_processes import _env, _post, granian
from tests.support.metrics import parse_samples, value

def _pids(directory: Path) -> set[str]:
    """The processes that timed a hop: a histogram file appears with a process's first labelled observation
    (unlabelled counters make their file at start, so counter files would not tell)."""
    return {match.group(1) for path in directory.iterdir()
            if (match := re.fullmatch(r"histogram_(\d+)\.db", path.name))}


def test_two_granian_workers_share_the_directory_and_metrics_sums_both(tmp_path: Path) -> None:
    directory = tmp_path / "metrics"
    directory.mkdir()
    server, base = granian(_env(tmp_path, PROMETHEUS_MULTIPROC_DIR=str(directory), USSD_SESSIONS_PER_MINUTE="0"),
                           workers=2)
    try:
        dials = 0
        while dials < 20 or (len(_pids(directory)) < 2 and dials < 400):  # until both workers have answered
            hop = {"sessionId": f"S-mp-{dials}", "phoneNumber": "+22896000001", "networkCode": "61501",
                   "serviceCode": "*909#", "text": ""}
            assert _post(base + "/gateway/at/ussd", hop) == 200
            dials += 1
        assert len(_pids(directory)) == 2, "both workers answered hops"
        with urllib.request.urlopen(base + "/metrics", timeout=10) as response:
            samples = parse_samples(response.read().decode())
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0]
    assert value(samples, "cnss_ussd_sessions_started_total", provider="at") == dials, output[-2000:]
    assert value(samples, "cnss_ussd_hop_seconds_count", screen="public.home") == dials
