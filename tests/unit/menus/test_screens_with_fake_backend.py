"""Screens through the real engine and USSD service against the in-memory backend: no database, no Redis."""
from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest

from core.domain.msisdn import Msisdn
from core.domain.parties import Employer, HolderKind, InsuredPerson
from core.domain.requests import ATTESTATION, CLAIM, QUITUS, RequestStatus
from core.services.accounts import AccountSummary
from menus import format as fmt
from menus.engine import Engine
from menus.hop import Reply, UssdHop
from menus.memory_store import MemorySessionStore
from menus.screens.catalog import build_registry
from menus.service import UssdService
from tests.support.fake_backend import FakeBackend

EMPLOYER_PHONE, INSURED_PHONE, STRANGER_PHONE = "+22890112233", "+22899112233", "+22896000000"
REGISTRY = build_registry()


class FakePhone:
    """Dials the USSD service directly, one input per hop, as a provider adapter would hand them over."""

    def __init__(self, service: UssdService, msisdn: str) -> None:
        self.service, self.msisdn = service, Msisdn.parse(msisdn)
        self.hops = 0
        self.reply = Reply("", True, "")

    def _hop(self, inputs: tuple[str, ...]) -> str:
        self.hops += 1
        hop = UssdHop("fake", "session-1", self.msisdn, "*909#", "61501", str(self.hops), lambda _cursor: inputs)
        self.reply = self.service.respond(hop)
        return self.reply.text

    def dial(self) -> str:
        """A new session."""
        return self._hop(())

    def send(self, typed: str) -> str:
        """One input on the current screen."""
        assert not self.reply.final, f"the session ended on {self.reply.screen_id}"
        return self._hop((typed,))

    def choose(self, label: str) -> str:
        """The option of the current menu whose line contains ``label``."""
        keys = re.findall(rf"^(\d+) [^\n]*{re.escape(label)}", self.reply.text, re.MULTILINE)
        assert keys, f"no option {label!r} on:\n{self.reply.text}"
        return self.send(keys[0])


@pytest.fixture
def backend() -> FakeBackend:
    fake = FakeBackend()
    fake.add_employer(Employer("1000001", "BOULANGERIE DU PORT SARL", (Msisdn.parse(EMPLOYER_PHONE),)), pin="1234")
    fake.add_insured(InsuredPerson("2000001", "AKU Mawuena", date(1966, 3, 15), (Msisdn.parse(INSURED_PHONE),)),
                     pin="4321")
    return fake


@pytest.fixture
def service(backend: FakeBackend) -> Iterator[UssdService]:
    executor = ThreadPoolExecutor(2)
    store = MemorySessionStore(clock=lambda: backend.clock.now().timestamp())
    yield UssdService(store, backend, Engine(REGISTRY, strict=True), executor=executor)
    executor.shutdown()


def test_the_public_simulator_gives_an_estimate_and_refuses_bad_numbers(service: UssdService) -> None:
    phone = FakePhone(service, STRANGER_PHONE)
    assert phone.dial().startswith("CNSS Togo")
    assert "Votre age" in phone.choose("Simulateur")
    assert phone.send("abc").startswith("Entrez un nombre de 15 a 99."), "a current age must be a number"
    assert phone.send("150").startswith("Entrez un nombre de 15 a 99.")
    assert "Age de départ (55 à 65)" in phone.send("40")
    assert phone.send("50").startswith("Entrez un nombre de 55 a 65."), "no departure age before the early age"
    assert phone.send("60").startswith("Mois d'assurance")
    assert phone.send("-3").startswith("Entrez un nombre de 0 a 600.")
    assert phone.send("240").startswith("Salaire mensuel moyen")
    assert phone.send("0").startswith("Mois d'assurance"), "0 is the back key"
    phone.send("240")
    for wrong in ("abc", "100000001"):
        assert phone.send(wrong).startswith("Montant"), wrong
        assert phone.reply.screen_id == "sim.pay"
    result = phone.send("100000")
    assert phone.reply.screen_id == "sim.result_pension"
    assert result.startswith("Estimation à 60 ans, 240 mois:\nPension ") and "/mois" in result


def test_an_employer_logs_in_and_sees_the_balance(service: UssdService, backend: FakeBackend) -> None:
    backend.summaries["1000001"] = AccountSummary("1000001", "BOULANGERIE DU PORT SARL", backend.clock.today(),
                                                  balance=182_250, overdue=121_500, surcharges_outstanding=6_075,
                                                  unpaid_periods=(), last_payments=(), statement=())
    phone = FakePhone(service, EMPLOYER_PHONE)
    assert phone.dial().startswith("CNSS - BOULANGERIE DU PORT SARL\nEntrez votre code PIN")
    assert phone.send("12").startswith("Le PIN a 4 chiffres."), "a short PIN is a format error, not a failure"
    assert phone.send("9999").startswith("PIN incorrect"), phone.reply.text
    assert backend.failed_pins[(HolderKind.EMPLOYER, "1000001")] == 1
    assert phone.send("1234").startswith("BOULANGERIE DU PORT SARL") and phone.reply.screen_id == "employer.home"
    summary = phone.choose("Compte")
    assert phone.reply.screen_id == "account.summary"
    assert f"Solde: {fmt.money(182_250)}" in summary and fmt.money(121_500) in summary
    assert fmt.money(6_075) in summary


def test_my_requests_lists_the_newest_first_with_their_status(service: UssdService, backend: FakeBackend) -> None:
    attestation = backend.add_request(ATTESTATION, HolderKind.INSURED, "2000001", RequestStatus.READY)
    claim = backend.add_request(CLAIM, HolderKind.INSURED, "2000001", details={"category": "other"})
    backend.add_request(QUITUS, HolderKind.EMPLOYER, "1000001")  # another holder's: not listed
    phone = FakePhone(service, INSURED_PHONE)
    phone.dial()
    assert phone.send("4321").startswith("AKU Mawuena")
    phone.choose("Mes demandes")
    listing = phone.choose("Suivi")
    assert phone.reply.screen_id == "requests.list"
    lines = listing.splitlines()
    assert lines[0] == "Mes demandes:"
    assert lines[1] == f"1 {claim.tracking_number} recue" and lines[2] == f"2 {attestation.tracking_number} prete"
    assert "QS" not in listing


def test_my_requests_says_when_there_is_none(service: UssdService) -> None:
    phone = FakePhone(service, INSURED_PHONE)
    phone.dial()
    phone.send("4321")
    phone.choose("Mes demandes")
    phone.choose("Suivi")
    assert phone.reply.final and phone.reply.screen_id == "requests.none"
