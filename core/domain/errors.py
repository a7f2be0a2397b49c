"""Typed domain errors: each names the rule it enforces and carries data, never prose."""
from __future__ import annotations


class DomainError(Exception):
    """Base of every rule violation raised by the core."""

    def __init__(self, **data: object) -> None:
        super().__init__(*(f"{key}={value!r}" for key, value in data.items()))
        self.data = data


class InvalidContributionPeriodError(DomainError):
    """A period is not ``YYYY-MM`` or is out of range (data: raw)."""


class InvalidPhoneNumberError(DomainError):
    """A phone number is not a valid Togo (or international) number (data: reason)."""


class InvalidIdentifierError(DomainError):
    """An employer or insured number has the wrong shape (data: kind, raw)."""


class InvalidPaymentReferenceError(DomainError):
    """A payment reference has the wrong format or check digits (data: reason)."""


class InvalidAmountError(DomainError):
    """An amount is not a positive integer number of francs (data: amount)."""


class InvalidDeclarationError(DomainError):
    """A contribution declaration is inconsistent (data: reason)."""


class ParameterNotInForceError(DomainError):
    """No value of a dated parameter applies on the given day (data: parameter, day)."""


class EmployerNotFoundError(DomainError):
    """No employer has this employer number (data: employer_number)."""


class InsuredPersonNotFoundError(DomainError):
    """No insured person has this insured number (data: insured_number)."""


class DeclarationAlreadyFiledError(DomainError):
    """A declaration already exists for this employer and period (data: employer_number, period)."""


class NothingToPayError(DomainError):
    """A payment reference was asked for a zero balance (data: employer_number, period)."""


class PaymentReferenceNotFoundError(DomainError):
    """No payment reference has this code (data: reference)."""


class PaymentReferenceExpiredError(DomainError):
    """The reference's validity ended before payment (data: reference, expires_at)."""


class PaymentReferenceCancelledError(DomainError):
    """The reference was cancelled (data: reference)."""


class PaymentReferenceAlreadyPaidError(DomainError):
    """Another transaction already paid the reference (data: reference, transaction_id)."""


class AmountMismatchError(DomainError):
    """The amount paid differs from the reference amount (data: reference, expected, received)."""


class TransactionConflictError(DomainError):
    """A provider transaction id was reused for a different payment (data: provider, transaction_id)."""


class QuitusNotEligibleError(DomainError):
    """The employer has an overdue balance (data: employer_number, overdue_amount)."""


class RequestNotFoundError(DomainError):
    """No request has this tracking number (data: tracking_number)."""


class InvalidPinError(DomainError):
    """A PIN is not four ASCII digits, or a new PIN is too simple (data: reason)."""


class CredentialNotSetError(DomainError):
    """The holder has no PIN yet and must activate first (data: holder_kind, holder_number)."""
