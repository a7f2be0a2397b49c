"""Payments employers say they made by transfer, deposit or mobile money: listed for reconciliation and
matched against the bank statement by transaction id and amount. Never credited on the employer's word:
a match only tells finance staff which statement line to look at."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from core.domain.requests import DECLARED_PAYMENT, ServiceRequest
from core.ports import UnitOfWork
from core.services.bank_statements import StatementLine


@dataclass(frozen=True)
class DeclaredPaymentCheck:
    """One declared payment awaiting verification, and the statement line that bears it out, if any.

    ``line``: same transaction id and amount; ``other_amount``: same transaction id, another amount.
    """

    request: ServiceRequest
    line: StatementLine | None = None
    other_amount: StatementLine | None = None

    @property
    def matched(self) -> bool:
        """The statement shows this transaction with this amount."""
        return self.line is not None

    @property
    def transaction_id(self) -> str:
        """The transaction id the employer typed."""
        return str(self.request.details.get("transaction", ""))

    @property
    def amount(self) -> int:
        """The amount the employer typed."""
        return int(self.request.details.get("amount", 0))


def transaction_key(raw: str) -> str:
    """A transaction id as compared: upper case, without spaces."""
    return "".join(raw.split()).upper()


def declared_payments_to_check(day: date, statement: Sequence[StatementLine] | None, *,
                               uow: UnitOfWork) -> list[DeclaredPaymentCheck]:
    """Declared payments still awaiting verification, paid on ``day`` or before (by payment day, then tracking
    number), each with its statement line.

    Reads only, inside the caller's unit of work (its ``with`` block is the caller's).
    """
    waiting = sorted((r for r in uow.requests.open_of_kind(DECLARED_PAYMENT.value) if _paid_on(r, day) <= day),
                     key=lambda r: (_paid_on(r, day), r.tracking_number))
    return match_declared_payments(waiting, statement or ())


def _paid_on(request: ServiceRequest, default: date) -> date:
    return date.fromisoformat(str(request.details.get("paid_on", default.isoformat())))


def match_declared_payments(declared: Sequence[ServiceRequest],
                            statement: Sequence[StatementLine]) -> list[DeclaredPaymentCheck]:
    """Pair each declared payment with a statement line of the same transaction id (each line used once)."""
    lines: dict[str, list[StatementLine]] = {}
    for line in statement:
        lines.setdefault(transaction_key(line.transaction_id), []).append(line)
    checks = []
    for request in declared:
        check = DeclaredPaymentCheck(request)
        candidates = lines.get(transaction_key(check.transaction_id), [])
        same = next((line for line in candidates if line.amount == check.amount), None)
        if same is not None:
            candidates.remove(same)
            checks.append(DeclaredPaymentCheck(request, line=same))
        else:
            checks.append(DeclaredPaymentCheck(request, other_amount=candidates[0] if candidates else None))
    return checks
