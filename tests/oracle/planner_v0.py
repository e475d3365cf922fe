"""Frozen copy of engine/planner.py as main has it, without compiled.py (the oracle of tests/test_planner.py).

The adaptive questionnaire: which question to ask next, and when to stop.

After each answer everything is evaluated again. A question is worth asking only if
its answer can still decide a verdict or change an amount; among those, the one
that can decide the most undecided schemes (weighted by what they may pay) comes
first. Publicodes scores missing inputs by how often they are missing; here each
candidate answer is *tried*: every plausible value of it (the thresholds that the
catalogue's criteria use) is put into the profile and the schemes it would settle
are counted.
"""

from __future__ import annotations

from intertex_cli.engine import geo
from intertex_cli.engine.amounts import potential
from intertex_cli.engine.rules import programme_shifted
from intertex_cli.engine.vocab import ANSWER_FACTS, NATURAL_ORDER, asked_first
from tests.oracle.rules_v0 import (
    INELIGIBLE,
    SIZE_PROBES,
    UNDECIDED,
    Profile,
    evaluate_scheme,
    verdict_of,
)

AMOUNT_KEYS = ("project_budget_eur", "equity_eur")


def _walk_leaves(node):
    kind = node.kind
    if kind in ("all", "any"):
        for n in getattr(node, kind):
            yield from _walk_leaves(n)
    elif kind == "not":
        yield from _walk_leaves(node.not_)
    else:
        yield node


_THRESHOLDS: dict = {}


def _thresholds(schemes: tuple) -> dict:
    """Numeric constants that criteria compare each fact with (cached per catalogue)."""
    key = tuple(id(s) for s in schemes)
    hit = _THRESHOLDS.get(key)
    if hit is not None and hit[0] == schemes:
        return hit[1]
    out: dict[str, set] = {}
    for s in schemes:
        rules = [c.rule for c in s.criteria] + [c.applies_if for c in s.conditions if c.applies_if]
        for r in rules:
            for leaf in _walk_leaves(r):
                for _, a in leaf.ops():
                    for x in a if isinstance(a, list) else [a]:
                        if isinstance(x, (int, float)) and not isinstance(x, bool):
                            out.setdefault(leaf.fact, set()).add(x)
    if len(_THRESHOLDS) > 8:
        _THRESHOLDS.clear()
    _THRESHOLDS[key] = (schemes, out)
    return out


_DEPARTMENT_PROBES = tuple(
    sorted({f: d for d, (_, f) in sorted(geo.DEPARTMENTS.items(), reverse=True)}.values())
)


def probes(key: str, p: Profile, schemes: tuple) -> list:
    """Plausible answers to try for ``key``."""
    spec = ANSWER_FACTS[key]
    if key == "department":
        return list(_DEPARTMENT_PROBES)
    if spec.kind == "bool":
        return [True, False]
    if spec.kind == "enum":
        return list(spec.values)
    th = _thresholds(schemes)
    consts = set(th.get(key, ()))
    if key in SIZE_PROBES:
        consts |= set(SIZE_PROBES[key])
    t, e = p.answers.get("turnover_eur"), p.answers.get("export_turnover_eur")
    shares = th.get("export_share", set())
    if key in ("project_budget_eur", "hire_cost_eur"):  # added with hire_cost_eur (issue 13)
        consts |= programme_shifted(key, p, th.get("programme_expenses_eur", ()))
    if key == "export_turnover_eur":
        consts |= th.get("turnover_eur", set())
        if t:
            consts |= {s * t for s in shares}
    if key == "turnover_eur":
        consts |= th.get("export_turnover_eur", set())
        if e:
            consts |= {e / s for s in shares if s > 0}
    values = {0.0, 1e12}
    for c in consts:
        values |= {c - 1, c, c + 1}
    if key == "export_turnover_eur" and t is not None:
        values = {v for v in values if v <= t} | {t}
    if key == "turnover_eur" and e is not None:
        values = {v for v in values if v >= e} | {e}
    if spec.kind == "int":
        values = {int(v) for v in values if v == int(v) or v > 1e11}
    return sorted(v for v in values if v >= 0)


def _with(p: Profile, key: str, value) -> Profile:
    q = p.with_value(key, value)
    if key == "department":
        q.answers["region"] = geo.region_of(value)
    return q


def candidates(results, p: Profile) -> list[str]:
    """Keys whose answer could still change a verdict or an amount."""
    keys: list[str] = []
    for r in results:
        if r.verdict == UNDECIDED:
            keys.extend(k for k in r.missing if k not in keys)
    for k in AMOUNT_KEYS:
        if k not in keys and p.askable(k) and _amount_relevant(k, results, p):
            keys.append(k)
    return [k for k in keys if p.askable(k)]


def _on_budget(scheme) -> bool:
    c = scheme.funding.cover
    return c is not None and bool(c.on_budget)


def _amount_relevant(key: str, results, p: Profile) -> bool:
    live = [r for r in results if r.verdict != INELIGIBLE and potential(r.scheme) > 0]
    if key == "project_budget_eur":  # an aid, or an insurance of the budget, depends on it
        return bool(live) or any(r.verdict != INELIGIBLE and _on_budget(r.scheme) for r in results)
    # equity caps an amount only once the amount is known
    return any(
        r.scheme.funding.equity_cap and r.estimate and r.estimate["amount_eur"] > 0 for r in live
    )


def score(key: str, results, p: Profile, schemes: tuple) -> float:
    """How much answering ``key`` can settle: undecided schemes and their euros."""
    open_ = [r for r in results if r.verdict == UNDECIDED and key in r.missing]
    total = 0.0
    values = probes(key, p, schemes)
    if open_ and values:
        for r in open_:
            decided = sum(1 for v in values if verdict_of(r.scheme, _with(p, key, v)) != UNDECIDED)
            total += (decided / len(values)) * (1 + potential(r.scheme) / 1e6)
    if key in AMOUNT_KEYS:
        for r in results:
            if r.verdict == INELIGIBLE:
                continue
            if key == "project_budget_eur" and potential(r.scheme) > 0:
                total += potential(r.scheme) / 1e6
            elif key == "project_budget_eur" and _on_budget(r.scheme):
                total += 1e-6
            elif key == "equity_eur" and r.scheme.funding.equity_cap and r.estimate:
                total += r.estimate["amount_eur"] / 1e6
    return total


def next_question(schemes, p: Profile, results=None) -> str | None:
    """The question to ask next (asked_first: a part after its whole, as main asks)."""
    return asked_first(_next_question(schemes, p, results), p)


def _next_question(schemes, p: Profile, results=None) -> str | None:
    """The question to ask next, or None when nothing more can be decided."""
    schemes = tuple(schemes)
    if results is None:
        results = [evaluate_scheme(s, p) for s in schemes]
    keys = candidates(results, p)
    if not keys:
        return None
    scored = [(score(k, results, p, schemes), -NATURAL_ORDER.index(k), k) for k in keys]
    best = max(scored)
    if best[0] > 0:
        return best[2]
    # no single answer settles anything alone: ask what most schemes still lack
    counts = {k: sum(1 for r in results if k in r.missing) for k in keys}
    return max(keys, key=lambda k: (counts[k], -NATURAL_ORDER.index(k)))


def answer_from(full: Profile, key: str, p: Profile) -> Profile:
    """Answer ``key`` as ``full`` does: its value, or "je ne sais pas"."""
    if key in full.answers:
        return _with(p, key, full.answers[key])
    if key in full.ranges:
        return Profile(p.answers, p.skipped, {**p.ranges, key: full.ranges[key]})
    return Profile(p.answers, p.skipped | {key}, p.ranges)


def plan(schemes, full: Profile) -> list[str]:
    """The questions the wizard would ask, in order, if answered as ``full``."""
    schemes = tuple(schemes)
    # what the wizard is never asked but takes from the file: a size class given directly;
    # and the projects, asked before the planner's questions (the hire's cost reads them)
    p = Profile({}, frozenset(), {k: r for k, r in full.ranges.items() if k == "size_class"})
    for key in ("size_class", "projects"):
        if key in full.answers:
            p.answers[key] = full.answers[key]
    asked: list[str] = []
    while True:
        key = next_question(schemes, p)
        if key is None:
            return asked
        asked.append(key)
        p = answer_from(full, key, p)
