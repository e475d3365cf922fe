"""Plain-text descriptions of facts, values and rules, in French or English."""

from __future__ import annotations

from intertex_cli.engine import geo
from intertex_cli.text.i18n import euros, percent

FACT_LABELS = {
    "department": ("département", "département"),
    "region": ("région", "region"),
    "former_region": ("ancienne région (avant 2016)", "former region (before 2016)"),
    "size_class": ("taille d'entreprise", "company size"),
    "export_share": ("part du CA à l'export", "export share of turnover"),
    "headcount": ("effectif salarié", "headcount"),
    "turnover_eur": ("chiffre d'affaires", "turnover"),
    "export_turnover_eur": ("CA à l'export", "export turnover"),
    "balance_sheet_total_eur": ("total du bilan", "balance-sheet total"),
    "independent": ("entreprise indépendante", "independent company"),
    "activity": ("activité", "activity"),
    "legal_form": ("forme juridique", "legal form"),
    "months_of_activity": ("mois d'activité", "months of activity"),
    "closed_fiscal_years": ("exercices clos", "closed financial years"),
    "financially_sound": ("situation financière saine", "financially sound"),
    "taxed_on_real_profit": ("imposée au bénéfice réel", "taxed on real profit"),
    "has_export_strategy": ("stratégie export formalisée", "formal export strategy"),
    "had_pass_export": ("Pass Export déjà obtenu", "had a Pass Export"),
    "has_export_team": ("équipe export", "export team"),
    "equity_eur": ("fonds propres", "equity"),
    "project_budget_eur": ("budget du projet", "project budget"),
    "hire_cost_eur": ("coût salarial de l'embauche export", "export hire's salary cost"),
    "programme_expenses_eur": ("dépenses du programme", "programme expenses"),
}

VALUE_LABELS = {
    "micro": ("TPE (micro)", "micro"),
    "small": ("petite entreprise", "small"),
    "medium": ("moyenne entreprise", "medium"),
    "intermediate": ("ETI", "intermediate (ETI)"),
    "large": ("grande entreprise", "large"),
    "manufacturing": ("industrie", "manufacturing"),
    "industrial-services": ("services à l'industrie", "industrial services"),
    "production-craft": ("artisanat de production", "production craft"),
    "trading": ("négoce", "trading"),
    "other-services": ("autres services", "other services"),
    "agriculture": ("agriculture", "agriculture"),
    "company": ("société", "company"),
    "sole-proprietorship": ("entreprise individuelle", "sole proprietorship"),
    "other": ("autre", "other"),
}

_OPS = {
    "lt": "<",
    "le": "≤",
    "gt": ">",
    "ge": "≥",
    "eq": "=",
    "ne": "≠",
}


def fact_label(fact: str, lang: str) -> str:
    fr, en = FACT_LABELS.get(fact, (fact, fact))
    return en if lang == "en" else fr


def value_label(fact: str, value, lang: str) -> str:
    if isinstance(value, dict):  # a range, as in an answers file: {min: 20, max: 49}
        lo, hi = value.get("min"), value.get("max")
        a = value_label(fact, lo, lang) if lo is not None else None
        b = value_label(fact, hi, lang) if hi is not None else None
        if a is not None and b is not None:
            return f"{a} à {b}" if lang == "fr" else f"{a} to {b}"
        if a is not None:
            return f"{a} ou plus" if lang == "fr" else f"{a} or more"
        return f"jusqu'à {b}" if lang == "fr" else f"up to {b}"
    if isinstance(value, bool):
        return ("yes" if value else "no") if lang == "en" else ("oui" if value else "non")
    if fact.endswith("_eur") and isinstance(value, (int, float)):
        return euros(value, lang)  # €3,200,000 in English
    if fact == "export_share" and isinstance(value, (int, float)):
        return percent(value, lang)
    if fact == "department" and value in geo.DEPARTMENTS:
        return f"{value} ({geo.DEPARTMENTS[value][0]})"
    if fact in ("region", "former_region") and value in geo.NAMES:
        return geo.NAMES[value]
    if isinstance(value, str) and value in VALUE_LABELS:
        fr, en = VALUE_LABELS[value]
        return en if lang == "en" else fr
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def describe(node, lang: str) -> str:
    """A rule in words: "effectif salarié < 250 et entreprise indépendante = oui"."""
    kind = node.kind
    if kind in ("all", "any"):
        word = {"all": (" et ", " and "), "any": (" ou ", " or ")}[kind][lang == "en"]
        parts = [describe(n, lang) for n in getattr(node, kind)]
        return word.join(
            f"({p})" if (" et " in p or " ou " in p or " and " in p or " or " in p) else p
            for p in parts
        )
    if kind == "not":
        return ("not " if lang == "en" else "non ") + f"({describe(node.not_, lang)})"
    label = fact_label(node.fact, lang)
    parts = []
    for op, arg in node.ops():
        if op in ("in", "not_in"):
            vals = ", ".join(value_label(node.fact, v, lang) for v in arg)
            word = (
                ("one of" if op == "in" else "none of")
                if lang == "en"
                else ("parmi" if op == "in" else "hors")
            )
            parts.append(f"{label} {word} : {vals}" if lang == "fr" else f"{label} {word}: {vals}")
        elif node.fact in (
            "independent",
            "financially_sound",
            "taxed_on_real_profit",
            "has_export_strategy",
            "had_pass_export",
            "has_export_team",
        ) and op in ("eq", "ne"):
            yes = (arg is True) == (op == "eq")
            parts.append(label if yes else (("no " if lang == "en" else "pas de ") + label))
        else:
            parts.append(f"{label} {_OPS[op]} {value_label(node.fact, arg, lang)}")
    return (" and " if lang == "en" else " et ").join(parts)
