"""Reading an SMS as a keyword: case, accents, spaces and punctuation tolerated; an optional leading CNSS."""
from __future__ import annotations

import re
import unicodedata

from gateway.sms_keywords.keyword import Keyword, KeywordQuery
from gateway.sms_keywords.registry import WORDS

_NOT_WORD = re.compile(r"[^A-Z0-9]+")
_LETTERS_DIGITS = re.compile(r"(?<=[A-Z])(?=[0-9])|(?<=[0-9])(?=[A-Z])")


def words(text: str) -> list[str]:
    """Upper-case ASCII words: accents dropped, punctuation as spaces, ``REF4821`` split into ``REF 4821``."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).upper()
    return _LETTERS_DIGITS.sub(" ", _NOT_WORD.sub(" ", plain)).split()


def parse_keyword(text: str) -> KeywordQuery:
    """Read the first word as a keyword (an optional leading ``CNSS`` is skipped); the rest is its argument."""
    tokens = words(text)
    if tokens[:1] == ["CNSS"]:
        tokens = tokens[1:]
    if not tokens or tokens[0] not in WORDS:
        return KeywordQuery(Keyword.UNKNOWN)
    keyword, language = WORDS[tokens[0]]
    return KeywordQuery(keyword, keyword.read_argument(tokens[1:]), language)
