"""The questions of the wizard, in French and English, and the parsing of answers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .engine import geo
from .engine.vocab import ANSWER_FACTS


@dataclass(frozen=True)
class Question:
    key: str
    text: dict  # lang -> question
    help: dict  # lang -> help line
    choices: dict | None = None  # lang -> {value: label}
    # asked when the answer it is a part of (vocab.ASKED_AFTER) is unknown: (text, help)
    alone: dict | None = None  # lang -> (question, help line)


def _q(key, fr, en, help_fr="", help_en="", choices=None, alone=None) -> Question:
    return Question(key, {"fr": fr, "en": en}, {"fr": help_fr, "en": help_en}, choices, alone)


QUESTIONS: dict[str, Question] = {
    q.key: q
    for q in (
        _q(
            "department",
            "Dans quel département se trouve le siège ou l'établissement actif de l'entreprise ?",
            "In which département is the company's head office or active establishment?",
            "Son numéro : 81, 09, 2A, 971…",
            "Its number: 81, 09, 2A, 971…",
        ),
        _q(
            "region",
            "Dans quelle région se trouve l'entreprise ?",
            "In which region is the company?",
            choices={
                "fr": {r: geo.NAMES[r] for r in geo.REGIONS},
                "en": {r: geo.NAMES[r] for r in geo.REGIONS},
            },
        ),
        _q(
            "headcount",
            "Combien de salariés compte l'entreprise (effectif) ?",
            "How many employees does the company have (headcount)?",
            "Un nombre entier (20) ou une fourchette (20-49)",
            "A whole number (20) or a range (20-49)",
        ),
        _q(
            "turnover_eur",
            "Chiffre d'affaires HT du dernier exercice clos (en euros) ?",
            "Turnover excluding VAT of the last closed year (euros)?",
            "Par exemple 4 200 000, 4,2 M ou 4.2M€ ; une fourchette : 1-2 M€",
            "For example 4 200 000, 4.2 M or 4.2M€; a range: 1-2 M€",
        ),
        _q(
            "export_turnover_eur",
            "Part de ce chiffre d'affaires réalisée à l'export ?",
            "Part of that turnover made abroad?",
            "En euros (150 000) ou en pourcentage (5 %) ; 0 si vous n'exportez pas encore",
            "In euros (150 000) or as a percentage (5 %); 0 if you do not export yet",
            alone={
                "fr": (
                    "Chiffre d'affaires HT réalisé à l'export sur le dernier exercice clos (en euros) ?",
                    "0 si vous n'exportez pas encore",
                ),
                "en": (
                    "Turnover excluding VAT made abroad in the last closed year (euros)?",
                    "0 if you do not export yet",
                ),
            },
        ),
        _q(
            "balance_sheet_total_eur",
            "Total du bilan du dernier exercice (en euros) ?",
            "Balance-sheet total of the last year (euros)?",
            "Sert à la définition européenne de la PME",
            "Used by the EU definition of an SME",
        ),
        _q(
            "independent",
            "L'entreprise est-elle indépendante (non détenue à 25 % ou plus par une entreprise qui n'est pas une PME) ?",
            "Is the company independent (not held 25 % or more by a company that is not an SME)?",
        ),
        _q(
            "activity",
            "Quelle est l'activité principale de l'entreprise ?",
            "What is the company's main activity?",
            choices={
                "fr": {
                    "manufacturing": "Industrie, fabrication (tissage, confection, ennoblissement…)",
                    "industrial-services": "Services à l'industrie",
                    "production-craft": "Artisanat de production",
                    "trading": "Négoce (achat-revente sans transformation)",
                    "other-services": "Autres services",
                    "agriculture": "Production agricole",
                },
                "en": {
                    "manufacturing": "Manufacturing (weaving, garment making, finishing…)",
                    "industrial-services": "Services to industry",
                    "production-craft": "Production craft",
                    "trading": "Trading (buying and reselling without transforming)",
                    "other-services": "Other services",
                    "agriculture": "Agricultural production",
                },
            },
        ),
        _q(
            "legal_form",
            "Quelle est la forme juridique de l'entreprise ?",
            "What is the company's legal form?",
            choices={
                "fr": {
                    "company": "Société (SARL, SAS, SA…)",
                    "sole-proprietorship": "Entreprise individuelle",
                    "other": "Autre",
                },
                "en": {
                    "company": "Company (SARL, SAS, SA…)",
                    "sole-proprietorship": "Sole proprietorship",
                    "other": "Other",
                },
            },
        ),
        _q(
            "months_of_activity",
            "Depuis combien de temps l'entreprise existe-t-elle (depuis son immatriculation) ?",
            "How long has the company existed (since it was registered)?",
            "En mois (18) ou en années (3 ans)",
            "In months (18) or years (3 years)",
        ),
        _q(
            "closed_fiscal_years",
            "Combien d'exercices clos (bilans, liasses fiscales) l'entreprise a-t-elle ?",
            "How many closed financial years (tax returns) does the company have?",
            "Un nombre entier : 0 pour une entreprise qui n'a pas encore clos d'exercice",
            "A whole number: 0 if no year is closed yet",
        ),
        _q(
            "financially_sound",
            "La situation financière est-elle saine, et l'entreprise à jour de ses obligations fiscales et sociales ?",
            "Is the company financially sound and up to date with tax and social contributions?",
        ),
        _q(
            "taxed_on_real_profit",
            "L'entreprise est-elle imposée d'après son bénéfice réel (régime réel) ?",
            "Is the company taxed on its real profit (régime réel)?",
        ),
        _q(
            "has_export_strategy",
            "L'entreprise a-t-elle une stratégie de développement international formalisée ?",
            "Does the company have a formalised international development strategy?",
        ),
        _q(
            "had_pass_export",
            "L'entreprise a-t-elle déjà bénéficié d'un Pass Export régional ?",
            "Has the company already received a regional Pass Export?",
        ),
        _q(
            "has_export_team",
            "L'entreprise a-t-elle une équipe export capable de mener le projet ?",
            "Does the company have an export team able to run the project?",
        ),
        _q(
            "equity_eur",
            "Montant des fonds propres de l'entreprise (en euros) ?",
            "Amount of the company's equity (euros)?",
            "Certaines subventions ne peuvent pas dépasser les fonds propres",
            "Some subsidies may not exceed equity",
        ),
        _q(
            "project_budget_eur",
            "Budget HT prévu pour le projet export (en euros) ?",
            "Planned budget for the export project, excluding VAT (euros)?",
            "Études, conseil, salons, déplacements, traduction, prospection — hors salaire d'une embauche",
            "Studies, consultants, trade fairs, travel, translation, prospection — not a new hire's salary",
        ),
        _q(
            "hire_cost_eur",
            "Coût salarial brut chargé de l'embauche export prévue sur le programme (en euros) ?",
            "Gross salary cost, charges included, of the export hire planned over the programme (euros)?",
            "Salaire et charges du ou des cadres export recrutés, sur la durée du programme",
            "Salary and charges of the export manager(s) hired, over the programme",
        ),
    )
}

assert set(QUESTIONS) == set(ANSWER_FACTS)


_MULT = {
    "k": 1e3,
    "ke": 1e3,
    "k€": 1e3,
    "keur": 1e3,
    "millier": 1e3,
    "milliers": 1e3,
    "m": 1e6,
    "me": 1e6,
    "m€": 1e6,
    "meur": 1e6,
    "million": 1e6,
    "millions": 1e6,
    "mio": 1e6,
    "md": 1e9,
    "mds": 1e9,
    "md€": 1e9,
    "mrd": 1e9,
    "milliard": 1e9,
    "milliards": 1e9,
    "bn": 1e9,
    "billion": 1e9,
    "billions": 1e9,
    "g": 1e9,
}
_NUM = re.compile(
    r"^([+-]?\d[\d\s.,'_\u202f\u00a0]*)\s*([a-zA-Z€]*)\s*(?:d'?euros?|euros?|eur|€)?$"
)


def parse_amount(text: str) -> float:
    """Read an amount as people write it: "4 200 000", "4,2 M", "1.2M€", "300 k€"."""
    s = text.strip().lower().replace("€", " € ").strip()
    s = re.sub(r"\s*€\s*$", "", s)
    s = re.sub(r"\s+(d'?euros?|euros?|eur)$", "", s)
    m = re.match(r"^([+-]?[\d\s.,'_\u202f\u00a0]*\d)\s*([a-z€]*)$", s)
    if not m:
        raise ValueError("not a number")
    digits, unit = m.group(1), m.group(2).replace("€", "")
    if unit and unit not in _MULT:
        raise ValueError(f"unknown unit {unit!r}")
    if digits.strip().startswith("-"):
        raise ValueError("negative")
    digits = re.sub(r"[\s'_\u202f\u00a0]", "", digits)
    # "4,2" or "4.2" is a decimal; "4.200.000" or "4,200,000" groups thousands
    seps = re.findall(r"[.,]", digits)
    if len(seps) == 1:
        head, tail = re.split(r"[.,]", digits)
        if len(tail) == 3 and not unit and head != "0":
            digits = head + tail  # "4.200" or "4,200": thousands
        else:
            digits = head + "." + tail
    elif len(seps) > 1:
        if len(set(seps)) == 1:
            digits = digits.replace(seps[0], "")
        else:  # "1.234,5" or "1,234.5": the last one is the decimal point
            dec = seps[-1]
            digits = digits.replace("." if dec == "," else ",", "").replace(dec, ".")
    value = float(digits) * _MULT.get(unit, 1)
    return value


def parse_months(text: str) -> int:
    """Read a duration: "18", "18 mois", "3 ans", "2 years", "1,5 an"."""
    s = text.strip().lower()
    m = re.match(r"^(\d+(?:[.,]\d+)?)\s*(mois|months?|m|ans?|années?|annees?|years?|y)?$", s)
    if not m:
        raise ValueError("not a duration")
    n = float(m.group(1).replace(",", "."))
    unit = m.group(2) or "mois"
    if unit[0] in "ay":
        n *= 12
    if not float(n).is_integer():
        raise ValueError("not a whole number of months")
    return int(n)


_PERCENT = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(?:%|pour\s*cent|percent|pc)$", re.IGNORECASE)


def parse_percent(text: str) -> float | None:
    """ "5 %", "5%", "12,5 %", "5 pour cent" → the fraction (0.05); None when the text
    is not a percentage. Above 100 % raises ValueError."""
    m = _PERCENT.match(text.strip())
    if not m:
        return None
    rate = float(m.group(1).replace(",", ".")) / 100
    if rate > 1:
        raise ValueError("more than 100 %")
    return rate


def parse_int(text: str) -> int:
    s = re.sub(r"[\s'_\u202f\u00a0]", "", text.strip())
    if not re.fullmatch(r"\d+", s):
        raise ValueError("not a whole number")
    return int(s)


_RANGE_SEP = re.compile(r"\s*(?:–|—|-|\bà\b|\ba\b|\bto\b|\bet\b|\band\b)\s*", re.IGNORECASE)
_RANGE_HEAD = re.compile(r"^(?:entre|between|de|from)\s+", re.IGNORECASE)
_UNIT_TAIL = re.compile(r"^[\d\s.,'_\u202f\u00a0]*\d(.*)$")


def split_range(text: str) -> tuple[str, str] | None:
    """ "20-49", "20 à 49", "entre 20 et 49", "20 to 49", "1-2 M€" → the two bounds as
    text, the unit of the second carried to a first one without its own; else None."""
    s = _RANGE_HEAD.sub("", text.strip())
    parts = _RANGE_SEP.split(s)
    if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
        return None
    lo, hi = parts[0].strip(), parts[1].strip()
    lo_unit, hi_unit = _UNIT_TAIL.match(lo), _UNIT_TAIL.match(hi)
    if not lo_unit or not hi_unit:
        return None
    if not lo_unit.group(1).strip() and hi_unit.group(1).strip():
        lo = lo + " " + hi_unit.group(1).strip()
    return lo, hi
