"""Employer request kinds and profile changes as data: the 8-day registration deadline, optional fields,
e-mail shape, the accident deadline parameter, and unique tracking prefixes."""
from __future__ import annotations

from datetime import date

import pytest

from core.domain.parameters import default_rulebook, rulebook_with_overrides
from core.domain.requests import (
    DECLARED_PAYMENT,
    EMAIL_CHANGE,
    KINDS,
    WORKER_REGISTRATION,
    InvalidRequestDetailsError,
    registration_deadline,
)
from menus import forms

TODAY = date(2026, 11, 23)
WORKER = {"last_name": "agbéko", "first_names": "Kossi", "birth_date": "1990-03-15", "sex": "m",
          "hire_date": "2026-11-15", "pay": 150_000}


@pytest.mark.parametrize(("hired", "late"), [("2026-11-15", False), ("2026-11-14", True), ("2026-12-01", False)])
def test_a_registration_is_late_once_eight_days_from_hiring_have_passed(hired: str, late: bool) -> None:
    details = WORKER_REGISTRATION.validate({**WORKER, "hire_date": hired}, TODAY)
    assert details["late"] is late
    assert details["deadline"] == registration_deadline(date.fromisoformat(hired)).isoformat()
    assert details["last_name"] == "Agbeko" and "worker_phone" not in details


def test_the_workers_phone_is_optional_but_checked_when_given() -> None:
    assert WORKER_REGISTRATION.validate({**WORKER, "worker_phone": ""}, TODAY).get("worker_phone") is None
    assert WORKER_REGISTRATION.validate({**WORKER, "worker_phone": "91234567"}, TODAY)["worker_phone"] == "+22891234567"
    with pytest.raises(InvalidRequestDetailsError) as refused:
        WORKER_REGISTRATION.validate({**WORKER, "worker_phone": "123"}, TODAY)
    assert refused.value.field == "worker_phone"
    assert forms.parse(WORKER_REGISTRATION.field("worker_phone"), " 1 ", TODAY) == ""
    with pytest.raises(InvalidRequestDetailsError) as missing:
        WORKER_REGISTRATION.validate({k: v for k, v in WORKER.items() if k != "pay"}, TODAY)
    assert (missing.value.field, missing.value.reason) == ("pay", "missing")


@pytest.mark.parametrize("typed", ["nom@domaine", "@domaine.tg", "nom@@domaine.tg", "nom prenom@x.tg", "a..b@x.tg",
                                   "nom@domaine.t", "", "x" * 60 + "@domaine.tg"])
def test_an_e_mail_must_have_the_usual_shape(typed: str) -> None:
    with pytest.raises(InvalidRequestDetailsError):
        EMAIL_CHANGE.validate({"email": typed}, TODAY)


def test_an_e_mail_is_stored_trimmed_and_lower_case() -> None:
    assert EMAIL_CHANGE.validate({"email": " Aku.M+cnss@Mail.TG "}, TODAY) == {"email": "aku.m+cnss@mail.tg"}


def test_a_declared_payment_refuses_a_future_day_and_a_zero_amount() -> None:
    good = {"paid_by": "transfer", "transaction": "VIR-1", "amount": 1000, "paid_on": "2026-11-23"}
    for field, value in (("paid_on", "2026-11-24"), ("amount", 0), ("paid_by", "cash"), ("transaction", "VIR#1")):
        with pytest.raises(InvalidRequestDetailsError) as refused:
            DECLARED_PAYMENT.validate({**good, field: value}, TODAY)
        assert refused.value.field == field


def test_the_work_accident_deadline_is_a_dated_parameter() -> None:
    book = default_rulebook()
    assert book.services.at(TODAY).work_accident_hours == 48
    changed = rulebook_with_overrides(book, {"services": [{"effective_from": "2027-01-01", "value": {
        "reference_validity_days": 15, "quitus_validity_days": 90, "work_accident_hours": 72}}]})
    assert changed.services.at(date(2027, 1, 1)).work_accident_hours == 72
    assert changed.services.at(TODAY).work_accident_hours == 48


def test_every_kind_has_its_own_tracking_prefix() -> None:
    prefixes = [kind.prefix for kind in KINDS.values()]
    assert len(prefixes) == len(set(prefixes)), prefixes
