"""Bank statements (CSV): parsed leniently, every bad row reported, never aborting the parse."""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

REQUIRED_COLUMNS = ("transaction_id", "reference", "amount")
OPTIONAL_COLUMNS = ("paid_at", "provider")
# Thousands separators seen in statements: space, no-break, narrow no-break, thin and figure spaces.
_SEPARATORS = str.maketrans("", "", " \t\u00a0\u202f\u2009\u2007")
_AMOUNT = re.compile(r"([+-]?)(\d+)(?:[.,]0{1,2})?")
_CURRENCY_SUFFIX = re.compile(r"(?:XOF|FCFA|F\.?CFA)$", re.IGNORECASE)


@dataclass(frozen=True)
class StatementLine:
    """One credit of the bank statement; ``paid_at`` is timezone-aware, ``provider`` lower-case."""

    transaction_id: str
    reference: str
    amount: int
    paid_at: datetime | None
    provider: str | None
    line_number: int | None = field(default=None, compare=False)




def parse_statement(text: str) -> tuple[list[StatementLine], list[str]]:
    """Parse a bank-statement CSV (header row; ``,`` or ``;``); bad rows become problems, never abort.

    Raises ValueError when the text has no header or lacks a mandatory column.
    """
    text = text.lstrip("\ufeff")
    header_line = next((line for line in text.splitlines() if line.strip()), None)
    if header_line is None:
        raise ValueError("the bank statement is empty: no header row")
    delimiter = _delimiter(text, header_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns: dict[str, int] | None = None
    width = 0
    lines: list[StatementLine] = []
    problems: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if columns is None:
            columns = {name: index for index, name in reversed(list(enumerate(_column_names(row))))}
            width = len(row)
            continue
        number = reader.line_num
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            problems.append(f"line {number}: {len(row)} fields but the header has {width} "
                            f"(an unquoted '{delimiter}' in a value?)")
            continue
        parsed, issues = _statement_line(number, row, columns)
        problems.extend(f"line {number}: {issue}" for issue in issues)
        if parsed is None:
            continue
        key = (parsed.provider or "", parsed.transaction_id)
        if key in seen:
            problems.append(f"line {number}: transaction '{parsed.transaction_id}' already on line {seen[key]}, "
                            "ignored")
            continue
        seen[key] = number
        lines.append(parsed)
    return lines, problems


def _column_names(row: Sequence[str]) -> list[str]:
    return [re.sub(r"[\s\-]+", "_", cell.strip().lstrip("\ufeff").strip().lower()) for cell in row]


def _delimiter(text: str, header_line: str) -> str:
    """The delimiter under which the header names every mandatory column (the sniffer's guess first)."""
    try:
        guess = csv.Sniffer().sniff(text[:4096], delimiters=",;").delimiter
    except csv.Error:
        guess = ";" if header_line.count(";") > header_line.count(",") else ","
    best: tuple[int, str, list[str]] | None = None
    for delimiter in (guess, ";" if guess == "," else ","):
        names = set(_column_names(next(csv.reader([header_line], delimiter=delimiter))))
        missing = [column for column in REQUIRED_COLUMNS if column not in names]
        if not missing:
            return delimiter
        if best is None or len(missing) < best[0]:
            best = (len(missing), delimiter, missing)
    assert best is not None
    raise ValueError(f"the bank statement has no {', '.join(best[2])} column "
                     f"(mandatory: {', '.join(REQUIRED_COLUMNS)}; header: {header_line.strip()!r})")


def _statement_line(number: int, row: Sequence[str], columns: Mapping[str, int]
                    ) -> tuple[StatementLine | None, list[str]]:
    def cell(name: str) -> str:
        index = columns.get(name)
        return row[index].strip() if index is not None and index < len(row) else ""

    issues: list[str] = []
    transaction_id = cell("transaction_id")
    if not transaction_id:
        issues.append("transaction_id is empty")
    amount = _amount(cell("amount"), issues)
    paid_at = _instant(cell("paid_at"), issues)
    provider = cell("provider").lower() or None
    if issues or amount is None:
        return None, issues
    return StatementLine(transaction_id, _reference(cell("reference")), amount, paid_at, provider, number), issues


def _amount(raw: str, issues: list[str]) -> int | None:
    if not raw:
        issues.append("amount is empty")
        return None
    compact = _CURRENCY_SUFFIX.sub("", raw.translate(_SEPARATORS))
    match = _AMOUNT.fullmatch(compact)
    if match is None:
        issues.append(f"amount '{raw}' is not a whole number")
        return None
    amount = int(match.group(2)) * (-1 if match.group(1) == "-" else 1)
    if amount <= 0:
        issues.append(f"amount '{raw}' is not positive (only credits are payments)")
        return None
    return amount


def _instant(raw: str, issues: list[str]) -> datetime | None:
    """ISO 8601; a date alone is midnight UTC, a time without offset is UTC."""
    if not raw:
        return None
    try:
        instant = datetime.fromisoformat(raw)
    except ValueError:
        issues.append(f"paid_at '{raw}' is not an ISO 8601 date or date-time")
        return None
    return instant.replace(tzinfo=timezone.utc) if instant.tzinfo is None else instant.astimezone(timezone.utc)


def _reference(raw: str) -> str:
    """A payment reference typed with spaces (``4821 3390 7715``) is compacted; free text is kept."""
    compact = "".join(ch for ch in raw if ch not in " -.\u00a0\u202f\u2009")
    return compact if compact.isascii() and compact.isdigit() else " ".join(raw.split())
