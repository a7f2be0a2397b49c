"""Pension estimate values shared by the USSD simulator and the PENSION keyword, and the CNSS hotline."""
from __future__ import annotations

from typing import Any

from core.domain.pension import PensionEstimate, PensionOutcome
from menus import format as fmt

HOTLINE = "8323"
# The text key showing each outcome of an estimate (a USSD result screen, and the body of the SMS reply).
RESULT_SCREENS = {
    PensionOutcome.NORMAL_PENSION: "sim.result_pension",
    PensionOutcome.EARLY_PENSION: "sim.result_early",
    PensionOutcome.OLD_AGE_ALLOWANCE: "sim.result_allowance",
    PensionOutcome.NOT_YET_ELIGIBLE: "sim.result_not_yet",
    PensionOutcome.NOT_ELIGIBLE: "sim.result_none",
}


def estimate_values(estimate: PensionEstimate, language: str) -> dict[str, Any]:
    """Display values of an estimate (kept in the session for the result screen, or put in an SMS)."""
    return {
        "age": estimate.departure_age, "months": estimate.insured_months, "pay": fmt.money(estimate.reference_pay),
        "amount": fmt.money(estimate.monthly_amount or 0), "lump": fmt.money(estimate.lump_sum or 0),
        "rate": fmt.percent(estimate.rate, language) if estimate.rate is not None else "",
        "reduction": fmt.percent(estimate.reduction, language), "min": estimate.earliest_age or "",
    }
