"""Frozen copy of engine/rules.py as main has it, without compiled.py (the oracle of tests/test_planner.py).

The eligibility engine: three-valued evaluation of scheme criteria.

Pure: no I/O, no scheme id, no heavy import. A profile is a plain dict of known
answers (the contract's keys, already validated) plus the set of keys answered
"je ne sais pas". Every fact of the profile is turned into an *abstract domain*,
the set of values still possible (an interval for numbers, a set for the others),
and each test is met when it holds for every possible value, unmet when it holds
for none, unknown otherwise. Verdicts are therefore definite only when certain:
no completion of the missing answers can change them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import product

from intertex_cli.engine import geo
from intertex_cli.engine.amounts import estimate
from intertex_cli.engine.profile import Profile, programme_inputs
from intertex_cli.engine.vocab import ACTIVITIES, ANSWER_FACTS, LEGAL_FORMS, SIZE_CLASSES

MET, UNMET, UNKNOWN = "met", "unmet", "unknown"
ELIGIBLE, INELIGIBLE, UNDECIDED = "eligible", "ineligible", "unknown"
INF = math.inf


# --------------------------------------------------------------------------- domains


@dataclass(frozen=True)
class Num:
    lo: float
    hi: float

    @property
    def known(self) -> bool:
        return self.lo == self.hi


@dataclass(frozen=True)
class Choice:
    values: frozenset


_ENUMS = {
    "activity": ACTIVITIES,
    "legal_form": LEGAL_FORMS,
}


def _region_value(p: Profile) -> str | None:
    dep = p.answers.get("department")
    if dep is not None:
        return geo.region_of(dep)
    return p.answers.get("region")


def domain(fact: str, p: Profile):
    """The values of ``fact`` still possible given the profile."""
    a = p.answers
    if fact == "department":
        if "department" in a:
            return Choice(frozenset([a["department"]]))
        reg = a.get("region")
        if reg is not None:
            return Choice(frozenset(d for d in geo.DEPARTMENTS if geo.region_of(d) == reg))
        return Choice(frozenset(geo.DEPARTMENTS))
    if fact == "region":
        r = _region_value(p)
        return Choice(frozenset([r] if r else geo.REGIONS))
    if fact == "former_region":
        dep = a.get("department")
        if dep is not None:
            return Choice(frozenset([geo.former_region_of(dep)]))
        reg = a.get("region")
        if reg is not None:
            return Choice(geo.former_regions_in(reg))
        return Choice(frozenset(geo.FORMER_REGIONS))
    if fact == "size_class":
        return _size_domain(p)
    if fact == "export_share":
        return _share_domain(p)
    if fact == "programme_expenses_eur":  # added with hire_cost_eur (issue 13)
        bounds = [_bounds(k, p) for k in programme_inputs(p)]
        return Num(sum(b.lo for b in bounds), sum(b.hi for b in bounds))
    if fact == "turnover_eur":  # never less than the export turnover
        t = _bounds(fact, p)
        return Num(max(t.lo, _bounds("export_turnover_eur", p).lo), t.hi)
    if fact == "export_turnover_eur":  # never more than the turnover
        e = _bounds(fact, p)
        return Num(e.lo, min(e.hi, _bounds("turnover_eur", p).hi))
    if fact in ("headcount", "independent") and fact not in a:
        cap = _sme_headcount_cap(p)
        if cap is not None:  # an SME size class given: independent, fewer than its staff
            if fact == "independent":
                return Choice(frozenset([True]))
            h = _bounds(fact, p)
            return Num(h.lo, min(h.hi, cap)) if h.lo <= cap else h
    spec = ANSWER_FACTS[fact]
    if spec.kind in ("int", "number"):
        return _bounds(fact, p)
    if spec.kind == "bool":
        v = a.get(fact)
        return Choice(frozenset([v] if v is not None else [True, False]))
    v = a.get(fact)
    return Choice(frozenset([v] if v is not None else _ENUMS.get(fact, spec.values)))


# EU recommendation 2003/361 and French décret 2008-1354 (TPE/PME/ETI/GE):
# (headcount below, turnover at most, or balance sheet at most)
SIZE_THRESHOLDS = (
    ("micro", 10, 2_000_000, 2_000_000),
    ("small", 50, 10_000_000, 10_000_000),
    ("medium", 250, 50_000_000, 43_000_000),
    ("intermediate", 5000, 1_500_000_000, 2_000_000_000),
)


def size_class_of(headcount: float, turnover: float, balance: float) -> str:
    """The size class of an independent company by the French/EU definitions.

    Monotone: more staff, turnover or balance sheet never gives a smaller class.
    """
    for name, staff, t_max, b_max in SIZE_THRESHOLDS:
        if headcount < staff and (turnover <= t_max or balance <= b_max):
            return name
    return "large"


def _bounds(key: str, p: Profile) -> Num:
    """A number answer alone: its value, its range, or anything from 0 up."""
    v = p.answers.get(key)
    if v is not None:
        return Num(v, v)
    r = p.ranges.get(key)
    if r is not None:
        return Num(r.lo, r.hi)
    return Num(0, INF)


def given_size(p: Profile) -> frozenset | None:
    """The size classes that the answers allow directly (``size_class``), if given."""
    v = p.answers.get("size_class")
    if v is not None:
        return frozenset([v])
    r = p.ranges.get("size_class")
    if r is not None:
        i, j = SIZE_CLASSES.index(r.lo), SIZE_CLASSES.index(r.hi)
        return frozenset(SIZE_CLASSES[i : j + 1])
    return None


_SME = frozenset(("micro", "small", "medium"))


def _sme_headcount_cap(p: Profile) -> int | None:
    """The most staff that a given SME size class allows (49 for ``small``): a company of
    the class is independent and has fewer staff than its threshold; else None."""
    given = given_size(p)
    if given is None or not given <= _SME:
        return None
    return max(staff for name, staff, _, _ in SIZE_THRESHOLDS if name in given) - 1


def _size_domain(p: Profile) -> Choice:
    """The size classes that the figures allow, narrowed by a given ``size_class``."""
    values = figures_size_domain(p)
    given = given_size(p)
    return Choice(values & given if given is not None else values)


def figures_size_domain(p: Profile) -> frozenset:
    """The size classes that headcount, turnover, balance sheet and independence allow."""
    h, t, b = (
        domain("headcount", p),
        domain("turnover_eur", p),
        domain("balance_sheet_total_eur", p),
    )
    ind = domain("independent", p).values
    lo = SIZE_CLASSES.index(size_class_of(h.lo, t.lo, b.lo))
    hi = SIZE_CLASSES.index(size_class_of(h.hi, t.hi, b.hi))
    values: set[str] = set()
    if True in ind:
        values.update(SIZE_CLASSES[lo : hi + 1])
    if False in ind:
        # held 25 % or more by a company that is not an SME: its group decides,
        # an ETI or a large company whatever its own figures
        values.update(SIZE_CLASSES[max(lo, 3) :])
    return frozenset(values)


def _share_domain(p: Profile) -> Num:
    e, t = domain("export_turnover_eur", p), domain("turnover_eur", p)
    if e.known and t.known:
        return Num(*(2 * [e.lo / t.lo if t.lo > 0 else 0.0]))
    lo = 0.0 if t.hi == INF else (e.lo / t.hi if t.hi > 0 else 0.0)
    hi = 1.0 if t.lo <= 0 else min(1.0, e.hi / t.lo)
    if e.hi == 0:
        lo = hi = 0.0
    return Num(lo, hi)


# --------------------------------------------------------------------------- tests


def _and(outcomes) -> str:
    outcomes = list(outcomes)
    if UNMET in outcomes:
        return UNMET
    return MET if all(o == MET for o in outcomes) else UNKNOWN


def _or(outcomes) -> str:
    outcomes = list(outcomes)
    if MET in outcomes:
        return MET
    return UNMET if all(o == UNMET for o in outcomes) else UNKNOWN


def _not(o: str) -> str:
    return {MET: UNMET, UNMET: MET}.get(o, UNKNOWN)


def check_domain(op: str, arg, d) -> str:
    """Is ``op arg`` met for every value of the domain, for none, or unknown?"""
    if isinstance(d, Num):
        lo, hi = d.lo, d.hi
        if op == "lt":
            return MET if hi < arg else UNMET if lo >= arg else UNKNOWN
        if op == "le":
            return MET if hi <= arg else UNMET if lo > arg else UNKNOWN
        if op == "gt":
            return MET if lo > arg else UNMET if hi <= arg else UNKNOWN
        if op == "ge":
            return MET if lo >= arg else UNMET if hi < arg else UNKNOWN
        if op == "eq":
            return MET if lo == hi == arg else UNMET if arg < lo or arg > hi else UNKNOWN
        if op == "ne":
            return _not(check_domain("eq", arg, d))
        if op == "in":
            return _or(check_domain("eq", x, d) for x in arg)
        if op == "not_in":
            return _not(check_domain("in", arg, d))
        raise ValueError(op)
    vals = d.values
    if op == "eq":
        return MET if vals == {arg} else UNMET if arg not in vals else UNKNOWN
    if op == "ne":
        return _not(check_domain("eq", arg, d))
    if op == "in":
        allowed = set(arg)
        return MET if vals <= allowed else UNMET if not (vals & allowed) else UNKNOWN
    if op == "not_in":
        return _not(check_domain("in", arg, d))
    raise ValueError(f"{op} does not apply to a choice")


@dataclass
class Outcome:
    """The evaluation of one node of a rule, with what it used and what it lacks."""

    result: str
    node: object
    children: list = field(default_factory=list)
    used: dict = field(default_factory=dict)  # answer key -> value used
    missing: tuple = ()  # answer keys that could still decide this node


def outcome_of(node, p: Profile) -> str:
    """Met, unmet or unknown: the fast path, without explanation."""
    kind = node.kind
    if kind == "all":
        return _and(outcome_of(n, p) for n in node.all)
    if kind == "any":
        return _or(outcome_of(n, p) for n in node.any)
    if kind == "not":
        return _not(outcome_of(node.not_, p))
    d = domain(node.fact, p)
    return _and(check_domain(op, arg, d) for op, arg in node.ops())


def verdict_of(scheme, p: Profile) -> str:
    outcome = _and(outcome_of(c.rule, p) for c in scheme.criteria)
    return {MET: ELIGIBLE, UNMET: INELIGIBLE}.get(outcome, UNDECIDED)


def evaluate_node(node, p: Profile) -> Outcome:
    kind = node.kind
    if kind == "all" or kind == "any":
        kids = [evaluate_node(n, p) for n in getattr(node, kind)]
        res = (_and if kind == "all" else _or)(k.result for k in kids)
        return _combine(res, node, kids)
    if kind == "not":
        kid = evaluate_node(node.not_, p)
        return _combine(_not(kid.result), node, [kid])
    d = domain(node.fact, p)
    res = _and(check_domain(op, arg, d) for op, arg in node.ops())
    keys = programme_inputs(p) if node.fact == "programme_expenses_eur" else _inputs(node.fact)
    used = {k: p.answers[k] for k in keys if k in p.answers}
    used.update({k: p.ranges[k].as_answer() for k in keys if k in p.ranges})
    missing = tuple(_leaf_missing(node, p)) if res == UNKNOWN else ()
    return Outcome(res, node, [], used, missing)


def _combine(res: str, node, kids: list) -> Outcome:
    used: dict = {}
    for k in kids:
        used.update(k.used)
    missing: list = []
    if res == UNKNOWN:
        for k in kids:
            if k.result == UNKNOWN:
                missing.extend(m for m in k.missing if m not in missing)
    return Outcome(res, node, kids, used, tuple(missing))


_CROSS = {"turnover_eur": "export_turnover_eur", "export_turnover_eur": "turnover_eur"}


def _inputs(fact: str) -> tuple[str, ...]:
    if fact in ("region", "department", "former_region"):
        return ("department", "region")
    if fact == "size_class":
        return ("headcount", "turnover_eur", "balance_sheet_total_eur", "independent", "size_class")
    if fact == "export_share":
        return ("export_turnover_eur", "turnover_eur")
    if fact in _CROSS:
        return (fact, _CROSS[fact])
    if fact in ("headcount", "independent"):
        return (fact, "size_class")
    return (fact,)


def _leaf_missing(leaf, p: Profile) -> list[str]:
    """Answer keys whose answer could still decide this unknown test."""
    fact = leaf.fact
    if fact in ("region", "department", "former_region"):
        return [k for k in ("department", "region") if p.open(k)]
    if fact == "size_class":
        return list(_size_missing(p, leaf))
    if fact == "export_share":
        return [k for k in _inputs(fact) if p.open(k)]
    if fact == "programme_expenses_eur":
        return [k for k in programme_inputs(p) if p.open(k)]
    out = [fact] if p.open(fact) else []
    other = _CROSS.get(fact)
    if other and p.open(other):
        # an answer to the other amount bounds this one (export ≤ turnover)
        for probe in _leaf_constants(leaf):
            q = p.with_value(other, probe)
            if _and(check_domain(op, a, domain(fact, q)) for op, a in leaf.ops()) != UNKNOWN:
                out.append(other)
                break
    return out


def _leaf_constants(leaf) -> list[float]:
    out = []
    for _op, a in leaf.ops():
        for x in a if isinstance(a, list) else [a]:
            if isinstance(x, (int, float)) and not isinstance(x, bool):
                out += [x - 1, x, x + 1]
    return [x for x in out if x >= 0]


SIZE_PROBES = {
    "headcount": (0, 9, 10, 49, 50, 249, 250, 4999, 5000),
    "turnover_eur": (0, 2e6, 2e6 + 1, 1e7, 1e7 + 1, 5e7, 5e7 + 1, 1.5e9, 1.5e9 + 1),
    "balance_sheet_total_eur": (0, 2e6, 2e6 + 1, 1e7, 1e7 + 1, 4.3e7, 4.3e7 + 1, 2e9, 2e9 + 1),
    "independent": (True, False),
}


# The size class compares headcount with "below" thresholds and the amounts with "at most"
# ones: every value of a class interval gives the same class, so the grid below is tried
# on the interval's first value (the cache then serves every company of the interval).
_BELOW = {"headcount": tuple(staff for _, staff, _, _ in SIZE_THRESHOLDS)}
_AT_MOST = {
    "turnover_eur": tuple(t for _, _, t, _ in SIZE_THRESHOLDS),
    "balance_sheet_total_eur": tuple(b for _, _, _, b in SIZE_THRESHOLDS),
}


def _canon(key: str, v):
    """A value of the same size-class interval as ``v`` (its first value)."""
    if v is None or isinstance(v, bool) or v == INF:
        return v
    if key in _BELOW:
        return max((x for x in (0, *_BELOW[key]) if x <= v), default=0)
    if key in _AT_MOST:
        below = [x for x in _AT_MOST[key] if x < v]
        return max(below) + 1 if below else 0
    return v


def _size_missing(p: Profile, leaf) -> tuple[str, ...]:
    keys = tuple(SIZE_PROBES)
    known = tuple(_canon(k, p.answers.get(k)) for k in keys)
    within = tuple(
        (_canon(k, r.lo), _canon(k, r.hi)) if (r := p.ranges.get(k)) else None for k in keys
    )
    lower_t = _canon("turnover_eur", _bounds("export_turnover_eur", p).lo)
    ops = tuple((op, tuple(a) if isinstance(a, list) else a) for op, a in leaf.ops())
    return _size_missing_cached(known, within, lower_t, given_size(p), ops)


@lru_cache(maxsize=4096)
def _size_missing_cached(known, within, lower_t, given, ops) -> tuple[str, ...]:
    """The unknown inputs of the size class that change this test somewhere: every
    combination of the inputs' thresholds is tried (at most 9 × 9 × 9 × 2 points), within
    the ranges given, among the points that the given size class allows."""
    keys = list(SIZE_PROBES)
    free = [k for k, v in zip(keys, known) if v is None]
    if not free:
        return ()
    axes = []
    for k, v, r in zip(keys, known, within):
        if v is not None:
            axes.append((v,))
            continue
        probes = SIZE_PROBES[k]
        if r is not None:
            lo, hi = r
            probes = (lo, *(x for x in probes if lo < x < hi), *((hi,) if hi != INF else ()))
        if k == "turnover_eur":
            probes = tuple(x for x in probes if x >= lower_t) or (lower_t,)
        axes.append(probes)

    def outcome(point) -> str | None:
        values = figures_size_domain(Profile(dict(zip(keys, point))))
        if given is not None:
            values &= given
            if not values:
                return None  # a point that the given size class rules out
        d = Choice(values)
        return _and(check_domain(op, list(a) if isinstance(a, tuple) else a, d) for op, a in ops)

    grid = {pt: outcome(pt) for pt in product(*axes)}
    relevant = []
    for k in free:
        i = keys.index(k)
        for pt, res in grid.items():
            if res is None:
                continue
            others = (grid[pt[:i] + (v,) + pt[i + 1 :]] for v in axes[i] if v != pt[i])
            if any(o is not None and o != res for o in others):
                relevant.append(k)
                break
    return tuple(relevant)


# --------------------------------------------------------------------------- schemes


@dataclass
class CriterionResult:
    criterion: object
    outcome: Outcome

    @property
    def result(self) -> str:
        return self.outcome.result


@dataclass
class SchemeResult:
    scheme: object
    verdict: str
    criteria: list[CriterionResult]
    missing: list[str]
    estimate: dict | None
    conditions: list  # conditions that may apply to this company

    @property
    def id(self) -> str:
        return self.scheme.id

    @property
    def unmet(self) -> list[CriterionResult]:
        return [c for c in self.criteria if c.result == UNMET]


def evaluate_scheme(scheme, p: Profile) -> SchemeResult:
    crits = [CriterionResult(c, evaluate_node(c.rule, p)) for c in scheme.criteria]
    outcome = _and(c.result for c in crits)
    verdict = {MET: ELIGIBLE, UNMET: INELIGIBLE}.get(outcome, UNDECIDED)
    missing: list[str] = []
    if verdict == UNDECIDED:
        for c in crits:
            if c.result == UNKNOWN:
                missing.extend(m for m in c.outcome.missing if m not in missing)
    conds = [
        c
        for c in scheme.conditions
        if c.applies_if is None or evaluate_node(c.applies_if, p).result != UNMET
    ]
    est = estimate(scheme, p) if verdict != INELIGIBLE else None
    return SchemeResult(scheme, verdict, crits, missing, est, conds)


def evaluate(schemes, p: Profile) -> list[SchemeResult]:
    return [evaluate_scheme(s, p) for s in schemes]
