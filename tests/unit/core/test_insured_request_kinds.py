"""Insured persons' benefit and declaration kinds: who may file them, their date windows, their labels on screen."""
from __future__ import annotations

from datetime import date

import pytest

from core.domain.requests import (
    CHILD_DECLARATION,
    INVALIDITY_PENSION,
    MATERNITY_ALLOWANCE,
    OCCUPATIONAL_DISEASE,
    OLD_AGE_PENSION,
    PRENATAL_ALLOWANCE,
    SPOUSE_DECLARATION,
    InvalidRequestDetailsError,
    RequestKind,
)
from core.domain.parties import HolderKind
from menus import forms, texts

TODAY = date(2026, 11, 23)
W4_KINDS = (OLD_AGE_PENSION, INVALIDITY_PENSION, PRENATAL_ALLOWANCE, MATERNITY_ALLOWANCE, CHILD_DECLARATION,
            SPOUSE_DECLARATION, OCCUPATIONAL_DISEASE)


@pytest.mark.parametrize("kind", W4_KINDS, ids=[k.value for k in W4_KINDS])
def test_only_insured_persons_file_them(kind: RequestKind) -> None:
    assert kind.filers == frozenset({HolderKind.INSURED}) and kind.by_form


@pytest.mark.parametrize(("kind", "details", "field", "reason"), [
    (OLD_AGE_PENSION, {"pension_start": "2025-11-21"}, "pension_start", "too_early"),
    (OLD_AGE_PENSION, {"pension_start": "2027-11-25"}, "pension_start", "too_late"),
    (INVALIDITY_PENSION, {"incapacity_date": "2026-11-24"}, "incapacity_date", "too_late"),
    (PRENATAL_ALLOWANCE, {"mother": "self", "delivery_date": "2026-11-22"}, "delivery_date", "too_early"),
    (PRENATAL_ALLOWANCE, {"mother": "self", "delivery_date": "2027-08-31"}, "delivery_date", "too_late"),
    (PRENATAL_ALLOWANCE, {"mother": "aunt", "delivery_date": "2027-01-10"}, "mother", "choice"),
    (MATERNITY_ALLOWANCE, {"delivery_date": "2026-08-09"}, "delivery_date", "too_early"),
    (CHILD_DECLARATION, {"child_name": "Ama", "child_birth": "2026-11-24", "child_sex": "f"}, "child_birth",
     "too_late"),
    (CHILD_DECLARATION, {"child_name": "Ama", "child_birth": "2005-11-06", "child_sex": "f"}, "child_birth",
     "too_early"),
    (CHILD_DECLARATION, {"child_name": "Ama 2", "child_birth": "2020-01-01", "child_sex": "f"}, "child_name",
     "format"),
    (SPOUSE_DECLARATION, {"spouse_name": "Kossi", "marriage_date": "2026-11-24"}, "marriage_date", "too_late"),
    (OCCUPATIONAL_DISEASE, {"disease_date": "2024-11-20", "disease": "skin"}, "disease_date", "too_early"),
    (OCCUPATIONAL_DISEASE, {"disease_date": "2026-01-01", "disease": "flu"}, "disease", "choice"),
])
def test_each_field_keeps_to_its_window(kind: RequestKind, details: dict[str, object], field: str,
                                        reason: str) -> None:
    with pytest.raises(InvalidRequestDetailsError) as refused:
        kind.validate(details, TODAY)
    assert (refused.value.field, refused.value.reason) == (field, reason)


def test_the_edges_of_each_window_are_accepted_and_names_take_their_keypad_form() -> None:
    assert MATERNITY_ALLOWANCE.validate({"delivery_date": "2026-08-10"}, TODAY) == {"delivery_date": "2026-08-10"}
    assert PRENATAL_ALLOWANCE.validate({"mother": "self", "delivery_date": "2026-11-23"}, TODAY)["mother"] == "self"
    assert CHILD_DECLARATION.validate({"child_name": "  afi  ÉLOM ", "child_birth": "2005-11-07", "child_sex": "m"},
                                      TODAY) == {"child_name": "Afi Elom", "child_birth": "2005-11-07", "child_sex": "m"}


@pytest.mark.parametrize("kind", W4_KINDS, ids=[k.value for k in W4_KINDS])
def test_every_value_shows_whole_on_the_confirmation(kind: RequestKind) -> None:
    """A choice's label or a typed value is never cut by its placeholder's limit, in either language."""
    for language in texts.LANGUAGES:
        for spec in kind.fields:
            limit = texts.PLACEHOLDERS[spec.name][0]
            longest = max((texts.render(forms.screen_id(kind, c), language) for c in spec.choices), key=len,
                          default="31/12/2026" if spec.name.endswith(("_date", "_birth", "_start")) else "x" * spec.high)
            assert len(longest) <= limit, (language, spec.name, longest)
