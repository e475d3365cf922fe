"""The answers vocabulary (contract §2) and the derived facts criteria may use.

Pure data, no heavy import: the models, the engine and the wizard all read it.
"""

from __future__ import annotations

from intertex_cli.record import Record

from . import geo

ACTIVITIES = (
    "manufacturing",
    "industrial-services",
    "production-craft",
    "trading",
    "other-services",
    "agriculture",
)
LEGAL_FORMS = ("company", "sole-proprietorship", "other")
SIZE_CLASSES = ("micro", "small", "medium", "intermediate", "large")

# The company's export projects (contract §2): what a scheme serves, what the wizard asks
# first. Labels in plain words, French and English.
PROJECTS: dict[str, tuple[str, str]] = {
    "export-strategy": (
        "Évaluer son potentiel export, bâtir une stratégie ou un plan d'actions export",
        "Assess export potential, build an export strategy or action plan",
    ),
    "market-prospection": (
        "Étudier et prospecter un nouveau marché étranger (études, missions, rendez-vous)",
        "Study and prospect a new foreign market (studies, trips, B2B meetings)",
    ),
    "trade-fairs": (
        "Exposer sur des salons ou événements internationaux",
        "Exhibit at international trade fairs or events",
    ),
    "export-hire": (
        "Recruter un cadre export ou structurer son équipe export",
        "Hire an export manager or build the export team",
    ),
    "vie": (
        "Accueillir un V.I.E. (volontaire international en entreprise)",
        "Take on a V.I.E. (international volunteer)",
    ),
    "outsourced-sales": (
        "Recourir à une force commerciale externalisée ou partagée à l'étranger",
        "Use an outsourced or shared sales force abroad",
    ),
    "currency-risk": (
        "Coter ou signer un contrat export en devises",
        "Quote or sign an export contract in a foreign currency",
    ),
    "export-contract-finance": (
        "Sécuriser ou financer un contrat export (impayé, cautions, préfinancement, crédit acheteur)",
        "Secure or finance an export contract (default, bonds, pre-financing, buyer credit)",
    ),
    "invest-abroad": (
        "Investir à l'étranger ou financer sa croissance internationale (filiale, bureau, rachat)",
        "Invest abroad or finance international growth (subsidiary, office, buy-out)",
    ),
    "regulations-customs": (
        "Comprendre les règles, normes et procédures douanières de ses marchés",
        "Understand the rules, standards and customs procedures of its markets",
    ),
}
PROJECT_IDS = tuple(PROJECTS)
# Projects whose expenses the project budget holds (contract §2: studies, consultants,
# trade fairs, travel, prospection; a V.I.E.'s costs; not a hire's salary, not a contract)
BUDGET_PROJECTS = frozenset(
    (
        "export-strategy",
        "market-prospection",
        "trade-fairs",
        "vie",
        "outsourced-sales",
        "invest-abroad",
    )
)
# Projects that exist only once the company holds a contract: with its projects
# unknown, a scheme serving nothing else is not where it starts (no contract guarantee
# without a contract).
NEEDS_A_CONTRACT = frozenset(("export-contract-finance", "currency-risk"))


class Fact(Record):
    __slots__ = ("name", "kind", "values", "inputs", "derived", "unit", "max", "max_why")

    def __init__(
        self,
        name: str,
        kind: str,
        values: tuple[str, ...] = (),
        inputs: tuple[str, ...] = (),
        derived: bool = False,
        unit: str = "",
        max: float | None = None,
        max_why: str = "",
    ):
        self.name = name
        self.kind = kind  # "int" | "number" | "bool" | "enum"
        self.values = values  # for enums
        self.inputs = inputs  # for derived facts: the answers it is computed from
        self.derived = derived
        self.unit = unit  # "eur", "months", "ratio", "people", "years"
        self.max = max  # the largest plausible answer (an input error above it)
        self.max_why = max_why  # what the bound is, in the error message


# Plausibility bounds: far above any real company, so that only typing errors and
# absurd inputs are refused (README, "Answers file").
_EUR_MAX = 10**12  # 1 000 billion €: above the turnover of the largest company on earth
_WHY_EUR = " € (1 000 billion, more than the largest company on earth)"


ANSWER_FACTS: dict[str, Fact] = {
    f.name: f
    for f in (
        Fact("department", "enum", tuple(geo.DEPARTMENTS)),
        Fact("region", "enum", geo.REGIONS),
        Fact(
            "headcount",
            "int",
            unit="people",
            max=10_000_000,
            max_why=" (more staff than any employer on earth)",
        ),
        Fact("turnover_eur", "number", unit="eur", max=_EUR_MAX, max_why=_WHY_EUR),
        Fact("export_turnover_eur", "number", unit="eur", max=_EUR_MAX, max_why=_WHY_EUR),
        Fact(
            "balance_sheet_total_eur",
            "number",
            unit="eur",
            max=10**13,
            max_why=" € (10 000 billion, more than the largest bank's balance sheet)",
        ),
        Fact("independent", "bool"),
        Fact("activity", "enum", ACTIVITIES),
        Fact("legal_form", "enum", LEGAL_FORMS),
        Fact("months_of_activity", "int", unit="months", max=12_000, max_why=" (1 000 years)"),
        Fact("closed_fiscal_years", "int", unit="years", max=1_000, max_why=" (1 000 years)"),
        Fact("financially_sound", "bool"),
        Fact("taxed_on_real_profit", "bool"),
        Fact("has_export_strategy", "bool"),
        Fact("had_pass_export", "bool"),
        Fact("has_export_team", "bool"),
        Fact("equity_eur", "number", unit="eur", max=_EUR_MAX, max_why=_WHY_EUR),
        Fact("project_budget_eur", "number", unit="eur", max=_EUR_MAX, max_why=_WHY_EUR),
        Fact("hire_cost_eur", "number", unit="eur", max=_EUR_MAX, max_why=_WHY_EUR),
    )
}

# The answer that is the cost of one project (contract §2): it counts among a programme's
# expenses only when that project is among the company's projects, as they are known.
HIRE_COST, HIRE_PROJECT = "hire_cost_eur", "export-hire"

# Answers the engine reads only through the rules' comparisons with constants: never as
# an amount, a turnover, a loan's bound, nor into another fact. A company's verdicts and
# plan depend on where such an answer stands among the catalogue's thresholds, not on
# its value (the screening keys its plans so: engine.compiled.thresholds).
RULES_ONLY = frozenset(("months_of_activity", "closed_fiscal_years"))

DERIVED_FACTS: dict[str, Fact] = {
    f.name: f
    for f in (
        Fact(
            "size_class",
            "enum",
            SIZE_CLASSES,
            inputs=("headcount", "turnover_eur", "balance_sheet_total_eur", "independent"),
            derived=True,
        ),
        Fact(
            "export_share",
            "number",
            inputs=("export_turnover_eur", "turnover_eur"),
            derived=True,
            unit="ratio",
        ),
        Fact(
            # the programme's expenses (the Occitanie Pass Export and Contrat Export, pp.
            # 6 and 8): the project budget, plus the export hire's salary cost when the
            # hire is among the company's projects (profile.programme_parts)
            "programme_expenses_eur",
            "number",
            inputs=("project_budget_eur", "hire_cost_eur"),
            derived=True,
            unit="eur",
        ),
        Fact(
            "former_region",
            "enum",
            geo.FORMER_REGIONS,
            inputs=("department", "region"),
            derived=True,
        ),
    )
}

FACTS: dict[str, Fact] = {**ANSWER_FACTS, **DERIVED_FACTS}

# The order in which questions come when they score the same.
NATURAL_ORDER = tuple(ANSWER_FACTS)

# A question about a part of another answer comes after it: the export turnover is
# asked as a part of the turnover ("Part de ce chiffre d'affaires…", or "5 %").
ASKED_AFTER = {"export_turnover_eur": "turnover_eur"}


def asked_first(key: str | None, p) -> str | None:
    """``key``, or the question it is a part of when that one is still open."""
    before = ASKED_AFTER.get(key) if key else None
    if before and not (before in p.answers or before in p.skipped or before in p.ranges):
        return before
    return key
