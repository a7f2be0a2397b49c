"""Long names are clipped at a word boundary, without a stray full stop or a dangling word."""
from __future__ import annotations

import pytest

from menus import texts
from menus.format import clip_name


@pytest.mark.parametrize(("name", "shown"), [
    ("PHARMACIE DE LA PAIX ET DU BIEN ETRE", "PHARMACIE DE LA PAIX"),
    ("PHARMACIE DE LA PAIX. SARL ET FILS", "PHARMACIE DE LA PAIX"),
    ("ETS A-Z, COMMERCE GENERAL SARL", "ETS A-Z, COMMERCE"),
    ("SOCIETE TOGOLAISE DES GRANDS TRAVAUX", "SOCIETE TOGOLAISE"),
    ("BOULANGERIE DU PORT SARL", "BOULANGERIE DU PORT SARL"),
    ("X" * 30, "X" * 24),
])
def test_a_company_name_on_a_screen_ends_on_a_whole_word(name: str, shown: str) -> None:
    assert texts.render("employer.home", "fr", {"company": name}) == shown


def test_a_name_that_fits_exactly_keeps_its_last_word() -> None:
    assert clip_name("AKOSSIWA MAWUENA AKPEDJE SOSSOU", 24) == "AKOSSIWA MAWUENA AKPEDJE"


def test_values_that_are_not_names_still_show_they_were_cut() -> None:
    assert texts.clip("line1", "31/12 Paiement recu pour la reference 1234").endswith(".")
