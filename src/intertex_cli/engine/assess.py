"""Everything ``check`` tells a company, computed once: verdicts, reasons, nearest
misses, relevance, covers, ceilings and the plan. Pure; the views only format it."""

from __future__ import annotations

from intertex_cli.record import Record

from .amounts import ceiling, cover, off_budget, projects_of
from .explain import failures, nearest_miss
from .plan import Displaced, Plan, ended, group_members, make_plan, relevant
from .planner import _with
from .profile import Profile
from .rules import ELIGIBLE, INELIGIBLE, UNMET, evaluate, evaluate_scheme, outcome_of


class Assessment(Record):
    __slots__ = (
        "profile",
        "results",
        "plan",
        "relevant",  # id -> True, False or None
        "reasons",  # id -> [(criterion result, [failures])]
        "nearest",  # id -> nearest miss (list of changes) or None
        "nearest_amount",  # id -> estimate of the scheme once the nearest miss is made
        "nearest_instead",  # id -> plan schemes it would displace once eligible
        "covers",  # id -> cover numbers or None
        "ceilings",  # id -> the most it can pay this company (budget unknown), or None
        "off_budget",  # id -> ceilings not paid from the budget
    )

    def __init__(
        self,
        profile: Profile,
        results: list,
        plan: Plan,
        relevant: dict,
        reasons: dict,
        nearest: dict,
        nearest_amount: dict,
        nearest_instead: dict,
        covers: dict,
        ceilings: dict,
        off_budget: dict,
    ):
        self.profile = profile
        self.results = results
        self.plan = plan
        self.relevant = relevant
        self.reasons = reasons
        self.nearest = nearest
        self.nearest_amount = nearest_amount
        self.nearest_instead = nearest_instead
        self.covers = covers
        self.ceilings = ceilings
        self.off_budget = off_budget

    def result(self, scheme_id: str):
        return next(r for r in self.results if r.scheme.id == scheme_id)


def plan_of(schemes, p: Profile, schemes_by_id: dict) -> tuple[list, dict, Plan]:
    """(results, covers, plan) for one company: what ``check`` and ``screen`` both use."""
    results = evaluate(schemes, p)
    covers = {r.scheme.id: cover(r.scheme, p, outcome_of) for r in results}
    return results, covers, make_plan(results, p, schemes_by_id, covers)


def assess(schemes, p: Profile, schemes_by_id: dict) -> Assessment:
    results, covers, plan = plan_of(schemes, p, schemes_by_id)
    projects = projects_of(p)
    chosen = [e.result for e in plan.entries]
    displaced = Displaced(chosen, schemes_by_id, covers, group_members(schemes_by_id))
    reasons, nearest, nearest_amount, instead = {}, {}, {}, {}
    for r in results:
        sid = r.scheme.id
        if r.verdict == INELIGIBLE:
            reasons[sid] = [(c, failures(c.outcome, p)) for c in r.criteria if c.result == UNMET]
        if r.verdict != ELIGIBLE:
            nm = nearest_miss(r.scheme, p, _with)
            nearest[sid] = nm
            if nm:
                q = p
                for change in nm:
                    q = _with(q, change["key"], change["value"])
                after = evaluate_scheme(r.scheme, q)
                nearest_amount[sid] = (after.estimate or {}).get("amount_eur")
                instead[sid] = displaced.by(after, cover(r.scheme, q, outcome_of))
    return Assessment(
        profile=p,
        results=results,
        plan=plan,
        relevant={r.scheme.id: relevant(r.scheme, projects) for r in results},
        reasons=reasons,
        nearest=nearest,
        nearest_amount=nearest_amount,
        nearest_instead=instead,
        covers=covers,
        ceilings={r.scheme.id: ceiling(r.scheme, p) for r in results},
        off_budget={r.scheme.id: off_budget(r.scheme, p) for r in results},
    )


def question_schemes(schemes, p: Profile) -> tuple:
    """The schemes a question may be asked for: current ones serving the projects.
    The same tuple for the same catalogue and projects (the wizard asks after each
    answer: 5,000 statuses read again would be a fifth of its wait)."""
    projects = projects_of(p)
    for known, mine, got in _QUESTION_SCHEMES:
        if known is schemes and mine == projects:
            return got
    current = None  # each current scheme with the projects it serves, read once
    for known, mine, got in _QUESTION_SCHEMES:
        if known is schemes and mine == "current":
            current = got
    if current is None:
        current = tuple(
            (s, frozenset(link.id for link in s.projects)) for s in schemes if not ended(s)
        )
        _QUESTION_SCHEMES.append((schemes, "current", current))
    if projects is None:
        got = tuple(s for s, _ in current)
    else:  # relevant(s, projects) is not False
        got = tuple(s for s, serves in current if not serves.isdisjoint(projects))
    _QUESTION_SCHEMES.insert(0, (schemes, projects, got))
    del _QUESTION_SCHEMES[6:]
    return got


_QUESTION_SCHEMES: list = []  # the last few: (schemes, projects or "current", result)
