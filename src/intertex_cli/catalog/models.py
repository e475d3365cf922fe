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
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from intertex_cli.engine.vocab import FACTS, PROJECT_IDS
from intertex_cli.text.sanitize import shown

Euro = Annotated[Union[int, float], Field(ge=0, description="An amount in euros (≥ 0).")]
Rate = Annotated[float, Field(ge=0, le=1, description="A fraction between 0 and 1 (0.5 = 50 %).")]
Page = Annotated[int, Field(ge=1, le=48, description="Page of the guide (its table of contents).")]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]

SupportType = Literal[
    "subsidy", "insurance-guarantee", "loan", "tax-credit", "advice", "information"
]
StatusValue = Literal["still-offered", "changed", "renamed", "replaced", "abolished", "not-checked"]
Confidence = Literal["confirmed", "probable", "unknown"]
ProjectId = Literal[PROJECT_IDS]  # type: ignore[valid-type]
Date = Annotated[
    str,
    Field(
        pattern=r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$",
        description="YYYY, YYYY-MM or YYYY-MM-DD.",
    ),
]
Text = Annotated[str, Field(min_length=3)]
PATH = __import__("re").compile(r"^[a-z_][a-z0-9_]*(\.[a-z0-9_][a-z0-9_-]*)+$")
RegionId = Literal["occitanie", "nouvelle-aquitaine", "national"]
Scalar = Union[bool, int, float, str]


GUIDE_AS_OF = "2017-12-31"  # the guide's terms: --date 2017-12-31 reproduces them


class Strict(BaseModel):
    """A model of the catalogue's files. The readers make their values safe first
    (``yamlio.safe_tree``: text without control sequences, no number far too large);
    the models check the types and the rules.

    allow_inf_nan=False: .nan and .inf are refused (JSON cannot carry them)."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, strict=True, allow_inf_nan=False
    )


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
            raise ValueError(f"unknown fact {shown(self.fact)}; known: {', '.join(FACTS)}")
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
        raise ValueError(f"{spec.name} is true or false, not {shown(x)}")
    if numeric and (isinstance(x, bool) or not isinstance(x, (int, float))):
        raise ValueError(f"{spec.name} is a number, not {shown(x)}")
    if spec.kind == "enum" and x not in spec.values:
        listed = ", ".join(spec.values[:12]) + ("…" if len(spec.values) > 12 else "")
        raise ValueError(f"{shown(x)} is not a value of {spec.name} ({listed})")


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


def _english_of_note(item):
    """An item's ``note_en`` translates its ``note``: never one without the other."""
    if item.note_en and not item.note:
        raise ValueError("note_en: an English note without its French note")
    return item


def _english_of_notes(card) -> None:
    """``notes_en``, when given, translates ``notes`` one for one, in order."""
    if card.notes_en and len(card.notes_en) != len(card.notes):
        raise ValueError(
            f"notes_en: {len(card.notes_en)} English notes for {len(card.notes)} notes "
            "(one for each, in the same order)"
        )


class Criterion(Strict):
    """What the guide requires of the company: decides the verdict.

    A criterion added since the guide (by a dated change, ``status.changes[].set``)
    quotes its evidence instead of the guide and has no page; the engine gives it
    ``since`` (the change's date and sources) when it reads the card at a day.
    """

    id: Slug
    quote: str = Field(min_length=3, description="The guide's own words, verbatim.")
    page: Page | None = None
    rule: Node
    note: str | None = Field(None, description="The reading chosen where the guide is ambiguous.")
    note_en: str | None = Field(None, description="The note in English.")
    since: Since | None = Field(None, description="Set by the engine: added since the guide.")

    @model_validator(mode="after")
    def _note_en(self) -> Criterion:
        return _english_of_note(self)


ConditionKind = Literal[
    "prerequisite", "prior-aid", "non-cumulation", "project", "documents", "beneficiary", "other"
]


class SourceRef(Strict):
    """A public page that shows what became of a scheme since the guide."""

    url: str = Field(min_length=4)
    date: Date | None = Field(None, description="The date the page shows; null if undated.")
    title: str | None = None


class Since(Strict):
    """A fact that appeared after the guide: its date and its sources."""

    date: Date
    sources: list[SourceRef] = []
    confidence: Confidence = "probable"


class Condition(Strict):
    """A condition on the application, not on the company: reported, never decides.

    Only what the company must meet: a benefit or a term belongs in ``funding``. A
    condition that appeared after the guide is added by a dated change
    (``status.changes[].set``): its text is then ours, with ``text_en``, it has no
    page of the guide, and the engine gives it ``since`` (the change's date and
    sources) when it reads the card at a day.
    """

    id: Slug
    kind: ConditionKind
    text: str = Field(min_length=3, description="The guide's own words (ours with `since`).")
    text_en: str | None = None
    page: Page | None = None
    applies_if: Node | None = Field(None, description="Shown only when this may hold.")
    since: Since | None = Field(None, description="Set by the engine: added since the guide.")
    note: str | None = None

    @model_validator(mode="after")
    def _page(self) -> Condition:
        if self.since is not None and not self.text_en:
            raise ValueError("text_en: required for a condition added since the guide")
        return self


class ProjectLink(Strict):
    """A project the scheme serves, with the guide's words that say so."""

    id: ProjectId
    quote: Text = Field(description="The card's objective, description or eligible expense.")
    page: Page


class Step(Strict):
    """Something to do, in order: an action in the imperative, from the card.

    ``applies_if``: only for the companies it may hold for (a step for the companies
    without a formal strategy). A step added or reworded since the guide (a dated
    change) has no page; the engine gives it ``since``.
    """

    id: Slug
    text: Text = Field(description="French, imperative: « Demandez … à … ».")
    text_en: Text
    page: Page | None = None
    scheme: Slug | None = Field(None, description="This step is another scheme of the catalogue.")
    applies_if: Node | None = Field(None, description="Only for the companies this may hold for.")
    since: Since | None = Field(None, description="Set by the engine: added since the guide.")
    note: str | None = None


class Document(Strict):
    """A document to prepare; ``applies_if`` as for a step."""

    id: Slug | None = Field(None, description="Names the document for a dated change.")
    text: Text
    text_en: Text
    page: Page | None = None
    applies_if: Node | None = Field(None, description="Only for the companies this may hold for.")
    since: Since | None = Field(None, description="Set by the engine: added since the guide.")
    note: str | None = None


class Cumulation(Strict):
    """How the scheme combines with others, as the guide says.

    ``not-with``: never in one plan with the schemes named or the members of the
    groups named (a non-cumulation clause). ``combines-with``: may share the project
    budget with these (two subsidies of one budget do not add up otherwise).
    ``after``: comes after these (a sequence). ``base-reduced-by``: the scheme's base
    is reduced by ``subsidies`` received for the same expenses and by
    ``insured-expenses`` (expenses covered by a prospection insurance).
    """

    rule: Literal["not-with", "combines-with", "after", "base-reduced-by"]
    schemes: list[Slug] = []
    groups: list[Slug] = []
    reduced_by: list[Literal["subsidies", "insured-expenses"]] = []
    quote: Text
    page: Page
    note: str | None = None

    @model_validator(mode="after")
    def _targets(self) -> Cumulation:
        if self.rule == "base-reduced-by":
            if not self.reduced_by:
                raise ValueError("reduced_by: name what reduces the base")
        elif not (self.schemes or self.groups):
            raise ValueError(f"{self.rule}: name the schemes or groups it concerns")
        return self


# --------------------------------------------------------------------------- money


class Component(Strict):
    """One kind of expense with its own rate or cap (a recruitment, a V.I.E., …)."""

    id: Slug
    label: str
    label_en: str | None = None
    projects: list[ProjectId] = Field(
        [], description="The projects whose expenses this component pays (empty: all)."
    )
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
    base_answer: str | None = Field(
        None,
        description=(
            "The answers key whose amount is this base (hire_cost_eur: the export hire's "
            "salary cost), counted in the estimate within max_expense_eur when the "
            "component serves the company's projects; never with applies_to_budget."
        ),
    )
    note: str | None = None

    @model_validator(mode="after")
    def _base_answer(self) -> Component:
        key = self.base_answer
        if key is None:
            return self
        spec = FACTS.get(key)
        if spec is None or spec.derived or spec.unit != "eur" or key == "project_budget_eur":
            raise ValueError(
                f"base_answer {shown(key)} is not an amount of the answers other than the "
                "project budget (hire_cost_eur)"
            )
        if self.applies_to_budget:
            raise ValueError("a component's base is the budget or an answer, not both")
        if self.rate is None:
            raise ValueError("a component with base_answer needs its rate")
        return self


FigureUnit = Literal["eur", "rate", "months", "years", "days", "eur-per-day", "count"]


class Figure(Strict):
    """Any other number of the card: a premium, a quota, a loan bound, a duration."""

    label: str
    label_en: str | None = None
    value: int | float = Field(ge=0)
    unit: FigureUnit
    note: str | None = None

    @model_validator(mode="after")
    def _rate(self) -> Figure:
        if self.unit == "rate" and self.value > 1:
            raise ValueError("a rate is a fraction between 0 and 1 (0.5 = 50 %)")
        return self


class QuotaRule(Strict):
    """A guaranteed share, for the companies ``when`` says (the first that holds)."""

    rate: Rate
    when: Node | None = None
    label: str | None = None
    label_en: str | None = None


class Premium(Strict):
    rate: Rate | None = None
    base: Literal[
        "covered-expenses", "guaranteed-budget", "guaranteed-amount", "credit", "commission"
    ] = "guaranteed-budget"
    min_eur: Euro | None = None
    paid_by: Literal["company", "bank", "issuer", "nobody"] = "company"
    deducted_from_indemnity: bool = False
    text: str | None = Field(None, description="The guide's words, where no rate is given.")


class Cover(Strict):
    """What an insurance, a guarantee or a loan is, with its numbers: never a subsidy."""

    kind: Literal["insurance", "guarantee", "loan", "export-credit"]
    on_budget: bool = Field(
        False, description="It covers the project budget (prospection insurances)."
    )
    budget_turnover_rate: Rate | None = Field(
        None, description="The guaranteed budget is this share of the turnover…"
    )
    budget_max_eur: Euro | None = Field(None, description="…within this limit.")
    quota: list[QuotaRule] = Field([], description="Share covered, first rule that holds.")
    quota_is_max: bool = Field(False, description="« jusqu'à » : the share is a maximum.")
    max_eur: Euro | None = Field(None, description="Largest amount guaranteed or covered.")
    loan_min_eur: Euro | None = None
    loan_max_eur: Euro | None = None
    equity_limit: bool = Field(False, description="Within equity (and quasi-equity).")
    premium: Premium | None = None
    repayment: str | None = Field(None, description="How an indemnity is paid back (guide).")
    payout: str | None = Field(None, description="When the money comes (guide).")
    note: str | None = None


class Funding(Strict):
    rate: Rate | None = Field(None, description="Rate on eligible expenses.")
    cap_eur: Euro | None = Field(None, description="Ceiling of the aid for one project.")
    min_expense_eur: Euro | None = None
    max_expense_eur: Euro | None = None
    duration_months: int | None = Field(None, ge=0)
    equity_cap: bool = Field(False, description="The aid may not exceed the company's equity.")
    components: list[Component] = []
    cover: Cover | None = None
    figures: list[Figure] = []
    terms: list[str] = Field([], description="Modalities in the guide's words.")
    note: str | None = None
    note_en: str | None = None

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
    departments: list[str] = Field(
        [], description="Départements this office serves, nearest first in every output."
    )
    phones: list[str] = []
    fax: str | None = None
    emails: list[str] = []
    address: str | None = None
    web: list[str] = []
    note: str | None = None
    note_en: str | None = None

    @field_validator("emails")
    @classmethod
    def _emails(cls, v: list[str]) -> list[str]:
        for e in v:
            if "@" not in e or " " in e.strip():
                raise ValueError(f"{shown(e)} is not an e-mail address")
        return v


class Successor(Strict):
    """What took over: a scheme of this catalogue, or a named organisation."""

    id: Slug | None = None
    name: str | None = None
    name_en: str | None = Field(None, description="The name in English, where it is French.")
    url: str | None = None
    note: str | None = None
    note_en: str | None = None

    @model_validator(mode="after")
    def _one(self) -> Successor:
        if not (self.id or self.name):
            raise ValueError("a successor has an id (a scheme of the catalogue) or a name")
        return self


class Change(Strict):
    """A term that changed since the guide: the guide's, and the newer from a date on.

    ``date`` is the day the change took effect as its evidence gives it (``YYYY`` or
    ``YYYY-MM`` when the evidence is that precise: it holds from the first day of that
    period), or null when the evidence is undated: then it is shown, "date unknown",
    and never computed with. ``set`` holds the card's values from that date, as the
    engine computes with them (OpenFisca's dated parameters): a dotted path into the
    card — list items by their ``id``: ``funding.cover.premium.rate``,
    ``criteria.min-budget``, ``steps.premium.text`` — and its value from the date on;
    an item that is not in the card is added, ``null`` removes an item or leaves a key
    empty (the card must accept it empty: ``funding.cover.premium.rate: null``, no
    rate known from that date).
    """

    label: str
    label_en: str
    guide: str = Field(description="What the guide says (2017-2018).")
    guide_en: str | None = None
    now: str = Field(description="What newer evidence says.")
    now_en: str | None = None
    date: Date | None = Field(None, description="When it took effect; null: undated evidence.")
    confidence: Confidence = "confirmed"
    sources: list[SourceRef] = []
    set_: dict[str, object] | None = Field(
        None,
        alias="set",
        description="The card's values from `date` on, by dotted path (list items by id).",
    )
    note: str | None = None

    @model_validator(mode="after")
    def _dated(self) -> Change:
        if self.set_ is not None:
            if self.date is None:
                raise ValueError(
                    "set: a value to compute with needs its date (the evidence is undated: "
                    "describe it in `now` only)"
                )
            if not self.set_:
                raise ValueError("set: empty")
            for path in self.set_:
                if not PATH.match(path):
                    raise ValueError(
                        f"set: {shown(path)} is not a dotted path of the card "
                        "(keys and item ids: funding.cover.premium.rate)"
                    )
        return self


class ContactToday(Strict):
    """Whom to contact today, from newer evidence (never a guessed phone or address)."""

    name: str
    name_en: str | None = Field(None, description="The name in English, where it is French.")
    url: str | None = None
    note: str | None = None
    note_en: str | None = None


class Status(Strict):
    """The scheme's state today, beside the guide's 2017-2018 data.

    A status is a term like the others: it holds from ``since`` (the day it took
    effect, where the evidence gives it), else from ``evidence_date`` (the day it is
    known by), else from the day after the guide (``source.as_of``); before that the
    scheme is as the guide describes it.
    """

    value: StatusValue
    since: Date | None = Field(None, description="The day this status took effect, if known.")
    evidence_date: Date | None = Field(None, description="Date of the newest evidence.")
    confidence: Confidence = "unknown"
    sources: list[SourceRef] = []
    successor: Successor | None = None
    contact_today: list[ContactToday] = []
    changes: list[Change] = []
    note: str | None = None
    note_en: str | None = None


class Source(Strict):
    document: str = Field(description="The guide: 'INTER-TEX E1.6.1.b'.")
    page: Page
    pages: list[Page] = []
    date: str = Field(description="The guide's date, e.g. '2017-2018'.")
    as_of: Date = Field(
        GUIDE_AS_OF,
        description="The last day the card's terms are known to describe: its terms hold up "
        "to it, dated changes after it. The INTER-TEX guide's: 2017-12-31 (it describes the "
        "export tax credit as current, repealed for periods from 1 January 2018).",
    )


class Expenses(Strict):
    eligible: list[str] = []
    excluded: list[str] = []


class Scheme(Strict):
    id: Slug
    title: str
    title_en: str | None = None
    summary_en: str | None = Field(
        None, description="What it gives, to whom, the key amounts: a translation of the card."
    )
    agency: Slug
    regions: list[RegionId] = Field(min_length=1)
    support_type: SupportType
    beneficiary: Literal["company", "bank", "foreign-buyer"] = Field(
        "company", description="Who receives the scheme: the company, its bank, its buyer."
    )
    objectives: list[str] = []
    description: str
    beneficiaries_text: str = Field(description="The guide's 'Bénéficiaires', verbatim.")
    projects: list[ProjectLink] = Field(
        min_length=1, description="The projects the scheme serves, with the guide's words."
    )
    criteria: list[Criterion] = []
    conditions: list[Condition] = []
    steps: list[Step] = Field(min_length=1, description="What to do, in order, first step first.")
    documents: list[Document] = []
    groups: list[Slug] = Field(
        [], description="Groups the scheme belongs to, for non-cumulation clauses."
    )
    cumulation: list[Cumulation] = []
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
    notes_en: list[str] = Field([], description="The notes in English, in the same order.")

    @model_validator(mode="after")
    def _check(self, info: ValidationInfo) -> Scheme:
        if "national" in self.regions and len(self.regions) > 1:
            raise ValueError("regions: 'national' stands alone")
        _english_of_notes(self)
        if self.funding.note_en and not self.funding.note:
            raise ValueError("funding.note_en: an English note without its French note")
        for what, items in (
            ("criteria", self.criteria),
            ("conditions", self.conditions),
            ("steps", self.steps),
            ("documents", [d for d in self.documents if d.id]),
        ):
            ids = [c.id for c in items]
            dup = {i for i in ids if ids.count(i) > 1}
            if dup:
                raise ValueError(f"{what}: duplicate id {', '.join(sorted(dup))}")
        if (info.context or {}).get("dated"):
            return self  # the card at a day: checked as a whole card below
        for what, items in (
            ("criteria", self.criteria),
            ("conditions", self.conditions),
            ("steps", self.steps),
            ("documents", self.documents),
        ):
            for i, item in enumerate(items):
                if item.since is not None:
                    raise ValueError(
                        f"{what}[{i}].since: a term that appeared after the guide is a dated "
                        "change (status.changes, with `date`, `sources` and `set`)"
                    )
                if what != "conditions" and item.page is None:
                    raise ValueError(f"{what}[{i}].page: required (the guide's page)")
        for i, c in enumerate(self.conditions):
            if c.page is None:
                raise ValueError(f"conditions[{i}].page: required (the guide's page)")
        self._check_changes()
        return self

    def _check_changes(self) -> None:
        """Each dated change names places of the card, with values the card accepts,
        after the card's date; the card with every change applied is a valid card."""
        from .dated import TOP_LEVEL, PathError, applied, day_of, lookup

        changes = [c for c in self.status.changes if c.set_]
        if not changes:
            return
        limit = day_of(self.source.as_of)
        index = {id(c): i for i, c in enumerate(self.status.changes)}  # (for the messages)
        for i, c in enumerate(self.status.changes):
            if c.set_ and day_of(c.date) <= limit:
                raise ValueError(
                    f"status.changes[{i}].date: {c.date} is not after the card's date "
                    f"(source.as_of {self.source.as_of}): the card itself gives that term"
                )
        # the parts the changes set, as the card holds them: only those are validated
        # again at each day (the others are the card's own, valid already), then the
        # checks across parts (Scheme._check) run on the card at that day
        tops = sorted({path.split(".", 1)[0] for c in changes for path in c.set_})
        for name in tops:
            if name not in TOP_LEVEL:
                c = next(c for c in changes if any(
                    path.split(".", 1)[0] == name for path in c.set_))  # fmt: skip
                raise ValueError(
                    f"status.changes[{index[id(c)]}].set ({c.label}): {shown(name)} is not a "
                    "part of the card "
                    f"a change may set ({', '.join(TOP_LEVEL)})"
                )
        card = self.model_dump(mode="json", by_alias=True, include=set(tops))
        ordered = sorted(changes, key=lambda c: day_of(c.date))
        # the card as it stands on each day a change takes effect (changes of one day
        # together: a card is read at a day, never between two changes of that day)
        ends = [
            n
            for n in range(1, len(ordered) + 1)
            if n == len(ordered) or day_of(ordered[n].date) != day_of(ordered[n - 1].date)
        ]
        start = 0
        for n in ends:
            try:
                data = applied(card, ordered[:n])
            except PathError as e:
                last = ordered[n - 1]
                raise ValueError(
                    f"status.changes[{index[id(last)]}].set ({last.label}): {e}"
                ) from None
            labels = ", ".join(c.label for c in ordered[start:n])
            at = f"status.changes[{index[id(ordered[n - 1])]}].set"
            parts, then = {}, {}
            for name in tops:
                adapter = _part(name)
                try:
                    parts[name] = adapter.validate_python(data.get(name))
                except ValidationError as e:
                    first = e.errors()[0]
                    where = _dotted(data, (name, *first["loc"]))
                    raise ValueError(
                        f"{at} ({labels}): the card from "
                        f"{ordered[n - 1].date} is not valid at {where}: "
                        f"{first['msg'].removeprefix('Value error, ')}"
                    ) from None
                # the values as the card holds them (defaults filled in): what the cache
                # keeps and the engine reads without the models
                then[name] = adapter.dump_python(parts[name], mode="json", by_alias=True)
            try:
                Scheme._check(self.model_copy(update=parts), _DATED)
            except ValueError as e:
                raise ValueError(
                    f"{at} ({labels}): the card from {ordered[n - 1].date} is not valid: {e}"
                ) from None
            for change in ordered[start:n]:
                object.__setattr__(
                    change,
                    "set_",
                    {k: (None if v is None else lookup(then, k)) for k, v in change.set_.items()},
                )
            start = n


def _dotted(data, loc: tuple) -> str:
    """A place of the card as a change's path names it: list items by their id."""
    out, node = [], data
    for part in loc:
        if isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            item = node.get("id") if isinstance(node, dict) else None
            out.append(str(item) if isinstance(item, str) else str(part))
        elif isinstance(node, dict) and part in node:
            node = node[part]
            out.append(str(part))
        else:  # a tag of pydantic's (a rule's kind), or past the data
            if not isinstance(part, str) or part not in ("fact", "all", "any", "not"):
                out.append(str(part))
            node = None
    return ".".join(out)


class _Dated:
    """What Scheme._check reads of pydantic's ValidationInfo for a card at a day."""

    context = {"dated": True}


_DATED = _Dated()
_PARTS: dict = {}


def _part(name: str):
    """A validator of one part of a card (a field of Scheme, its constraints and
    strictness as the card's)."""
    got = _PARTS.get(name)
    if got is None:
        field = Scheme.model_fields[name]
        kind = (
            Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation
        )
        model = isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel)
        got = _PARTS[name] = (
            TypeAdapter(kind)
            if model
            else TypeAdapter(kind, config=ConfigDict(strict=True, allow_inf_nan=False))
        )
    return got


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
    notes_en: list[str] = Field([], description="The notes in English, in the same order.")

    @model_validator(mode="after")
    def _check(self) -> Agency:
        _english_of_notes(self)
        return self


for _m in (
    AllOf,
    AnyOf,
    NotOf,
    Criterion,
    Condition,
    Step,
    Document,
    QuotaRule,
    Cover,
    Funding,
    Scheme,
):
    _m.model_rebuild()
