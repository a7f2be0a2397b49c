"""10,000 seeded junk requests over every public route, on both stacks: no 5xx, no crash, journeys work after."""
from __future__ import annotations

import os
import re
import time
from collections import Counter, defaultdict

from core.adapters.sqlalchemy import tables as t
from tests.e2e.conftest import EMPLOYER_PHONE, Gateway
from tests.support.bank import BANK_ID, BANK_SECRET, SignedClient
from tests.support.junk import JunkGenerator, JunkRequest

SEED = int(os.environ.get("JUNK_SEED", "20261123"))
COUNT = int(os.environ.get("JUNK_COUNT", "10000"))
SIGNERS = {"bank": ("X-Bank-Id", BANK_ID, BANK_SECRET), "flooz": ("X-Operator-Id", "flooz", "flooz-secret"),
           "mixx": ("X-Operator-Id", "mixx", "mixx-secret")}
USSD_ROUTE = "POST /gateway/at/ussd"
HUBTEL_ROUTE, FREEFLOW_ROUTE = "POST /gateway/hubtel/ussd", "GET /gateway/freeflow/ussd"
# A USSD hop answers 200 CON/END or 400 with a reason; a body over MAX_CONTENT_LENGTH may get 413 before parsing.
DEFAULT_MAX_BODY = 65_536


def _send(gateway: Gateway, junk: JunkRequest) -> tuple[int | None, str | None]:
    """The status and, when the answer breaks the contract, what is wrong with it."""
    headers = dict(junk.headers)
    if junk.signer is not None:
        id_header, caller, secret = SIGNERS[junk.signer]
        signer = SignedClient(gateway.client, gateway.clock, caller=caller, secret=secret, id_header=id_header)
        headers.update(signer.headers(junk.method, junk.signed_path, junk.body))
    try:
        response = gateway.client.open(junk.path, method=junk.method, data=junk.body,
                                       content_type=junk.content_type, headers=headers)
    except Exception as exc:  # noqa: BLE001 - an escaping exception is exactly what is counted
        return None, f"exception {type(exc).__name__}: {str(exc)[:80]}"
    status = response.status_code
    if status >= 500:
        return status, f"{status} {response.get_data()[:80]!r}"
    oversized = len(junk.body) > int(gateway.app.config.get("MAX_CONTENT_LENGTH") or DEFAULT_MAX_BODY)
    if junk.route == USSD_ROUTE:
        return status, _ussd_problem(status, response.get_data(), oversized)
    if junk.route in (HUBTEL_ROUTE, FREEFLOW_ROUTE) and not (status in (400, 413) and _reason(response.get_data())):
        shaped = (response.is_json and set(response.get_json() or {}) == {"Type", "Message", "ClientState"}
                  if junk.route == HUBTEL_ROUTE else response.headers.get("Freeflow") in ("FC", "FB"))
        if status != 200 or not shaped or (status == 413 and not oversized):
            return status, f"{junk.route} answered {status} {response.get_data()[:80]!r}"
    return status, None


def _reason(body: bytes) -> bool:
    """A plain-text reason, not an HTML error page."""
    text = body.decode("utf-8", "replace")
    return len(text.strip()) > 3 and not text.lstrip().startswith("<")


def _ussd_problem(status: int, body: bytes, oversized: bool) -> str | None:
    text = body.decode("utf-8", "replace")
    if status == 200 and text.startswith(("CON ", "END ")) and len(text) > 4:
        return None
    if status == 400 and len(text.strip()) > 3 and not text.lstrip().startswith("<"):
        return None  # a plain-text reason, not an HTML error page
    if status == 413 and oversized:
        return None
    return f"USSD answered {status} {text[:80]!r}"


def _summary(failures: dict[str, list[str]], statuses: dict[str, Counter[int | None]]) -> str:
    lines = [f"{sum(map(len, failures.values()))} contract breaks (seed {SEED}):"]
    for route, described in sorted(failures.items()):
        lines.append(f"  {route}: {len(described)} of {sum(statuses[route].values())}")
        lines.extend(f"    - {line}" for line in described[:3])
    return "\n".join(lines)


def _employer_balance_works(gateway: Gateway) -> None:
    phone = gateway.phone(EMPLOYER_PHONE)
    phone.dial()
    phone.send("1234")
    assert phone.hop_label == "employer.home", phone.screen
    phone.send("2")
    assert phone.screen.startswith("Solde: "), phone.screen


def _fresh_reference_is_credited_once(gateway: Gateway) -> None:
    phone = gateway.phone(EMPLOYER_PHONE)
    phone.dial()
    final = phone.walk("1234", "1", "1", "1")
    found = re.search(r"(\d{4} \d{4} \d{4})", final)
    assert found, final
    reference = found.group(1).replace(" ", "")
    bank = gateway.bank()
    looked_up = bank.get(f"/api/bank/v1/references/{reference}")
    assert looked_up.status_code == 200 and looked_up.json is not None
    notice = {"reference": reference, "amount": looked_up.json["amount"], "currency": "XOF",
              "transaction_id": "AFTER-JUNK-1", "paid_at": "2026-11-23T10:05:00Z", "account_label": "Compte"}
    answers = [bank.post("/api/bank/v1/payments", notice).status_code for _ in range(3)]
    assert answers == [201, 200, 200]
    assert gateway.count(t.payments, t.payments.c.reference == reference) == 1
    assert bank.get(f"/api/bank/v1/references/{reference}").json["status"] == "paid"  # type: ignore[index]


def test_ten_thousand_junk_requests_get_no_5xx_and_the_gateway_still_works(gateway: Gateway) -> None:
    failures: dict[str, list[str]] = defaultdict(list)
    statuses: dict[str, Counter[int | None]] = defaultdict(Counter)
    started = time.monotonic()
    for junk in JunkGenerator(SEED).requests(COUNT):
        status, problem = _send(gateway, junk)
        statuses[junk.route][status] += 1
        if problem is not None:
            failures[junk.route].append(f"{problem} <- {junk.describe()}")
    elapsed = time.monotonic() - started
    print(f"\n{COUNT} junk requests in {elapsed:.1f} s; statuses per route:")
    for route, counted in sorted(statuses.items()):
        print(f"  {route}: {dict(sorted(counted.items(), key=lambda item: str(item[0])))}")
    assert not failures, _summary(failures, statuses)
    reached_parser = sum(n for route, counted in statuses.items() if "payments" in route
                         for status, n in counted.items() if status not in (401, None))
    assert reached_parser > COUNT // 10, "signed payment notifications must get past the signature check"
    _employer_balance_works(gateway)
    _fresh_reference_is_credited_once(gateway)
