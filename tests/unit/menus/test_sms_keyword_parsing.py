"""SMS keyword parsing: case, accents, spaces and punctuation tolerated; French first, English synonyms; the registry."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.sms_keywords import KEYWORDS, Keyword, KeywordQuery, keyword_named, parse_keyword, words
from gateway.sms_keywords.registry import _words


class K:
    """The keywords by name, as the table below reads them."""

    BALANCE, REFERENCE, REQUESTS = keyword_named("balance"), keyword_named("reference"), keyword_named("requests")
    PENSION, QUITUS, HELP = keyword_named("pension"), keyword_named("quitus"), keyword_named("help")
    STOP, START, UNKNOWN = keyword_named("stop"), keyword_named("start"), Keyword.UNKNOWN


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
    ("QUITUS QS48213907", KeywordQuery(K.QUITUS, "QS48213907", "fr")),
    ("quitus qs 4821 3907", KeywordQuery(K.QUITUS, "QS48213907", "fr")),
    ("Quitus: QS-4821-3907.", KeywordQuery(K.QUITUS, "QS48213907", "fr")),
    ("QUITUSQS48213907", KeywordQuery(K.UNKNOWN)),
    ("quitus48213907", KeywordQuery(K.QUITUS, "48213907", "fr")),
    ("QUITUS", KeywordQuery(K.QUITUS, "", "fr")),
    ("CNSS quitus n° QS48213907", KeywordQuery(K.QUITUS, "QS48213907", "fr")),
    ("Quitus numéro 48213907", KeywordQuery(K.QUITUS, "48213907", "fr")),
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


def test_every_keyword_has_its_texts_in_both_languages_and_a_word_used_twice_is_refused() -> None:
    from menus.texts import CATALOGUES
    assert {k.value for k in KEYWORDS} == {"balance", "reference", "requests", "pension", "quitus", "help", "stop",
                                           "start"}
    for language in ("fr", "en"):
        assert {"sms.kw_quitus_valid", "sms.kw_quitus_expired", "sms.kw_quitus_unknown"} <= set(CATALOGUES[language])
    with pytest.raises(ValueError, match="SOLDE calls both balance and copy"):
        _words((K.BALANCE, Keyword("copy", K.HELP.answer, words=(("SOLDE", "fr"),))))


def test_the_keywords_import_no_ussd_screen_module() -> None:
    import subprocess
    import sys
    code = ("import sys, gateway.sms_keywords; "
            "print(sorted(m for m in sys.modules if m.startswith(('menus.screens', 'menus.engine', 'flask'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "[]"
