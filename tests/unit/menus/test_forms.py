"""The form builder: keypad parsing of every field type, and the texts every request kind's screens need."""
from __future__ import annotations

from datetime import date

import pytest

from core.domain.requests import (
    KINDS,
    Field,
    FieldType,
    RequestKind,
    RequestStatus,
    amount_field,
    count_field,
    date_field,
    insured_number_field,
    name_field,
    phone_field,
    text_field,
)
from menus import forms, texts
from menus.dsl import InvalidInput
from menus.labels import documents_key, kind_key, status_key
from menus.request_texts import status_sms_key
from menus.screens.catalog import build_registry

TODAY = date(2026, 11, 23)
BIRTH = date_field("birth_date", past_days=120 * 366)


@pytest.mark.parametrize("typed", ["15/03/1990", "15031990", "15-03-1990", "15.3.1990", " 15/03/1990 "])
def test_a_date_is_typed_as_day_month_year(typed: str) -> None:
    assert forms.parse(BIRTH, typed, TODAY) == "1990-03-15"


@pytest.mark.parametrize(("typed", "error", "values"), [
    ("1990-03-15", "form.date_format", {}), ("31021990", "form.date_format", {}), ("150390", "form.date_format", {}),
    ("15/03/90", "form.date_format", {}), ("", "form.date_format", {}), ("1503199O", "form.date_format", {}),
    ("24/11/2026", "form.date_too_late", {"latest": "23/11/2026"}),
    ("01/01/1900", "form.date_too_early", {"earliest": "25/08/1906"}),
])
def test_a_bad_date_says_why(typed: str, error: str, values: dict[str, str]) -> None:
    with pytest.raises(InvalidInput) as refused:
        forms.parse(BIRTH, typed, TODAY)
    assert refused.value.error == error and values.items() <= refused.value.values.items()


@pytest.mark.parametrize(("field", "typed", "expected"), [
    (amount_field("pay", 1_000, 5_000_000), "150 000", 150_000), (count_field("workers"), "12", 12),
    (name_field("first_names"), "kossi  ÉLI", "Kossi Eli"), (insured_number_field("worker"), "2000001", "2000001"),
    (phone_field("phone"), "90112233", "+22890112233"), (text_field("place"), " Lomé  port ", "Lome port"),
])
def test_typed_values_take_their_stored_form(field: Field, typed: str, expected: object) -> None:
    assert forms.parse(field, typed, TODAY) == expected


@pytest.mark.parametrize(("field", "typed", "error"), [
    (amount_field("pay", 1_000, 5_000_000), "15O000", "form.amount_range"),
    (amount_field("pay", 1_000, 5_000_000), "999", "form.amount_range"),
    (amount_field("pay", 1_000, 5_000_000), "-5000", "form.amount_range"),
    (count_field("workers"), "0", "form.count_range"), (count_field("workers"), "99999", "form.count_range"),
    (name_field("first_names"), "K0ssi", "form.name_invalid"),
    (insured_number_field("worker"), "12", "form.insured_number_invalid"),
    (phone_field("phone"), "123", "form.phone_invalid"), (text_field("place", 5), "Lome port", "form.text_invalid"),
])
def test_bad_typed_values_say_why(field: Field, typed: str, error: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        forms.parse(field, typed, TODAY)
    assert refused.value.error == error


def test_amount_errors_show_the_bounds_in_francs() -> None:
    with pytest.raises(InvalidInput) as refused:
        forms.parse(amount_field("pay", 1_000, 5_000_000), "1", TODAY)
    assert texts.render(refused.value.error, "fr", refused.value.values) == \
        "Montant de 1 000 FCFA à 5 000 000 FCFA, chiffres seuls."


@pytest.mark.parametrize("kind", list(KINDS.values()), ids=list(KINDS))
def test_every_kind_has_its_texts_in_every_language(kind: RequestKind) -> None:
    for language, catalogue in texts.CATALOGUES.items():
        assert len(texts.render(kind_key(kind.value), language)) <= texts.PLACEHOLDERS["kind"][0]
        if documents_key(kind.value) in catalogue:
            assert len(catalogue[documents_key(kind.value)]) <= texts.PLACEHOLDERS["documents"][0]
        for status in RequestStatus:
            assert status_sms_key(kind.value, status.value) in catalogue
            assert status_key(status.value) in catalogue
        if not kind.by_form or not kind.fields:
            continue
        for spec in kind.fields:
            assert forms.screen_id(kind, spec.name) in catalogue, (language, spec.name)
            for choice in spec.choices:
                assert len(texts.render(forms.screen_id(kind, choice), language)) <= texts.PLACEHOLDERS["choice"][0]
        confirm = catalogue[forms.screen_id(kind, "confirm")]
        assert texts.placeholders_of(confirm) <= {f.name for f in kind.fields} | set(kind.derived)


def test_every_kind_with_fields_has_its_form_registered() -> None:
    registry = build_registry()
    for kind in KINDS.values():
        if kind.by_form and kind.fields:
            for spec in kind.fields:
                screen = registry[forms.screen_id(kind, spec.name)]
                assert screen.title == forms.screen_id(kind, spec.name)
                assert (spec.type is FieldType.CHOICE) == (type(screen).__name__ == "Pick")
            assert forms.screen_id(kind, "filed") in registry
