"""Declaring per worker like last month, through POST /gateway/at/ussd exactly as Africa's Talking would."""
from __future__ import annotations

import re
from core.adapters.sqlalchemy import tables as t
from core.domain.contributions import WorkerPay
from core.domain.msisdn import Msisdn
from core.domain.parties import Employer, HolderKind
from core.domain.periods import ContributionPeriod
from core.domain.pins import Credential
from core.services.declarations import file_declaration
from core.services.insured import individual_account
from tests.e2e.conftest import EMPLOYER_PHONE, Gateway
from tests.support.phone import UssdPhone

DECEMBER = ContributionPeriod(2026, 12)
NEW_EMPLOYER_PHONE = "+22897000009"


def _declare(gateway: Gateway, msisdn: str = EMPLOYER_PHONE, pin: str = "1234") -> UssdPhone:
    """Log in and open the declaration entry of the employer home, whatever its number."""
    phone = gateway.phone(msisdn)
    phone.dial()
    home = phone.send(pin)
    option = re.search(r"^(\d+) Déclaration$", home, re.MULTILINE)
    assert option, home
    phone.send(option.group(1))
    assert phone.hop_label == "decl.period"
    return phone


def _in_december(gateway: Gateway) -> None:
    gateway.clock.advance(days=12)  # 5 December 2026: 12/2026 may be declared; the demo declared up to 11/2026


def _pay_lines(gateway: Gateway, period: str, employer: str = "1000001") -> dict[str, int]:
    rows = gateway.rows(t.declared_pay, t.declared_pay.c.period == period, t.declared_pay.c.employer_number == employer)
    return {row.insured_number: row.gross_pay for row in rows}


def test_last_months_workers_confirmed_as_is_feed_each_account_and_lead_to_the_reference(gateway: Gateway) -> None:
    _in_december(gateway)
    phone = _declare(gateway)
    assert phone.send("112026").startswith("11/2026 est déjà déclarée.")
    first = phone.send("122026")
    assert phone.hop_label == "decl.workers"
    assert first.startswith("12/2026, 3 sal.\nKOFFI Yao 45 000\nAMEGAH Afi 80 000\n1 Confirmer\n")
    assert "5 Suite" in first and len(first) <= 160
    assert phone.send("5").startswith("12/2026, 3 sal.\nSEDZRO Komla 150 000\n1 Confirmer")
    assert "KOFFI Yao" in phone.send("5"), "the pages wrap round"
    total = phone.send("1")
    # Each worker floored on its own: 52 500 + 80 000 + 150 000 = 282 500; 31.5 % = 88 987.5.
    assert total.startswith("12/2026: 3 sal., brut 275 000 FCFA\nA payer: 88 988 FCFA\nCNSS 60 738 FCFA\nAMU 28 250 FCFA")
    filed = phone.send("1")
    assert not phone.ended and filed.startswith("Déclaration 12/2026 enregistrée. A payer: 88 988 FCFA.\n"
                                                "1 Référence de paiement")
    (declaration,) = gateway.rows(t.declarations, t.declarations.c.period == "2026-12")
    assert (declaration.estimate, declaration.head_count, declaration.amount_due) == (False, 3, 88_988)
    assert _pay_lines(gateway, "2026-12") == {"2000101": 45_000, "2000102": 80_000, "2000103": 150_000}
    account = individual_account("2000101", uow=gateway.rt.uow_factory())
    assert account.last_period == DECEMBER and account.pay_by_period()[0] == (DECEMBER, 45_000)
    sms = gateway.sms.to(Msisdn(EMPLOYER_PHONE))
    assert any("déclaration 12/2026 enregistrée, 3 salarié(s). A payer: 88 988 FCFA avant le 15/01" in s for s in sms)
    confirm = phone.send("1")
    assert phone.hop_label == "pay.confirm" and "Total: 88 988 FCFA" in confirm and "12/2026" in confirm
    final = phone.send("1")
    assert phone.ended and "Montant: 88 988 FCFA" in final


def test_changing_adding_and_removing_workers_with_every_typing_error(gateway: Gateway) -> None:
    _in_december(gateway)
    phone = _declare(gateway)
    phone.send("122026")
    assert phone.send("2").startswith("Salaire de qui?\n1 KOFFI Yao 45 000\n2 AMEGAH Afi 80 000\n3 SEDZRO Komla")
    assert phone.send("1") == "Nouveau salaire brut de KOFFI Yao (FCFA):\n0 Retour 00 Accueil"
    for typed in ("abc", "000", "50000001"):  # a lone "0" is the back key
        assert phone.send(typed).startswith("Salaire invalide: de 1 à 50 000 000 FCFA.\nNouveau salaire"), typed
        phone.send("0")  # back to the list of workers, then in again (three errors would end the session)
        phone.send("1")
    assert phone.send("60000").startswith("Salaire changé.\n12/2026, 3 sal.\nKOFFI Yao 60 000\n")

    phone.send("3")
    assert phone.send("12ab").startswith("Numéro d'assuré invalide.")
    assert phone.send("2999999").startswith("Numéro d'assuré inconnu.")
    phone.send("0")
    phone.send("3")
    assert phone.send("2000102").startswith("Déjà dans la liste.")
    assert phone.send("2000001") == "Salaire brut de AKU Mawuena (FCFA):\n0 Retour 00 Accueil"
    assert phone.send("150000").startswith("Salarié ajouté.\n12/2026, 4 sal.\n")

    phone.send("4")
    assert phone.send("9").startswith("Choix invalide.\nRetirer qui?")
    assert phone.send("3").startswith("Salarié retiré.\n12/2026, 3 sal.\n")
    total = phone.send("1")
    # 60 000 + 80 000 + 150 000 = 290 000, all above the SMIG: 31.5 % = 91 350.
    assert "12/2026: 3 sal., brut 290 000 FCFA\nA payer: 91 350 FCFA" in total
    phone.send("1")
    assert _pay_lines(gateway, "2026-12") == {"2000101": 60_000, "2000102": 80_000, "2000001": 150_000}
    assert gateway.rows(t.declarations, t.declarations.c.period == "2026-12")[0].amount_due == 91_350


def _new_employer(gateway: Gateway) -> UssdPhone:
    with gateway.rt.uow_factory() as uow:
        uow.employers.add(Employer("1000009", "ATELIER DE COUTURE", (Msisdn(NEW_EMPLOYER_PHONE),)))
        pin_hash = gateway.rt.pin_hasher.hash("2468", HolderKind.EMPLOYER, "1000009")
        uow.credentials.save(Credential(HolderKind.EMPLOYER, "1000009", pin_hash))
        uow.commit()
    return _declare(gateway, NEW_EMPLOYER_PHONE, "2468")


def test_a_first_declaration_may_be_an_estimate_labelled_as_such_and_only_the_first(gateway: Gateway) -> None:
    phone = _new_employer(gateway)
    assert phone.send("122026").startswith("Période future impossible.")
    assert phone.send("102026").startswith("10/2026: aucune déclaration par salarié à reprendre.\n"
                                           "1 Déclarer par salarié\n2 Estimation (effectif, masse)")
    phone.send("2")
    assert phone.send("deux").startswith("Entrez un nombre de 1 a 999.")
    phone.send("2")
    assert phone.send("195 000").startswith("Montant invalide")
    confirm = phone.send("195000")
    # The payroll path floors the total only: 195 000 x 31.5 % = 61 425 (per worker 45 000 + 150 000 gives 63 788).
    assert confirm.startswith("Estimation 10/2026, 2 sal.\nA payer: 61 425 FCFA")
    assert phone.send("1").startswith("Estimation 10/2026 enregistrée, à compléter par salarié. "
                                      "A payer: 61 425 FCFA.\n1 Référence de paiement")
    (declaration,) = gateway.rows(t.declarations, t.declarations.c.employer_number == "1000009")
    assert declaration.estimate is True and declaration.amount_due == 61_425
    (sms,) = gateway.sms.to(Msisdn(NEW_EMPLOYER_PHONE))
    assert sms.startswith("CNSS: ESTIMATION 10/2026 enregistrée (2 sal., masse 195 000 FCFA), à compléter par salarié.")

    phone = _declare(gateway, NEW_EMPLOYER_PHONE, "2468")
    first = phone.send("112026")
    assert phone.hop_label == "decl.first" and "1 Déclarer par salarié" in first and "Estimation" not in first
    assert phone.send("2").startswith("Choix invalide."), "no second estimate"
    phone.walk("1", "2000101", "45000")
    phone.send("4")
    assert phone.send("1").startswith("Il faut au moins 1 salarié.\nRetirer qui?\n1 KOFFI Yao 45 000")
    phone.send("0")
    assert phone.hop_label == "decl.workers"
    phone.walk("3", "2000103", "150000")
    assert phone.send("1").startswith("11/2026: 2 sal., brut 195 000 FCFA\nA payer: 63 788 FCFA")
    phone.send("1")
    (november,) = gateway.rows(t.declarations, t.declarations.c.period == "2026-11",
                               t.declarations.c.employer_number == "1000009")
    assert november.estimate is False and november.amount_due == 63_788
    assert _pay_lines(gateway, "2026-11", "1000009") == {"2000101": 45_000, "2000103": 150_000}


def test_back_home_and_resume_after_a_drop_in_the_middle_of_adding_a_worker(gateway: Gateway) -> None:
    _in_december(gateway)
    phone = _declare(gateway)
    phone.walk("122026", "2", "2")
    assert phone.hop_label == "decl.new_pay"
    assert phone.send("0").startswith("Salaire de qui?"), "back from the pay goes to the list to pick from"
    phone.walk("0", "3", "2000001")
    assert phone.hop_label == "decl.add_pay"

    again = gateway.phone()  # the network dropped the session; the subscriber redials
    assert again.dial().startswith("Vous avez une session interrompue.")
    again.walk("1", "1234")
    assert again.hop_label == "decl.add_pay" and again.screen.startswith("Salaire brut de AKU Mawuena")
    assert again.send("90000").startswith("Salarié ajouté.\n12/2026, 4 sal.")
    assert again.send("0").startswith("Période déclarée"), "the edits left the back history"
    assert again.send("00").startswith("BOULANGERIE")
    assert gateway.count(t.declarations, t.declarations.c.period == "2026-12") == 0


def test_a_period_declared_meanwhile_is_refused_clearly_and_nothing_is_written_twice(gateway: Gateway) -> None:
    _in_december(gateway)
    phone = _declare(gateway)
    phone.walk("122026", "1")
    assert phone.hop_label == "decl.total"
    file_declaration("1000001", DECEMBER, uow=gateway.rt.uow_factory(), clock=gateway.clock,
                     rulebook=gateway.rt.rulebook, workers=[WorkerPay("2000101", 45_000)])
    assert phone.send("1") == "12/2026 était déjà déclarée. Rien n'a été modifié."
    assert phone.ended
    assert _pay_lines(gateway, "2026-12") == {"2000101": 45_000}
    assert gateway.count(t.declarations, t.declarations.c.period == "2026-12") == 1
