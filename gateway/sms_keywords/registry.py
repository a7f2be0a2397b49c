"""Every SMS keyword, and the first words that call each one (checked for clashes at import)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from gateway.sms_keywords.handlers import balance, info, pension, quitus, reference, requests, start, stop
from gateway.sms_keywords.keyword import Keyword

KEYWORDS: Final[tuple[Keyword, ...]] = tuple(module.KEYWORD for module in (
    balance, reference, requests, pension, quitus, info, stop, start))


def _words(keywords: tuple[Keyword, ...]) -> dict[str, tuple[Keyword, str]]:
    table: dict[str, tuple[Keyword, str]] = {}
    for keyword in keywords:
        for word, language in keyword.words:
            if word in table:
                raise ValueError(f"SMS word {word} calls both {table[word][0].value} and {keyword.value}")
            table[word] = (keyword, language)
    return table


# First word (accents dropped, upper case) -> keyword and reply language.
WORDS: Final[Mapping[str, tuple[Keyword, str]]] = _words(KEYWORDS)
_BY_NAME: Final = {keyword.value: keyword for keyword in (*KEYWORDS, Keyword.UNKNOWN)}


def keyword_named(name: str) -> Keyword:
    """The keyword whose ``value`` is ``name`` (``unknown`` included); KeyError otherwise."""
    return _BY_NAME[name]
