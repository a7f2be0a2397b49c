"""Request kinds as data: the kinds table, field checks, keypad names, statuses and notes."""
from __future__ import annotations

from datetime import date

import pytest

from core.domain.parties import HolderKind
from core.domain.requests import (
    CLAIM,
    KINDS,
    QUITUS,
    InvalidRequestDetailsError,
    RequestKind,
    RequestStatus,
    UnknownRequestKindError,
    UnknownRequestStatusError,
    amount_field,
    choice_field,
    clean_note,
    count_field,
    date_field,
    insured_number_field,
    keypad_name,
    kind_named,
    name_field,
    new_tracking_number,
    parse_status,
    phone_field,
    text_field,
)

TODAY = date(2026, 11, 23)
TRY = RequestKind("try", "TR", frozenset({HolderKind.PHONE}), (
    name_field("last_name"), date_field("birth_date", past_days=120 * 366), amount_field("pay", 1_000, 5_000_000),
    count_field("workers", 1, 50), choice_field("sex", "f", "m"), insured_number_field("worker"),
    phone_field("phone"), text_field("place", 20)))
GOOD = {"last_name": "  aku  MAWUÉNA-abla ", "birth_date": "1990-03-15", "pay": 150_000, "workers": 2, "sex": "f",
        "worker": "2000001", "phone": "90 11 22 33", "place": "Lomé, marché"}


def test_the_kinds_table_is_consistent() -> None:
    prefixes = [kind.prefix for kind in KINDS.values()]
    assert len(set(prefixes)) == len(prefixes) and all(len(p) == 2 and p.isalpha() for p in prefixes)
    for name, kind in KINDS.items():
        assert name == kind.value and len(name) <= 32 and kind.filers
        names = [f.name for f in kind.fields]
        assert len(set(names)) == len(names) and not {"confirm", "filed"} & set(names)
        choices = [c for f in kind.fields for c in f.choices]
        assert len(set(choices)) == len(choices) and not set(choices) & {*names, "confirm", "filed"}
    assert kind_named("claim") is CLAIM and not QUITUS.by_form
    with pytest.raises(UnknownRequestKindError):
        kind_named("pizza")


def test_valid_details_are_stored_in_their_canonical_form() -> None:
    assert TRY.validate(GOOD, TODAY) == {
        "last_name": "Aku Mawuena-Abla", "birth_date": "1990-03-15", "pay": 150_000, "workers": 2, "sex": "f",
        "worker": "2000001", "phone": "+22890112233", "place": "Lome, marche"}


@pytest.mark.parametrize(("field", "value", "reason"), [
    ("last_name", "K", "length"), ("last_name", "Ko3ssi", "format"), ("last_name", "", "format"),
    ("birth_date", "15/03/1990", "format"), ("birth_date", "1990-02-30", "format"),
    ("birth_date", "2026-11-24", "too_late"), ("birth_date", "1890-01-01", "too_early"),
    ("pay", 999, "range"), ("pay", 5_000_001, "range"), ("pay", "150000", "format"), ("pay", True, "format"),
    ("workers", 0, "range"), ("workers", 51, "range"), ("sex", "x", "choice"), ("worker", "12", "format"),
    ("worker", "20000O1", "format"), ("phone", "12345", "format"), ("place", "a" * 21, "length"),
    ("place", "Lomé {x}", "format"),
])
def test_each_field_refuses_what_does_not_fit(field: str, value: object, reason: str) -> None:
    with pytest.raises(InvalidRequestDetailsError) as refused:
        TRY.validate({**GOOD, field: value}, TODAY)
    assert (refused.value.field, refused.value.reason) == (field, reason)


def test_missing_and_unknown_fields_are_refused() -> None:
    with pytest.raises(InvalidRequestDetailsError) as missing:
        TRY.validate({k: v for k, v in GOOD.items() if k != "pay"}, TODAY)
    assert (missing.value.field, missing.value.reason) == ("pay", "missing")
    with pytest.raises(InvalidRequestDetailsError) as unknown:
        TRY.validate({**GOOD, "pin": "1234"}, TODAY)
    assert (unknown.value.field, unknown.value.reason) == ("pin", "unknown")


def test_keypad_names_drop_accents_and_are_capitalised() -> None:
    assert keypad_name("  éDOH   kOMLAN d'ALMEIDA ") == "Edoh Komlan D'Almeida"
    assert keypad_name("AKOSSIWA-ÉLÉONORE") == "Akossiwa-Eleonore"


def test_statuses_notes_and_tracking_numbers() -> None:
    assert parse_status(" Documents_Missing ") is RequestStatus.DOCUMENTS_MISSING
    with pytest.raises(UnknownRequestStatusError):
        parse_status("done")
    assert clean_note("  Apportez   la CNI ") == "Apportez la CNI" and clean_note("  ") is None
    with pytest.raises(InvalidRequestDetailsError):
        clean_note("x" * 61)
    assert new_tracking_number(CLAIM, lambda _n: 42) == "RC00000042"
