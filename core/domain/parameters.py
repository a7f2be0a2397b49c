"""Dated rule parameters (SMIG, rates, surcharges, pensions, validities), overridable by configuration."""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any, Generic, TypeVar

from core.domain.errors import ParameterNotInForceError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ContributionRates:
    """Contribution rates in basis points (1 bp = 0.01 %) of the base (pay, floored at the SMIG)."""

    family_benefits_bp: int
    occupational_risk_default_bp: int
    pension_employer_bp: int
    pension_employee_bp: int
    amu_employer_bp: int
    amu_employee_bp: int


@dataclass(frozen=True, slots=True)
class SurchargeRule:
    """Late-payment surcharges: flat once the deadline passes, then monthly after a grace window."""

    due_day: int
    flat_bp: int
    monthly_bp: int
    grace_months: int
    anchor: str  # "deadline" or "month_after_period" (date d'exigibilite, ambiguous in the sources)

    def __post_init__(self) -> None:
        if self.anchor not in ("deadline", "month_after_period"):
            raise ValueError(f"unknown surcharge anchor {self.anchor!r}")


@dataclass(frozen=True, slots=True)
class PensionRule:
    """Old-age pension and allowance parameters (Code art. 41-47, partly ASSUMPTION)."""

    normal_age: int
    early_age: int
    min_months: int
    base_rate: Fraction
    increment_per_12_months: Fraction
    early_reduction_per_year: Fraction
    allowance_min_months: int
    rmm_windows: tuple[int, ...]
    min_pension: int | None = None
    max_rate: Fraction | None = None
    max_simulated_age: int = 65  # last departure age the simulator offers (ASSUMPTION)


@dataclass(frozen=True, slots=True)
class ServiceRule:
    """Gateway service parameters: how long references and quitus stay valid."""

    reference_validity_days: int
    quitus_validity_days: int
    # ASSUMPTION (2019-01-01 on): a worker's monthly pay typed above 50 000 000 FCFA is a typing error.
    max_worker_pay: int = 50_000_000
    # ASSUMPTION (2019-01-01 on; not in the rules document): an employer declares a work accident
    # within 48 hours of learning of it.
    work_accident_hours: int = 48


@dataclass(frozen=True, slots=True)
class VoluntaryRule:
    """Voluntary insurance and self-employed contributions (rules 1.2): rates in basis points of the declared
    monthly income (floored at the SMIG), the payment rhythms in months, and the voluntary conditions."""

    voluntary_bp: int  # pensions branch only
    self_employed_bp: int  # family benefits, occupational risks and pensions
    informal_bp: int  # family benefits and pensions (not offered on USSD yet)
    rhythms: tuple[int, ...]  # months paid at once: monthly, quarterly, half-yearly, yearly
    min_insured_months: int  # months of insurance before leaving employment
    months_to_apply: int  # a request within this many months of leaving
    max_income: int  # a monthly income typed above this is a typing error


@dataclass(frozen=True, slots=True)
class Dated(Generic[T]):
    """One value of a parameter, in force from a day on, with where it comes from."""

    effective_from: date
    value: T
    source: str


class Timeline(Generic[T]):
    """The successive values of one parameter; ``at(day)`` gives the one in force."""

    def __init__(self, name: str, entries: Sequence[Dated[T]]) -> None:
        if not entries:
            raise ValueError(f"parameter {name} has no value")
        self.name = name
        by_day = {entry.effective_from: entry for entry in entries}
        self.entries: tuple[Dated[T], ...] = tuple(by_day[day] for day in sorted(by_day))

    def at(self, day: date) -> T:
        """Value in force on ``day``."""
        current: Dated[T] | None = None
        for entry in self.entries:
            if entry.effective_from <= day:
                current = entry
        if current is None:
            raise ParameterNotInForceError(parameter=self.name, day=day.isoformat())
        return current.value

    def with_entries(self, extra: Sequence[Dated[T]]) -> Timeline[T]:
        """A copy where ``extra`` entries add to or replace same-day entries."""
        return Timeline(self.name, [*self.entries, *extra])


@dataclass(frozen=True, slots=True)
class RuleBook:
    """Every dated parameter the rules need, looked up by day."""

    smig: Timeline[int]
    contribution_rates: Timeline[ContributionRates]
    surcharges: Timeline[SurchargeRule]
    pensions: Timeline[PensionRule]
    services: Timeline[ServiceRule]
    voluntary: Timeline[VoluntaryRule]


_CNSS_2016 = ContributionRates(300, 200, 1250, 400, 0, 0)
_CNSS_AMU_2024 = dataclasses.replace(_CNSS_2016, amu_employer_bp=500, amu_employee_bp=500)


def default_rulebook() -> RuleBook:
    """The values of the rules document, each with its source or ASSUMPTION label."""
    return RuleBook(
        smig=Timeline("smig", [
            Dated(date(2012, 1, 1), 35_000, "OFFICIAL: SMIG 35 000 FCFA (2012)"),
            Dated(date(2023, 1, 1), 52_500, "OFFICIAL; ASSUMPTION still current: SMIG 52 500 FCFA"),
        ]),
        contribution_rates=Timeline("contribution_rates", [
            Dated(date(2016, 1, 1), _CNSS_2016, "OFFICIAL: CNSS 17.5 % employer + 4 % employee"),
            Dated(date(2024, 1, 1), _CNSS_AMU_2024, "SECONDARY: AMU 5 % + 5 % since 2024-01-01"),
        ]),
        surcharges=Timeline("surcharges", [
            Dated(date(2019, 9, 1), SurchargeRule(15, 500, 100, 3, "deadline"),
                  "OFFICIAL 2019 communique; ASSUMPTION: anchor = the deadline"),
        ]),
        pensions=Timeline("pensions", [
            Dated(date(2011, 2, 21), PensionRule(
                normal_age=60, early_age=55, min_months=180,
                base_rate=Fraction(20, 100), increment_per_12_months=Fraction(133, 10_000),
                early_reduction_per_year=Fraction(5, 100), allowance_min_months=12,
                rmm_windows=(36, 60), max_simulated_age=65),
                "OFFICIAL conditions; DERIVED 1.33 %; ASSUMPTION RMM = better of 36/60 calendar months, "
                "simulator up to 65"),
        ]),
        services=Timeline("services", [
            Dated(date(2019, 1, 1), ServiceRule(reference_validity_days=15, quitus_validity_days=90),
                  "ASSUMPTION: reference valid 15 days, quitus 3 months"),
        ]),
        voluntary=Timeline("voluntary", [
            Dated(date(2024, 1, 1), VoluntaryRule(
                voluntary_bp=1650, self_employed_bp=2150, informal_bp=1950, rhythms=(1, 3, 6, 12),
                min_insured_months=6, months_to_apply=12, max_income=50_000_000),
                "SECONDARY (CLEISS): self-employed 21.5 %, informal 19.5 %; ASSUMPTION: voluntary 16.5 %, "
                "6 months insured, request within 12 months, rhythms 1/3/6/12, income above 50 000 000 a typo"),
        ]),
    )


def _convert(kind: type, raw: Any) -> Any:
    if kind is int:
        return int(raw)
    fields = {field.name: field for field in dataclasses.fields(kind)}
    unknown = set(raw) - set(fields)
    if unknown:
        raise ValueError(f"unknown fields for {kind.__name__}: {sorted(unknown)}")
    values: dict[str, Any] = {}
    for name, value in raw.items():
        annotation = str(fields[name].type)
        if "Fraction" in annotation and value is not None:
            values[name] = Fraction(str(value))
        elif "tuple" in annotation:
            values[name] = tuple(int(item) for item in value)
        elif annotation.startswith("int") and value is not None:
            values[name] = int(value)
        else:
            values[name] = value
    return kind(**values)


_KINDS: dict[str, type] = {
    "smig": int,
    "contribution_rates": ContributionRates,
    "surcharges": SurchargeRule,
    "pensions": PensionRule,
    "services": ServiceRule,
    "voluntary": VoluntaryRule,
}


def rulebook_with_overrides(base: RuleBook, overrides: Mapping[str, Any]) -> RuleBook:
    """Add configured dated values, e.g. ``{"smig": [{"effective_from": "2027-01-01", "value": 60000}]}``."""
    changes: dict[str, Timeline[Any]] = {}
    for name, entries in overrides.items():
        if name not in _KINDS:
            raise ValueError(f"unknown parameter {name!r}; known: {sorted(_KINDS)}")
        dated = [
            Dated(date.fromisoformat(entry["effective_from"]), _convert(_KINDS[name], entry["value"]),
                  entry.get("source", "configuration"))
            for entry in entries
        ]
        changes[name] = getattr(base, name).with_entries(dated)
    return dataclasses.replace(base, **changes)
