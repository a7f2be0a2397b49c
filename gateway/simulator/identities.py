"""The demo identities the simulator offers as one-click phones, read from the demo data."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from core.services.demo import DEMO_ACCOUNTANT_PHONE, DEMO_EMPLOYER, DEMO_INSURED, DEMO_UP_TO_DATE_EMPLOYER

# A valid Togolese mobile number that the demo data never registers: the public menus.
UNREGISTERED_PHONE: Final = "+22896000000"
SERVICE_CODE: Final = "*909#"
NETWORK_CODE: Final = "61501"


@dataclass(frozen=True, slots=True)
class DemoPhone:
    """One button of the simulator: a label, the phone it dials from and the PIN hint shown beside it."""

    key: str
    label: str
    phone: str
    pin_hint: str


def demo_phones() -> tuple[DemoPhone, ...]:
    """The demo employer, insured person, up-to-date employer, accountant and an unregistered phone."""
    employer, up_to_date = DEMO_EMPLOYER, DEMO_UP_TO_DATE_EMPLOYER
    return (
        DemoPhone("employer", f"Employeur / Employer {employer.name}", employer.phone, employer.pin),
        DemoPhone("insured", f"Assuré / Insured {DEMO_INSURED.name}", DEMO_INSURED.phone, DEMO_INSURED.pin),
        DemoPhone("up_to_date", f"Employeur à jour / Paid-up employer {up_to_date.name}", up_to_date.phone,
                  up_to_date.pin),
        DemoPhone("accountant", "Comptable des 2 employeurs / Accountant of both employers", DEMO_ACCOUNTANT_PHONE,
                  f"{employer.pin} / {up_to_date.pin}"),
        DemoPhone("unregistered", "Numéro non inscrit / Unregistered phone", UNREGISTERED_PHONE, ""),
    )
