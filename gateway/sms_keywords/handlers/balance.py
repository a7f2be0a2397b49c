"""SOLDE / BALANCE: each employer's contributor account and each insured person's months and last pay."""
from __future__ import annotations

from typing import Any

from gateway.sms_keywords.keyword import Asked, Keyword
from menus import format as fmt


def answer(asked: Asked) -> str:
    """One block per account on the phone."""
    blocks = []
    for employer in asked.holders.employers:
        summary = asked.backend.account_summary(employer.employer_number)
        blocks.append(asked.say("sms.kw_employer_balance", {
            "holder": employer.company_name, "number": employer.employer_number,
            "balance": fmt.money(summary.balance), "overdue": fmt.money(summary.overdue),
            "surcharges": fmt.money(summary.surcharges_outstanding)}))
    for person in asked.holders.insured_persons:
        account = asked.backend.individual_account(person.insured_number)
        values: dict[str, Any] = {"holder": person.full_name, "number": person.insured_number,
                                  "months": account.insured_months}
        recent = account.pay_by_period()[:1]
        if recent:
            (period, pay), = recent
            blocks.append(asked.say("sms.kw_insured_balance", {**values, "period": period.label,
                                                               "pay": fmt.money(pay)}))
        else:
            blocks.append(asked.say("sms.kw_insured_no_pay", values))
    return "\n".join(blocks)


KEYWORD = Keyword("balance", answer, words=(("SOLDE", "fr"), ("COMPTE", "fr"), ("BALANCE", "en"), ("ACCOUNT", "en")))
