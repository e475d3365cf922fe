"""The answers vocabulary (contract §2) and the derived facts criteria may use.

Pure data, no heavy import: the models, the engine and the wizard all read it.
"""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class Fact:
    name: str
    kind: str  # "int" | "number" | "bool" | "enum"
    values: tuple[str, ...] = ()  # for enums
    inputs: tuple[str, ...] = ()  # for derived facts: the answers it is computed from
    derived: bool = False
    unit: str = ""  # "eur", "months", "ratio", "people", "years"


ANSWER_FACTS: dict[str, Fact] = {
    f.name: f
    for f in (
        Fact("department", "enum", tuple(geo.DEPARTMENTS)),
        Fact("region", "enum", geo.REGIONS),
        Fact("headcount", "int", unit="people"),
        Fact("turnover_eur", "number", unit="eur"),
        Fact("export_turnover_eur", "number", unit="eur"),
        Fact("balance_sheet_total_eur", "number", unit="eur"),
        Fact("independent", "bool"),
        Fact("activity", "enum", ACTIVITIES),
        Fact("legal_form", "enum", LEGAL_FORMS),
        Fact("months_of_activity", "int", unit="months"),
        Fact("closed_fiscal_years", "int", unit="years"),
        Fact("financially_sound", "bool"),
        Fact("taxed_on_real_profit", "bool"),
        Fact("has_export_strategy", "bool"),
        Fact("had_pass_export", "bool"),
        Fact("has_export_team", "bool"),
        Fact("equity_eur", "number", unit="eur"),
        Fact("project_budget_eur", "number", unit="eur"),
    )
}

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
