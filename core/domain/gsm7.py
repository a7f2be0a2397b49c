"""GSM 03.38 7-bit alphabet: membership, length in septets, and French transliteration."""
from __future__ import annotations

from typing import Final

# Basic table (one septet each); 0x09 is capital C-cedilla, and lowercase c-cedilla is absent.
BASIC: Final = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Extension table (escape + character: two septets each).
EXTENSION: Final = frozenset("\f^{}\\[~]|€")

_TRANSLITERATION: Final = {
    "â": "a", "ê": "e", "î": "i", "ô": "o", "û": "u", "ë": "e", "ï": "i", "ÿ": "y", "ç": "c", "œ": "oe",
    "À": "A", "Â": "A", "È": "E", "Ê": "E", "Ë": "E", "Î": "I", "Ï": "I", "Ô": "O", "Ù": "U", "Û": "U",
    "Ÿ": "Y", "Œ": "OE", "á": "a", "í": "i", "ó": "o", "ú": "u", "Á": "A", "Í": "I", "Ó": "O", "Ú": "U",
    "\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "«": '"', "»": '"', "\u2026": "...",
    "\u2013": "-", "\u2014": "-", "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\t": " ",
}


_TRANSLATION: Final = str.maketrans(_TRANSLITERATION)
_ALPHABET: Final = BASIC | EXTENSION


def is_gsm7(text: str) -> bool:
    """True when every character is in the basic or extension table."""
    return _ALPHABET.issuperset(text)


def septets(text: str) -> int:
    """Length on the air: extension characters count two."""
    return sum(2 if ch in EXTENSION else 1 for ch in text)


def transliterate(text: str) -> str:
    """Replace French accents and typography outside GSM-7 (é è à ù stay); other characters are kept."""
    return text.translate(_TRANSLATION)


def to_gsm7(text: str) -> str:
    """Transliterate, then replace what is still outside GSM-7 with '?' (USSD screens must be GSM-7)."""
    text = transliterate(text)
    if _ALPHABET.issuperset(text):
        return text
    return "".join(ch if ch in _ALPHABET else "?" for ch in text)
