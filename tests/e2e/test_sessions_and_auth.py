"""Who is calling and session mechanics: PIN lockout, activation, resume, duplicates, concurrency, direct dial."""
from __future__ import annotations

import threading
from datetime import date

import sqlalchemy as sa
from argon2 import PasswordHasher

from core.adapters.sqlalchemy import tables as t
from core.domain.msisdn import Msisdn
from core.domain.parties import Employer, HolderKind
from core.domain.pins import Credential
from tests.e2e.conftest import EMPLOYER_PHONE, INSURED_PHONE, STRANGER_PHONE, Gateway
from tests.support.builders import declare
from tests.support.phone import UssdPhone


def _count(gateway: Gateway, table: sa.Table) -> int:
    return gateway.count(table)


def test_three_wrong_pins_lock_access_for_thirty_minutes(gateway: Gateway) -> None:
    phone = gateway.phone()
    phone.dial()
    assert phone.send("0000").startswith("PIN incorrect. Essais restants: 2.")
    assert phone.send("1111").startswith("PIN incorrect. Essais restants: 1.")
    phone.send("2222")
    assert phone.ended and "Accès bloqué" in phone.screen and "jusqu'à 10:30" in phone.screen
    again = gateway.phone()
    again.dial()
    assert again.ended and "Accès bloqué" in again.screen, "a locked account does not even ask the PIN"
    gateway.clock.advance(minutes=29)
    assert "Accès bloqué" in gateway.phone().dial()
    gateway.clock.advance(minutes=2)
    phone = gateway.phone()
    phone.dial()
    phone.send("1234")
    assert phone.hop_label == "employer.home"
    with gateway.rt.uow_factory() as uow:
        credential = uow.credentials.get(HolderKind.EMPLOYER, "1000001")
    assert credential is not None and credential.failed_attempts == 0 and credential.locked_until is None


def test_invalid_input_is_shown_with_the_screen_and_three_failures_end_politely(gateway: Gateway) -> None:
    phone = gateway.phone()
    phone.dial()
    phone.send("1234")
    assert phone.send("9").startswith("Choix invalide.\nBOULANGERIE")
    phone.send("abc")
    phone.send("")
    assert phone.ended and phone.screen.startswith("Trop d'erreurs")


def test_first_use_activation_by_sms_then_a_new_pin(gateway: Gateway) -> None:
    with gateway.rt.uow_factory() as uow:
        uow.employers.add(Employer("1000003", "GARAGE DE LA LAGUNE", (Msisdn("+22897000001"),)))
        uow.commit()
    phone = gateway.phone("+22897000001")
    assert "code à 6 chiffres" in phone.dial()
    (sms,) = gateway.sms.to(Msisdn("+22897000001"))
    code = sms.split("est ")[1][:6]
    assert phone.send("000000" if code != "000000" else "111111").startswith("Code incorrect.")
    phone.send(code)
    assert phone.hop_label == "auth.new_pin"
    assert phone.send("1234").startswith("PIN trop simple.")
    phone.send("4826")
    assert phone.send("4827").startswith("Les PIN different")
    phone.send("4826")
    phone.send("4826")
    assert phone.hop_label == "employer.home" and phone.screen.startswith("PIN enregistré.")
    with gateway.rt.uow_factory() as uow:
        credential = uow.credentials.get(HolderKind.EMPLOYER, "1000003")
    assert credential is not None and "4826" not in credential.pin_hash
    assert gateway.rt.pin_hasher.verify(credential.pin_hash, "4826", HolderKind.EMPLOYER, "1000003")
    assert credential.pin_hash.startswith("$cnsspin$v=1$kid=")


def test_a_legacy_pin_hash_is_re_keyed_by_the_first_correct_login_over_http(gateway: Gateway) -> None:
    legacy = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash("1234")  # as deployed before #11
    with gateway.rt.uow_factory() as uow:
        uow.credentials.save(Credential(HolderKind.EMPLOYER, "1000001", legacy))
        uow.commit()
    phone = gateway.phone()
    phone.dial()
    assert phone.send("0000").startswith("PIN incorrect.")
    assert _pin_row(gateway) == (legacy, 1), "a wrong PIN never upgrades"
    phone = gateway.phone()
    phone.dial()
    phone.send("1234")
    assert phone.hop_label == "employer.home"
    stored, failures = _pin_row(gateway)
    assert stored.startswith("$cnsspin$v=1$kid=") and "1234" not in stored and failures == 0
    assert gateway.rt.pin_hasher.verify(stored, "1234", HolderKind.EMPLOYER, "1000001")
    phone = gateway.phone()
    phone.dial()
    phone.send("1234")
    assert phone.hop_label == "employer.home" and _pin_row(gateway) == (stored, 0), "re-keyed once only"


def _pin_row(gateway: Gateway) -> tuple[str, int]:
    """The employer's credentials row as stored, read with SQL rather than through the repository."""
    with gateway.rt.engine.connect() as conn:
        row = conn.execute(sa.select(t.credentials.c.pin_hash, t.credentials.c.failed_attempts).where(
            t.credentials.c.holder_kind == "employer", t.credentials.c.holder_number == "1000001")).one()
    return row.pin_hash, row.failed_attempts


def test_a_session_dropped_mid_form_resumes_with_its_data_after_the_pin(gateway: Gateway) -> None:
    phone = gateway.phone()
    phone.dial()
    phone.walk("1234", "4", "052026", "3")
    assert phone.hop_label == "decl.add_number"
    again = gateway.phone()  # the network dropped the session; the subscriber redials
    assert again.dial().startswith("Vous avez une session interrompue.")
    again.send("1")
    assert again.hop_label == "auth.pin"
    again.send("1234")
    assert again.hop_label == "decl.add_number"
    workers = again.send("0")
    assert "05/2026, 3 sal." in workers, "the back history came back too, with the form's data"
    again.send("0")
    assert again.hop_label == "decl.period"


def test_restarting_instead_of_resuming_and_the_resume_window(gateway: Gateway) -> None:
    phone = gateway.phone()
    phone.dial()
    phone.walk("1234", "4", "052026")
    again = gateway.phone()
    again.dial()
    again.send("2")
    assert again.hop_label == "auth.pin"
    third = gateway.phone()
    third.dial()
    third.walk("1234", "4", "052026")
    if gateway.redis is not None:  # Redis keeps real time: check the window it was given
        (key,) = gateway.redis.scan_iter(match="cnss:ussd:*:resume:*")
        assert 590_000 < gateway.redis.pttl(key) <= 600_000
        gateway.redis.delete(key)
    gateway.clock.advance(minutes=11)
    assert gateway.phone().dial().startswith("CNSS - BOULANGERIE"), "no resume offer once the window has passed"


def test_a_duplicate_hop_gets_the_same_reply_and_no_second_reference(gateway: Gateway) -> None:
    phone = gateway.phone()
    phone.dial()
    phone.walk("1234", "1", "1")
    before = _count(gateway, t.payment_references)
    final = phone.send("1")
    assert phone.resend() == final and phone.resend() == final
    phone.ended = False
    assert phone.send("1") == final, "a hop after END gets the same END"
    assert _count(gateway, t.payment_references) == before + 1
    assert len(gateway.sms.to(Msisdn(EMPLOYER_PHONE))) == 1


def test_two_concurrent_hops_of_one_session_do_not_interleave(gateway: Gateway) -> None:
    phone = gateway.phone()
    phone.dial()
    phone.walk("1234", "1", "1")
    before = _count(gateway, t.payment_references)
    phone.inputs.append("1")
    phone.text = "*".join(phone.inputs)
    replies: list[str] = []
    barrier = threading.Barrier(4)

    def post() -> None:
        twin = UssdPhone(gateway.app.test_client(), EMPLOYER_PHONE)
        twin.session_id, twin.text, twin.inputs = phone.session_id, phone.text, list(phone.inputs)
        barrier.wait()
        replies.append(twin.resend())

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(replies) == 4 and len(set(replies)) == 1 and "Référence" in replies[0]
    assert _count(gateway, t.payment_references) == before + 1


def test_a_chained_dial_jumps_along_the_menu_after_the_pin(gateway: Gateway) -> None:
    phone = gateway.phone()
    phone.dial("1")  # *909*1#
    assert phone.hop_label == "auth.pin"
    phone.send("1234")
    assert phone.hop_label == "pay.scope" and "Impayé: 93 437 FCFA" in phone.screen
    public = gateway.phone(STRANGER_PHONE)
    public.dial("2*45*60")  # simulator, current age, departure age
    assert public.hop_label == "sim.months"


def test_a_pin_is_never_accepted_from_the_dial_string(gateway: Gateway) -> None:
    phone = gateway.phone()
    screen = phone.dial("1234*1")  # *909*1234*1#
    assert phone.hop_label == "auth.pin" and "Entrez votre code PIN" in screen
    with gateway.rt.uow_factory() as uow:
        credential = uow.credentials.get(HolderKind.EMPLOYER, "1000001")
    assert credential is not None and credential.failed_attempts == 0


def test_the_language_choice_is_remembered_for_the_phone(gateway: Gateway) -> None:
    phone = gateway.phone(INSURED_PHONE)
    phone.dial()
    phone.walk("4321", "6", "2", "2")
    assert phone.screen.startswith("Language saved.") and "Individual account" in phone.screen
    phone.send("1")
    assert "Months of insurance: 250" in phone.screen
    again = gateway.phone(INSURED_PHONE)
    assert "Enter your PIN" in again.dial()


def test_changing_the_pin_from_my_account(gateway: Gateway) -> None:
    phone = gateway.phone()
    phone.dial()
    phone.walk("1234", "6", "1")
    assert phone.hop_label == "auth.pin"
    phone.walk("1234", "5831", "5831")
    assert phone.hop_label == "employer.home" and phone.screen.startswith("PIN modifié.")
    again = gateway.phone()
    again.dial()
    assert again.send("1234").startswith("PIN incorrect")
    again.send("5831")
    assert again.hop_label == "employer.home"


def test_every_redis_key_carries_a_ttl(gateway: Gateway) -> None:
    if gateway.redis is None:
        store = gateway.rt.ussd.store
        phone = gateway.phone()
        phone.dial()
        phone.walk("1234", "4", "052026")
        assert all(ttl > 0 for ttl in store.keys_with_ttl().values())  # type: ignore[attr-defined]
        return
    phone = gateway.phone()
    phone.dial()
    phone.walk("1234", "4", "052026")
    keys = list(gateway.redis.scan_iter(match="*"))
    assert {k.split(b":")[2] for k in keys} >= {b"session", b"resume", b"lang"} or len(keys) >= 2
    assert keys and all(gateway.redis.pttl(key) > 0 for key in keys)


def test_a_new_declaration_for_an_unknown_period_via_builders_is_visible(gateway: Gateway) -> None:
    declare(gateway.rt.uow_factory, gateway.rt.rulebook, "1000002", "2026-06", 100_000)
    with gateway.rt.uow_factory() as uow:
        assert date(2026, 6, 1) in [p.first_day for p in uow.declarations.periods("1000002")]
