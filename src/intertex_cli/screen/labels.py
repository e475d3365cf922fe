"""The words of the screening's outputs (the Excel sheets, the terminal summary), in
French and English: each entry is (French, English)."""

from __future__ import annotations

PLAN_COLUMNS = (
    "plan_schemes",
    "plan_titles",
    "plan_total_eur",
    "first_step",
    "contact",
    "phone",
    "next_question",
    "left_out",
)
DETAIL_SUFFIXES = ("_estimate_eur", "_missing", "_plan")

TEXT = {
    # the plans sheet (and the columns of every output)
    "row": (
        "Ligne",
        "Row",
    ),
    "siren": ("SIREN", "SIREN"),
    "siret": ("SIRET", "SIRET"),
    "name": (
        "Nom",
        "Name",
    ),
    "company_name": (
        "Entreprise",
        "Company",
    ),
    "plan_schemes": (
        "Plan : identifiants",
        "Plan: ids",
    ),
    "plan_titles": (
        "Plan : dispositifs",
        "Plan: schemes",
    ),
    "plan_total_eur": (
        "Total du plan (€)",
        "Plan total (€)",
    ),
    "first_step": (
        "Première démarche",
        "First step",
    ),
    "contact": (
        "Qui appeler",
        "Whom to call",
    ),
    "phone": (
        "Téléphone",
        "Phone",
    ),
    "next_question": (
        "Réponse qui tranche le plus",
        "Answer that settles the most",
    ),
    "left_out": (
        "Laissés de côté ou supprimés",
        "Left out or ended",
    ),
    "verdict_of": (
        "{id} : verdict",
        "{id}: verdict",
    ),
    "estimate_of": (
        "{id} : montant (€)",
        "{id}: amount (€)",
    ),
    "missing_of": (
        "{id} : manque",
        "{id}: missing",
    ),
    "plan_of": (
        "{id} : plan",
        "{id}: plan",
    ),
    # a scheme's place in a company's plan
    "mark.plan": (
        "dans le plan",
        "in the plan",
    ),
    "mark.non-cumulation": (
        "non cumulable",
        "cannot be combined",
    ),
    "mark.same-expenses": (
        "mêmes dépenses",
        "same expenses",
    ),
    "mark.abolished": (
        "supprimé",
        "ended",
    ),
    "mark.replaced": (
        "remplacé",
        "replaced",
    ),
    "mark.not-relevant": (
        "sans rapport avec les projets",
        "unrelated to the projects",
    ),
    "mark.undecided": (
        "à vérifier",
        "to check",
    ),
    # the sheets
    "sheet.plans": (
        "Plans",
        "Plans",
    ),
    "sheet.summary": (
        "Résumé",
        "Summary",
    ),
    # the summary per scheme
    "scheme_id": (
        "Identifiant",
        "Id",
    ),
    "scheme": (
        "Dispositif",
        "Scheme",
    ),
    "status": (
        "Statut",
        "Status",
    ),
    "eligible": (
        "Éligibles",
        "Eligible",
    ),
    "unknown": (
        "À vérifier",
        "To check",
    ),
    "ineligible": (
        "Non éligibles",
        "Not eligible",
    ),
    "in_plans": (
        "Dans un plan",
        "In a plan",
    ),
    "question": (
        "Réponse qui tranche le plus",
        "Answer that settles most",
    ),
    "with_others": (
        " (avec d'autres réponses)",
        " (with other answers)",
    ),
    "settled": (
        "Entreprises tranchées",
        "Companies settled",
    ),
    "companies": (
        "Entreprises",
        "Companies",
    ),
    "with_plan": (
        "Entreprises avec un plan",
        "Companies with a plan",
    ),
    "plans_total": (
        "Total des plans (€)",
        "Total of the plans (€)",
    ),
    "largest": (
        "Plus grands plans",
        "Largest plans",
    ),
}


def label(name: str, lang: str, **kw) -> str:
    """``name``'s words in ``lang``; a name the table lacks stays as it is."""
    pair = TEXT.get(name)
    if pair is None:
        return name
    return (pair[1] if lang == "en" else pair[0]).format(**kw)


def mark_label(mark: str, lang: str) -> str:
    """A scheme's place in a plan in words; a reason the table lacks stays as written."""
    return label(f"mark.{mark}", lang) if f"mark.{mark}" in TEXT else mark


def is_output_column(name: str, scheme_ids) -> bool:
    """A column that a screening writes (in either language): left aside when its output
    is screened again."""
    if name in ("row", "error") or name in PLAN_COLUMNS or name in scheme_ids:
        return True
    if name.endswith(("_estimate_eur", "_missing")):
        return True
    if any(name.endswith(x) and name[: -len(x)] in scheme_ids for x in DETAIL_SUFFIXES):
        return True
    if name in {x for k in ("row", *PLAN_COLUMNS) for x in TEXT[k]}:
        return True
    for k in ("verdict_of", "estimate_of", "missing_of", "plan_of"):
        for template in TEXT[k]:
            head, _, tail = template.partition("{id}")
            inner = name[len(head) : len(name) - len(tail)]
            if name.startswith(head) and name.endswith(tail) and inner in scheme_ids:
                return True
    return False
