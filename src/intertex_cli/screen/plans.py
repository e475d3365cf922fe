"""Each company's plan, as ``check`` makes it, once per kind of company.

The plan comes from ``engine.assess.plan_of`` (the function ``check`` uses) run on the
first company of each kind, and its JSON from ``views.present.plan_data``: when the
planner changes, both commands follow. Two companies are of one kind when every scheme
gives them the same result (the screening's result index), they have the same nearest
contacts and they answered alike (every answer column): the same value, or, for an
answer the engine reads only through its rules (``vocab.RULES_ONLY``: the months of
activity a SIRENE creation date gives, different for nearly every company), given
exactly, the same place among the catalogue's thresholds; and for the département, the same former
region (which gives the region), the same contacts and the same département if a rule
names it. A property test compares the result with ``check`` company by company.

The single answer that would settle the most is the planner's next question
(``engine.planner.next_question``, what check's wizard would ask next) for the first
company of the kind: the same for most of its companies, not guaranteed for each (the
planner weighs values the kind does not pin).
"""

from __future__ import annotations

import heapq
import json
import sys

import numpy as np

from intertex_cli.engine import geo
from intertex_cli.engine.assess import plan_of, question_schemes
from intertex_cli.engine.compiled import AFFECTS
from intertex_cli.engine.plan import ended
from intertex_cli.engine.planner import next_question
from intertex_cli.engine.verdicts import INELIGIBLE
from intertex_cli.engine.vocab import RULES_ONLY
from intertex_cli.errors import AnswersError
from intertex_cli.record import Record
from intertex_cli.views.present import contacts_for, plan_data

from .batch import CAT_VALUES, EXACT, Batch, RowError, Screener, _unique_rows

TOP = 5  # the largest plans the summary names
# the plans kept for the companies to come, by their size: a plan's JSON is a few
# kilobytes at 28 schemes, megabytes at 5 000 (every scheme left out is in it); the
# oldest go first. A portfolio of distinct budgets repeats none.
MEMO_BYTES = 96 * 2**20


class CompanyPlan(Record):
    """What the outputs carry of one company's plan (the same for every company of a kind)."""

    __slots__ = ("ids", "total", "flagged", "step", "contact", "question", "marks", "json")

    def __init__(self, ids, total, flagged, step, contact, question, marks, json_text):
        self.ids: list[str] = ids
        self.total: int = total
        # (id, reason): the plan's left_out, as check gives it, then the ended schemes
        # that the company could otherwise use (abolished, replaced)
        self.flagged: list[tuple[str, str]] = flagged
        self.step: dict | None = step  # the first step, with whom to call (plan_data's)
        self.contact: dict | None = contact
        self.question: str | None = question  # the answer that would settle the most
        self.marks: dict[str, str] = marks  # id -> "plan", a left-out reason or an end
        self.json: str | None = json_text  # plan_data's JSON (Plans.with_json)

    def size(self) -> int:
        """About how many bytes it holds (for the memo's bound)."""
        text = sys.getsizeof(self.json) if self.json is not None else 0
        return 1000 + text + 200 * (len(self.ids) + len(self.flagged) + len(self.marks))


def mark_of(scheme, plan: CompanyPlan) -> str:
    """A scheme's place for this company: in the plan, left out (why), ended, or nothing."""
    got = plan.marks.get(scheme.id)
    if got is not None:
        return got
    return scheme.status.value if ended(scheme) else ""


class Plans:
    """The plans of the companies, batch by batch, and what the summary says of them."""

    def __init__(self, catalog, with_json: bool = True):
        """``with_json``: each plan's JSON text is made (a JSON output carries it)."""
        self.catalog = catalog
        self.schemes = tuple(catalog.schemes.values())
        self.with_json = with_json
        self.full: Screener | None = None
        self.memo: dict[bytes, CompanyPlan] = {}
        self.memo_bytes = 0
        self._projects: dict = {None: 0}
        self._places: dict[int, int] = {}  # département and region codes -> whom code
        self._whom: dict[tuple, int] = {}
        self.companies = 0
        self.with_plan = 0
        self.total = 0
        self.in_plans: dict[str, int] = {}
        self._top: list = []  # a heap of (total, -row, name)
        self._cuts: dict | None = None  # RULES_ONLY answer -> the rules' thresholds on it
        self._constants: dict | None = None  # fact -> what the rules compare it with
        self._departments: np.ndarray | None = None  # département code -> its class

    def _index(self, b: Batch, screener: Screener | None, index) -> np.ndarray:
        """Every scheme's result index per company: the screening's own when it covers
        the whole catalogue (else --scheme: this object's screener screens the rest)."""
        if screener is not None and index is not None and screener.schemes == self.schemes:
            return index
        if self.full is None:
            self.full = Screener(self.schemes)
        return self.full.screen(b)

    def _contacts(self, b: Batch) -> np.ndarray:
        """A code per company for whom its plan's steps name (each scheme's nearest
        contact for its region and département), one lookup per distinct place."""
        dep = b.cat.get("department")
        reg = b.cat.get("region")
        dep = dep if dep is not None else np.zeros(b.n, np.int16)
        reg = reg if reg is not None else np.zeros(b.n, np.int16)
        pairs = dep.astype(np.int64) * 1000 + reg.astype(np.int64)
        places, first, inverse = np.unique(pairs, return_index=True, return_inverse=True)
        codes = np.empty(len(places), np.int64)
        for j, pair in enumerate(places):
            code = self._places.get(int(pair))
            if code is None:
                answers = b.answers_at(int(first[j]))
                region, department = answers.get("region"), answers.get("department")
                if region is None and department is not None:
                    region = geo.region_of(department)
                whom = tuple(
                    tuple(map(id, contacts_for(s, self.catalog, region, department)[:1]))
                    for s in self.schemes
                )
                code = self._places[int(pair)] = self._whom.setdefault(whom, len(self._whom))
            codes[j] = code
        return codes[inverse.reshape(-1)]

    def _key_matrix(self, b: Batch, index: np.ndarray) -> np.ndarray:
        """What a plan may read, per company: every scheme's result (verdict and missing
        answers), whom to call, and every answer as given — the projects, each number
        (its state and bounds) and each choice. Two companies share a plan only when
        they answered alike: exact whatever the planner reads (amounts, covers, the
        conditions of steps and documents, what is within a company's reach)."""
        cols = [index.astype(np.int64)]
        projects = b.extra.get("projects") or [None] * b.n
        codes = np.fromiter(
            (self._projects.setdefault(x, len(self._projects)) for x in projects),
            dtype=np.int64,
            count=b.n,
        )
        cols += [codes[:, None], self._contacts(b)[:, None]]
        for key in sorted(b.num):
            st, lo, hi = b.num[key]
            cols.append(st.astype(np.int64)[:, None])
            if lo is None:
                continue
            both = np.column_stack([np.nan_to_num(lo, nan=-1.0), np.nan_to_num(hi, nan=-1.0)])
            both = both.astype(np.float64).view(np.int64)
            cuts = self.cuts().get(key)
            if cuts is not None:  # an exact value: where it stands among the thresholds
                exact = np.asarray(lo == hi)  # (a range's bounds weigh in the next question)
                both[exact, 0] = _place(lo[exact], cuts)
                both[exact, 1] = -2
            cols.append(both)
        for key in sorted(b.cat):
            codes = np.asarray(b.cat[key]).astype(np.int64)
            if key == "department":  # whom to call is in the key already
                codes = self.department_classes()[codes]
            cols.append(codes[:, None])
        return np.ascontiguousarray(np.hstack(cols))

    def department_classes(self) -> np.ndarray:
        """A class per département code (batch.Batch's): its former region, and itself
        only if a rule names it. Rules read a département through the region and the
        former region it gives; the plan's steps through whom to call (the key's
        contacts): within a class, every rule and every step reads the same."""
        if self._departments is None:
            names = self.constants().get("department", set())
            deps = CAT_VALUES["department"]
            classes: dict = {}
            codes = list(range(EXACT))  # absent, "je ne sais pas": as they are
            for d in deps:
                cls = (geo.former_region_of(d), d if d in names else None)
                codes.append(EXACT + classes.setdefault(cls, len(classes)))
            self._departments = np.asarray(codes, dtype=np.int64)
        return self._departments

    def cuts(self) -> dict[str, np.ndarray]:
        """The constants every rule of the catalogue compares with each answer the engine
        reads only through rules and that feeds no other fact: within two of them, every
        rule reads the same."""
        if self._cuts is None:
            keys = [k for k in sorted(RULES_ONLY) if AFFECTS.get(k) == {k}]
            found = self.constants()
            self._cuts = {
                k: np.asarray(
                    sorted(x for x in found.get(k, ()) if x.__class__ in (int, float)),
                    dtype=np.float64,
                )
                for k in keys
            }
        return self._cuts

    def constants(self) -> dict[str, set]:
        """fact -> the values its rules compare it with, in every rule of every card:
        criteria, conditions, steps, documents, quotas, and every dated change's values
        whatever their date (more than the cards at one day compare: finer places, as
        exact). Read once, from each card's data (``dated.card_data``)."""
        if self._constants is None:
            from intertex_cli.catalog.dated import card_data

            found: dict[str, set] = {}
            for s in self.schemes:
                _rule_values(card_data(s), found)
            self._constants = found
        return self._constants

    def of_batch(self, b: Batch, screener: Screener | None = None, index=None) -> list:
        """Each company's :class:`CompanyPlan`, in the batch's order; ``index``: the
        screening's result indices (``screener.screen(b)``), if made already."""
        if b.n == 0:
            return []
        kinds, first, inverse = _unique_rows(self._key_matrix(b, self._index(b, screener, index)))
        got: list = [None] * len(kinds)
        projects = b.extra.get("projects") or [None] * b.n
        # kinds with the same projects one after the other: the planner keeps their schemes
        order = sorted(range(len(kinds)), key=lambda j: str(projects[int(first[j])]))
        for j in order:
            key = kinds[j].tobytes()
            plan = self.memo.get(key)
            if plan is None:
                plan = self._make(b, int(first[j]))
                self._keep(key, plan)
            got[j] = plan
        out = [got[k] for k in inverse]
        self._count(b, inverse, got)
        return out

    def _keep(self, key: bytes, plan: CompanyPlan) -> None:
        """``plan`` kept for its kind, the oldest plans dropped beyond MEMO_BYTES."""
        size = len(key) + plan.size()
        while self.memo and self.memo_bytes + size > MEMO_BYTES:
            old_key = next(iter(self.memo))
            self.memo_bytes -= len(old_key) + self.memo.pop(old_key).size()
        self.memo[key] = plan
        self.memo_bytes += size

    def _make(self, b: Batch, i: int) -> CompanyPlan:
        try:
            p = b.profile_at(i)
        except AnswersError as e:
            problem = e.problems[0] if e.problems else None
            raise RowError(
                int(b.rows[i]),
                problem.field if problem else None,
                problem.message if problem else e.message,
            ) from None
        results, _, plan = plan_of(self.schemes, p, self.catalog.schemes)
        data = plan_data(plan, p, self.catalog)
        step = data["steps"][0] if data["steps"] else None
        marks = {sid: "plan" for sid in plan.ids}
        flagged = [(x["id"], x["reason"]) for x in plan.left_out]
        listed = {sid for sid, _ in flagged}
        flagged += [
            (r.scheme.id, r.scheme.status.value)
            for r in results
            if ended(r.scheme) and r.verdict != INELIGIBLE and r.scheme.id not in listed
        ]
        for sid, reason in flagged:
            marks.setdefault(sid, reason)
        question = next_question(question_schemes(self.schemes, p), p)
        return CompanyPlan(
            ids=list(plan.ids),
            total=int(plan.total),
            flagged=flagged,
            step=step,
            contact=step["contact"] if step else None,
            question=question,
            marks=marks,
            json_text=json.dumps(data, ensure_ascii=False) if self.with_json else None,
        )

    def _count(self, b: Batch, inverse: np.ndarray, kinds: list) -> None:
        self.companies += b.n
        per_kind = np.bincount(inverse, minlength=len(kinds))
        for plan, n in zip(kinds, per_kind):
            if plan.ids:
                self.with_plan += int(n)
                self.total += plan.total * int(n)
            for sid in plan.ids:
                self.in_plans[sid] = self.in_plans.get(sid, 0) + int(n)
        totals = np.array([p.total for p in kinds], dtype=np.int64)[inverse]
        floor = self._top[0][0] if len(self._top) >= TOP else 0
        # only the companies that could enter the list are looked at one by one
        better = np.nonzero(totals > floor)[0]
        for i in better[np.argsort(-totals[better], kind="stable")][:TOP]:
            item = (int(totals[i]), -int(b.rows[i]), company_name(b, int(i)))
            if len(self._top) < TOP:
                heapq.heappush(self._top, item)
            elif item > self._top[0]:
                heapq.heapreplace(self._top, item)

    def largest(self) -> list[tuple[str, int, int]]:
        """(name, row, total) of the companies with the largest plans, largest first."""
        return [(name, -row, total) for total, row, name in sorted(self._top, reverse=True)]


def _rule_values(data, found: dict) -> None:
    """Add to ``found`` (fact -> values) what every rule in ``data`` compares its fact
    with: each mapping with a ``fact`` is a rule's test (models.Leaf), its other keys
    the operators (eq, lt, in…), their values the constants."""
    stack = [data]
    while stack:
        node = stack.pop()
        if node.__class__ is dict:
            fact = node.get("fact")
            if fact.__class__ is str:
                into = found.setdefault(fact, set())
                for op, v in node.items():
                    if op != "fact":
                        for x in v if v.__class__ is list else (v,):
                            if x.__class__ in (int, float, str):
                                into.add(x)
            stack.extend(v for v in node.values() if v.__class__ in (dict, list))
        elif node.__class__ is list:
            stack.extend(v for v in node if v.__class__ in (dict, list))


def _place(values: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    """Where each value stands among the sorted ``cuts``: 2 k + 1 on the k-th (from 0),
    2 k between the (k-1)-th and the k-th; -1 for none (NaN). Two values with the same
    place compare alike with every cut, by every operator (<, ≤, =, ≠, ≥, >)."""
    v = np.asarray(values, dtype=np.float64)
    k = np.searchsorted(cuts, v, side="left")
    on = np.zeros(len(v), dtype=bool)
    if len(cuts):
        on = cuts[np.minimum(k, len(cuts) - 1)] == v
    place = 2 * k.astype(np.int64) + on
    place[np.isnan(v)] = -1
    return place


def company_name(b: Batch, i: int) -> str:
    """How the outputs name a company: its name, else its siren or siret, else its row."""
    for key in ("name", "company_name", "siren", "siret"):
        values = b.ids.get(key)
        if values is not None and values[i]:
            return str(values[i])
    return ""
