"""Interface text in French and English. Scheme content stays in the guide's French."""

from __future__ import annotations

import os

LANGS = ("fr", "en")
CURRENT: dict = {"lang": None}  # the interface's language once a command has chosen it


def interface_lang() -> str:
    """The language chosen by the command, else the locale's (for error messages)."""
    return CURRENT["lang"] or default_lang()


def default_lang() -> str:
    for var in ("INTERTEX_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        v = os.environ.get(var, "")
        if v[:2].lower() in LANGS:
            return v[:2].lower()
        if v and v not in ("C", "POSIX") and not v.startswith("C."):
            return "en"
    return "fr"  # our users are mostly French-speaking


_T = {
    "eligible": ("Éligible", "Eligible"),
    "ineligible": ("Non éligible", "Not eligible"),
    "unknown": ("À vérifier", "To check"),
    "status.still-offered": ("toujours proposé", "still offered"),
    "status.changed": ("modifié depuis le guide", "changed since the guide"),
    "status.renamed": ("renommé", "renamed"),
    "status.replaced": ("remplacé", "replaced"),
    "status.abolished": ("SUPPRIMÉ", "ABOLISHED"),
    "status.not-checked": ("non vérifié depuis le guide", "not checked since the guide"),
    "projects_head": (
        "Identifiants de projet (la clé ou la colonne projects) :",
        "Project ids (the projects key or column):",
    ),
    "projects_tail": (
        "Plusieurs projets : séparés par « ; » dans une cellule (trade-fairs;vie), en liste dans un fichier de réponses.",
        'Several projects: separated by ";" in a cell (trade-fairs;vie), a list in an answers file.',
    ),
    "mark.still-offered": ("✓ proposé", "✓ offered"),
    "mark.changed": ("⚠ modifié", "⚠ changed"),
    "mark.renamed": ("⚠ renommé", "⚠ renamed"),
    "mark.replaced": ("⚠ remplacé", "⚠ replaced"),
    "mark.abolished": ("✗ supprimé", "✗ ended"),
    "mark.not-checked": ("? non vérifié", "? not checked"),
    "more_conditions": (
        "+ {n} condition(s) à remplir : intertex why {id}",
        "+ {n} condition(s) to fulfil: intertex why {id}",
    ),
    "type.subsidy": ("subvention", "subsidy"),
    "type.insurance-guarantee": ("assurance / garantie", "insurance / guarantee"),
    "type.loan": ("prêt", "loan"),
    "type.tax-credit": ("crédit d'impôt", "tax credit"),
    "type.advice": ("conseil / accompagnement", "advice / coaching"),
    "type.information": ("information", "information"),
    "col.id": ("Identifiant", "Id"),
    "col.title": ("Dispositif", "Scheme"),
    "col.agency": ("Organisme", "Agency"),
    "col.type": ("Type", "Type"),
    "col.amount": ("Montant", "Amount"),
    "col.status": ("Statut", "Status"),
    "col.regions": ("Territoire", "Area"),
    "col.where": ("Trouvé dans", "Found in"),
    "region.national": ("national", "national"),
    "region.occitanie": ("Occitanie", "Occitanie"),
    "region.nouvelle-aquitaine": ("Nouvelle-Aquitaine", "Nouvelle-Aquitaine"),
    "n_schemes": ("{n} dispositifs", "{n} schemes"),
    "guide_date": (
        "Source : guide INTER-TEX ({document}), p. {page}, informations de {date}.",
        "Source: INTER-TEX guide ({document}), p. {page}, information from {date}.",
    ),
    "confirm": (
        "Confirmez auprès de l'organisme avant d'agir : le guide date de {date}.",
        "Confirm with the agency before acting: the guide dates from {date}.",
    ),
    "ended_warning": (
        "Ce dispositif a été supprimé depuis le guide : ce n'est plus une opportunité.",
        "This scheme has ended since the guide: it is no longer an opportunity.",
    ),
    "ended_probable_warning": (
        "Ce dispositif a probablement pris fin depuis le guide : ne comptez pas dessus sans confirmation.",
        "This scheme has probably ended since the guide: do not count on it without confirmation.",
    ),
    "changed_warning": (
        "Ce dispositif a changé depuis le guide.",
        "This scheme has changed since the guide.",
    ),
    "sec.objectives": ("Objectifs", "Objectives"),
    "sec.description": ("Description", "Description"),
    "sec.beneficiaries": ("Bénéficiaires", "Who can use it"),
    "sec.criteria": ("Critères d'éligibilité", "Eligibility criteria"),
    "sec.conditions": ("Conditions et préalables", "Conditions and prerequisites"),
    "sec.eligible": ("Dépenses éligibles", "Eligible expenses"),
    "sec.excluded": ("Dépenses exclues", "Excluded expenses"),
    "sec.funding": ("Montants et modalités", "Amounts and terms"),
    "sec.payment": ("Versement", "Payment"),
    "sec.contacts": ("Contacts du guide (2017-2018)", "The guide's contacts (2017-2018)"),
    "sec.notes": ("Notes de lecture", "Reading notes"),
    "sec.status": ("Statut aujourd'hui", "Status today"),
    "sec.summary": ("En bref", "Summary"),
    "sec.projects": ("Pour quels projets", "For which projects"),
    "sec.steps": ("Que faire, dans l'ordre", "What to do, in order"),
    "sec.documents": ("Documents à préparer", "Documents to prepare"),
    "sec.cumulation": ("Cumul avec d'autres aides", "Combining with other aid"),
    "translated": ("", "(Translated from the guide's French card.)"),
    "sources": ("Sources", "Sources"),
    "source": ("Source", "Source"),
    "undated": ("non datée", "undated"),
    "no_newer_source": (
        "aucune source plus récente que le guide n'a été trouvée",
        "no source newer than the guide was found",
    ),
    "successor": ("Successeur", "Successor"),
    "today": ("À contacter aujourd'hui", "Contact today"),
    "change_line": (
        "le guide : {guide} ; depuis {date} : {now}",
        "the guide: {guide}; since {date}: {now}",
    ),
    "change_line_undated": (
        "le guide : {guide} ; plus récent (date inconnue) : {now}",
        "the guide: {guide}; newer (date unknown): {now}",
    ),
    "guide_date_head": ("Données du guide", "Guide data"),
    "guide_of": (
        "{date} (les contacts et montants ci-dessous sont ceux du guide)",
        "{date} (the contacts and amounts below are the guide's)",
    ),
    "since_guide": ("depuis le guide, {date}", "since the guide, {date}"),
    "max_expense_taken": ("dépenses retenues au plus", "expenses taken into account at most"),
    "off_budget": ("hors budget du projet", "outside the project budget"),
    "base_answer": (
        "sur votre réponse « {label} », comptée dans les dépenses du programme",
        'on your answer "{label}", counted in the programme\'s expenses',
    ),
    "cumul.not_with": ("Non cumulable avec : {names}", "Cannot be combined with: {names}"),
    "cumul.combines": ("Se cumule avec : {names}", "Combines with: {names}"),
    "cumul.after": ("Après : {names}", "After: {names}"),
    "cumul.reduced": (
        "Base réduite des autres aides reçues",
        "Base reduced by the other aid received",
    ),
    "rate": ("taux", "rate"),
    "cap": ("plafond", "cap"),
    "min_expense": ("dépenses minimum", "minimum expenses"),
    "max_expense": ("dépenses maximum", "maximum expenses"),
    "duration": ("durée", "duration"),
    "months": ("mois", "months"),
    "equity_cap": (
        "l'aide ne peut pas dépasser les fonds propres",
        "the aid may not exceed equity",
    ),
    "via_agency": ("Contacts de l'organisme ({agency})", "The agency's contacts ({agency})"),
    "beneficiary.bank": ("via votre banque", "through your bank"),
    "beneficiary.foreign-buyer": ("pour votre client étranger", "for your foreign buyer"),
    "no_match": ("Aucun dispositif ne correspond à « {q} ».", "No scheme matches “{q}”."),
    "valid": (
        "{n} dispositifs et {a} organismes : catalogue valide",
        "{n} schemes and {a} agencies: valid catalogue",
    ),
    "percent_needs_whole": (
        "Un pourcentage demande le {what} : donnez un montant en euros",
        "A percentage needs the {what}: give an amount in euros",
    ),
    "dont_know": ("Je ne sais pas / passer", "I don't know / skip"),
    "yes": ("Oui", "Yes"),
    "no": ("Non", "No"),
    "review": ("Vos réponses", "Your answers"),
    "review_ok": ("C'est correct, voir les résultats", "All correct, show the results"),
    "review_change": ("Modifier : {q}", "Change: {q}"),
    "review_prompt": ("Vérifiez vos réponses :", "Check your answers:"),
    "review_add": (
        "Ajouter une réponse que le questionnaire n'a pas demandée…",
        "Add an answer the questionnaire did not ask…",
    ),
    "review_add_q": ("Quelle réponse ajouter ?", "Which answer do you want to add?"),
    "review_back": ("Retour à vos réponses", "Back to your answers"),
    "invalid_number": (
        "Un nombre, s'il vous plaît (par exemple 4 200 000 ou 4,2 M)",
        "A number, please (for example 4 200 000 or 4.2 M)",
    ),
    "invalid_int": ("Un nombre entier, s'il vous plaît", "A whole number, please"),
    "invalid_months": (
        "Une durée en mois (18) ou en années (3 ans)",
        "A duration in months (18) or years (3 years)",
    ),
    "invalid_department": (
        "Ce n'est pas un département français (81, 09, 2A, 971…)",
        "Not a French département (81, 09, 2A, 971…)",
    ),
    "export_gt_turnover": (
        "Plus que le chiffre d'affaires total ({t})",
        "More than the total turnover ({t})",
    ),
    "group.eligible": ("Éligibles", "Eligible"),
    "group.unknown": ("À vérifier", "To check"),
    "group.ineligible": ("Non éligibles", "Not eligible"),
    "group.ended": (
        "Supprimés depuis le guide (pour mémoire)",
        "Ended since the guide (for the record)",
    ),
    "missing": ("manque : {keys}", "missing: {keys}"),
    "nothing_missing": (
        "aucune réponse du questionnaire ne peut trancher",
        "no answer of the questionnaire can decide it",
    ),
    "first": ("À faire d'abord", "Do first"),
    "condition": ("Condition", "Condition"),
    "contact": ("Contact", "Contact"),
    "estimate": ("jusqu'à {amount}", "up to {amount}"),
    "estimate_equity": (
        " (à confirmer : plafonné par les fonds propres)",
        " (to confirm: capped by equity)",
    ),
    "summary": (
        "{e} éligibles, {u} à vérifier, {i} non éligibles",
        "{e} eligible, {u} to check, {i} not eligible",
    ),
    "interrupted": (
        "Interrompu. Vos réponses sont enregistrées dans {file} ; reprenez avec : intertex check --answers {file} --ask-missing",
        "Interrupted. Your answers are saved in {file}; resume with: intertex check --answers {file} --ask-missing",
    ),
    "interrupted_unchanged": (
        "Interrompu avant toute nouvelle réponse : {file} n'a pas changé ; reprenez avec : intertex check --answers {file} --ask-missing",
        "Interrupted before any new answer: {file} is unchanged; resume with: intertex check --answers {file} --ask-missing",
    ),
    "interrupted_nothing": (
        "Interrompu avant toute réponse : rien n'est enregistré.",
        "Interrupted before any answer: nothing is saved.",
    ),
    "saved_instead": (
        "Vos réponses sont enregistrées dans {file} à la place ; reprenez avec : intertex check --answers {file}",
        "Your answers are saved in {file} instead; resume with: intertex check --answers {file}",
    ),
    "report_folder": (
        "Le dossier {folder} n'existe pas ou n'est pas accessible en écriture",
        "The folder {folder} does not exist or cannot be written",
    ),
    "report_not_file": (
        "{file} existe et n'est pas un fichier ordinaire",
        "{file} exists and is not a regular file",
    ),
    "report_is_answers": (
        "{file} est votre fichier de réponses : choisissez un autre nom",
        "{file} is your answers file: choose another name",
    ),
    "name_too_long": (
        "Au plus {n} caractères, s'il vous plaît",
        "At most {n} characters, please",
    ),
    "interrupted_unsaved": (
        "Interrompu. Vos réponses n'ont pu être enregistrées nulle part ; les voici, à copier dans un fichier :",
        "Interrupted. Your answers could not be saved anywhere; here they are, to copy into a file:",
    ),
    "turnover_lt_export": (
        "Moins que la part export déjà donnée ({e})",
        "Less than the export turnover already given ({e})",
    ),
    "closed_gt_months": (
        "{c} exercices clos en {m} mois d'activité : au plus {n} (un par an, plus un premier exercice court)",
        "{c} closed years in {m} months of activity: at most {n} (one a year, plus a short first one)",
    ),
    "region_of_department": (
        "Le département {d} est en {r}",
        "Département {d} is in {r}",
    ),
    "implausible": (
        "Valeur invraisemblable : au plus {max}",
        "Not plausible: at most {max}",
    ),
    "no_tty": (
        "Pas de terminal pour poser les questions. Donnez les réponses dans un fichier, par\n"
        "exemple reponses.yaml (chaque clé est facultative ; une clé absente reste inconnue) :\n"
        "\n"
        "    projects: [trade-fairs]      # salons ; intertex list --project … pour les autres\n"
        '    department: "81"\n'
        "    headcount: 20\n"
        "    turnover_eur: 3200000\n"
        "    project_budget_eur: 30000\n"
        "\n"
        "puis : intertex check --answers reponses.yaml",
        "No terminal to ask questions. Give the answers in a file, for example answers.yaml\n"
        "(every key is optional; a key left out stays unknown):\n"
        "\n"
        "    projects: [trade-fairs]      # trade fairs; intertex list --project … for others\n"
        '    department: "81"\n'
        "    headcount: 20\n"
        "    turnover_eur: 3200000\n"
        "    project_budget_eur: 30000\n"
        "\n"
        "then: intertex check --answers answers.yaml",
    ),
    "completion.installed": (
        "Complétion {shell} installée dans {file}",
        "{shell} completion installed in {file}",
    ),
    "completion.restart": (
        "Elle fonctionnera dans un nouveau terminal.",
        "It works in a new terminal.",
    ),
    "completion.shell": (
        "Shell inconnu pour la complétion : {shell} ; possibles : {shells} (intertex --show-completion bash)",
        "No completion for the shell {shell}; use one of: {shells} (intertex --show-completion bash)",
    ),
    "completion.failed": (
        "Impossible d'installer la complétion dans {file} : {reason}",
        "Cannot install the completion in {file}: {reason}",
    ),
    "saved": ("Réponses enregistrées dans {file}", "Answers saved to {file}"),
    "why_no_answers": (
        "Aucune réponse donnée (--answers FICHIER) : chaque critère sur l'entreprise reste inconnu.",
        "No answers given (--answers FILE): every criterion on the company stays unknown.",
    ),
    "why_last_saved": (
        "Vos dernières réponses enregistrées :",
        "Your last saved answers:",
    ),
    "oldest_evidence": (
        "Preuve la plus ancienne : {date} ({id}) — à revoir en premier.",
        "Oldest evidence: {date} ({id}) — to review first.",
    ),
    "freshness_warnings": (
        "{n} avertissement(s) de fraîcheur (statuts sans source ou sans date), sur la sortie d'erreur.",
        "{n} freshness warning(s) (statuses without a source or a date), on standard error.",
    ),
    "warning": ("attention :", "warning:"),
    "field.titre": ("titre", "title"),
    "field.id": ("id", "id"),
    "field.projets": ("projets", "projects"),
    "field.résumé": ("résumé", "summary"),
    "field.mots-clés": ("mots-clés", "keywords"),
    "field.organisme": ("organisme", "agency"),
    "field.objectifs": ("objectifs", "objectives"),
    "field.description": ("description", "description"),
    "field.bénéficiaires": ("bénéficiaires", "beneficiaries"),
    "field.critères": ("critères", "criteria"),
    "field.conditions": ("conditions", "conditions"),
    "field.étapes": ("étapes", "steps"),
    "field.dépenses éligibles": ("dépenses éligibles", "eligible expenses"),
    "field.dépenses exclues": ("dépenses exclues", "excluded expenses"),
    "field.montants": ("montants", "amounts"),
    "field.versement": ("versement", "payment"),
    "field.contacts": ("contacts", "contacts"),
    "field.notes": ("notes", "notes"),
    "report_saved": ("Plan enregistré dans {file}", "Plan saved to {file}"),
    "save_plan": ("Enregistrer le plan ?", "Save the plan?"),
    "hint.select": ("(flèches ↑ ↓ puis Entrée)", "(arrow keys ↑ ↓, then Enter)"),
    "hint.shortcuts": (
        "(la lettre ou les flèches, puis Entrée)",
        "(the letter or the arrow keys, then Enter)",
    ),
    "hint.checkbox": (
        "(↑ ↓ pour aller, Espace pour cocher, Entrée pour valider)",
        "(↑ ↓ to move, Space to tick, Enter to confirm)",
    ),
    "report_ext": ("Un fichier .md ou .html", "A .md or .html file"),
    "projects_label": ("Projets", "Projects"),
    "save_plan_where": ("Dans quel fichier (.md ou .html) ?", "In which file (.md or .html)?"),
    "company_name": (
        "Nom de l'entreprise, pour le rapport (facultatif) :",
        "Company name, for the report (optional):",
    ),
    "projects_q": (
        "Que voulez-vous faire ? Cochez un ou plusieurs projets.",
        "What do you want to do? Tick one or more projects.",
    ),
    "criterion.met": ("rempli", "met"),
    "criterion.unmet": ("non rempli", "not met"),
    "criterion.unknown": ("inconnu", "unknown"),
    "answer_used": ("votre réponse", "your answer"),
    "explain_title": (
        "{title} — vérification critère par critère",
        "{title} — criterion by criterion",
    ),
    "no_criteria": (
        "Le guide ne pose aucun critère sur l'entreprise pour ce dispositif.",
        "The guide sets no criterion on the company for this scheme.",
    ),
    "not_set": ("non renseigné", "not given"),
    "skipped": ("je ne sais pas", "don't know"),
    "welcome": (
        "intertex — quels dispositifs d'aide à l'export pour votre entreprise ? Répondez à quelques questions (Ctrl-C pour arrêter, vos réponses sont gardées).",
        "intertex — which export-support schemes fit your company? Answer a few questions (Ctrl-C to stop; your answers are kept).",
    ),
}


def progress(decided: int, open_: int, lang: str) -> str:
    """Where the questionnaire stands, in plain words, singular or plural as it falls:
    "Vos réponses ont tranché 1 dispositif sur 5 ; 4 attendent encore une réponse." """
    total = decided + open_
    if lang == "en":
        noun = "scheme" if (decided or open_) == 1 else "schemes"
        waits = "waits" if open_ == 1 else "wait"
        if not open_:
            return f"Your answers have settled the {noun}; what follows is for the amounts."
        if not decided:
            return f"{open_} {noun} {waits} for your answers."
        return f"Your answers have settled {decided} of {total} {noun}; {open_} still {waits} for an answer."
    noun = "dispositif" if (decided or open_) == 1 else "dispositifs"
    waits = "attend" if open_ == 1 else "attendent"
    if not open_:
        return f"Vos réponses ont tranché les {noun} ; la suite précise les montants."
    if not decided:
        return f"{open_} {noun} {waits} vos réponses."
    return f"Vos réponses ont tranché {decided} {noun} sur {total} ; {open_} {waits} encore une réponse."


def t(key: str, lang: str, **kw) -> str:
    fr, en = _T[key]
    s = en if lang == "en" else fr
    return s.format(**kw) if kw else s


def euros(amount: float, lang: str = "fr") -> str:
    """French style 20 000 € (0,5 € for cents); English style €20,000 (€0.50)."""
    whole = amount == int(amount)
    if lang == "en":
        return "€" + (f"{int(amount):,}" if whole else f"{amount:,.2f}")
    if whole:
        s = f"{int(amount):,}".replace(",", " ")
    else:
        s = f"{amount:,.2f}".replace(",", " ").replace(".", ",")
    return f"{s} €"


def percent(rate: float, lang: str = "fr") -> str:
    """French 50 % (12,5 %); English 50% (12.5%)."""
    v = f"{rate * 100:.1f}".rstrip("0").rstrip(".")
    return f"{v}%" if lang == "en" else f"{v.replace('.', ',')} %"


def months(n: int, lang: str) -> str:
    if lang == "en":
        return f"{n} month" + ("" if n == 1 else "s")
    return f"{n} mois"
