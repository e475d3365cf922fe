"""The plan: which schemes to combine for the company's projects, for how much, in what order.

Pure. Every rule comes from the catalogue's data (``cumulation``, ``groups``, ``steps``,
``funding``); the engine adds only what the contract fixes for every scheme: two
subsidies of one budget do not add up unless the guide says they combine, two
insurances do not cover one budget twice, an ended scheme is never in a plan.

The plan is the compatible set of eligible, relevant, current schemes with the largest
total aid; ties go to the larger insurance cover, then to more schemes, then to the
catalogue's order. Conflicts are few and local: the search is exhaustive within each
group of schemes that conflict (greedy beyond 18, which no real catalogue reaches).
"""

from __future__ import annotations

from functools import cached_property

from intertex_cli.record import Record

from .amounts import cover, estimate, projects_of
from .profile import Profile
from .rules import ELIGIBLE, INELIGIBLE, UNDECIDED, outcome_of

ENDED = ("abolished", "replaced")
EXACT_LIMIT = 18


def ended(scheme) -> bool:
    return scheme.status.value in ENDED


def relevant(scheme, projects) -> bool | None:
    """Does the scheme serve one of the company's projects? None when they are unknown."""
    if projects is None:
        return None
    return any(link.id in projects for link in scheme.projects)


def within_reach(scheme, p: Profile) -> bool:
    """With its projects unknown, may the scheme be where the company starts? Not a
    scheme that serves only a contract it does not say it has, nor a loan whose minimum
    exceeds its turnover (or whose turnover is unknown)."""
    from .vocab import NEEDS_A_CONTRACT

    served = {link.id for link in scheme.projects}
    if served and served <= NEEDS_A_CONTRACT:
        return False
    c = scheme.funding.cover
    least = getattr(c, "loan_min_eur", None) if c is not None else None
    if least:
        turnover = p.answers.get("turnover_eur")
        if not isinstance(turnover, (int, float)) or least > turnover:
            return False
    return True


def uncovered(scheme, projects) -> list[str]:
    """The company's projects whose expenses its budget holds but this subsidy does not
    pay for (Cap International pays for consulting and prospection, not for trade fairs
    nor a V.I.E., p. 18): its amount, computed on the whole budget, is then at most."""
    from .amounts import budget_components
    from .vocab import BUDGET_PROJECTS

    if projects is None or scheme.support_type in ("insurance-guarantee", "loan"):
        return []
    spent = projects & BUDGET_PROJECTS
    if not spent:
        return []
    if scheme.funding.components:
        comps = budget_components(scheme, None)
        if not comps or any(not c.projects for c in comps):
            return []
        paid = {x for c in comps for x in c.projects}
    else:
        paid = {link.id for link in scheme.projects}
    return sorted(spent - paid)


def starts_with(scheme) -> bool:
    """Serves the first project of all: knowing where to go (export-strategy)."""
    return any(link.id == "export-strategy" for link in scheme.projects)


class Entry(Record):
    __slots__ = ("result", "amount", "cover", "reduced_from", "cover_reduced_from", "shared")

    def __init__(self, result, amount: int = 0, cover=None, reduced_from=None):
        self.result = result
        self.amount = amount  # aid counted in the total (after reductions)
        self.cover: dict | None = cover
        self.reduced_from: int | None = reduced_from  # the amount before other aid reduced it
        # the budget an insurance would cover alone, when the plan's subsidies pay part of it
        self.cover_reduced_from: float | None = None
        # the company's budget projects this subsidy does not pay for: its amount is a
        # most, on the part of the budget it covers (the split is not known)
        self.shared: list[str] = []

    @property
    def scheme(self):
        return self.result.scheme


class Plan(Record):
    __slots__ = ("entries", "total", "left_out", "steps", "documents", "first", "__dict__")

    def __init__(self, entries: list[Entry], total: int, left_out, steps=None, documents=None):
        self.entries = entries
        self.total = total
        self.left_out: list[dict] = left_out
        self.steps: list[dict] = [] if steps is None else steps
        self.documents: list[dict] = [] if documents is None else documents
        # id -> what to do first for that entry and whom to call (every entry has one
        # when its card gives a step that applies): {"step", "contact_scheme"}
        self.first: dict[str, dict] = {}

    @cached_property  # read for every result: the entries are fixed once made
    def ids(self) -> list[str]:
        return [e.scheme.id for e in self.entries]

    @cached_property
    def id_set(self) -> frozenset:
        return frozenset(self.ids)


def _amount(r) -> int:
    return (r.estimate or {}).get("amount_eur") or 0


def _reduced(scheme) -> list:
    return [c for c in scheme.cumulation if c.rule == "base-reduced-by"]


def _covers_budget(c: dict | None) -> bool:
    return bool(c) and c.get("covered_eur") is not None


def group_members(schemes_by_id: dict) -> dict[str, set]:
    """group -> the ids of the schemes in it."""
    groups: dict[str, set] = {}
    for s in schemes_by_id.values():
        for g in s.groups:
            groups.setdefault(g, set()).add(s.id)
    return groups


def conflicts(cands: list, schemes_by_id: dict, covers: dict, groups: dict | None = None) -> dict:
    """(id, id) -> {reason, by, quote, page}: pairs that cannot be in one plan."""
    if groups is None:
        groups = group_members(schemes_by_id)
    ids = {r.scheme.id for r in cands}
    out: dict = {}

    def add(a: str, b: str, reason: str, by: str, quote=None, page=None) -> None:
        key = tuple(sorted((a, b)))
        if key not in out:
            out[key] = {"reason": reason, "by": by, "quote": quote, "page": page}

    for r in cands:
        s = r.scheme
        for rule in s.cumulation:
            if rule.rule != "not-with":
                continue
            targets = set(rule.schemes)
            for g in rule.groups:
                targets |= groups.get(g, set())
            for t in sorted(targets & ids - {s.id}):
                add(s.id, t, "non-cumulation", s.id, rule.quote, rule.page)
    combines: set = set()
    for r in cands:
        for rule in r.scheme.cumulation:
            if rule.rule == "combines-with":
                combines |= {tuple(sorted((r.scheme.id, t))) for t in rule.schemes}
    aid = [r for r in cands if _amount(r) > 0 and not _reduced(r.scheme)]
    for i, a in enumerate(aid):
        for b in aid[i + 1 :]:
            pair = tuple(sorted((a.scheme.id, b.scheme.id)))
            if pair not in combines:
                add(a.scheme.id, b.scheme.id, "same-expenses", b.scheme.id)
    insured = [r for r in cands if _covers_budget(covers.get(r.scheme.id))]
    for i, a in enumerate(insured):
        for b in insured[i + 1 :]:
            add(a.scheme.id, b.scheme.id, "same-expenses", b.scheme.id)
    return out


class Displaced:
    """Which schemes of a plan a newcomer would conflict with: the same rules as
    ``conflicts``, only for the pairs that involve the newcomer (fast on big plans)."""

    def __init__(self, chosen: list, schemes_by_id: dict, covers: dict, groups: dict):
        self.groups = groups
        self.ids = {r.scheme.id for r in chosen}
        self.targets = {}  # id -> what its non-cumulation clauses name
        for r in chosen:
            t = self._targets(r.scheme)
            if t:
                self.targets[r.scheme.id] = t
        self.aid = {r.scheme.id for r in chosen if _amount(r) > 0 and not _reduced(r.scheme)}
        self.combines = {
            r.scheme.id: {
                t for c in r.scheme.cumulation if c.rule == "combines-with" for t in c.schemes
            }
            for r in chosen
        }
        self.insured = {r.scheme.id for r in chosen if _covers_budget(covers.get(r.scheme.id))}

    def _targets(self, scheme) -> set:
        out: set = set()
        for rule in scheme.cumulation:
            if rule.rule == "not-with":
                out |= set(rule.schemes)
                for g in rule.groups:
                    out |= self.groups.get(g, set())
        return out

    def by(self, r, cover_of_r: dict | None) -> list[str]:
        sid = r.scheme.id
        out = set(self._targets(r.scheme) & self.ids)
        out |= {o for o, t in self.targets.items() if sid in t}
        if _amount(r) > 0 and not _reduced(r.scheme):
            mine = {t for c in r.scheme.cumulation if c.rule == "combines-with" for t in c.schemes}
            out |= {o for o in self.aid if o not in mine and sid not in self.combines.get(o, ())}
        if _covers_budget(cover_of_r):
            out |= self.insured
        return sorted(out - {sid})


def _value(chosen: list, covers: dict, order: dict) -> tuple:
    aid = sum(_amount(r) for r in chosen)
    cov = sum((covers.get(r.scheme.id) or {}).get("indemnity_max_eur") or 0 for r in chosen)
    return (aid, cov, len(chosen), -sum(order[r.scheme.id] for r in chosen))


def _best(nodes: list, edges: set, covers: dict, order: dict) -> list:
    """The independent set of ``nodes`` with the largest value."""
    if len(nodes) > EXACT_LIMIT:  # greedy: the largest first
        chosen: list = []
        for r in sorted(nodes, key=lambda r: _value([r], covers, order), reverse=True):
            if all(tuple(sorted((r.scheme.id, c.scheme.id))) not in edges for c in chosen):
                chosen.append(r)
        return chosen
    best: list = []
    best_value = None

    def walk(i: int, chosen: list) -> None:
        nonlocal best, best_value
        if i == len(nodes):
            v = _value(chosen, covers, order)
            if best_value is None or v > best_value:
                best, best_value = list(chosen), v
            return
        r = nodes[i]
        if all(tuple(sorted((r.scheme.id, c.scheme.id))) not in edges for c in chosen):
            chosen.append(r)
            walk(i + 1, chosen)
            chosen.pop()
        walk(i + 1, chosen)

    walk(0, [])
    return best


def _components(cands: list, edges: set) -> list[list]:
    """Groups of candidates linked by conflicts."""
    parent = {r.scheme.id: r.scheme.id for r in cands}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        parent[find(a)] = find(b)
    groups: dict = {}
    for r in cands:
        groups.setdefault(find(r.scheme.id), []).append(r)
    return list(groups.values())


def make_plan(results, p: Profile, schemes_by_id: dict, covers: dict | None = None) -> Plan:
    """``covers``: id -> ``cover`` of each result, if computed already."""
    projects = projects_of(p)
    order = {r.scheme.id: i for i, r in enumerate(results)}
    if covers is None:
        covers = {r.scheme.id: cover(r.scheme, p, outcome_of) for r in results}
    cands = [
        r
        for r in results
        if r.verdict == ELIGIBLE
        and not ended(r.scheme)
        and relevant(r.scheme, projects) is not False
        and (projects is not None or within_reach(r.scheme, p))
    ]
    pairs = conflicts(cands, schemes_by_id, covers)
    edges = set(pairs)
    chosen: list = []
    for group in _components(cands, edges):
        chosen.extend(_best(group, edges, covers, order))
    chosen_ids = {r.scheme.id for r in chosen}

    entries = []
    budget = p.answers.get("project_budget_eur")
    # what reduces a base: the plan's subsidies (none of them reduced themselves) and
    # the expenses its insurances cover; a scheme never reduces its own base
    subsidies = sum(_amount(r) for r in chosen if not _reduced(r.scheme))
    insured = {
        r.scheme.id: covers[r.scheme.id]["covered_eur"]
        for r in chosen
        if _covers_budget(covers.get(r.scheme.id))
    }
    # an insurance covers what stays at the company's charge (p. 25, "qui restent à votre
    # charge"): the budget less the plan's subsidies of that budget
    charged = {}
    if isinstance(budget, (int, float)) and subsidies:
        left = p.with_value("project_budget_eur", max(0.0, budget - subsidies))
        for sid in insured:
            scheme = schemes_by_id.get(sid) or next(r.scheme for r in chosen if r.scheme.id == sid)
            charged[sid] = cover(scheme, left, outcome_of)
            insured[sid] = charged[sid]["covered_eur"]
    for r in chosen:
        e = Entry(r, _amount(r), charged.get(r.scheme.id) or covers.get(r.scheme.id))
        if r.scheme.id in charged:
            e.cover_reduced_from = covers[r.scheme.id]["covered_eur"]
        if e.amount:
            e.shared = uncovered(r.scheme, projects)
        rules = _reduced(r.scheme)
        if rules and isinstance(budget, (int, float)) and e.amount:
            what = {w for rule in rules for w in rule.reduced_by}
            less = 0.0
            if "subsidies" in what:
                less += subsidies
            if "insured-expenses" in what:
                less += sum(v for k, v in insured.items() if k != r.scheme.id)
            if less:
                est = estimate(r.scheme, p, budget=max(0.0, budget - less))
                e.reduced_from, e.amount = e.amount, (est or {}).get("amount_eur") or 0
        entries.append(e)
    entries = _in_order(entries, first_of_all=projects is None)

    rank = {k: i for i, k in enumerate(pairs)}  # a clash: the first of its pairs
    left_out = []
    for r in results:
        sid = r.scheme.id
        if sid in chosen_ids:
            continue
        amount = _amount(r)
        has_cover = _covers_budget(covers.get(sid))
        item = {"id": sid, "amount_eur": amount or None}
        if r.verdict == INELIGIBLE or not (amount or has_cover):
            continue
        if ended(r.scheme):
            item["reason"] = r.scheme.status.value
        elif relevant(r.scheme, projects) is False:
            item["reason"] = "not-relevant"
        elif projects is None and r.verdict == ELIGIBLE and not within_reach(r.scheme, p):
            item["reason"] = "out-of-reach"
        elif r.verdict == UNDECIDED:
            item["reason"] = "undecided"
        else:
            clash = [k for k in (tuple(sorted((sid, c))) for c in chosen_ids) if k in rank]
            if not clash:  # pragma: no cover - every candidate left out lost to a conflict
                continue
            a, b = min(clash, key=rank.__getitem__)
            info = pairs[(a, b)]
            item["reason"] = info["reason"]
            item["instead_of"] = b if a == sid else a
            if info["quote"]:
                item["quote"], item["page"] = info["quote"], info["page"]
                item["clause_of"] = info["by"]
        left_out.append(item)
    total = sum(e.amount for e in entries)
    plan = Plan(entries, total, left_out)
    plan.steps = _steps(entries, schemes_by_id, p)
    plan.first = _first_steps(entries, plan.steps, schemes_by_id, p)
    plan.documents = _documents(entries, p)
    return plan


def applies(item, p: Profile) -> bool:
    """A step or a document applies unless its condition is known not to hold (an
    unknown answer keeps it: it may apply)."""
    cond = getattr(item, "applies_if", None)
    return cond is None or outcome_of(cond, p) != "unmet"


def _in_order(entries: list[Entry], first_of_all: bool = False) -> list[Entry]:
    """Aid first, largest first; then covers; then the rest; a scheme after its
    predecessors. ``first_of_all`` (the projects unknown): the plan starts where such a
    company starts, with what serves its export strategy (the diagnostic, the advice)."""
    ranked = sorted(
        entries,
        key=lambda e: (
            first_of_all and not starts_with(e.scheme),
            first_of_all and e.scheme.support_type not in ("advice", "information"),
            -e.amount,
            0 if e.cover else 1,
            -((e.cover or {}).get("indemnity_max_eur") or 0),
        ),
    )
    ids = [e.scheme.id for e in ranked]
    for e in list(ranked):
        for rule in e.scheme.cumulation:
            if rule.rule != "after":
                continue
            for before in rule.schemes:
                if before in ids and ids.index(before) > ids.index(e.scheme.id):
                    ranked.remove(e)
                    ranked.insert(ids.index(before), e)
                    ids = [x.scheme.id for x in ranked]
    return ranked


def _steps(entries: list[Entry], schemes_by_id: dict, p: Profile | None = None) -> list[dict]:
    """The steps in order: what another scheme must bring first, then each scheme's own.

    Only the steps that apply to the company (``applies_if``); the first of them is
    what to do now. Every step is kept — a prerequisite never disappears behind another
    step that names the same scheme (p. 17: the craft company's CCI diagnostic) — but
    the same words asked by two schemes come once."""
    first: list[dict] = []
    rest: list[dict] = []
    seen: set = set()
    mine = {
        e.scheme.id: [st for st in e.scheme.steps if p is None or applies(st, p)] for e in entries
    }
    linked = {st.scheme for steps in mine.values() for st in steps if st.scheme}
    for e in entries:
        s = e.scheme
        for i, step in enumerate(mine[s.id]):
            if i == 0 and s.id in linked and not step.scheme:
                continue  # another scheme's step already asks for this one
            key = (step.scheme, step.text) if step.scheme else (s.id, step.id)
            if key in seen:
                continue
            seen.add(key)
            item = {
                "for": s.id,
                "step": step,
                "contact_scheme": step.scheme if step.scheme in schemes_by_id else s.id,
                "when": "now" if i == 0 else "then",
            }
            (first if step.scheme else rest).append(item)
    return first + sorted(rest, key=lambda x: x["when"] != "now")


def _first_steps(entries: list[Entry], steps: list[dict], schemes_by_id: dict, p) -> dict:
    """Each entry's first step: the plan's "now" step for it, else (its own first step
    was left to the scheme that asks for it) its first step that applies."""
    out = {x["for"]: x for x in steps if x["when"] == "now"}
    for e in entries:
        s = e.scheme
        if s.id in out:
            continue
        mine = [st for st in s.steps if applies(st, p)]
        if mine:
            st = mine[0]
            who = st.scheme if st.scheme in schemes_by_id else s.id
            out[s.id] = {"for": s.id, "step": st, "contact_scheme": who, "when": "now"}
    return out


def _documents(entries: list[Entry], p: Profile | None = None) -> list[dict]:
    out, seen = [], set()
    for e in entries:
        for d in e.scheme.documents:
            if p is not None and not applies(d, p):
                continue
            if d.text not in seen:
                seen.add(d.text)
                out.append({"for": e.scheme.id, "document": d})
    return out
