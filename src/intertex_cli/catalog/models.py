"""Pydantic models of a catalogue: schemes, agencies, their criteria and terms.

Every file of ``data/schemes/`` is validated by these models, strictly: unknown keys
are refused, amounts are non-negative euros, rates are fractions between 0 and 1,
every criterion names a known fact with values of the right kind.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from intertex_cli.engine.vocab import FACTS

Euro = Annotated[Union[int, float], Field(ge=0, description="An amount in euros (≥ 0).")]
Rate = Annotated[float, Field(ge=0, le=1, description="A fraction between 0 and 1 (0.5 = 50 %).")]
Page = Annotated[int, Field(ge=1, le=48, description="Page of the guide (its table of contents).")]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]

SupportType = Literal[
    "subsidy", "insurance-guarantee", "loan", "tax-credit", "advice", "information"
]
StatusValue = Literal["still-offered", "changed", "renamed", "abolished", "not-checked"]
RegionId = Literal["occitanie", "nouvelle-aquitaine", "national"]
Scalar = Union[bool, int, float, str]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, strict=True)


# --------------------------------------------------------------------------- rules


class Leaf(Strict):
    """A test on one fact of the company: every operator given must hold."""

    fact: str = Field(description="A profile key or a derived fact (size_class, export_share…).")
    eq: Scalar | None = None
    ne: Scalar | None = None
    lt: int | float | None = None
    le: int | float | None = None
    gt: int | float | None = None
    ge: int | float | None = None
    in_: list[Scalar] | None = Field(None, alias="in")
    not_in: list[Scalar] | None = None

    @property
    def kind(self) -> str:
        return "fact"

    def ops(self) -> list[tuple[str, object]]:
        out = []
        for op in ("eq", "ne", "lt", "le", "gt", "ge", "in_", "not_in"):
            v = getattr(self, op)
            if v is not None:
                out.append((op.rstrip("_"), v))
        return out

    @model_validator(mode="after")
    def _check(self) -> Leaf:
        if self.fact not in FACTS:
            raise ValueError(f"unknown fact {self.fact!r}; known: {', '.join(FACTS)}")
        spec = FACTS[self.fact]
        ops = self.ops()
        if not ops:
            raise ValueError("a test needs an operator: eq, ne, lt, le, gt, ge, in or not_in")
        for op, v in ops:
            values = v if op in ("in", "not_in") else [v]
            if op in ("in", "not_in") and not values:
                raise ValueError(f"{op}: the list is empty")
            for x in values:
                _check_value(spec, op, x)
        return self


def _check_value(spec, op: str, x: object) -> None:
    numeric = spec.kind in ("int", "number")
    if op in ("lt", "le", "gt", "ge") and not numeric:
        raise ValueError(f"{op} compares numbers; {spec.name} is {spec.kind}")
    if spec.kind == "bool" and not isinstance(x, bool):
        raise ValueError(f"{spec.name} is true or false, not {x!r}")
    if numeric and (isinstance(x, bool) or not isinstance(x, (int, float))):
        raise ValueError(f"{spec.name} is a number, not {x!r}")
    if spec.kind == "enum" and x not in spec.values:
        shown = ", ".join(spec.values[:12]) + ("…" if len(spec.values) > 12 else "")
        raise ValueError(f"{x!r} is not a value of {spec.name} ({shown})")


class AllOf(Strict):
    all: list[Node] = Field(min_length=1)

    @property
    def kind(self) -> str:
        return "all"


class AnyOf(Strict):
    any: list[Node] = Field(min_length=1)

    @property
    def kind(self) -> str:
        return "any"


class NotOf(Strict):
    not_: Node = Field(alias="not")

    @property
    def kind(self) -> str:
        return "not"


def _node_tag(v: object) -> str | None:
    if isinstance(v, dict):
        for k in ("all", "any", "not"):
            if k in v:
                return k
        return "fact"
    return getattr(v, "kind", None)


Node = Annotated[
    Annotated[AllOf, Tag("all")]
    | Annotated[AnyOf, Tag("any")]
    | Annotated[NotOf, Tag("not")]
    | Annotated[Leaf, Tag("fact")],
    Discriminator(_node_tag),
]


class Criterion(Strict):
    """What the guide requires of the company: decides the verdict."""

    id: Slug
    quote: str = Field(min_length=3, description="The guide's own words, verbatim.")
    page: Page
    rule: Node
    note: str | None = Field(None, description="The reading chosen where the guide is ambiguous.")


ConditionKind = Literal[
    "prerequisite", "prior-aid", "non-cumulation", "project", "documents", "beneficiary", "other"
]


class Condition(Strict):
    """A condition on the application, not on the company: reported, never decides."""

    id: Slug
    kind: ConditionKind
    text: str = Field(min_length=3, description="The guide's own words.")
    page: Page
    applies_if: Node | None = Field(None, description="Shown only when this may hold.")
    note: str | None = None


# --------------------------------------------------------------------------- money


class Component(Strict):
    """One kind of expense with its own rate or cap (a recruitment, a V.I.E., …)."""

    id: Slug
    label: str
    rate: Rate | None = None
    cap_eur: Euro | None = Field(None, description="Ceiling of the aid for this component.")
    max_expense_eur: Euro | None = Field(
        None, description="Ceiling of the expenses taken into account (the rate applies below it)."
    )
    base: str | None = Field(None, description="What the rate applies to, in the guide's words.")
    duration_months: int | None = Field(None, ge=0)
    applies_to_budget: bool = Field(
        False, description="True if the project budget (contract: project_budget_eur) is this base."
    )
    note: str | None = None


FigureUnit = Literal["eur", "rate", "months", "years", "days", "eur-per-day", "count"]


class Figure(Strict):
    """Any other number of the card: a premium, a quota, a loan bound, a duration."""

    label: str
    value: int | float = Field(ge=0)
    unit: FigureUnit
    note: str | None = None

    @model_validator(mode="after")
    def _rate(self) -> Figure:
        if self.unit == "rate" and self.value > 1:
            raise ValueError("a rate is a fraction between 0 and 1 (0.5 = 50 %)")
        return self


class Funding(Strict):
    rate: Rate | None = Field(None, description="Rate on eligible expenses.")
    cap_eur: Euro | None = Field(None, description="Ceiling of the aid for one project.")
    min_expense_eur: Euro | None = None
    max_expense_eur: Euro | None = None
    duration_months: int | None = Field(None, ge=0)
    equity_cap: bool = Field(False, description="The aid may not exceed the company's equity.")
    components: list[Component] = []
    figures: list[Figure] = []
    terms: list[str] = Field([], description="Modalities in the guide's words.")
    note: str | None = None

    @model_validator(mode="after")
    def _bounds(self) -> Funding:
        lo, hi = self.min_expense_eur, self.max_expense_eur
        if lo is not None and hi is not None and lo > hi:
            raise ValueError("min_expense_eur is above max_expense_eur")
        ids = [c.id for c in self.components]
        if len(ids) != len(set(ids)):
            raise ValueError("two components share an id")
        return self


# --------------------------------------------------------------------------- people


class Contact(Strict):
    name: str | None = None
    role: str | None = None
    organisation: str | None = None
    region: RegionId | None = Field(None, description="Where the guide splits contacts by region.")
    area: str | None = Field(None, description="A narrower area: 'Midi-Pyrénées', 'Pau'…")
    phones: list[str] = []
    fax: str | None = None
    emails: list[str] = []
    address: str | None = None
    web: list[str] = []
    note: str | None = None

    @field_validator("emails")
    @classmethod
    def _emails(cls, v: list[str]) -> list[str]:
        for e in v:
            if "@" not in e or " " in e.strip():
                raise ValueError(f"{e!r} is not an e-mail address")
        return v


class Status(Strict):
    value: StatusValue
    note: str | None = None


class Source(Strict):
    document: str = Field(description="The guide: 'INTER-TEX E1.6.1.b'.")
    page: Page
    pages: list[Page] = []
    date: str = Field(description="The guide's date, e.g. '2017-2018'.")


class Expenses(Strict):
    eligible: list[str] = []
    excluded: list[str] = []


class Scheme(Strict):
    id: Slug
    title: str
    agency: Slug
    regions: list[RegionId] = Field(min_length=1)
    support_type: SupportType
    beneficiary: Literal["company", "bank", "foreign-buyer"] = Field(
        "company", description="Who receives the scheme: the company, its bank, its buyer."
    )
    objectives: list[str] = []
    description: str
    beneficiaries_text: str = Field(description="The guide's 'Bénéficiaires', verbatim.")
    criteria: list[Criterion] = []
    conditions: list[Condition] = []
    expenses: Expenses = Expenses()
    funding: Funding = Funding()
    payment: list[str] = []
    contacts: list[Contact] = []
    contacts_from_agency: bool = Field(
        False, description="The card says 'Voir fiche …': the agency's contacts apply."
    )
    keywords: list[str] = []
    source: Source
    status: Status
    notes: list[str] = []

    @model_validator(mode="after")
    def _check(self) -> Scheme:
        if "national" in self.regions and len(self.regions) > 1:
            raise ValueError("regions: 'national' stands alone")
        for what, items in (("criteria", self.criteria), ("conditions", self.conditions)):
            ids = [c.id for c in items]
            dup = {i for i in ids if ids.count(i) > 1}
            if dup:
                raise ValueError(f"{what}: duplicate id {', '.join(sorted(dup))}")
        return self


class Agency(Strict):
    id: Slug
    name: str
    short_name: str | None = None
    description: str | None = None
    beneficiaries_text: str | None = None
    contacts: list[Contact] = []
    web: list[str] = []
    page: Page
    status: Status | None = None
    notes: list[str] = []


for _m in (AllOf, AnyOf, NotOf, Criterion, Condition, Scheme):
    _m.model_rebuild()
