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
    "common.service_busy": "Service très sollicité. Merci de réessayer dans quelques minutes.",
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
TEXTS["sms.kw_requests_phone_head"] = "CNSS, demandes faites depuis ce numéro:"
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

# Insured persons' benefit requests and declarations (menus/screens/insured_requests.py, helper W4).
# The documents to bring are an ASSUMPTION: the online-services guide does not list them.
TEXTS.update({
    "requests.benefits_option": "Demander une prestation",
    "requests.declarations_option": "Faire une déclaration",
    "insured.benefits": "Demande de prestation:",
    "insured.declarations": "Déclarer:",
    "insured.child_option": "Un enfant",
    "insured.spouse_option": "Un conjoint",
    "insured.disease_option": "Une maladie professionnelle",
    "insured.continue": "Continuer",
    "kind.old_age_pension": "Pension de vieillesse",
    "kind.invalidity_pension": "Pension d'invalidité",
    "kind.prenatal_allowance": "Allocation prénatale",
    "kind.maternity_allowance": "Indemnité maternité",
    "kind.child_declaration": "Déclaration d'enfant",
    "kind.spouse_declaration": "Déclaration de conjoint",
    "kind.occupational_disease": "Maladie professionnelle",
    "old_age_pension.enough_months": "Pension de vieillesse. Votre compte: {months} mois d'assurance (minimum {min}).",
    "old_age_pension.few_months": ("{months} mois d'assurance au compte; la pension en demande {min}. Demandez "
                                   "quand meme: la CNSS étudiera vos droits."),
    "old_age_pension.pension_start": "Date souhaitée de début de la pension (JJMMAAAA):",
    "old_age_pension.confirm": "Pension de vieillesse à partir du {pension_start}.",
    "invalidity_pension.incapacity_date": "Date du début de l'incapacité de travail (JJMMAAAA):",
    "invalidity_pension.confirm": "Pension d'invalidité. Incapacité depuis le {incapacity_date}.",
    "prenatal_allowance.mother": "La future mère est:",
    "prenatal_allowance.self": "Moi",
    "prenatal_allowance.spouse": "Mon épouse",
    "prenatal_allowance.delivery_date": "Date prévue de l'accouchement (JJMMAAAA):",
    "prenatal_allowance.confirm": ("Allocation prénatale\nFuture mère: {mother}\nNaissance prévue le {delivery_date}"
                                   "\nPayée en 3 parts après les examens."),
    "maternity_allowance.delivery_date": "Date prévue (ou réelle) de l'accouchement (JJMMAAAA):",
    "maternity_allowance.confirm": "Indemnité journalière de maternité (IJM)\nAccouchement le {delivery_date}",
    "child_declaration.child_name": "Nom et prénoms de l'enfant:",
    "child_declaration.child_birth": "Date de naissance de l'enfant (JJMMAAAA):",
    "child_declaration.child_sex": "Sexe de l'enfant:",
    "child_declaration.f": "Fille",
    "child_declaration.m": "Garcon",
    "child_declaration.confirm": "Enfant: {child_name}\nNé(e) le {child_birth}, {child_sex}",
    "spouse_declaration.spouse_name": "Nom et prénoms du conjoint:",
    "spouse_declaration.marriage_date": "Date du mariage (JJMMAAAA):",
    "spouse_declaration.confirm": "Conjoint: {spouse_name}\nMariage du {marriage_date}",
    "occupational_disease.disease_date": "Date où la maladie a été constatée (JJMMAAAA):",
    "occupational_disease.disease": "Type de maladie:",
    "occupational_disease.respiratory": "Respiratoire",
    "occupational_disease.skin": "Peau",
    "occupational_disease.hearing": "Audition (bruit)",
    "occupational_disease.joints": "Dos, articulations",
    "occupational_disease.poisoning": "Intoxication",
    "occupational_disease.other_disease": "Autre",
    "occupational_disease.confirm": ("Maladie professionnelle: {disease}\nConstatée le {disease_date}\n"
                                     "Un agent CNSS vous rappellera."),
    "documents.old_age_pension": "CNI, acte de naissance, certificats de travail, RIB ou numéro mobile money",
    "documents.invalidity_pension": "CNI, certificat médical d'invalidité, certificats de travail, RIB",
    "documents.prenatal_allowance": "certificat de grossesse, carnet des examens prénatals, CNI",
    "documents.maternity_allowance": "certificat de grossesse, attestation de congé de l'employeur, CNI, RIB",
    "documents.child_declaration": "acte de naissance de l'enfant, votre CNI",
    "documents.spouse_declaration": "acte de mariage, CNI des deux conjoints",
    "documents.occupational_disease": "certificat médical, attestation d'exposition de l'employeur, CNI",
})

# Employer requests and profile changes (helper W2: menus/screens/employer_requests.py, menus/screens/profile.py).
TEXTS.update({
    "requests.workers_option": "Salariés",
    "requests.workers": "Salariés",
    "requests.worker_option": "Immatriculer un salarié",
    "requests.accident_option": "Déclarer un accident du travail",
    "requests.declared_payment_option": "Paiement déjà fait",
    "requests.profile_option": "Mes infos",
    "insured.profile_option": "Mes infos",
    "requests.late": "Hors délai.",
    "kind.worker_registration": "Immatriculation salarié",
    "kind.work_accident": "Accident du travail",
    "kind.declared_payment": "Paiement déclaré",
    "kind.phone_change": "Changement de téléphone",
    "kind.email_change": "Changement d'e-mail",
    "kind.address_change": "Changement d'adresse",
    "worker_registration.last_name": "Immatriculation d'un salarié\nNom de famille:",
    "worker_registration.first_names": "Prénoms:",
    "worker_registration.birth_date": "Date de naissance (JJMMAAAA):",
    "worker_registration.sex": "Sexe:",
    "worker_registration.f": "Femme",
    "worker_registration.m": "Homme",
    "worker_registration.hire_date": "Date d'embauche (JJMMAAAA):",
    "worker_registration.pay": "Salaire brut mensuel (FCFA):",
    "worker_registration.worker_phone": "Téléphone du salarié (il recevra son numéro d'assuré par SMS), ou 1 si aucun:",
    "worker_registration.confirm": "{last_name} {first_names}\nEmbauche {hire_date}, {pay}\nDélai {deadline}{late}",
    "worker_registration.late": " DEPASSE",
    "worker_registration.filed": ("Demande enregistrée. Suivi: {tracking}. Le numéro d'assuré sera envoyé par SMS "
                                  "après validation."),
    "request_sms.worker_registration.validated": ("CNSS: immatriculation {tracking} de {last_name} {first_names} "
                                                  "validée. Numéro d'assuré: {note}"),
    "request_sms.worker_registration.validated.worker_phone": (
        "CNSS: {first_names} {last_name}, vous etes immatriculé(e) à la CNSS. Votre numéro d'assuré: {note}. "
        "Gardez-le."),
    "work_accident.worker_number": "Accident du travail\nNuméro d'assuré du salarié:",
    "work_accident.accident_date": "Date de l'accident (JJMMAAAA):",
    "work_accident.place": "Lieu de l'accident (ex. Atelier zone portuaire):",
    "work_accident.accident_type": "Type d'accident:",
    "work_accident.fall": "Chute",
    "work_accident.machine": "Machine ou outil",
    "work_accident.commute": "Accident de trajet",
    "work_accident.burn": "Brulure ou produit",
    "work_accident.other_accident": "Autre",
    "work_accident.confirm": "Accident de l'assuré {worker_number}\nle {accident_date}\nLieu: {place}\n{accident_type}",
    "work_accident.filed": ("Déclaration enregistrée. Suivi: {tracking}. A déclarer sous {hours} h après l'accident. "
                            "Un agent CNSS vous rappellera."),
    "declared_payment.paid_by": "Vous avez payé par:",
    "declared_payment.transfer": "Virement bancaire",
    "declared_payment.deposit": "Dépot en banque",
    "declared_payment.mobile_money": "Mobile money",
    "declared_payment.transaction": "Numéro de la transaction (sur votre recu):",
    "declared_payment.amount": "Montant payé (FCFA):",
    "declared_payment.paid_on": "Date du paiement (JJMMAAAA):",
    "declared_payment.confirm": ("{paid_by} du {paid_on}\nTransaction {transaction}\n{amount}\n"
                                 "A vérifier par la CNSS."),
    "declared_payment.filed": ("Paiement déclaré. Suivi: {tracking}. Il sera crédité après vérification par la CNSS. "
                               "Vous serez informé par SMS."),
    "request_sms.declared_payment.validated": ("CNSS: paiement déclaré {tracking} ({amount}, transaction "
                                               "{transaction}) retrouvé. {note}"),
    "request_sms.declared_payment.rejected": ("CNSS: paiement déclaré {tracking} ({amount}, transaction "
                                              "{transaction}) non retrouvé. {note} Infos: 8323 (gratuit)."),
    "profile.home": "Modifier mes infos:",
    "profile.phone_option": "Téléphone",
    "profile.email_option": "E-mail",
    "profile.address_option": "Adresse",
    "profile.send_code_option": "Envoyer le code",
    "phone_change.new_phone": "Nouveau numéro de téléphone (ex. 90112233):",
    "phone_change.confirm": "Nouveau téléphone: {new_phone}\nUn code lui sera envoyé par SMS.",
    "profile.phone_code": "Entrez le code à {code_length} chiffres recu par SMS sur le {new_phone}:",
    "profile.code_expired": "Code expiré. Refaites la demande depuis Modifier mes infos.",
    "profile.code_blocked": "Code bloqué après 3 erreurs. Refaites la demande plus tard.",
    "profile.code_limited": "Code non envoyé: trop de demandes récentes vers ce numéro. Réessayez plus tard.",
    "profile.same_phone": "C'est déjà votre numéro.",
    "sms.profile_code": "CNSS: votre code de confirmation de numéro est {code}. Ne le donnez à personne.",
    "phone_change.filed": ("Demande enregistrée. Suivi: {tracking}. La CNSS fera le changement après vérification "
                           "et vous informera par SMS."),
    "request_sms.phone_change.validated.new_phone": "CNSS: ce numéro est désormais enregistré sur votre compte CNSS.",
    "email_change.email": "Nouvel e-mail (ex. nom@domaine.tg):",
    "email_change.confirm": "Nouvel e-mail:\n{email}",
    "email_change.filed": ("Demande enregistrée. Suivi: {tracking}. La CNSS fera le changement après vérification "
                           "et vous informera par SMS."),
    "address_change.address": "Nouvelle adresse (quartier, ville, BP):",
    "address_change.confirm": "Nouvelle adresse:\n{address}",
    "address_change.filed": ("Demande enregistrée. Suivi: {tracking}. La CNSS fera le changement après vérification "
                             "et vous informera par SMS."),
    "form.email_invalid": "E-mail invalide (ex. nom@domaine.tg).",
})

# Enrolment before any account (helper W1, menus/screens/enrolment.py). ASSUMPTION: the documents a small
# business brings (the online-services guide does not list them).
TEXTS.update({
    "enrol.option": "S'inscrire / Adhérer",
    "enrol.menu": "S'inscrire / Adhérer",
    "enrol.domestic_option": "Employeur domestique",
    "enrol.business_option": "Entreprise/PME",
    "enrol.voluntary_option": "Assurance volontaire",
    "enrol.self_employed_option": "Indépendant",
    "enrol.requests_option": "Mes demandes",
    "enrol.register_option": "Infos",
    "enrol.requests": "Mes demandes:",
    "enrol.too_few_months": ("Assurance volontaire impossible: il faut au moins {min} mois d'assurance avant la fin "
                             "de l'emploi. Infos: 8323 (gratuit). Merci."),
    "enrol.too_late": ("Assurance volontaire impossible: la demande se fait dans les {months} mois qui suivent la fin "
                       "de l'emploi. Infos: 8323 (gratuit). Merci."),
    "kind.domestic_employer": "Employeur domestique",
    "kind.business_employer": "Immatriculation PME",
    "kind.voluntary_insurance": "Assurance volontaire",
    "kind.self_employed": "Travailleur indépendant",
    "domestic_employer.name": "Employeur domestique\nVotre nom et prénoms:",
    "domestic_employer.locality": "Votre ville ou quartier:",
    "domestic_employer.workers": "Nombre d'employés de maison:",
    "domestic_employer.pay": "Salaire mensuel du 1er employé de maison (FCFA):",
    "domestic_employer.confirm": "{name}\n{locality}\n{workers} employé(s)\nSalaire du 1er: {pay}",
    "domestic_employer.filed": ("Demande enregistrée. Suivi: {tracking}. Après validation, votre numéro employeur "
                                "vous sera envoyé par SMS."),
    "request_sms.domestic_employer.validated": (
        "CNSS: employeur domestique {name} immatriculé, numéro {note}. Pour créer votre PIN, composez le code USSD "
        "CNSS: un code d'activation vous sera envoyé par SMS."),
    "business_employer.company": "Entreprise (PME)\nRaison sociale:",
    "business_employer.locality": "Ville ou quartier du siège:",
    "business_employer.activity": "Activité principale (ex. commerce):",
    "business_employer.workers": "Nombre de salariés:",
    "business_employer.confirm": "{company}\n{locality}\n{activity}, {workers} salarié(s)",
    "business_employer.filed": ("Dossier ouvert. Suivi: {tracking}. Les pièces à apporter et où vous sont "
                                "envoyées par SMS."),
    "request_sms.business_employer.received": (
        "CNSS: dossier {tracking} ouvert. Apportez à l'agence CNSS de votre région: RCCM, statuts, NIF, CNI du "
        "dirigeant, liste du personnel et salaires. Infos: 8323 (gratuit)."),
    "request_sms.business_employer.validated": (
        "CNSS: {company} immatriculée, numéro employeur {note}. Pour créer votre PIN, composez le code USSD CNSS: "
        "un code d'activation vous sera envoyé par SMS."),
    "voluntary_insurance.insured_months": "Assurance volontaire\nCombien de mois avez-vous été assuré comme salarié?",
    "voluntary_insurance.left_on": "Date de fin de votre dernier emploi salarié (JJMMAAAA):",
    "voluntary_insurance.insured_number": "Votre numéro d'assuré CNSS:",
    "voluntary_insurance.income": "Revenu mensuel à déclarer (FCFA), au moins le SMIG {smig}:",
    "voluntary_insurance.rhythm": "Vous payez:",
    "voluntary_insurance.monthly": "Chaque mois",
    "voluntary_insurance.quarterly": "Chaque trimestre",
    "voluntary_insurance.half_yearly": "Chaque semestre",
    "voluntary_insurance.yearly": "Chaque année",
    "voluntary_insurance.confirm": "Assurance volontaire\nRevenu {income}/mois\nTaux {rate}\n{rhythm}: {amount}",
    "voluntary_insurance.filed": ("Demande enregistrée. Suivi: {tracking}. Après accord, la CNSS vous envoie par SMS "
                                  "votre numéro pour payer."),
    "request_sms.voluntary_insurance.validated": (
        "CNSS: assurance volontaire {tracking} acceptée, numéro cotisant {note}. Paiement par référence: composez "
        "le code USSD CNSS (code d'activation par SMS au 1er accès), menu Payer."),
    "self_employed.trade": "Travailleur indépendant\nVotre métier (ex. couturier):",
    "self_employed.income": "Revenu mensuel déclaré (FCFA), au moins le SMIG {smig}:",
    "self_employed.rhythm": "Vous payez:",
    "self_employed.monthly": "Chaque mois",
    "self_employed.quarterly": "Chaque trimestre",
    "self_employed.half_yearly": "Chaque semestre",
    "self_employed.yearly": "Chaque année",
    "self_employed.confirm": "{trade}\nRevenu {income}/mois, taux {rate}\n{rhythm}: {amount}",
    "self_employed.filed": ("Demande enregistrée. Suivi: {tracking}. Après accord, la CNSS vous envoie par SMS "
                            "votre numéro pour payer."),
    "request_sms.self_employed.validated": (
        "CNSS: adhésion {tracking} acceptée, numéro cotisant {note}. Paiement par référence: composez le code USSD "
        "CNSS (code d'activation par SMS au 1er accès), menu Payer."),
})
