"""Employer and insured-person repositories (with phones, employments and declared pay)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy import Connection

from core.adapters.sqlalchemy import tables as t
from core.adapters.sqlalchemy.driver_calls import HotRead
from core.adapters.sqlalchemy.errors import duplicates_as_domain
from core.domain.individual_accounts import DeclaredPay, Employment
from core.domain.msisdn import Msisdn
from core.domain.parties import Employer, HolderKind, InsuredPerson, PhoneAccount
from core.domain.periods import ContributionPeriod, Periodicity


def _period_or_none(raw: str | None) -> ContributionPeriod | None:
    return ContributionPeriod.parse(raw) if raw else None


class SqlAlchemyPhoneDirectory:
    """Every registered phone, from the ``phones`` table."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def all_msisdns(self) -> list[str]:
        """The registered phones (E.164), each once."""
        return list(self._connection.execute(sa.select(t.phones.c.msisdn).distinct()).scalars())

    def accounts_on(self, msisdn: Msisdn) -> list[PhoneAccount]:
        """The accounts on ``msisdn`` with their PIN state, employers first, by number: one statement."""
        return [PhoneAccount(HolderKind(row.holder_kind), row.holder_number, row.name, row.lockouts is not None,
                             row.locked_until, row.lockouts or 0)
                for row in _ACCOUNTS_ON.rows(self._connection, {"msisdn": msisdn.e164})
                if row.name is not None]  # a phone row whose account is gone (or of a kind with no account)


class _PhoneBook:
    """Registered phones of a holder kind; ``touched`` collects every phone added or removed."""

    def __init__(self, connection: Connection, kind: HolderKind, touched: set[str] | None = None) -> None:
        self._connection = connection
        self._kind = kind.value
        self._touched = touched if touched is not None else set()

    def save(self, holder_number: str, phones: Sequence[Msisdn]) -> None:
        removed = self._connection.execute(sa.delete(t.phones).where(
            t.phones.c.holder_kind == self._kind, t.phones.c.holder_number == holder_number
        ).returning(t.phones.c.msisdn))
        self._touched.update(removed.scalars())
        self._touched.update(phone.e164 for phone in phones)
        if phones:
            self._connection.execute(sa.insert(t.phones), [
                {"holder_kind": self._kind, "holder_number": holder_number, "msisdn": phone.e164}
                for phone in dict.fromkeys(phones)])

    def of(self, holder_number: str) -> tuple[Msisdn, ...]:
        rows = self._connection.execute(_PHONES_OF, {"kind": self._kind, "number": holder_number})
        return tuple(Msisdn(row.msisdn) for row in rows)

    def holders(self, msisdn: Msisdn) -> list[str]:
        rows = self._connection.execute(_HOLDERS_OF, {"kind": self._kind, "msisdn": msisdn.e164})
        return [row.holder_number for row in rows]


def employer_of(row: sa.Row[Any], phones: tuple[Msisdn, ...] = ()) -> Employer:
    """An employer from a row holding the ``employers`` columns (and its phones, read apart)."""
    return Employer(row.employer_number, row.company_name, phones, Periodicity(row.periodicity),
                    row.occupational_risk_bp, row.email)


def _employers_with_phones(where: sa.ColumnElement[bool]) -> sa.Select[Any]:
    """Employers matching ``where`` joined with their phones, in employer then phone order."""
    phones = t.phones
    return (sa.select(t.employers, phones.c.msisdn.label("phone"))
            .select_from(t.employers.outerjoin(phones, sa.and_(
                phones.c.holder_kind == HolderKind.EMPLOYER.value,
                phones.c.holder_number == t.employers.c.employer_number)))
            .where(where).order_by(t.employers.c.employer_number, phones.c.id))


# Built once: building a statement costs more CPU than SQLite takes to run it (hot on every USSD login).
_EMPLOYER_BY_NUMBER: Final = _employers_with_phones(t.employers.c.employer_number == sa.bindparam("number"))
_EMPLOYERS_BY_PHONE: Final = _employers_with_phones(t.employers.c.employer_number.in_(
    sa.select(t.phones.c.holder_number).where(t.phones.c.holder_kind == HolderKind.EMPLOYER.value,
                                              t.phones.c.msisdn == sa.bindparam("msisdn"))))
_PHONES_OF: Final = sa.select(t.phones.c.msisdn).where(
    t.phones.c.holder_kind == sa.bindparam("kind"), t.phones.c.holder_number == sa.bindparam("number")
).order_by(t.phones.c.id)
_HOLDERS_OF: Final = sa.select(t.phones.c.holder_number).where(
    t.phones.c.holder_kind == sa.bindparam("kind"), t.phones.c.msisdn == sa.bindparam("msisdn")
).order_by(t.phones.c.holder_number)
_INSURED_BY_NUMBER: Final = sa.select(t.insured_persons).where(
    t.insured_persons.c.insured_number == sa.bindparam("number"))


def _accounts_on() -> sa.Select[Any]:
    """Who holds a phone, with each account's name and PIN state: the first hop of every login, in one query.

    Each value is a subquery on its table's primary key, so every plan, with statistics or without (a new
    database has none, old ones may describe tables far smaller than today's), reads a few index entries per
    account on the phone instead of joining a whole table. ``lockouts`` is NULL when no PIN is set.
    """
    phones, employers, persons, credentials = t.phones, t.employers, t.insured_persons, t.credentials
    kind, holder = phones.c.holder_kind, phones.c.holder_number

    def credential(column: sa.Column[Any]) -> sa.ScalarSelect[Any]:
        return sa.select(column).where(credentials.c.holder_kind == kind,
                                       credentials.c.holder_number == holder).scalar_subquery()

    name = sa.case(
        (kind == HolderKind.EMPLOYER.value,
         sa.select(employers.c.company_name).where(employers.c.employer_number == holder).scalar_subquery()),
        (kind == HolderKind.INSURED.value,
         sa.select(persons.c.full_name).where(persons.c.insured_number == holder).scalar_subquery()))
    return (sa.select(kind, holder, name.label("name"), credential(credentials.c.lockouts).label("lockouts"),
                      credential(credentials.c.locked_until).label("locked_until"))
            .where(phones.c.msisdn == sa.bindparam("msisdn"))
            .order_by(kind, holder))  # "employer" sorts before "insured"


_ACCOUNTS_ON: Final = HotRead(_accounts_on())


class SqlAlchemyEmployerRepository:
    """Employers in the ``employers`` and ``phones`` tables."""

    def __init__(self, connection: Connection, touched: set[str] | None = None) -> None:
        self._connection = connection
        self._phones = _PhoneBook(connection, HolderKind.EMPLOYER, touched)

    @duplicates_as_domain
    def add(self, employer: Employer) -> None:
        """Insert an employer and its phones."""
        self._connection.execute(sa.insert(t.employers).values(
            employer_number=employer.employer_number, company_name=employer.company_name,
            periodicity=employer.periodicity.value, occupational_risk_bp=employer.occupational_risk_bp,
            email=employer.email))
        self._phones.save(employer.employer_number, employer.phones)

    def get(self, employer_number: str) -> Employer | None:
        """The employer with this number, or None."""
        found = self._with_phones(_EMPLOYER_BY_NUMBER, {"number": employer_number})
        return found[0] if found else None

    def list_by_phone(self, msisdn: Msisdn) -> list[Employer]:
        """Employers that registered this phone (an accountant may serve several)."""
        return self._with_phones(_EMPLOYERS_BY_PHONE, {"msisdn": msisdn.e164})

    def _with_phones(self, query: sa.Select[Any], params: dict[str, str]) -> list[Employer]:
        """Employers found by ``query`` (one of the statements above) with their phones, by employer number."""
        found: dict[str, tuple[sa.Row[Any], list[Msisdn]]] = {}
        for row in self._connection.execute(query, params):
            _, numbers = found.setdefault(row.employer_number, (row, []))
            if row.phone is not None:
                numbers.append(Msisdn(row.phone))
        return [employer_of(row, tuple(numbers)) for row, numbers in found.values()]

    def list_numbers(self) -> list[str]:
        """Every employer number, in order."""
        rows = self._connection.execute(
            sa.select(t.employers.c.employer_number).order_by(t.employers.c.employer_number))
        return [row.employer_number for row in rows]


class SqlAlchemyInsuredPersonRepository:
    """Insured persons with their declared pay and employments."""

    def __init__(self, connection: Connection, touched: set[str] | None = None) -> None:
        self._connection = connection
        self._phones = _PhoneBook(connection, HolderKind.INSURED, touched)

    @duplicates_as_domain
    def add(self, person: InsuredPerson) -> None:
        """Insert an insured person and their phones."""
        self._connection.execute(sa.insert(t.insured_persons).values(
            insured_number=person.insured_number, full_name=person.full_name,
            date_of_birth=person.date_of_birth, prior_insured_months=person.prior_insured_months))
        self._phones.save(person.insured_number, person.phones)

    def get(self, insured_number: str) -> InsuredPerson | None:
        """The insured person with this number, or None."""
        row = self._connection.execute(_INSURED_BY_NUMBER, {"number": insured_number}).first()
        if row is None:
            return None
        return InsuredPerson(row.insured_number, row.full_name, row.date_of_birth,
                             self._phones.of(row.insured_number), row.prior_insured_months)

    def list_by_phone(self, msisdn: Msisdn) -> list[InsuredPerson]:
        """Insured persons registered on this phone."""
        return [p for number in self._phones.holders(msisdn) if (p := self.get(number)) is not None]

    @duplicates_as_domain
    def add_declared_pay(self, lines: Sequence[DeclaredPay]) -> None:
        """Record declared pay lines (unique per insured person, period and employer)."""
        if lines:
            self._connection.execute(sa.insert(t.declared_pay), [
                {"insured_number": line.insured_number, "period": str(line.period),
                 "employer_number": line.employer_number, "gross_pay": line.gross_pay} for line in lines])

    def declared_pay(self, insured_number: str) -> list[DeclaredPay]:
        """All declared pay lines, oldest first."""
        rows = self._connection.execute(sa.select(t.declared_pay).where(
            t.declared_pay.c.insured_number == insured_number
        ).order_by(t.declared_pay.c.period, t.declared_pay.c.id))
        return [DeclaredPay(r.insured_number, ContributionPeriod.parse(r.period), r.employer_number, r.gross_pay)
                for r in rows]

    def add_employment(self, employment: Employment) -> None:
        """Record a spell of employment."""
        self._connection.execute(sa.insert(t.employments).values(
            insured_number=employment.insured_number, employer_number=employment.employer_number,
            start_period=str(employment.start), end_period=str(employment.end) if employment.end else None))

    def employments(self, insured_number: str) -> list[Employment]:
        """Employment spells, oldest first."""
        rows = self._connection.execute(sa.select(t.employments).where(
            t.employments.c.insured_number == insured_number).order_by(t.employments.c.start_period))
        return [Employment(r.insured_number, r.employer_number, ContributionPeriod.parse(r.start_period),
                           _period_or_none(r.end_period)) for r in rows]
