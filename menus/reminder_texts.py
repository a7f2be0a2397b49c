"""Wording of contribution reminders and overdue notices (one GSM-7 segment), from the message catalogues."""
from __future__ import annotations

from datetime import date

from core.domain.payment_references import display_reference
from core.domain.periods import ContributionPeriod
from menus import format as fmt
from menus.texts import DEFAULT_LANGUAGE, render


class CatalogueReminders:
    """``ReminderWording`` using the catalogue keys ``sms.reminder`` and ``sms.overdue_notice``."""

    def __init__(self, language: str = DEFAULT_LANGUAGE) -> None:
        self.language = language

    def reminder_sms(self, *, company_name: str, period: ContributionPeriod, amount: int, deadline: date,
                     reference: str, expires: date) -> str:
        """Amount due for a period, its deadline and a ready reference."""
        return render("sms.reminder", self.language, {
            "company": company_name, "period": fmt.period(period), "amount": fmt.money(amount),
            "date": deadline.strftime("%d/%m"), "reference": display_reference(reference),
            "expires": expires.strftime("%d/%m/%Y")})

    def overdue_notice_sms(self, *, company_name: str, period: ContributionPeriod, amount: int, surcharges: int,
                           deadline: date, reference: str, expires: date) -> str:
        """Late period: the surcharge now applied, what to pay in all and a ready reference."""
        return render("sms.overdue_notice", self.language, {
            "company": company_name, "period": fmt.period(period), "amount": fmt.money(amount),
            "surcharges": fmt.money(surcharges), "date": deadline.strftime("%d/%m"),
            "reference": display_reference(reference), "expires": expires.strftime("%d/%m/%Y")})
