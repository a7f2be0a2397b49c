"""The console's pages and actions by role: viewers read (phones masked), agents retry an SMS, move a request (the
person is texted) and unlock a PIN, admins manage staff; every action audited; on both stacks."""
from __future__ import annotations

import re

import pytest

from core.adapters.sqlalchemy import tables as t
from core.domain.incidents import Incident
from core.domain.msisdn import Msisdn
from core.domain.outbox import MessageStatus, sms_message
from core.domain.parties import HolderKind
from core.domain.rejections import PaymentRejection
from core.domain.requests import ClaimCategory
from core.services.credentials import check_pin
from core.services.requests import file_claim, file_request
from gateway.incidents import EXTENSION as INCIDENTS
from tests.e2e.conftest import ACCOUNTANT_PHONE, EMPLOYER_PHONE, INSURED_PHONE, UP_TO_DATE_PHONE, Gateway
from tests.support.ops import post_form, signed_in_client

DEMO_PHONES = (EMPLOYER_PHONE, INSURED_PHONE, UP_TO_DATE_PHONE, ACCOUNTANT_PHONE, "+22896000000")
LIST_PAGES = ["/ops/", "/ops/sms", "/ops/sms?status=failed", "/ops/payments", "/ops/requests", "/ops/pins",
              "/ops/incidents", "/ops/staff"]


def _queue_sms(gateway: Gateway, phone: str, key: str, status: MessageStatus, purpose: str = "payment_receipt") -> int:
    """An SMS to ``phone`` settled in ``status``; its id."""
    rt = gateway.rt
    with rt.uow_factory() as uow:
        uow.outbox.add(sms_message(phone, "Recu R123: 5000 F", purpose, key, rt.clock.now(), essential=True))
        message = uow.outbox.get(key)
        assert message is not None and message.message_id is not None
        if status is not MessageStatus.QUEUED:
            uow.outbox.settle(message.message_id, status, attempts=6, at=rt.clock.now(),
                              error=f"403 invalid number {phone}")
        uow.commit()
        return message.message_id


def _lock_pin(gateway: Gateway, number: str = "1000001") -> None:
    rt = gateway.rt
    for _ in range(3):
        check_pin(HolderKind.EMPLOYER, number, "0000", uow=rt.uow_factory(), clock=rt.clock, hasher=rt.pin_hasher)


def _claim(gateway: Gateway) -> str:
    rt = gateway.rt
    return file_claim(HolderKind.EMPLOYER, "1000001", ClaimCategory.WRONG_BALANCE, uow=rt.uow_factory(),
                      clock=rt.clock, msisdn=Msisdn(EMPLOYER_PHONE)).tracking_number


def _audit(gateway: Gateway, action: str) -> list[tuple[str, str]]:
    return [(r.actor, r.target) for r in gateway.rows(t.staff_actions, t.staff_actions.c.action == action)]


@pytest.fixture
def busy(gateway: Gateway) -> Gateway:
    """The demo gateway with SMS in every state, requests, a refused payment, a locked PIN and an incident."""
    rt = gateway.rt
    for number, status in enumerate((MessageStatus.FAILED, MessageStatus.SENT, MessageStatus.UNCERTAIN,
                                     MessageStatus.QUEUED)):
        _queue_sms(gateway, DEMO_PHONES[number], f"test:{number}", status)
    _claim(gateway)
    file_request("domestic_employer", HolderKind.PHONE, "+22896000000",
                 {"name": "Afi Mensah", "locality": "Lome", "workers": 1, "pay": 60000}, uow=rt.uow_factory(),
                 clock=rt.clock, msisdn=Msisdn("+22896000000"))
    file_request("phone_change", HolderKind.INSURED, "2000001", {"new_phone": UP_TO_DATE_PHONE},
                 uow=rt.uow_factory(), clock=rt.clock, msisdn=Msisdn(INSURED_PHONE))
    with rt.uow_factory() as uow:
        uow.rejections.add(PaymentRejection("ibbank", "TRX-991", "123456789012", 15000, "amount_mismatch",
                                            rt.clock.now(), detail=f"expected 20000, payer {EMPLOYER_PHONE}"))
        uow.commit()
    _lock_pin(gateway)
    gateway.app.extensions[INCIDENTS].repository.add(Incident("E7K2Q9", rt.clock.now(), "/gateway/at/ussd",
                                                              "OperationalError"))
    return gateway


@pytest.mark.parametrize("path", LIST_PAGES)
def test_no_page_shows_a_full_phone_number(busy: Gateway, path: str) -> None:
    html = signed_in_client(busy.app, "admin").get(path).get_data(as_text=True)
    for phone in DEMO_PHONES:
        national = phone[-8:]
        assert not re.search(rf"{national[:2]}\D?{national[2:4]}\D?{national[4:6]}\D?{national[6:]}", html), phone
    if path == "/ops/sms":
        assert "****2233" in html  # masked, last four digits kept


def test_a_request_page_masks_the_phones_of_its_form(busy: Gateway) -> None:
    client = signed_in_client(busy.app, "viewer")
    listing = client.get("/ops/requests?kind=phone_change").get_data(as_text=True)
    [tracking] = re.findall(r"/ops/requests/(TM\d{8})", listing)
    page = client.get(f"/ops/requests/{tracking}").get_data(as_text=True)
    assert "new_phone" in page and "****3344" in page and "91223344" not in page and "99112233" not in page
    assert "changement de téléphone" in page


def test_the_home_page_counts_and_charts(busy: Gateway) -> None:
    html = signed_in_client(busy.app, "viewer").get("/ops/").get_data(as_text=True)
    assert re.search(r'<span class="n">1</span><a href="/ops/sms\?status=failed">SMS en échec', html)
    assert re.search(r'<span class="n">1</span><a href="/ops/payments">Paiements refusés', html)
    assert re.search(r'<span class="n">1</span><a href="/ops/pins">PIN verrouillés', html)
    assert html.count('<svg class="chart"') == 2 and "<script" not in html


def test_a_viewer_sees_everything_but_can_change_nothing(busy: Gateway) -> None:
    failed_id = _queue_sms(busy, INSURED_PHONE, "viewer:failed", MessageStatus.FAILED)
    tracking = _claim(busy)
    viewer = signed_in_client(busy.app, "viewer")
    pages = {path: viewer.get(path).get_data(as_text=True)
             for path in ("/ops/sms?status=failed", f"/ops/requests/{tracking}", "/ops/pins")}
    assert "Relancer" not in pages["/ops/sms?status=failed"]
    assert "Changer le statut" not in pages[f"/ops/requests/{tracking}"]
    assert "Déverrouiller" not in pages["/ops/pins"] and "1000001" in pages["/ops/pins"]
    assert post_form(viewer, f"/ops/sms/{failed_id}/retry")[0] == 403
    assert post_form(viewer, f"/ops/requests/{tracking}/status", {"status": "validated"})[0] == 403
    assert post_form(viewer, "/ops/pins/unlock", {"kind": "employer", "number": "1000001"})[0] == 403
    assert viewer.get("/ops/staff").status_code == 403
    assert busy.rows(t.outbound_messages, t.outbound_messages.c.id == failed_id)[0].status == "failed"
    assert busy.rows(t.service_requests, t.service_requests.c.tracking_number == tracking)[0].status == "received"
    assert busy.rows(t.credentials, t.credentials.c.holder_number == "1000001")[0].locked_until is not None
    assert [sms for sms in busy.sms.to(Msisdn(EMPLOYER_PHONE)) if tracking in sms] == []


def test_an_agent_moves_a_request_and_the_person_gets_an_sms(busy: Gateway) -> None:
    tracking = _claim(busy)
    agent = signed_in_client(busy.app, "agent")
    assert "Changer le statut" in agent.get(f"/ops/requests/{tracking}").get_data(as_text=True)
    status, where = post_form(agent, f"/ops/requests/{tracking}/status",
                              {"status": "documents_missing", "note": "Apportez le releve"})
    assert (status, where) == (302, f"/ops/requests/{tracking}")
    page = agent.get(where).get_data(as_text=True)
    assert "pièces manquantes" in page and "Apportez le releve" in page
    [sms] = [sms for sms in busy.sms.to(Msisdn(EMPLOYER_PHONE)) if tracking in sms]
    assert "Apportez le releve" in sms
    [(actor, target)] = _audit(busy, "request_status_changed")
    assert actor.startswith("agent-") and target == f"{tracking} -> documents_missing"


def test_an_agent_unlocks_a_pin_and_it_leaves_the_locked_list(busy: Gateway) -> None:
    agent = signed_in_client(busy.app, "agent")
    assert "<td>1000001</td>" in agent.get("/ops/pins").get_data(as_text=True)
    assert post_form(agent, "/ops/pins/unlock", {"kind": "employer", "number": "1000001"}) == (302, "/ops/pins")
    page = agent.get("/ops/pins").get_data(as_text=True)
    assert "déverrouillé" in page and "<td>1000001</td>" not in page
    [row] = busy.rows(t.credentials, t.credentials.c.holder_number == "1000001")
    assert (row.failed_attempts, row.locked_until, row.lockouts) == (0, None, 0)
    post_form(agent, "/ops/pins/unlock", {"kind": "insured", "number": "9999999"})
    assert "Aucun PIN" in agent.get("/ops/pins").get_data(as_text=True)
    assert [target for _, target in _audit(busy, "pin_unlocked")] == ["employer 1000001"]


def test_an_agent_retries_a_failed_sms_only(busy: Gateway) -> None:
    failed_id = _queue_sms(busy, INSURED_PHONE, "agent:failed", MessageStatus.FAILED)
    sent_id = _queue_sms(busy, INSURED_PHONE, "agent:sent", MessageStatus.SENT)
    agent = signed_in_client(busy.app, "agent")
    assert "Relancer" in agent.get("/ops/sms?status=failed").get_data(as_text=True)
    assert post_form(agent, f"/ops/sms/{failed_id}/retry") == (302, "/ops/sms?status=failed")
    [row] = busy.rows(t.outbound_messages, t.outbound_messages.c.idempotency_key == "agent:failed")
    assert (row.id, row.status, row.attempts) == (failed_id, "queued", 0)  # the same row, due again
    post_form(agent, f"/ops/sms/{sent_id}/retry")
    assert "Seul un SMS en échec" in agent.get("/ops/sms").get_data(as_text=True)
    assert busy.rows(t.outbound_messages, t.outbound_messages.c.id == sent_id)[0].status == "sent"
    assert [target for _, target in _audit(busy, "sms_retried")] == [f"sms #{failed_id} (payment_receipt)"]


def test_refused_payments_show_with_their_reason(busy: Gateway) -> None:
    html = signed_in_client(busy.app, "viewer").get("/ops/payments").get_data(as_text=True)
    assert "TRX-991" in html and "montant différent" in html and "15\u202f000 F" in html
    assert "****2233" in html  # the phone quoted in the refusal's detail is masked


def test_an_incident_is_found_by_its_error_id(busy: Gateway) -> None:
    client = signed_in_client(busy.app, "viewer")
    html = client.get("/ops/incidents?error_id=E7K2Q9").get_data(as_text=True)
    assert "/gateway/at/ussd" in html and "OperationalError" in html
    assert "Aucun incident n'a le n° NOPE" in client.get("/ops/incidents?error_id=NOPE").get_data(as_text=True)


def test_an_admin_changes_roles_and_disables_staff(busy: Gateway) -> None:
    admin, agent = signed_in_client(busy.app, "admin"), signed_in_client(busy.app, "agent")
    assert "Personnel" not in agent.get("/ops/").get_data(as_text=True)
    assert agent.get("/ops/staff").status_code == 403
    listing = admin.get("/ops/staff").get_data(as_text=True)
    [name] = set(re.findall(r"<td>(agent-[0-9a-f]{8})</td>", listing))
    assert post_form(agent, f"/ops/staff/{name}/role", {"role": "admin"})[0] == 403
    assert post_form(admin, f"/ops/staff/{name}/role", {"role": "viewer"})[0] == 302
    assert post_form(agent, "/ops/pins/unlock", {"kind": "employer", "number": "1000001"})[0] == 403
    assert post_form(admin, f"/ops/staff/{name}/disable")[0] == 302
    assert agent.get("/ops/").status_code == 302
    assert [target for _, target in _audit(busy, "staff_role_changed")] == [f"{name} (viewer)"]
    assert "staff_disabled" in admin.get("/ops/staff").get_data(as_text=True)
