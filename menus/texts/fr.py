"""French texts (default): short, GSM-7 only (é è à ù allowed; no ê â î ô û ç)."""
from __future__ import annotations

TEXTS: dict[str, str] = {
    "nav.more": "Suite",
    "nav.back": "Retour",
    "nav.home": "Accueil",
    "common.invalid_choice": "Choix invalide.",
    "common.number_range": "Entrez un nombre de {min} a {max}.",
    "common.amount_range": "Montant invalide (chiffres seuls).",
    "common.confirm": "Confirmer",
    "common.too_many_errors": "Trop d'erreurs de saisie. Session terminée. Recomposez le code pour recommencer.",
    "common.sms_follows": "Votre demande est en cours. Vous recevrez le résultat par SMS. Merci.",
    "common.internal_error": "Désolé, service momentanément indisponible. Réessayez plus tard. Erreur {error_id}",
    "common.busy": "Demande déjà en cours. Patientez puis recomposez le code.",
    "session.resume": "Vous avez une session interrompue.",
    "session.resume_yes": "Reprendre",
    "session.resume_no": "Recommencer",
    "session.too_many": "Trop de sessions en peu de temps. Patientez une minute puis recomposez le code.",
    "auth.pick_account": "CNSS - Choisissez le compte:",
    "auth.account_line": "{short_name} {number}",
    "auth.pin": "CNSS - {name}\nEntrez votre code PIN (4 chiffres):",
    "auth.pin_format": "Le PIN a 4 chiffres.",
    "auth.pin_wrong": "PIN incorrect. Essais restants: {left}.",
    "auth.locked": "Accès bloqué après 3 PIN erronés, jusqu'à {until}. Besoin d'aide: 8323 (gratuit).",
    "auth.activation_code": "Premier accès: entrez le code à {code_length} chiffres recu par SMS.",
    "auth.code_format": "Code invalide.",
    "auth.code_wrong": "Code incorrect.",
    "auth.code_expired": "Code expiré. Recomposez le code USSD pour en recevoir un nouveau.",
    "auth.code_blocked": "Code bloqué après 3 erreurs. Recomposez le code USSD pour en recevoir un nouveau.",
    "auth.new_pin": "Choisissez un PIN à 4 chiffres (pas 0000 ni 1234):",
    "auth.confirm_pin": "Confirmez le PIN:",
    "auth.pin_too_simple": "PIN trop simple.",
    "auth.pin_mismatch": "Les PIN different. Recommencez.",
    "auth.pin_set": "PIN enregistré.",
    "auth.pin_changed": "PIN modifié.",
    "auth.locked_day": "Accès bloqué après plusieurs PIN erronés, jusqu'au {expires} à {until}. Besoin d'aide: 8323 (gratuit).",
    "auth.blocked": "Accès bloqué après trop de PIN erronés. Pour le débloquer, appelez la CNSS au 8323 (gratuit) ou passez en agence.",
    "auth.code_limited": "Code d'activation non envoyé: trop de demandes récentes. Réessayez plus tard. Besoin d'aide: 8323 (gratuit).",
    "public.home": "CNSS Togo",
    "public.rates_option": "Taux et échéances",
    "public.simulator_option": "Simulateur de pension",
    "public.register_option": "S'immatriculer",
    "public.contact_option": "Contact",
    "public.language_option": "Langue/Language",
    "public.register": "Employeur: immatriculation à la CNSS sous 8 jours. Salarié: immatriculé par l'employeur sous 8 jours. Infos: {hotline}",
    "sim.current_age": "Simulateur de pension (estimation). Votre age:",
    "sim.age": "Age de départ ({min} à {max}):",
    "sim.months": "Mois d'assurance:",
    "sim.pay": "Salaire mensuel moyen (FCFA):",
    "sim.result_pension": "Estimation à {age} ans, {months} mois:\nPension {amount}/mois ({rate} de {pay}).",
    "sim.result_early": ("Estimation à {age} ans, {months} mois (anticipée, -{reduction}):\n"
                         "Pension {amount}/mois ({rate} de {pay})."),
    "sim.result_allowance": "Estimation à {age} ans, {months} mois: allocation de vieillesse unique {lump}.",
    "sim.result_not_yet": "Pas encore de droit à {age} ans avec {months} mois. Age possible: {min} ans.",
    "sim.result_none": "{months} mois d'assurance: moins de 12 mois, pas de droit à pension.",
    "settings.home": "Mon compte",
    "settings.change_pin": "Changer le PIN",
    "settings.language_option": "Langue/Language",
    "settings.language": "Langue/Language",
    "settings.french": "Francais",
    "settings.english": "English",
    "settings.language_set": "Langue enregistrée.",
    "employer.home": "{company}",
    "employer.pay_option": "Payer",
    "employer.account_option": "Compte cotisant",
    "employer.follow_option": "Suivi référence",
    "employer.declare_option": "Déclaration",
    "employer.requests_option": "Demandes",
    "employer.settings_option": "Mon compte",
    "account.summary": "Solde: {balance}\nEchu: {overdue}, reste non échu\nMajorations: {surcharges}",
    "account.statement_option": "Relevé par SMS",
    "account.statement_sent": "Votre relevé vous est envoyé par SMS.",
    "ref.enter": "Entrez la référence de paiement (12 chiffres):",
    "ref.invalid": "Référence invalide, vérifiez les chiffres.",
    "ref.not_found": "Référence inconnue.",
    "ref.status": "Réf {reference}\nPériode: {scope}\nMontant: {amount}\nStatut: {status}\nValable au {expires}",
    "status.pending": "en attente",
    "status.paid": "payée",
    "status.expired": "expirée",
    "status.cancelled": "annulée",
    "status.received": "recue",
    "status.in_progress": "en cours",
    "status.ready": "prete",
    "status.rejected": "rejetée",
    "status.closed": "close",
    "pay.scope": "Impayé: {overdue}",
    "pay.whole_balance": "Tout l'impayé",
    "pay.one_period": "Une période",
    "pay.period": "Période à payer:",
    "pay.period_line": "{period}: {amount}",
    "pay.confirm": "Payer {scope}\nCotisations: {contributions}\nMajorations: {surcharges}\nTotal: {amount}",
    "pay.all_periods": "l'impayé",
    "pay.issued": "Référence: {reference}\nMontant: {amount}\nValable au {expires}\nPayez à IB Bank ou par mobile money. Envoyé par SMS.",
    "pay.nothing_due": "Rien à payer: votre compte est à jour.",
    "sms.reference_issued": ("CNSS {company}: référence {reference}, montant {amount}, valable au {expires}. "
                             "Payez à IB Bank ou par mobile money."),
    "sms.activation_code": "CNSS: votre code d'activation est {code}. Ne le donnez à personne. La CNSS ne vous le demandera jamais.",
    "sms.statement_head": "CNSS {company}\nSolde {balance}, impayé {overdue}",
    "sms.line_due": "{date} période {period} {amount}",
    "sms.line_surcharge": "{date} majoration {period} {amount}",
    "sms.line_payment": "{date} paiement {amount}",
    "sms.line_write_off": "{date} remise {period} {amount}",
    "decl.period": "Période déclarée (MMAAAA, ex. 102026):",
    "decl.period_format": "Format MMAAAA, ex. 102026.",
    "decl.already_filed": "{period} est déjà déclarée.",
    "decl.future_period": "Période future impossible.",
    "decl.head_count": "Nombre de salariés:",
    "decl.payroll": "Masse salariale brute (FCFA):",
    "decl.invalid": "Déclaration invalide.",
    "decl.confirm": "Estimation {period}, {head_count} sal.\nA payer: {amount}\nCNSS {cnss}\nAMU {amu}",
    "decl.duplicate": "{period} était déjà déclarée. Rien n'a été modifié.",
    "quitus.eligible": "Vous etes à jour de vos cotisations.",
    "quitus.not_eligible": "Quitus impossible: impayé {overdue} ({periods} période(s) en retard).",
    "quitus.request_option": "Demander le quitus",
    "quitus.pay_option": "Payer maintenant",
    "quitus.requested": "Demande de quitus enregistrée. Suivi: {tracking}. Vous serez informé par SMS.",
    "quitus.refused": "Quitus impossible: impayé {overdue}.",
    "claim.category": "Objet de la réclamation:",
    "claim.payment_not_credited": "Paiement non crédité",
    "claim.wrong_balance": "Solde erroné",
    "claim.missing_periods": "Périodes manquantes",
    "claim.benefit_delay": "Retard de prestation",
    "claim.other": "Autre",
    "claim.confirm": "Réclamation: {category}\nUn agent CNSS vous rappellera.",
    "claim.filed": "Réclamation enregistrée. Suivi: {tracking}. Un agent CNSS vous rappellera.",
    "requests.menu": "Mes demandes",
    "requests.list_option": "Suivi des demandes",
    "requests.activity_option": "Historique",
    "requests.list": "Mes demandes:",
    "requests.line": "{tracking} {status}",
    "requests.detail": "{kind} {tracking}\ndu {date}: {status}\n{note}",
    "requests.none": "Aucune demande en cours.",
    "kind.quitus": "Quitus",
    "kind.attestation": "Attestation",
    "kind.claim": "Réclamation",
    "activity.list": "Historique ({count}):\n{line1}\n{line2}\n{line3}",
    "activity.declaration_filed": "{date} Déclaration",
    "activity.reference_issued": "{date} Référence émise",
    "activity.payment_received": "{date} Paiement recu",
    "activity.request_filed": "{date} Demande {tracking}",
    "activity.pin_changed": "{date} PIN modifié",
    "insured.home": "{name}",
    "insured.account_option": "Compte individuel",
    "insured.simulator_option": "Simulateur de pension",
    "insured.attestation_option": "Attestation",
    "insured.claim_option": "Réclamation",
    "insured.requests_option": "Mes demandes",
    "insured.settings_option": "Mon compte",
    "insured.account": "Mois d'assurance: {months}\n{line1}\n{line2}\nDernier employeur: {company}",
    "insured.pay_line": "{period}: {pay}",
    "sim.own_age": "Simulation (estimation). Age de départ ({min} à {max}):",
    "attestation.confirm": "Demander une attestation individuelle? SMS quand elle sera prete.",
    "attestation.requested": "Demande d'attestation enregistrée. Suivi: {tracking}. SMS quand elle sera prete.",
    "public.rates": "Taux: employeur {employer_rate}, salarié {employee_rate} (AMU incluse). Base minimale: SMIG {smig} par salarié.",
    "public.deadlines_option": "Echéances et retards",
    "public.deadlines": "Paiement au plus tard le {due_day} du mois suivant. Retard: +{flat}, puis +{monthly} par mois après 3 mois.",
    "public.contact": "CNSS: numéro vert {hotline} (gratuit), siège 22 25 96 96. La CNSS ne demande jamais d'argent ni votre PIN.",
    "account.payments_option": "Paiements",
    "account.payments": "Derniers paiements:\n{line1}\n{line2}\n{line3}",
    "account.payment_line": "{date} {amount}",
}
TEXTS["sms.request_done"] = "CNSS: votre demande a été traitée. Recomposez le code USSD pour voir le résultat."
TEXTS["sms.payment_receipt"] = ("CNSS recu {receipt}: {amount} payés, réf {reference} ({scope}). "
                                "Nouveau solde: {balance}. Merci.")
TEXTS["sms.finance_alert"] = "CNSS ALERTE paiement refusé ({reason}): réf {reference}, {amount}, {provider} {transaction}."
TEXTS["status.being_confirmed"] = "à confirmer"
TEXTS["sms.reminder"] = ("CNSS {company}: rappel, cotisations {period} de {amount} à payer au plus tard le {date}. "
                         "Réf. {reference} valable au {expires}.")
TEXTS["sms.overdue_notice"] = ("CNSS {company}: {period} en retard, majoration {surcharges} appliquée. "
                               "A payer {amount}, réf. {reference} valable au {expires}.")
# SMS keyword replies (gateway/sms_keywords/).
TEXTS["sms.kw_help"] = ("CNSS par SMS: SOLDE, REF + référence, DEMANDES, PENSION + age (ex. PENSION 60), "
                        "QUITUS + numéro. "
                        "STOP: plus de SMS d'info, START: les reprendre. Aide: {hotline}")
TEXTS["sms.kw_register"] = ("CNSS: ce numéro n'est lié à aucun compte. Employeur: immatriculation à la CNSS sous 8 jours. "
                            "Salarié: immatriculé par l'employeur. Infos: {hotline} (gratuit)")
TEXTS["sms.kw_employer_balance"] = "CNSS {holder} {number}\nSolde {balance}, impayé {overdue}, majorations {surcharges}."
TEXTS["sms.kw_insured_balance"] = "CNSS {holder} {number}\n{months} mois d'assurance. Dernier salaire déclaré ({period}): {pay}."
TEXTS["sms.kw_insured_no_pay"] = "CNSS {holder} {number}\n{months} mois d'assurance. Aucun salaire déclaré."
TEXTS["sms.kw_ref_status"] = "CNSS {holder}\nRéf {reference} ({scope}): {amount}, {status}, valable au {expires}."
TEXTS["sms.kw_ref_usage"] = "CNSS: envoyez REF suivi des 12 chiffres de votre référence de paiement."
TEXTS["sms.kw_ref_invalid"] = "CNSS: référence invalide, vérifiez les 12 chiffres."
TEXTS["sms.kw_ref_unknown"] = "CNSS: référence inconnue pour les comptes de ce numéro."
TEXTS["sms.kw_employer_only"] = "CNSS: REF est réservé aux employeurs. Ce numéro n'est lié à aucun compte employeur."
TEXTS["sms.kw_requests_head"] = "CNSS {holder} {number}, demandes:"
TEXTS["sms.kw_request_line"] = "{kind} {tracking} du {date}: {status}"
TEXTS["sms.kw_requests_none"] = "CNSS {holder} {number}: aucune demande."
TEXTS["sms.kw_pension_head"] = "CNSS {holder}, estimation indicative:"
TEXTS["sms.kw_pension_usage"] = "CNSS: envoyez PENSION suivi de l'age de départ ({min} à {max}), ex. PENSION 60."
TEXTS["sms.kw_insured_only"] = "CNSS: PENSION est réservé aux assurés. Ce numéro n'est lié à aucun compte d'assuré."
TEXTS["sms.kw_stop"] = ("CNSS: vous ne recevrez plus nos SMS d'information. Recus de paiement et codes restent envoyés. "
                        "START pour les reprendre.")
TEXTS["sms.kw_start"] = "CNSS: vous recevez à nouveau nos SMS d'information. STOP pour ne plus les recevoir."
# QUITUS keyword (gateway/sms_keywords/handlers/quitus.py): anyone checks a quitus social.
TEXTS["sms.kw_quitus_valid"] = "CNSS quitus {tracking}\nEmployeur: {holder}\nValable jusqu'au {expires}\nStatut: VALIDE"
TEXTS["sms.kw_quitus_expired"] = "CNSS quitus {tracking}\nEmployeur: {holder}\nValable jusqu'au {expires}\nStatut: EXPIRÉ"
TEXTS["sms.kw_quitus_unknown"] = ("CNSS quitus: statut INCONNU. Vérifiez le numéro (ex. QUITUS QS12345678) "
                                  "ou appelez le {hotline}.")

# Declaration per worker, "comme le mois dernier" (menus/screens/declaration.py, declaration_workers.py).
TEXTS.update({
    "decl.first": "{period}: aucune déclaration par salarié à reprendre.",
    "decl.per_worker_option": "Déclarer par salarié",
    "decl.estimate_option": "Estimation (effectif, masse)",
    "decl.workers": "{period}, {count} sal.{worker1}{worker2}",
    "decl.change_option": "Modifier salaire",
    "decl.add_option": "Ajouter",
    "decl.remove_option": "Retirer",
    "decl.next_option": "Suite",
    "decl.worker_item": "{worker}",
    "decl.change": "Salaire de qui?",
    "decl.remove": "Retirer qui?",
    "decl.new_pay": "Nouveau salaire brut de {name} (FCFA):",
    "decl.add_number": "Numéro d'assuré du salarié à ajouter:",
    "decl.add_pay": "Salaire brut de {name} (FCFA):",
    "decl.pay_range": "Salaire invalide: de 1 à {amount}.",
    "decl.insured_format": "Numéro d'assuré invalide.",
    "decl.unknown_insured": "Numéro d'assuré inconnu.",
    "decl.already_listed": "Déjà dans la liste.",
    "decl.last_worker": "Il faut au moins 1 salarié.",
    "decl.pay_changed": "Salaire changé.",
    "decl.worker_added": "Salarié ajouté.",
    "decl.worker_removed": "Salarié retiré.",
    "decl.total": "{period}: {head_count} sal., brut {pay}\nA payer: {amount}\nCNSS {cnss}\nAMU {amu}",
    "decl.not_filed": "Déclaration non enregistrée: vérifiez vos salariés puis recommencez.",
    "decl.filed": "Déclaration {period} enregistrée. A payer: {amount}.",
    "decl.filed_estimate": "Estimation {period} enregistrée, à compléter par salarié. A payer: {amount}.",
    "decl.reference_option": "Référence de paiement",
    "sms.decl_filed": ("CNSS: déclaration {period} enregistrée, {head_count} salarié(s). A payer: {amount} "
                       "avant le {date}. Référence: menu Payer."),
    "sms.decl_estimate": ("CNSS: ESTIMATION {period} enregistrée ({head_count} sal., masse {pay}), à compléter "
                          "par salarié. A payer: {amount} avant le {date}."),
})

# Requests as data (menus/forms.py, menus/screens/requests.py, menus/request_texts.py).
TEXTS.update({
    "requests.employer": "Demandes",
    "requests.quitus_option": "Quitus social",
    "requests.claim_option": "Réclamation",
    "status.documents_missing": "à compléter",
    "status.validated": "validée",
    "activity.request_status_changed": "{date} {tracking} {status}",
    "form.choice_line": "{choice}",
    "form.check_again": "Vérifiez cette valeur.",
    "form.text_invalid": "Texte invalide: lettres et chiffres, {low} à {high} caractères.",
    "form.name_invalid": "Nom invalide: lettres, espaces et tirets, {low} à {high} caractères.",
    "form.date_format": "Date invalide. Tapez JJMMAAAA, ex. 15031990.",
    "form.date_too_early": "Date trop ancienne (pas avant le {earliest}).",
    "form.date_too_late": "Date trop tardive (pas après le {latest}).",
    "form.amount_range": "Montant de {low} à {high}, chiffres seuls.",
    "form.count_range": "Entrez un nombre de {low} à {high}.",
    "form.insured_number_invalid": "Numéro d'assuré invalide (chiffres seuls).",
    "form.phone_invalid": "Numéro de téléphone invalide.",
    "form.filed": "Demande enregistrée. Suivi: {tracking}. Vous serez informé par SMS.",
    "form.filed_documents": "Demande enregistrée. Suivi: {tracking}. A apporter en agence: {documents}",
    "request_sms.received": "CNSS: votre demande {tracking} ({kind}) est bien recue. {note}",
    "request_sms.in_progress": "CNSS: votre demande {tracking} ({kind}) est en cours de traitement. {note}",
    "request_sms.documents_missing": ("CNSS: votre demande {tracking} ({kind}) est incomplète. {note} "
                                      "Apportez les pièces manquantes en agence. Aide: 8323 (gratuit)."),
    "request_sms.validated": "CNSS: votre demande {tracking} ({kind}) est validée. {note}",
    "request_sms.ready": "CNSS: votre demande {tracking} ({kind}) est prete. {note} A retirer en agence CNSS.",
    "request_sms.rejected": "CNSS: votre demande {tracking} ({kind}) est rejetée. {note} Infos: 8323 (gratuit).",
    "request_sms.closed": "CNSS: votre demande {tracking} ({kind}) est close. {note}",
})
