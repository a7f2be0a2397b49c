"""English texts (second language): same keys and placeholders as the French catalogue."""
from __future__ import annotations

TEXTS: dict[str, str] = {
    "nav.more": "More",
    "nav.back": "Back",
    "nav.home": "Home",
    "common.invalid_choice": "Invalid choice.",
    "common.number_range": "Enter a number from {min} to {max}.",
    "common.amount_range": "Invalid amount (digits only).",
    "common.confirm": "Confirm",
    "common.too_many_errors": "Too many input errors. Session ended. Dial the code again to start over.",
    "common.sms_follows": "Your request is being processed. You will receive the result by SMS. Thank you.",
    "common.internal_error": "Sorry, the service is temporarily unavailable. Please try later. Error {error_id}",
    "common.busy": "A request is already in progress. Please wait, then dial again.",
    "common.service_busy": "The service is very busy. Please try again in a few minutes.",
    "session.resume": "You have an interrupted session.",
    "session.resume_yes": "Resume",
    "session.resume_no": "Start over",
    "session.too_many": "Too many sessions in a short time. Please wait a minute, then dial again.",
    "auth.pick_account": "CNSS - Choose the account:",
    "auth.account_line": "{short_name} {number}",
    "auth.pin": "CNSS - {name}\nEnter your PIN (4 digits):",
    "auth.pin_format": "The PIN has 4 digits.",
    "auth.pin_wrong": "Wrong PIN. Attempts left: {left}.",
    "auth.locked": "Access locked after 3 wrong PINs, until {until}. Help: 8323 (free).",
    "auth.activation_code": "First access: enter the {code_length}-digit code sent to you by SMS.",
    "auth.code_format": "Invalid code.",
    "auth.code_wrong": "Wrong code.",
    "auth.code_expired": "Code expired. Dial the USSD code again to get a new one.",
    "auth.code_blocked": "Code blocked after 3 errors. Dial the USSD code again to get a new one.",
    "auth.new_pin": "Choose a 4-digit PIN (not 0000 or 1234):",
    "auth.confirm_pin": "Confirm the PIN:",
    "auth.pin_too_simple": "PIN too simple.",
    "auth.pin_mismatch": "The PINs differ. Try again.",
    "auth.pin_set": "PIN saved.",
    "auth.pin_changed": "PIN changed.",
    "auth.locked_day": "Access locked after several wrong PINs, until {expires} at {until}. Help: 8323 (free).",
    "auth.blocked": "Access blocked after too many wrong PINs. To unblock it, call CNSS on 8323 (free) or visit a CNSS office.",
    "auth.code_limited": "Activation code not sent: too many recent requests. Please try later. Help: 8323 (free).",
    "public.home": "CNSS Togo",
    "public.rates_option": "Rates and deadlines",
    "public.simulator_option": "Pension simulator",
    "public.register_option": "Register",
    "public.contact_option": "Contact",
    "public.language_option": "Langue/Language",
    "public.register": "Employers: register with CNSS within 8 days. Employees: your employer registers you within 8 days. Info: {hotline}",
    "public.contact": "CNSS: free line {hotline}, head office 22 25 96 96. CNSS never asks for money or your PIN.",
    "sim.current_age": "Pension simulator (estimate). Your age:",
    "sim.age": "Retirement age ({min} to {max}):",
    "sim.months": "Months of insurance:",
    "sim.pay": "Average monthly pay (FCFA):",
    "sim.result_pension": "Estimate at {age}, {months} months:\nPension {amount}/month ({rate} of {pay}).",
    "sim.result_early": ("Estimate at {age}, {months} months (early, -{reduction}):\n"
                         "Pension {amount}/month ({rate} of {pay})."),
    "sim.result_allowance": "Estimate at {age}, {months} months: one-off old-age allowance {lump}.",
    "sim.result_not_yet": "No entitlement yet at {age} with {months} months. Possible from age {min}.",
    "sim.result_none": "{months} months of insurance: under 12 months, no pension entitlement.",
    "settings.home": "My account",
    "settings.change_pin": "Change PIN",
    "settings.language_option": "Langue/Language",
    "settings.language": "Langue/Language",
    "settings.french": "Francais",
    "settings.english": "English",
    "settings.language_set": "Language saved.",
    "employer.home": "{company}",
    "employer.pay_option": "Pay",
    "employer.account_option": "Contributor account",
    "employer.follow_option": "Follow reference",
    "employer.declare_option": "Declaration",
    "employer.requests_option": "Requests",
    "employer.settings_option": "My account",
    "account.summary": "Balance: {balance}\nOverdue: {overdue}, rest not yet due\nSurcharges: {surcharges}",
    "account.statement_option": "Statement by SMS",
    "account.statement_sent": "Your statement is on its way by SMS.",
    "ref.enter": "Enter the payment reference (12 digits):",
    "ref.invalid": "Invalid reference, check the digits.",
    "ref.not_found": "Unknown reference.",
    "ref.status": "Ref {reference}\nPeriod: {scope}\nAmount: {amount}\nStatus: {status}\nValid until {expires}",
    "status.pending": "pending",
    "status.paid": "paid",
    "status.expired": "expired",
    "status.cancelled": "cancelled",
    "status.received": "received",
    "status.in_progress": "in progress",
    "status.ready": "ready",
    "status.rejected": "rejected",
    "status.closed": "closed",
    "pay.scope": "Overdue: {overdue}",
    "pay.whole_balance": "All overdue",
    "pay.one_period": "One period",
    "pay.period": "Period to pay:",
    "pay.period_line": "{period}: {amount}",
    "pay.confirm": "Pay {scope}\nContributions: {contributions}\nSurcharges: {surcharges}\nTotal: {amount}",
    "pay.all_periods": "all overdue",
    "pay.issued": "Reference: {reference}\nAmount: {amount}\nValid until {expires}\nPay at IB Bank or by mobile money. Sent by SMS.",
    "pay.nothing_due": "Nothing to pay: your account is up to date.",
    "sms.reference_issued": ("CNSS {company}: reference {reference}, amount {amount}, valid until {expires}. "
                             "Pay at IB Bank or by mobile money."),
    "sms.activation_code": "CNSS: your activation code is {code}. Do not share it. CNSS will never ask you for it.",
    "sms.statement_head": "CNSS {company}\nBalance {balance}, overdue {overdue}",
    "sms.line_due": "{date} period {period} {amount}",
    "sms.line_surcharge": "{date} surcharge {period} {amount}",
    "sms.line_payment": "{date} payment {amount}",
    "sms.line_write_off": "{date} waiver {period} {amount}",
    "decl.period": "Period declared (MMYYYY, e.g. 102026):",
    "decl.period_format": "Format MMYYYY, e.g. 102026.",
    "decl.already_filed": "{period} is already declared.",
    "decl.future_period": "A future period is not allowed.",
    "decl.head_count": "Number of employees:",
    "decl.payroll": "Gross payroll (FCFA):",
    "decl.invalid": "Invalid declaration.",
    "decl.confirm": "Estimate {period}, {head_count} empl.\nTo pay: {amount}\nCNSS {cnss}\nAMU {amu}",
    "decl.duplicate": "{period} was already declared. Nothing was changed.",
    "quitus.eligible": "Your contributions are up to date.",
    "quitus.not_eligible": "No quitus: overdue {overdue} ({periods} late period(s)).",
    "quitus.request_option": "Request the quitus",
    "quitus.pay_option": "Pay now",
    "quitus.requested": "Quitus request recorded. Tracking: {tracking}. You will be told by SMS.",
    "quitus.refused": "No quitus: overdue {overdue}.",
    "claim.category": "Subject of the claim:",
    "claim.payment_not_credited": "Payment not credited",
    "claim.wrong_balance": "Wrong balance",
    "claim.missing_periods": "Missing periods",
    "claim.benefit_delay": "Benefit delay",
    "claim.other": "Other",
    "claim.confirm": "Claim: {category}\nA CNSS agent will call you back.",
    "claim.filed": "Claim recorded. Tracking: {tracking}. A CNSS agent will call you back.",
    "requests.menu": "My requests",
    "requests.list_option": "Request status",
    "requests.activity_option": "History",
    "requests.list": "My requests:",
    "requests.line": "{tracking} {status}",
    "requests.detail": "{kind} {tracking}\nof {date}: {status}\n{note}",
    "requests.none": "No request in progress.",
    "kind.quitus": "Quitus",
    "kind.attestation": "Attestation",
    "kind.claim": "Claim",
    "activity.list": "History ({count}):\n{line1}\n{line2}\n{line3}",
    "activity.declaration_filed": "{date} Declaration",
    "activity.reference_issued": "{date} Reference issued",
    "activity.payment_received": "{date} Payment received",
    "activity.request_filed": "{date} Request {tracking}",
    "activity.pin_changed": "{date} PIN changed",
    "insured.home": "{name}",
    "insured.account_option": "Individual account",
    "insured.simulator_option": "Pension simulator",
    "insured.attestation_option": "Attestation",
    "insured.claim_option": "Claim",
    "insured.requests_option": "My requests",
    "insured.settings_option": "My account",
    "insured.account": "Months of insurance: {months}\n{line1}\n{line2}\nLast employer: {company}",
    "insured.pay_line": "{period}: {pay}",
    "sim.own_age": "Simulation (estimate). Retirement age ({min} to {max}):",
    "attestation.confirm": "Request an individual attestation? SMS when it is ready.",
    "attestation.requested": "Attestation request recorded. Tracking: {tracking}. SMS when it is ready.",
    "public.rates": "Rates: employer {employer_rate}, employee {employee_rate} (health incl.). Minimum base: SMIG {smig} per employee.",
    "public.deadlines_option": "Deadlines and late fees",
    "public.deadlines": "Pay by day {due_day} of the next month. Late: +{flat}, then +{monthly} per month after 3 months.",
    "account.payments_option": "Payments",
    "account.payments": "Last payments:\n{line1}\n{line2}\n{line3}",
    "account.payment_line": "{date} {amount}",
}
TEXTS["sms.request_done"] = "CNSS: your request has been processed. Dial the USSD code again to see the result."
TEXTS["sms.payment_receipt"] = ("CNSS receipt {receipt}: {amount} paid, ref {reference} ({scope}). "
                                "New balance: {balance}. Thank you.")
TEXTS["sms.finance_alert"] = "CNSS ALERT payment refused ({reason}): ref {reference}, {amount}, {provider} {transaction}."
TEXTS["status.being_confirmed"] = "confirming"
TEXTS["sms.reminder"] = ("CNSS {company}: reminder, contributions {period} of {amount} to pay by {date}. "
                         "Ref. {reference} valid until {expires}.")
TEXTS["sms.overdue_notice"] = ("CNSS {company}: {period} overdue, late surcharge {surcharges} applied. "
                               "To pay {amount}, ref. {reference} valid until {expires}.")
# SMS keyword replies (gateway/sms_keywords/).
TEXTS["sms.kw_help"] = ("CNSS by SMS: BALANCE, REF + reference, REQUESTS, PENSION + age (e.g. PENSION 60), "
                        "QUITUS + number. "
                        "STOP: no more info SMS, START: resume them. Help: {hotline}")
TEXTS["sms.kw_register"] = ("CNSS: this number is linked to no account. Employer: register with CNSS within 8 days. "
                            "Employee: registered by the employer. Info: {hotline} (free)")
TEXTS["sms.kw_employer_balance"] = "CNSS {holder} {number}\nBalance {balance}, overdue {overdue}, surcharges {surcharges}."
TEXTS["sms.kw_insured_balance"] = "CNSS {holder} {number}\n{months} months of insurance. Last declared pay ({period}): {pay}."
TEXTS["sms.kw_insured_no_pay"] = "CNSS {holder} {number}\n{months} months of insurance. No pay declared."
TEXTS["sms.kw_ref_status"] = "CNSS {holder}\nRef {reference} ({scope}): {amount}, {status}, valid until {expires}."
TEXTS["sms.kw_ref_usage"] = "CNSS: send REF followed by the 12 digits of your payment reference."
TEXTS["sms.kw_ref_invalid"] = "CNSS: invalid reference, check the 12 digits."
TEXTS["sms.kw_ref_unknown"] = "CNSS: reference unknown for the accounts of this number."
TEXTS["sms.kw_employer_only"] = "CNSS: REF is for employers. This number is linked to no employer account."
TEXTS["sms.kw_requests_head"] = "CNSS {holder} {number}, requests:"
TEXTS["sms.kw_request_line"] = "{kind} {tracking} of {date}: {status}"
TEXTS["sms.kw_requests_none"] = "CNSS {holder} {number}: no request."
TEXTS["sms.kw_requests_phone_head"] = "CNSS, requests made from this phone:"
TEXTS["sms.kw_pension_head"] = "CNSS {holder}, indicative estimate:"
TEXTS["sms.kw_pension_usage"] = "CNSS: send PENSION followed by the retirement age ({min} to {max}), e.g. PENSION 60."
TEXTS["sms.kw_insured_only"] = "CNSS: PENSION is for insured persons. This number is linked to no insured account."
TEXTS["sms.kw_stop"] = ("CNSS: you will no longer get our information SMS. Payment receipts and codes still come. "
                        "START to resume them.")
TEXTS["sms.kw_start"] = "CNSS: you get our information SMS again. STOP to no longer receive them."
# QUITUS keyword (gateway/sms_keywords/handlers/quitus.py): anyone checks a quitus social.
TEXTS["sms.kw_quitus_valid"] = "CNSS quitus {tracking}\nEmployer: {holder}\nValid until {expires}\nStatus: VALID"
TEXTS["sms.kw_quitus_expired"] = "CNSS quitus {tracking}\nEmployer: {holder}\nValid until {expires}\nStatus: EXPIRED"
TEXTS["sms.kw_quitus_unknown"] = ("CNSS quitus: status UNKNOWN. Check the number (e.g. QUITUS QS12345678) "
                                  "or call {hotline}.")

# Declaration per worker, "like last month" (menus/screens/declaration.py, declaration_workers.py).
TEXTS.update({
    "decl.first": "{period}: no declaration per worker to start from.",
    "decl.per_worker_option": "Declare per worker",
    "decl.estimate_option": "Estimate (head count, payroll)",
    "decl.workers": "{period}, {count} workers{worker1}{worker2}",
    "decl.change_option": "Change a pay",
    "decl.add_option": "Add",
    "decl.remove_option": "Remove",
    "decl.next_option": "Next",
    "decl.worker_item": "{worker}",
    "decl.change": "Whose pay?",
    "decl.remove": "Remove whom?",
    "decl.new_pay": "New gross pay of {name} (FCFA):",
    "decl.add_number": "Insured number of the worker to add:",
    "decl.add_pay": "Gross pay of {name} (FCFA):",
    "decl.pay_range": "Invalid pay: 1 to {amount}.",
    "decl.insured_format": "Invalid insured number.",
    "decl.unknown_insured": "Unknown insured number.",
    "decl.already_listed": "Already listed.",
    "decl.last_worker": "At least 1 worker is needed.",
    "decl.pay_changed": "Pay changed.",
    "decl.worker_added": "Worker added.",
    "decl.worker_removed": "Worker removed.",
    "decl.total": "{period}: {head_count} workers, gross {pay}\nTo pay: {amount}\nCNSS {cnss}\nAMU {amu}",
    "decl.not_filed": "Declaration not recorded: check your workers and start again.",
    "decl.filed": "Declaration {period} recorded. To pay: {amount}.",
    "decl.filed_estimate": "Estimate {period} recorded, to be completed per worker. To pay: {amount}.",
    "decl.reference_option": "Payment reference",
    "sms.decl_filed": ("CNSS: declaration {period} recorded, {head_count} worker(s). To pay: {amount} "
                       "by {date}. Reference: Pay menu."),
    "sms.decl_estimate": ("CNSS: ESTIMATE {period} recorded ({head_count} workers, payroll {pay}), to be completed "
                          "per worker. To pay: {amount} by {date}."),
})

# Requests as data (menus/forms.py, menus/screens/requests.py, menus/request_texts.py).
TEXTS.update({
    "requests.employer": "Requests",
    "requests.quitus_option": "Quitus social",
    "requests.claim_option": "Claim",
    "status.documents_missing": "incomplete",
    "status.validated": "validated",
    "activity.request_status_changed": "{date} {tracking} {status}",
    "form.choice_line": "{choice}",
    "form.check_again": "Please check this value.",
    "form.text_invalid": "Invalid text: letters and digits, {low} to {high} characters.",
    "form.name_invalid": "Invalid name: letters, spaces and hyphens, {low} to {high} characters.",
    "form.date_format": "Invalid date. Type DDMMYYYY, e.g. 15031990.",
    "form.date_too_early": "Date too far back (not before {earliest}).",
    "form.date_too_late": "Date too late (not after {latest}).",
    "form.amount_range": "Amount from {low} to {high}, digits only.",
    "form.count_range": "Enter a number from {low} to {high}.",
    "form.insured_number_invalid": "Invalid insured number (digits only).",
    "form.phone_invalid": "Invalid phone number.",
    "form.filed": "Request recorded. Tracking: {tracking}. You will be told by SMS.",
    "form.filed_documents": "Request recorded. Tracking: {tracking}. Bring to a CNSS office: {documents}",
    "request_sms.received": "CNSS: your request {tracking} ({kind}) has been received. {note}",
    "request_sms.in_progress": "CNSS: your request {tracking} ({kind}) is being processed. {note}",
    "request_sms.documents_missing": ("CNSS: your request {tracking} ({kind}) is incomplete. {note} "
                                      "Bring the missing documents to a CNSS office. Help: 8323 (free)."),
    "request_sms.validated": "CNSS: your request {tracking} ({kind}) has been validated. {note}",
    "request_sms.ready": "CNSS: your request {tracking} ({kind}) is ready. {note} Collect it at a CNSS office.",
    "request_sms.rejected": "CNSS: your request {tracking} ({kind}) has been rejected. {note} Info: 8323 (free).",
    "request_sms.closed": "CNSS: your request {tracking} ({kind}) is closed. {note}",
})

# Insured persons' benefit requests and declarations (menus/screens/insured_requests.py, helper W4).
# The documents to bring are an ASSUMPTION: the online-services guide does not list them.
TEXTS.update({
    "requests.benefits_option": "Request a benefit",
    "requests.declarations_option": "Make a declaration",
    "insured.benefits": "Benefit request:",
    "insured.declarations": "Declare:",
    "insured.child_option": "A child",
    "insured.spouse_option": "A spouse",
    "insured.disease_option": "An occupational disease",
    "insured.continue": "Continue",
    "kind.old_age_pension": "Old-age pension",
    "kind.invalidity_pension": "Invalidity pension",
    "kind.prenatal_allowance": "Prenatal allowance",
    "kind.maternity_allowance": "Maternity allowance",
    "kind.child_declaration": "Child declaration",
    "kind.spouse_declaration": "Spouse declaration",
    "kind.occupational_disease": "Occupational disease",
    "old_age_pension.enough_months": "Old-age pension. Your account: {months} months of insurance (minimum {min}).",
    "old_age_pension.few_months": ("{months} months of insurance on your account; a pension needs {min}. Apply "
                                   "anyway: CNSS will review your rights."),
    "old_age_pension.pension_start": "Date you want the pension to start (DDMMYYYY):",
    "old_age_pension.confirm": "Old-age pension from {pension_start}.",
    "invalidity_pension.incapacity_date": "Date your incapacity to work began (DDMMYYYY):",
    "invalidity_pension.confirm": "Invalidity pension. Incapacity since {incapacity_date}.",
    "prenatal_allowance.mother": "The mother-to-be is:",
    "prenatal_allowance.self": "Me",
    "prenatal_allowance.spouse": "My wife",
    "prenatal_allowance.delivery_date": "Expected delivery date (DDMMYYYY):",
    "prenatal_allowance.confirm": ("Prenatal allowance\nMother-to-be: {mother}\nDelivery expected {delivery_date}"
                                   "\nPaid in 3 parts after the exams."),
    "maternity_allowance.delivery_date": "Expected (or actual) delivery date (DDMMYYYY):",
    "maternity_allowance.confirm": "Maternity daily allowance (IJM)\nDelivery on {delivery_date}",
    "child_declaration.child_name": "Child's full name:",
    "child_declaration.child_birth": "Child's date of birth (DDMMYYYY):",
    "child_declaration.child_sex": "Child's sex:",
    "child_declaration.f": "Girl",
    "child_declaration.m": "Boy",
    "child_declaration.confirm": "Child: {child_name}\nBorn {child_birth}, {child_sex}",
    "spouse_declaration.spouse_name": "Spouse's full name:",
    "spouse_declaration.marriage_date": "Date of marriage (DDMMYYYY):",
    "spouse_declaration.confirm": "Spouse: {spouse_name}\nMarried on {marriage_date}",
    "occupational_disease.disease_date": "Date the disease was noticed (DDMMYYYY):",
    "occupational_disease.disease": "Type of disease:",
    "occupational_disease.respiratory": "Respiratory",
    "occupational_disease.skin": "Skin",
    "occupational_disease.hearing": "Hearing (noise)",
    "occupational_disease.joints": "Back, joints",
    "occupational_disease.poisoning": "Poisoning",
    "occupational_disease.other_disease": "Other",
    "occupational_disease.confirm": ("Occupational disease: {disease}\nNoticed on {disease_date}\n"
                                     "A CNSS agent will call you back."),
    "documents.old_age_pension": "ID card, birth certificate, work certificates, bank or mobile money details",
    "documents.invalidity_pension": "ID card, medical certificate of invalidity, work certificates, bank details",
    "documents.prenatal_allowance": "pregnancy certificate, prenatal exam booklet, ID card",
    "documents.maternity_allowance": "pregnancy certificate, employer's leave certificate, ID card, bank details",
    "documents.child_declaration": "the child's birth certificate, your ID card",
    "documents.spouse_declaration": "marriage certificate, both spouses' ID cards",
    "documents.occupational_disease": "medical certificate, employer's exposure certificate, ID card",
})

# Employer requests and profile changes (helper W2: menus/screens/employer_requests.py, menus/screens/profile.py).
TEXTS.update({
    "requests.workers_option": "Workers",
    "requests.workers": "Workers",
    "requests.worker_option": "Register a worker",
    "requests.accident_option": "Declare a work accident",
    "requests.declared_payment_option": "Payment already made",
    "requests.profile_option": "My details",
    "insured.profile_option": "My details",
    "requests.late": "Late.",
    "kind.worker_registration": "Worker registration",
    "kind.work_accident": "Work accident",
    "kind.declared_payment": "Declared payment",
    "kind.phone_change": "Phone change",
    "kind.email_change": "E-mail change",
    "kind.address_change": "Address change",
    "worker_registration.last_name": "Registering a worker\nSurname:",
    "worker_registration.first_names": "First names:",
    "worker_registration.birth_date": "Date of birth (DDMMYYYY):",
    "worker_registration.sex": "Sex:",
    "worker_registration.f": "Female",
    "worker_registration.m": "Male",
    "worker_registration.hire_date": "Hiring date (DDMMYYYY):",
    "worker_registration.pay": "Gross monthly pay (FCFA):",
    "worker_registration.worker_phone": "Worker's phone (they will get their insured number by SMS), or 1 if none:",
    "worker_registration.confirm": "{last_name} {first_names}\nHired {hire_date}, {pay}\nDeadline: {deadline}{late}",
    "worker_registration.late": " PASSED",
    "worker_registration.filed": ("Request recorded. Tracking: {tracking}. The insured number will be sent by SMS "
                                  "once validated."),
    "request_sms.worker_registration.validated": ("CNSS: registration {tracking} of {last_name} {first_names} "
                                                  "validated. Insured number: {note}"),
    "request_sms.worker_registration.validated.worker_phone": (
        "CNSS: {first_names} {last_name}, you are registered with CNSS. Your insured number: {note}. Keep it."),
    "work_accident.worker_number": "Work accident\nInsured number of the worker:",
    "work_accident.accident_date": "Date of the accident (DDMMYYYY):",
    "work_accident.place": "Place of the accident (e.g. Port area workshop):",
    "work_accident.accident_type": "Kind of accident:",
    "work_accident.fall": "Fall",
    "work_accident.machine": "Machine or tool",
    "work_accident.commute": "Commuting accident",
    "work_accident.burn": "Burn or chemical",
    "work_accident.other_accident": "Other",
    "work_accident.confirm": "Accident of insured {worker_number}\non {accident_date}\nPlace: {place}\n{accident_type}",
    "work_accident.filed": ("Declaration recorded. Tracking: {tracking}. To be declared within {hours} h of the "
                            "accident. A CNSS agent will call you back."),
    "declared_payment.paid_by": "You paid by:",
    "declared_payment.transfer": "Bank transfer",
    "declared_payment.deposit": "Bank deposit",
    "declared_payment.mobile_money": "Mobile money",
    "declared_payment.transaction": "Transaction number (on your receipt):",
    "declared_payment.amount": "Amount paid (FCFA):",
    "declared_payment.paid_on": "Date of payment (DDMMYYYY):",
    "declared_payment.confirm": ("{paid_by} of {paid_on}\nTransaction {transaction}\n{amount}\n"
                                 "Credited once CNSS checks it."),
    "declared_payment.filed": ("Payment declared. Tracking: {tracking}. It will be credited once CNSS checks it. "
                               "You will be told by SMS."),
    "request_sms.declared_payment.validated": ("CNSS: declared payment {tracking} ({amount}, transaction "
                                               "{transaction}) found. {note}"),
    "request_sms.declared_payment.rejected": ("CNSS: declared payment {tracking} ({amount}, transaction "
                                              "{transaction}) not found. {note} Info: 8323 (free)."),
    "profile.home": "Change my details:",
    "profile.phone_option": "Phone",
    "profile.email_option": "E-mail",
    "profile.address_option": "Address",
    "profile.send_code_option": "Send the code",
    "phone_change.new_phone": "New phone number (e.g. 90112233):",
    "phone_change.confirm": "New phone: {new_phone}\nA code will be sent to it by SMS.",
    "profile.phone_code": "Enter the {code_length}-digit code sent by SMS to {new_phone}:",
    "profile.code_expired": "Code expired. Ask again from Change my details.",
    "profile.code_blocked": "Code blocked after 3 errors. Ask again later.",
    "profile.code_limited": "Code not sent: too many recent requests to this number. Please try later.",
    "profile.same_phone": "That is already your number.",
    "sms.profile_code": "CNSS: your number confirmation code is {code}. Do not share it.",
    "phone_change.filed": ("Request recorded. Tracking: {tracking}. CNSS will make the change after checking it and "
                           "tell you by SMS."),
    "request_sms.phone_change.validated.new_phone": "CNSS: this number is now registered on your CNSS account.",
    "email_change.email": "New e-mail (e.g. name@domain.tg):",
    "email_change.confirm": "New e-mail:\n{email}",
    "email_change.filed": ("Request recorded. Tracking: {tracking}. CNSS will make the change after checking it and "
                           "tell you by SMS."),
    "address_change.address": "New address (district, town, PO box):",
    "address_change.confirm": "New address:\n{address}",
    "address_change.filed": ("Request recorded. Tracking: {tracking}. CNSS will make the change after checking it and "
                             "tell you by SMS."),
    "form.email_invalid": "Invalid e-mail (e.g. name@domain.tg).",
})

# Enrolment before any account (helper W1, menus/screens/enrolment.py). ASSUMPTION: the documents a small
# business brings (the online-services guide does not list them).
TEXTS.update({
    "enrol.option": "Register / Join",
    "enrol.menu": "Register / Join",
    "enrol.domestic_option": "Domestic employer",
    "enrol.business_option": "Business/SME",
    "enrol.voluntary_option": "Voluntary insurance",
    "enrol.self_employed_option": "Self-employed",
    "enrol.requests_option": "My requests",
    "enrol.register_option": "Info",
    "enrol.requests": "My requests:",
    "enrol.too_few_months": ("Voluntary insurance not possible: it needs at least {min} months of insurance before "
                             "the job ended. Info: 8323 (free). Thank you."),
    "enrol.too_late": ("Voluntary insurance not possible: the request is made within {months} months after the job "
                       "ended. Info: 8323 (free). Thank you."),
    "kind.domestic_employer": "Domestic employer",
    "kind.business_employer": "SME registration",
    "kind.voluntary_insurance": "Voluntary insurance",
    "kind.self_employed": "Self-employed",
    "domestic_employer.name": "Domestic employer\nYour full name:",
    "domestic_employer.locality": "Your town or district:",
    "domestic_employer.workers": "Number of domestic workers:",
    "domestic_employer.pay": "Monthly pay of the 1st domestic worker (FCFA):",
    "domestic_employer.confirm": "{name}\n{locality}\n{workers} worker(s)\nPay of the 1st: {pay}",
    "domestic_employer.filed": ("Request recorded. Tracking: {tracking}. Once validated, your employer number will "
                                "be sent to you by SMS."),
    "request_sms.domestic_employer.validated": (
        "CNSS: domestic employer {name} registered, number {note}. To create your PIN, dial the CNSS USSD code: an "
        "activation code will be sent to you by SMS."),
    "business_employer.company": "Business (SME)\nCompany name:",
    "business_employer.locality": "Town or district of the head office:",
    "business_employer.activity": "Main activity (e.g. trade):",
    "business_employer.workers": "Number of employees:",
    "business_employer.confirm": "{company}\n{locality}\n{activity}, {workers} employee(s)",
    "business_employer.filed": ("File opened. Tracking: {tracking}. The documents to bring and where are sent to "
                                "you by SMS."),
    "request_sms.business_employer.received": (
        "CNSS: file {tracking} opened. Bring to the CNSS office of your region: RCCM, articles, NIF, manager's ID "
        "card, staff list and pay. Info: 8323 (free)."),
    "request_sms.business_employer.validated": (
        "CNSS: {company} registered, employer number {note}. To create your PIN, dial the CNSS USSD code: an "
        "activation code will be sent to you by SMS."),
    "voluntary_insurance.insured_months": "Voluntary insurance\nHow many months were you insured as an employee?",
    "voluntary_insurance.left_on": "End date of your last salaried job (DDMMYYYY):",
    "voluntary_insurance.insured_number": "Your CNSS insured number:",
    "voluntary_insurance.income": "Monthly income to declare (FCFA), at least the SMIG {smig}:",
    "voluntary_insurance.rhythm": "You pay:",
    "voluntary_insurance.monthly": "Every month",
    "voluntary_insurance.quarterly": "Every quarter",
    "voluntary_insurance.half_yearly": "Every half-year",
    "voluntary_insurance.yearly": "Every year",
    "voluntary_insurance.confirm": "Voluntary insurance\nIncome {income}/month\nRate {rate}\n{rhythm}: {amount}",
    "voluntary_insurance.filed": ("Request recorded. Tracking: {tracking}. Once accepted, CNSS sends you by SMS "
                                  "your number to pay."),
    "request_sms.voluntary_insurance.validated": (
        "CNSS: voluntary insurance {tracking} accepted, contributor number {note}. Pay by reference: dial the CNSS "
        "USSD code (activation code by SMS on first use), menu Pay."),
    "self_employed.trade": "Self-employed\nYour trade (e.g. tailor):",
    "self_employed.income": "Declared monthly income (FCFA), at least the SMIG {smig}:",
    "self_employed.rhythm": "You pay:",
    "self_employed.monthly": "Every month",
    "self_employed.quarterly": "Every quarter",
    "self_employed.half_yearly": "Every half-year",
    "self_employed.yearly": "Every year",
    "self_employed.confirm": "{trade}\nIncome {income}/month, rate {rate}\n{rhythm}: {amount}",
    "self_employed.filed": ("Request recorded. Tracking: {tracking}. Once accepted, CNSS sends you by SMS your "
                            "number to pay."),
    "request_sms.self_employed.validated": (
        "CNSS: enrolment {tracking} accepted, contributor number {note}. Pay by reference: dial the CNSS USSD code "
        "(activation code by SMS on first use), menu Pay."),
})
