"""Every query of a USSD login and account visit reads through an index on what it asks, on SQLite and PostgreSQL.

A query that scans a table costs nothing on the demo data and a full table per hop at the real population:
the phone lookup of every login once scanned every employer phone (SQLite's planner, without statistics,
preferred the unique (holder_kind, holder_number, msisdn) index to the one on msisdn).
"""
from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from tests.e2e.conftest import ACCOUNTANT_PHONE, EMPLOYER_PHONE, INSURED_PHONE, Gateway
from tests.support.statements import sent_to


def _queries_of_logins(gateway: Gateway) -> list[tuple[str, Any]]:
    """The SELECTs (with their parameters) of an employer's login and account, an insured's and an accountant's dial."""
    with sent_to(gateway.rt.engine) as sent:
        employer = gateway.phone(EMPLOYER_PHONE)
        employer.dial()
        employer.send("1234")
        employer.send("2")
        assert employer.screen.startswith("Solde"), employer.screen
        for msisdn in (INSURED_PHONE, ACCOUNTANT_PHONE):
            gateway.phone(msisdn).dial()
    return [(statement, parameters) for statement, parameters in sent
            if statement.lstrip().upper().startswith("SELECT")]


def _plan(connection: sa.Connection, statement: str, parameters: Any) -> list[str]:
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
        return [str(row[-1]) for row in rows]
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")  # tiny test tables: ask what an index gives
    return [str(row[0]) for row in connection.exec_driver_sql("EXPLAIN " + statement, parameters)]


def test_a_login_reads_phones_by_number_and_scans_no_table(gateway: Gateway) -> None:
    queries = _queries_of_logins(gateway)
    assert sum("phones.msisdn = " in statement for statement, _ in queries) >= 2, \
        "the employer and insured lookups by phone were made"
    with gateway.rt.engine.connect() as connection:
        for statement, parameters in queries:
            plan = _plan(connection, statement, parameters)
            text = "\n".join(plan)
            assert not any(line.lstrip(" ->").startswith(("SCAN", "Seq Scan")) for line in plan), \
                f"a full scan:\n{statement}\n{text}"
            if "phones.msisdn = " in statement:
                assert "msisdn=?" in text or re.search(r"Index Cond: \(+msisdn", text), \
                    f"phones not found by number:\n{statement}\n{text}"
            connection.rollback()


def test_who_holds_a_phone_reads_each_account_by_key_whatever_the_statistics(engine: sa.engine.Engine) -> None:
    """The caller query joins no table whole, even where the planner's statistics are missing or stale (a new
    database, or tables that were small when last analysed): one index entry per account on the phone."""
    from core.adapters.sqlalchemy import tables as t
    from core.adapters.sqlalchemy.parties_repo import _ACCOUNTS_ON

    with engine.begin() as connection:
        connection.execute(sa.insert(t.employers), [
            {"employer_number": f"{1_000_000 + n}", "company_name": f"EMPLOYEUR {n}", "periodicity": "monthly",
             "occupational_risk_bp": 200} for n in range(3000)])
        connection.execute(sa.insert(t.phones), [
            {"holder_kind": "employer", "holder_number": f"{1_000_000 + n}", "msisdn": f"+22891{n:06d}"}
            for n in range(3000)])
    compiled = _ACCOUNTS_ON.statement.compile(dialect=engine.dialect)
    parameters = {**compiled.params, "msisdn": "+22891000042"}
    if engine.dialect.name == "sqlite":
        parameters = tuple(parameters[name] for name in compiled.positiontup or ())
    with engine.connect() as connection:
        explain = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
        plan = [str(row[-1] if engine.dialect.name == "sqlite" else row[0])
                for row in connection.exec_driver_sql(explain + str(compiled), parameters)]
    text = "\n".join(plan)
    for table in ("employers", "insured_persons", "credentials"):
        assert not re.search(rf"(Seq Scan on|SCAN) {table}\b", text), f"{table} read whole:\n{text}"
