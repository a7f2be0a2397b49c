"""Phone numbers (MSISDN) as E.164 value objects: the only module that imports ``phonenumbers``."""
from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberType

from core.domain.errors import InvalidPhoneNumberError

_MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


@dataclass(frozen=True, slots=True)
class Msisdn:
    """A subscriber number in E.164 form, e.g. ``+22890112233``."""

    e164: str

    @classmethod
    def parse(cls, raw: str, default_region: str = "TG") -> Msisdn:
        """Parse a number typed or sent in any usual form; Togo numbers may omit +228."""
        text = (raw or "").strip()
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
        return cls(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))

    @property
    def is_mobile(self) -> bool:
        """True when the number can receive SMS (mobile range)."""
        return phonenumbers.number_type(phonenumbers.parse(self.e164)) in _MOBILE_TYPES

    @property
    def masked(self) -> str:
        """Log-safe form keeping the country code and last 4 digits: ``+228****2233``."""
        country_code = phonenumbers.parse(self.e164).country_code
        return f"+{country_code}****{self.e164[-4:]}"

    @property
    def national(self) -> str:
        """Display form for Togolese readers, ``90 11 22 33``."""
        return phonenumbers.format_number(phonenumbers.parse(self.e164), phonenumbers.PhoneNumberFormat.NATIONAL)

    def __str__(self) -> str:
        return self.e164
