"""Why a criterion fails, with the company's value; and the nearest miss.

Pure, like the rest of the engine: structured answers, no text in any language.
"""

from __future__ import annotations

import math
from itertools import product

from .profile import Profile, programme_inputs
from .rules import (
    ELIGIBLE,
    MET,
    UNMET,
    check_domain,
    domain,
    leaves,
    verdict_of,
)
from .vocab import ANSWER_FACTS

# ----------------------------------------------------------------------------- reasons


def _shown(fact: str, p: Profile) -> str:
    """The fact a failure names: the programme's expenses that are one answer alone (the
    budget, or the hire's cost) are that answer."""
    if fact == "programme_expenses_eur":
        inputs = programme_inputs(p)
        if len(inputs) == 1:
            return inputs[0]
    return fact


def _answer_for(fact: str, p: Profile) -> tuple[str, object, dict]:
    """(key, value as the company gave it, the answers it comes from) for a fact."""
    a = p.answers
    if fact in ("region", "former_region", "department"):
        if "department" in a:
            return "department", a["department"], {"department": a["department"]}
        return "region", a.get("region"), {"region": a.get("region")}
    if fact == "size_class":
        d = domain(fact, p)
        inputs = {
            k: a[k]
            for k in (
                "size_class",
                "headcount",
                "turnover_eur",
                "balance_sheet_total_eur",
                "independent",
            )
            if k in a
        }
        value = next(iter(d.values)) if len(d.values) == 1 else sorted(d.values)
        return "size_class", value, inputs
    if fact == "export_share":
        d = domain(fact, p)
        inputs = {k: a[k] for k in ("export_turnover_eur", "turnover_eur") if k in a}
        return "export_share", (d.lo if d.lo == d.hi else [d.lo, d.hi]), inputs
    if fact == "programme_expenses_eur":  # what its inputs add up to: a value or a range
        d = domain(fact, p)
        inputs = {k: a[k] for k in programme_inputs(p) if k in a}
        inputs.update({k: p.ranges[k].as_answer() for k in programme_inputs(p) if k in p.ranges})
        if d.lo == d.hi:
            return fact, d.lo, inputs
        return fact, ({"min": d.lo} | ({"max": d.hi} if d.hi != math.inf else {})), inputs
    if fact in p.ranges:  # a range as given: {min, max}
        r = p.ranges[fact].as_answer()
        return fact, r, {fact: r}
    return fact, a.get(fact), ({fact: a[fact]} if fact in a else {})


def failures(outcome, p: Profile) -> list[dict]:
    """The tests that make an unmet criterion fail: fact, operator, limit, the value."""
    if outcome.result != UNMET:
        return []
    node = outcome.node
    kind = node.kind
    if kind in ("all", "any"):
        out: list[dict] = []
        for kid in outcome.children:
            if kid.result == UNMET:
                out.extend(failures(kid, p))
        return out
    if kind == "not":
        # the inner test holds where the guide excludes it
        inner = outcome.children[0] if outcome.children else None
        held = _met_leaves(inner, p) if inner is not None else []
        return [dict(x, negated=True) for x in held]
    d = domain(node.fact, p)
    fact = _shown(node.fact, p)
    key, answer, inputs = _answer_for(fact, p)
    out = []
    for op, arg in node.ops():
        if check_domain(op, arg, d) == UNMET:
            out.append(
                {
                    "fact": fact,
                    "op": op,
                    "limit": arg,
                    "key": key,
                    "answer": answer,
                    "answers": inputs,
                }
            )
    return out


def _met_leaves(outcome, p: Profile) -> list[dict]:
    if outcome.node.kind in ("all", "any"):
        out: list[dict] = []
        for kid in outcome.children:
            if kid.result == MET:
                out.extend(_met_leaves(kid, p))
        return out
    if outcome.node.kind == "not":
        return []
    fact = _shown(outcome.node.fact, p)
    key, answer, inputs = _answer_for(fact, p)
    return [
        {
            "fact": fact,
            "op": op,
            "limit": arg,
            "key": key,
            "answer": answer,
            "answers": inputs,
        }
        for op, arg in outcome.node.ops()
    ]


# ----------------------------------------------------------------------------- nearest miss

# What the company can change (contract §3): its project, its strategy and team, and
# time, which only moves forward.
CHOOSABLE = {
    "project_budget_eur": "any",
    "has_export_strategy": "any",
    "has_export_team": "any",
    "months_of_activity": "later",
    "closed_fiscal_years": "later",
}


# A derived fact the company changes through one of its answers: the programme's
# expenses through its budget (the hire's salary is not a lever).
THROUGH = {"programme_expenses_eur": "project_budget_eur"}


def _choosable(fact: str) -> str | None:
    key = THROUGH.get(fact, fact)
    return key if key in CHOOSABLE else None


def _candidates(key: str, scheme, p: Profile) -> list:
    """Values of ``key`` worth trying: the nearest that meet each bound of the criteria."""
    spec = ANSWER_FACTS[key]
    current = p.answers.get(key)
    if spec.kind == "bool":
        return [v for v in (True, False) if v != current]
    values = set()
    step = 1
    for c in scheme.criteria:
        for leaf in leaves(c.rule):
            if _choosable(leaf.fact) != key:
                continue
            shift = 0  # what the fact's other inputs add (the hire's salary)
            if leaf.fact != key:
                shift = domain(leaf.fact, p.with_value(key, 0)).lo
            for op, arg in leaf.ops():
                for x in arg if isinstance(arg, list) else [arg]:
                    if not isinstance(x, bool) and isinstance(x, (int, float)):
                        x = x - shift
                    values.update(
                        {"lt": [x - step], "le": [x], "gt": [x + step], "ge": [x], "eq": [x]}.get(
                            op, [x - step, x, x + step]
                        )
                    )
    values = {v for v in values if v >= 0}
    if spec.kind == "int":
        values = {int(v) for v in values}
    if CHOOSABLE[key] == "later" and isinstance(current, (int, float)):
        values = {v for v in values if v > current}
    return sorted(v for v in values if v != current)


def _cost(key: str, value, p: Profile) -> float:
    current = p.answers.get(key)
    if isinstance(value, bool) or not isinstance(current, (int, float)):
        return 1.0
    if current == 0:
        return float(value)
    return abs(value - current) / abs(current)


def nearest_miss(scheme, p: Profile, with_=None) -> list[dict] | None:
    """The smallest changes the company can make that make the scheme eligible, or None.

    Only the choosable answers the scheme's criteria test are tried, each at the values
    where a bound of the guide is met; the fewest changes win, then the smallest.
    ``with_(profile, key, value)`` sets an answer (the planner's, which keeps derived
    answers right); a plain copy by default.
    """
    keys = []
    for c in scheme.criteria:
        for leaf in leaves(c.rule):
            key = _choosable(leaf.fact)
            if key is not None and key not in keys:
                keys.append(key)
    if not keys:
        return None
    options = [[None] + _candidates(k, scheme, p) for k in keys]
    best = None
    for combo in product(*options):
        changes = [(k, v) for k, v in zip(keys, combo) if v is not None]
        if not changes:
            continue
        q = p
        for k, v in changes:
            q = with_(q, k, v) if with_ else q.with_value(k, v)
        if verdict_of(scheme, q) != ELIGIBLE:
            continue
        cost = (len(changes), sum(_cost(k, v, p) for k, v in changes))
        if best is None or cost < best[0]:
            best = (cost, changes)
    if best is None:
        return None
    return [{"key": k, "value": v} for k, v in best[1]]
