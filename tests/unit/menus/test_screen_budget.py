"""Every registered screen, in every language, with the longest values: at most 160 GSM-7 characters."""
from __future__ import annotations

import pytest

from menus import lint, texts
from menus.dsl import Menu
from core.domain.gsm7 import is_gsm7, septets
from menus.nav import RESERVED
from menus.screens.catalog import build_registry

REGISTRY = build_registry()
CASES = [(screen.id, language) for screen in REGISTRY for language in texts.LANGUAGES]


@pytest.mark.parametrize(("screen_id", "language"), CASES, ids=[f"{s}-{l}" for s, l in CASES])
def test_screen_fits_one_ussd_page_in_gsm7(screen_id: str, language: str) -> None:
    rendered = lint.sample(REGISTRY[screen_id], language).text
    assert septets(rendered) <= 160, rendered
    assert is_gsm7(rendered), rendered


def test_every_screen_is_covered_and_the_catalogues_agree() -> None:
    assert len(CASES) == 2 * len(list(REGISTRY)) and len(list(REGISTRY)) >= 60
    assert lint.catalogue_problems() == []


def test_the_journey_graph_has_no_unknown_target_unreachable_screen_or_key_clash() -> None:
    assert lint.graph_problems(REGISTRY) == []
    for screen in REGISTRY:
        if isinstance(screen, Menu):
            assert not {o.key for o in screen.options} & RESERVED


def test_the_lint_catches_an_overlong_screen_and_a_non_gsm7_text() -> None:
    too_long = Menu("x.long", "public.home", tuple())
    texts.CATALOGUES["fr"]["public.home"], saved = "Ê" + "x" * 170, texts.CATALOGUES["fr"]["public.home"]
    try:
        problems = lint.sample(too_long, "fr").problems
    finally:
        texts.CATALOGUES["fr"]["public.home"] = saved
    assert any("> 160" in p for p in problems) and any("GSM-7" in p for p in problems)


def test_long_runtime_values_are_clipped_to_their_placeholder_limit() -> None:
    text = texts.render("employer.home", "fr", {"company": "SOCIETE TOGOLAISE DES GRANDS TRAVAUX PUBLICS ET PRIVES"})
    assert text == "SOCIETE TOGOLAISE" and len(text) <= texts.PLACEHOLDERS["company"][0]
    assert texts.render("auth.account_line", "fr", {"short_name": "X" * 30, "number": "1"}) == "X" * 18 + " 1"
    assert texts.render("employer.home", "fr", {"company": "Boulangerie Crêpes & Cie"}) == "Boulangerie Crepes & Cie"


def test_mermaid_diagram_names_every_screen() -> None:
    diagram = lint.mermaid(REGISTRY)
    assert diagram.startswith("flowchart TD")
    assert all(screen.id in diagram for screen in REGISTRY)
    assert "employer_home --> pay_scope" in diagram
