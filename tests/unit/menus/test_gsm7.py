"""GSM-7 membership, septet counting and French transliteration."""
from __future__ import annotations

import pytest

from core.domain.gsm7 import is_gsm7, septets, to_gsm7


@pytest.mark.parametrize(("text", "expected"), [
    ("Sécurité sociale: échéance à payer, où?", True),
    ("Reçu", False), ("fenêtre", False), ("Côte d'Ivoire", False), ("l’impayé", False), ("150\u202f000", False),
    ("Prix: 10€ [max]", True),
], ids=lambda v: str(v))
def test_membership(text: str, expected: bool) -> None:
    assert is_gsm7(text) is expected


def test_extension_characters_count_two_septets() -> None:
    assert septets("abc") == 3 and septets("€[]") == 6


def test_french_typography_is_transliterated_and_kept_short() -> None:
    assert to_gsm7("Reçu – «fenêtre» l’été\u00a0150\u202f000…") == 'Recu - "fenetre" l\'été 150 000...'
    assert is_gsm7(to_gsm7("Œuvre ÂÊÎÔÛ ç ï ë"))
    assert to_gsm7("中") == "?"
