"""SMS keyword parsing: case, accents, spaces and punctuation tolerated; French first, English synonyms."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from menus.sms_keywords import Keyword, KeywordQuery, parse_keyword, words

K = Keyword


@pytest.mark.parametrize(("text", "expected"), [
    ("SOLDE", KeywordQuery(K.BALANCE, "", "fr")),
    ("  solde.", KeywordQuery(K.BALANCE, "", "fr")),
    ("Solde ?", KeywordQuery(K.BALANCE, "", "fr")),
    ("compte", KeywordQuery(K.BALANCE, "", "fr")),
    ("balance", KeywordQuery(K.BALANCE, "", "en")),
    ("Account!", KeywordQuery(K.BALANCE, "", "en")),
    ("CNSS SOLDE", KeywordQuery(K.BALANCE, "", "fr")),
    ("REF 482133907715", KeywordQuery(K.REFERENCE, "482133907715", "fr")),
    ("Référence 4821 3390 7715", KeywordQuery(K.REFERENCE, "482133907715", "fr")),
    ("REF:482133907715", KeywordQuery(K.REFERENCE, "482133907715", "fr")),
    ("ref482133907715", KeywordQuery(K.REFERENCE, "482133907715", "fr")),
    ("réf. 4821-3390-7715 merci", KeywordQuery(K.REFERENCE, "482133907715", "fr")),
    ("REFERENCE", KeywordQuery(K.REFERENCE, "", "fr")),
    ("REF ABC", KeywordQuery(K.REFERENCE, "ABC", "fr")),
    ("Demandes", KeywordQuery(K.REQUESTS, "", "fr")),
    ("DEMANDE", KeywordQuery(K.REQUESTS, "", "fr")),
    ("requests", KeywordQuery(K.REQUESTS, "", "en")),
    ("PENSION 60", KeywordQuery(K.PENSION, "60", "fr")),
    ("pension60", KeywordQuery(K.PENSION, "60", "fr")),
    ("Pension à 62 ans", KeywordQuery(K.PENSION, "62", "fr")),
    ("retraite 58", KeywordQuery(K.PENSION, "58", "fr")),
    ("PENSION", KeywordQuery(K.PENSION, "", "fr")),
    ("PENSION soixante", KeywordQuery(K.PENSION, "SOIXANTE", "fr")),
    ("AIDE", KeywordQuery(K.HELP, "", "fr")),
    ("info", KeywordQuery(K.HELP, "", "fr")),
    ("Help", KeywordQuery(K.HELP, "", "en")),
    ("STOP", KeywordQuery(K.STOP, "", "fr")),
    ("stop svp", KeywordQuery(K.STOP, "", "fr")),
    ("Arrêt", KeywordQuery(K.STOP, "", "fr")),
    ("ARRETER", KeywordQuery(K.STOP, "", "fr")),
    ("start", KeywordQuery(K.START, "", "fr")),
    ("Démarrer", KeywordQuery(K.START, "", "fr")),
    ("", KeywordQuery(K.UNKNOWN)),
    ("   ...  ", KeywordQuery(K.UNKNOWN)),
    ("CNSS", KeywordQuery(K.UNKNOWN)),
    ("Bonjour, mon solde svp", KeywordQuery(K.UNKNOWN)),
    ("SOLDES", KeywordQuery(K.UNKNOWN)),
    ("482133907715", KeywordQuery(K.UNKNOWN)),
], ids=repr)
def test_keyword_table(text: str, expected: KeywordQuery) -> None:
    assert parse_keyword(text) == expected


def test_words_drop_accents_and_punctuation_and_split_letters_from_digits() -> None:
    assert words("  Référence:4821-3390 7715.") == ["REFERENCE", "4821", "3390", "7715"]
    assert words("ÉCHÉANCE àùè") == ["ECHEANCE", "AUE"]
    assert words("ＳＯＬＤＥ") == ["SOLDE"], "full-width letters fold to ASCII"


@given(st.text(max_size=200))
def test_any_text_parses_to_a_query(text: str) -> None:
    query = parse_keyword(text)
    assert isinstance(query.keyword, Keyword) and query.language in ("fr", "en")
