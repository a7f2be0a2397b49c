"""Message catalogues (French first, English second) and placeholder limits that keep screens short."""
from __future__ import annotations

import functools
import string
from collections.abc import Iterable, Mapping
from typing import Any, Final

from core.domain.gsm7 import to_gsm7
from menus.format import clip_name
from menus.texts import en, fr

LANGUAGES: Final = ("fr", "en")
DEFAULT_LANGUAGE: Final = "fr"

# Longest text a placeholder may take on a screen, and a realistic sample of that length.
PLACEHOLDERS: Final[dict[str, tuple[int, str]]] = {
    "company": (24, "ETS GENERAUX DU COMMERCE"),
    "name": (24, "AKOSSIWA MAWUENA AKPEDJE"),
    "holder": (40, "ETABLISSEMENTS GENERAUX DU COMMERCE SARL"),  # an account name in an SMS (no screen limit)
    "number": (13, "1234567890123"),
    "amount": (16, "999 999 999 FCFA"),
    "balance": (17, "-999 999 999 FCFA"),
    "overdue": (16, "999 999 999 FCFA"),
    "surcharges": (16, "999 999 999 FCFA"),
    "contributions": (16, "999 999 999 FCFA"),
    "cnss": (16, "999 999 999 FCFA"),
    "amu": (16, "999 999 999 FCFA"),
    "pay": (16, "999 999 999 FCFA"),
    "reference": (14, "4821 3390 7715"),
    "expires": (10, "31/12/2026"),
    "date": (5, "31/12"),
    "period": (7, "12/2026"),
    "periods": (2, "99"),
    "tracking": (10, "QS48213907"),
    "status": (11, "en attente"),
    "kind": (24, "Immatriculation salarie."),
    "category": (20, "Paiement non credite"),
    "count": (3, "999"),
    "months": (3, "999"),
    "age": (2, "65"),
    "min": (3, "999"),
    "max": (3, "999"),
    "left": (1, "2"),
    "until": (5, "23:59"),
    "error_id": (8, "A1B2C3D4"),
    "rate": (6, "33.25%"),
    "reduction": (3, "25%"),
    "lump": (18, "99 999 999 999 FCFA"),
    "hotline": (4, "8323"),
    "service_code": (10, "*909*99#"),
    "head_count": (5, "99999"),
    "code_length": (1, "6"),
    "code": (6, "123456"),
    "scope": (11, "all overdue"),
    "short_name": (18, "ETS GENERAUX DU CO"),
    "receipt": (13, "R482133907715"),
    "reason": (20, "reference_cancelled"),
    "provider": (16, "ibbank"),
    "transaction": (24, "IBB-2026-11-23-000123456"),
    "line1": (28, "31/12 Paiement recu (ref.)."),
    "line2": (28, "31/12 Paiement recu (ref.)."),
    "line3": (28, "31/12 Paiement recu (ref.)."),
    "employer_rate": (6, "22.5%"),
    "employee_rate": (6, "9%"),
    "smig": (16, "999 999 999 FCFA"),
    "due_day": (2, "15"),
    "flat": (5, "5%"),
    "monthly": (5, "1%"),
    # A worker line of a declaration: name clipped to 12, monthly pay; numbered ones open a new line themselves.
    "worker": (23, "AKOSSIWA MA. 50 000 000"),
    "worker1": (24, "\nAKOSSIWA MA. 50 000 000"),
    "worker2": (24, "\nAKOSSIWA MA. 50 000 000"),
    # Requests as data (menus/forms.py): staff's note, a choice's label, bounds and the documents to bring.
    "note": (60, "Apportez l'acte de naissance et la CNI a l'agence Lome Sud"),
    "choice": (24, "Retard de prestation AMU"),
    "low": (16, "999 999 999 FCFA"),
    "high": (16, "999 999 999 FCFA"),
    "earliest": (10, "31/12/2026"),
    "latest": (10, "31/12/2026"),
    "documents": (80, "acte de naissance, CNI, certificat medical, 2 photos, RIB ou numero mobile mone"),
    # Enrolment before any account (helper W1): the fields of its forms and the contribution's rhythm.
    "locality": (24, "Agbodrafo Kpogan Zongo-N"),
    "workers": (4, "9999"),
    "activity": (24, "Transport de marchandise"),
    "trade": (24, "Reparateur de motos Yama"),
    "income": (16, "999 999 999 FCFA"),
    "rhythm": (16, "Chaque trimestre"),
    "insured_months": (3, "600"),
    "left_on": (10, "31/12/2026"),
    "insured_number": (13, "1234567890123"),
    # Insured persons' benefit requests and declarations (helper W4): dates, names typed, choice labels.
    "pension_start": (10, "31/12/2026"),
    "incapacity_date": (10, "31/12/2026"),
    "delivery_date": (10, "31/12/2026"),
    "child_birth": (10, "31/12/2026"),
    "marriage_date": (10, "31/12/2026"),
    "disease_date": (10, "31/12/2026"),
    "child_name": (40, "Akossiwa Mawuena Akpedje Adjoavi-Amegavi"),
    "spouse_name": (40, "Akossiwa Mawuena Akpedje Adjoavi-Amegavi"),
    "mother": (10, "Mon epouse"),
    "child_sex": (6, "Garcon"),
    "disease": (18, "Dos, articulations"),
    # Employer requests and profile changes (helper W2): the form fields' longest values.
    "last_name": (18, "Adjoavi-Amegavi Ko"),
    "first_names": (28, "Akossiwa Mawuena Akpedje Adj"),
    "birth_date": (10, "31/12/2026"),
    "sex": (6, "Female"),
    "hire_date": (10, "31/12/2026"),
    "worker_phone": (12, "+22890112233"),
    "deadline": (10, "31/12/2026"),
    "late": (8, " DEPASSE"),
    "worker_number": (13, "1234567890123"),
    "accident_date": (10, "31/12/2026"),
    "place": (30, "Atelier zone portuaire Lome Su"),
    "accident_type": (18, "Accident de trajet"),
    "hours": (3, "168"),
    "paid_by": (17, "Virement bancaire"),
    "paid_on": (10, "31/12/2026"),
    "new_phone": (12, "+22890112233"),
    "email": (60, "akossiwa.mawuena.adjoavi-amegavi@entreprise-generale-lome.tg"),
    "address": (60, "Quartier Hedzranawoe, rue 254, maison 12, BP 1234 Lome Togo"),
}

# Names (companies, people) are cut at a word boundary with no full stop: "PHARMACIE DE LA PAIX", not "...PAIX.".
NAME_PLACEHOLDERS: Final = frozenset({"company", "name", "holder", "short_name"})

_FORMATTER = string.Formatter()
CATALOGUES: Final[dict[str, dict[str, str]]] = {"fr": fr.TEXTS, "en": en.TEXTS}


@functools.cache
def placeholders_of(template: str) -> frozenset[str]:
    """Names used by a template (parsed once per template, not on every hop)."""
    return frozenset(name for _, name, _, _ in _FORMATTER.parse(template) if name)


def clip(name: str, value: Any) -> str:
    """A value as shown: GSM-7 only, cut to its placeholder's limit (at a word boundary when one is near)."""
    text = to_gsm7(str(value))
    limit = PLACEHOLDERS[name][0]
    if len(text) <= limit:
        return text
    if name in NAME_PLACEHOLDERS:
        return clip_name(text, limit)
    cut = text[: limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "."


def render(key: str, language: str, values: Mapping[str, Any] | None = None) -> str:
    """The text of ``key`` in ``language`` (French when missing) with clipped values."""
    catalogue = CATALOGUES.get(language, CATALOGUES[DEFAULT_LANGUAGE])
    template = catalogue.get(key) or CATALOGUES[DEFAULT_LANGUAGE][key]
    names = placeholders_of(template)
    if not names:
        return _literal(template)
    given = values or {}
    return template.format_map({name: clip(name, given[name]) for name in names})


@functools.cache
def _literal(template: str) -> str:
    """A template without placeholders as shown (its ``{{`` escapes undone once, not on every hop)."""
    return template.format_map({})


def samples(names: Iterable[str]) -> dict[str, str]:
    """Longest realistic values, for the screen-budget checks."""
    return {name: PLACEHOLDERS[name][1] for name in names}
