"""Phone numbers (MSISDN) as E.164 value objects: the only module that imports ``phonenumbers``."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumberType

from core.domain.errors import InvalidPhoneNumberError

_MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
# What may be a phone number inside free text: an international number (+ or 00 and 8 to 15 digits, spaces
# allowed), 228 and 8 digits, or a Togolese national number (8 digits from 2, 7 or 9, spaced in pairs or not).
_PHONE_IN_TEXT = re.compile(
    r"(?<![\w+])(?:(?:\+|%2[Bb]|00)\d(?:[ .-]?\d){7,14}|228\d{8}|[279]\d(?:[ .]?\d\d){3})(?![\w])")


def mask_phone(raw: str) -> str:
    """The log-safe form of any phone number: its last 4 digits only, e.g. ``****2233``."""
    digits = "".join(ch for ch in raw if ch.isdigit())
    return "****" + digits[-4:] if len(digits) > 4 else "****"


def redact_phones(text: str) -> str:
    """``text`` with every phone-number-like run masked by :func:`mask_phone` (the logs' safety net)."""
    return _PHONE_IN_TEXT.sub(lambda found: mask_phone(found.group(0)), text)


@dataclass(frozen=True, slots=True)
class Msisdn:
    """A subscriber number in E.164 form, e.g. ``+22890112233``."""

    e164: str

    @classmethod
    def parse(cls, raw: str, default_region: str = "TG") -> Msisdn:
        """Parse a number typed or sent in any usual form; Togo numbers may omit +228.

        Valid numbers are remembered (a USSD session sends the same form on every hop); a refused
        one is parsed again each time, so its error is raised each time.
        """
        return _parse(raw or "", default_region)

    @property
    def is_mobile(self) -> bool:
        """True when the number can receive SMS (mobile range)."""
        return phonenumbers.number_type(phonenumbers.parse(self.e164)) in _MOBILE_TYPES

    @property
    def masked(self) -> str:
        """Log-safe form: the last 4 digits only, ``****2233`` (see :func:`mask_phone`)."""
        return mask_phone(self.e164)

    @property
    def national(self) -> str:
        """Display form for Togolese readers, ``90 11 22 33``."""
        return phonenumbers.format_number(phonenumbers.parse(self.e164), phonenumbers.PhoneNumberFormat.NATIONAL)

    def __str__(self) -> str:
        return self.e164


@lru_cache(maxsize=8192)
def _parse(raw: str, default_region: str) -> Msisdn:
    text = raw.strip()
    if not text:
        raise InvalidPhoneNumberError(reason="empty")
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhoneNumberError(reason="unparseable") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhoneNumberError(reason="invalid_number")
    return Msisdn(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
