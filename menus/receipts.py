"""Wording of payment receipts (SMS and email) and of finance-staff alerts, in French."""
from __future__ import annotations

from core.domain.payment_references import display_reference
from core.domain.receipts import Receipt
from core.domain.rejections import PaymentRejection
from menus import format as fmt
from menus.texts import DEFAULT_LANGUAGE, render

_EMAIL_SUBJECT = "CNSS - Reçu de paiement {receipt}"
_EMAIL_BODY = """Madame, Monsieur,

La Caisse Nationale de Sécurité Sociale (CNSS) a bien reçu votre paiement.

Employeur : {company} (n° {employer})
Reçu : {receipt}
Référence de paiement : {reference}
Période : {scope}
Montant : {amount}
Date du paiement : {paid}
Nouveau solde du compte cotisant : {balance}

Ce message est envoyé automatiquement. La CNSS ne vous demandera jamais votre code PIN.
Numéro vert : 8323 (gratuit).
"""


class CatalogueReceipts:
    """``ReceiptComposer`` using the message catalogues."""

    def __init__(self, language: str = DEFAULT_LANGUAGE) -> None:
        self.language = language

    def _scope(self, receipt: Receipt) -> str:
        return receipt.period.label if receipt.period else render("pay.all_periods", self.language)

    def receipt_sms(self, receipt: Receipt) -> str:
        """One GSM-7 SMS."""
        return render("sms.payment_receipt", self.language, {
            "receipt": receipt.receipt_number, "amount": fmt.money(receipt.amount),
            "reference": display_reference(receipt.reference), "scope": self._scope(receipt),
            "balance": fmt.money(receipt.new_balance)})

    def receipt_email(self, receipt: Receipt) -> tuple[str, str]:
        """Subject and plain-text body."""
        values = {"receipt": receipt.receipt_number, "company": receipt.company_name,
                  "employer": receipt.employer_number, "reference": display_reference(receipt.reference),
                  "scope": self._scope(receipt), "amount": fmt.money(receipt.amount),
                  "paid": receipt.paid_at.strftime("%d/%m/%Y %H:%M UTC"), "balance": fmt.money(receipt.new_balance)}
        return _EMAIL_SUBJECT.format(**values), _EMAIL_BODY.format(**values)

    def rejection_alert(self, rejection: PaymentRejection) -> str:
        """SMS to finance staff about a refused notification."""
        return render("sms.finance_alert", self.language, {
            "reason": rejection.reason, "reference": rejection.reference,
            "amount": fmt.money(rejection.amount) if rejection.amount is not None else "?",
            "provider": rejection.provider, "transaction": rejection.transaction_id})
