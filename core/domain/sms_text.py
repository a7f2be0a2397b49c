"""SMS text: GSM-7 normalisation, encoding, segment count, and fitting long texts into a few segments."""
from __future__ import annotations

import math
from dataclasses import dataclass

from core.domain.gsm7 import is_gsm7, septets, transliterate

GSM_SINGLE, GSM_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67
MAX_SEGMENTS = 3


@dataclass(frozen=True, slots=True)
class SmsText:
    """A normalised text with its encoding and the number of segments it will be billed as."""

    text: str
    encoding: str
    segments: int


def _utf16_units(text: str) -> int:
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


def measure(text: str) -> SmsText:
    """Normalise (GSM-7 wherever transliteration allows) and count segments: 160/153 GSM-7, 70/67 UCS-2."""
    normalised = transliterate(text)
    if is_gsm7(normalised):
        length, single, part, encoding = septets(normalised), GSM_SINGLE, GSM_PART, "GSM-7"
    else:
        length, single, part, encoding = _utf16_units(normalised), UCS2_SINGLE, UCS2_PART, "UCS-2"
    segments = 1 if length <= single else math.ceil(length / part)
    return SmsText(normalised, encoding, segments)


def fit(text: str, max_segments: int = MAX_SEGMENTS) -> SmsText:
    """Keep whole lines from the top while the text fits ``max_segments`` (long statements)."""
    measured = measure(text)
    if measured.segments <= max_segments:
        return measured
    lines = measured.text.split("\n")
    while len(lines) > 1:
        lines.pop()
        candidate = measure("\n".join(lines + ["..."]))
        if candidate.segments <= max_segments:
            return candidate
    limit = (GSM_PART if measured.encoding == "GSM-7" else UCS2_PART) * max_segments
    return measure(measured.text[: limit - 3] + "...")
