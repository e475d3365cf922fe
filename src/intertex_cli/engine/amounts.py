"""Amounts: what a scheme can pay for a budget, and how it was computed.

Pure: reads a scheme's ``funding`` and the profile's answers, nothing else; no text in
any language (the views write "50 % × 30 000 € = 15 000 €" from the parts returned).

A subsidy or a tax credit: the project budget is spread over the components that take
it (``applies_to_budget``, serving the company's projects when it named them), highest
rate first, each within its own expense limit and aid cap; then the scheme's cap, then
the company's equity where the guide caps the aid by it. That is the largest aid the
budget can bring (a fractional knapsack: highest rate first is optimal). A scheme
without components is one component: its rate, cap and expense bounds.

A component whose base is an answer (``base_answer``: the export hire's salary cost,
``hire_cost_eur``) counts when it serves the company's known projects: its expense is
the answer within its ``max_expense_eur``, taken first within the scheme's maximum of
expenses, and the budget fills what is left; the scheme's minimum of expenses is on the
two together (the programme's expenses, as the criteria read them).

An insurance, a guarantee or a loan never has an aid amount: ``cover`` says what it is
for this company (the budget covered, the share guaranteed, the premium, the loan's
bounds).
"""

from __future__ import annotations

import math

from intertex_cli.record import Record

from .profile import Profile, budget_nil

INF = math.inf
NOT_AID = ("insurance-guarantee", "loan")  # what they pay is not an aid: see `cover`


class Part(Record):
    """One component's share of the budget."""

    __slots__ = ("component", "rate", "expense", "amount", "limit")

    def __init__(self, component, rate: float, expense: float, amount: float, limit):
        self.component = component  # the catalogue's Component, or None for the scheme
        self.rate = rate
        self.expense = expense  # expenses taken into account
        self.amount = amount
        self.limit: str | None = limit  # "max_expense" or "cap" when one of them bound it


def _budget(p: Profile):
    b = p.answers.get("project_budget_eur")
    return b if isinstance(b, (int, float)) and not isinstance(b, bool) else None


def projects_of(p: Profile):
    """The company's projects, or None when it did not say."""
    v = p.answers.get("projects")
    return None if v is None else frozenset(v)


def budget_components(scheme, projects) -> list:
    """The components the project budget pays, for these projects (None: any)."""
    comps = [c for c in scheme.funding.components if c.applies_to_budget and c.rate is not None]
    if projects is not None:
        comps = [c for c in comps if not c.projects or set(c.projects) & projects]
    return comps


def off_budget_components(scheme, projects) -> list:
    """Components whose base is not the budget (a hire's salary): a ceiling, never a total."""
    out = []
    for c in scheme.funding.components:
        if c.applies_to_budget or (c.rate is None and c.cap_eur is None):
            continue
        if projects is not None and c.projects and not (set(c.projects) & projects):
            continue
        out.append(c)
    return out


def answer_components(scheme, p: Profile) -> list[tuple[object, float | None]]:
    """(component, the answer or None while unknown) for the components whose base is an
    answer (``base_answer``) and that serve the company's projects, these being known."""
    projects = projects_of(p)
    if projects is None or scheme.support_type in NOT_AID:
        return []
    out = []
    for c in scheme.funding.components:
        key = getattr(c, "base_answer", None)
        if key is None or c.rate is None:
            continue
        if c.projects and not (set(c.projects) & projects):
            continue
        v = p.answers.get(key)
        number = isinstance(v, (int, float)) and not isinstance(v, bool)
        out.append((c, v if number else None))
    return out


def _answer_parts(answered, room: float) -> list[Part]:
    """Each answered component's part: its answer within its limits and ``room``, the
    expenses the scheme still takes."""
    parts = []
    for c, value in answered:
        max_expense = c.max_expense_eur if c.max_expense_eur is not None else INF
        by_cap = c.cap_eur / c.rate if c.cap_eur is not None and c.rate > 0 else INF
        expense = max(0.0, min(value, max_expense, by_cap, room))
        bound = None
        if expense < value and expense < room:
            bound = "cap" if by_cap < max_expense else "max_expense"
        parts.append(Part(c, c.rate, expense, c.rate * expense, bound))
        room -= expense
    return parts


def _terms(scheme, projects) -> list[tuple[object, float, float, float]] | None:
    """(component, rate, expense limit, aid cap) for the budget, or None if it pays none."""
    f = scheme.funding
    if scheme.support_type in NOT_AID:
        return None
    if f.components:
        comps = budget_components(scheme, projects)
        if not comps:
            return None
        return [
            (
                c,
                c.rate,
                c.max_expense_eur if c.max_expense_eur is not None else INF,
                c.cap_eur if c.cap_eur is not None else INF,
            )
            for c in comps
        ]
    if f.rate is None:
        return None
    return [(None, f.rate, INF, INF)]


def spread(terms, budget: float) -> list[Part]:
    """The budget over the components, highest rate first, each within its limits."""
    parts: list[Part] = []
    left = budget
    for comp, rate, max_expense, cap in sorted(terms, key=lambda x: -x[1]):
        if left <= 0:
            break
        by_cap = cap / rate if rate > 0 else INF
        limit = min(max_expense, by_cap)
        expense = min(left, limit)
        bound = None
        if expense < left:
            bound = "cap" if by_cap < max_expense else "max_expense"
        parts.append(Part(comp, rate, expense, rate * expense, bound))
        left -= expense
    return parts


def estimate(scheme, p: Profile, budget: float | None = None) -> dict | None:
    """The largest aid for the programme's expenses, with how it was computed (or None)."""
    f = scheme.funding
    projects = projects_of(p)
    terms = _terms(scheme, projects)
    answered = answer_components(scheme, p)
    if answered and terms is None:
        terms = _terms(scheme, None)  # a budget beside the hire: the other expenses
    if budget is None:
        budget = _budget(p)
        if budget is None and answered and budget_nil(p):
            budget = 0  # the hire is the only project: no other expense
    if (terms is None and not answered) or budget is None:
        return None
    if any(v is None for _, v in answered):
        return None  # an expense still unknown: no amount yet
    limited: list[dict] = []
    total = budget + sum(v for _, v in answered)
    room = f.max_expense_eur if f.max_expense_eur is not None else INF
    if total > room:
        limited.append({"kind": "max_expense", "amount_eur": f.max_expense_eur})
    below_minimum = f.min_expense_eur is not None and total < f.min_expense_eur
    parts: list[Part] = []
    if not below_minimum:
        parts = _answer_parts(answered, room)
        room -= sum(x.expense for x in parts)
        if terms:
            parts += spread(terms, min(budget, room))
    amount = sum(x.amount for x in parts)
    if below_minimum:
        limited.append({"kind": "min_expense", "amount_eur": f.min_expense_eur})
    for x in parts:
        if x.limit:
            cap = x.component.cap_eur if x.limit == "cap" else x.component.max_expense_eur
            limited.append(
                {
                    "kind": "component_" + x.limit,
                    "component": x.component.id if x.component else None,
                    "amount_eur": cap,
                }
            )
    if f.cap_eur is not None and amount > f.cap_eur:
        amount = f.cap_eur
        limited.append({"kind": "cap", "amount_eur": f.cap_eur})
    equity = p.answers.get("equity_eur")
    if f.equity_cap and isinstance(equity, (int, float)) and amount > equity:
        amount = equity
        limited.append({"kind": "equity", "amount_eur": equity})
    rates = {x.rate for x in parts} or {t[1] for t in terms or ()} or {c.rate for c, _ in answered}
    return {
        "amount_eur": int(math.floor(amount + 1e-9)),
        "base_eur": _num(total) if answered else budget,
        "rate": rates.pop() if len(rates) == 1 else None,
        "component": parts[0].component.id if parts and parts[0].component else None,
        "parts": [
            {
                "component": x.component.id if x.component else None,
                "rate": x.rate,
                "expense_eur": _num(x.expense),
                "amount_eur": _num(x.amount),
                "limited_by": x.limit,
            }
            for x in parts
        ],
        "cap_eur": f.cap_eur,
        "limited_by": limited,
        "equity_cap_unchecked": bool(f.equity_cap and equity is None),
    }


def _num(x: float):
    return int(x) if float(x).is_integer() else round(x, 2)


def ceiling(scheme, p: Profile) -> float | None:
    """The most the scheme can pay this company from any budget (None: no ceiling given);
    an answered component (the hire) at its answer, or at its limit while unknown."""
    projects = projects_of(p)
    terms = _terms(scheme, projects)
    answered = answer_components(scheme, p)
    if answered and terms is None:
        terms = _terms(scheme, None)
    if answered and budget_nil(p):
        terms = None  # the hire is the only project: no budget beside it
    if terms is None and not answered:
        return None
    f = scheme.funding
    room = f.max_expense_eur if f.max_expense_eur is not None else INF
    parts = _answer_parts([(c, INF if v is None else v) for c, v in answered], room)
    room -= sum(x.expense for x in parts)
    if terms:
        parts += spread(terms, room)
    total = sum(x.amount for x in parts if x.rate > 0)
    if f.cap_eur is not None:
        total = min(total, f.cap_eur)
    equity = p.answers.get("equity_eur")
    if f.equity_cap and isinstance(equity, (int, float)):
        total = min(total, equity)
    return None if total == INF else total


def potential(scheme) -> float:
    """The most the scheme can pay from a budget, for anyone (ranks questions)."""
    c = ceiling(scheme, Profile({}))
    return float(c) if c is not None else 0.0


def off_budget(scheme, p: Profile) -> list[dict]:
    """Ceilings that do not come from the budget (a hire's salary), for display: never
    above the scheme's own cap; none for a component the estimate already counts."""
    counted = {c.id for c, v in answer_components(scheme, p) if v is not None}
    f = scheme.funding
    out = []
    for c in off_budget_components(scheme, projects_of(p)):
        if c.id in counted:
            continue
        top = c.cap_eur
        if top is None and c.rate is not None and c.max_expense_eur is not None:
            top = c.rate * c.max_expense_eur
        if top is not None and f.cap_eur is not None:
            top = min(top, f.cap_eur)
        out.append(
            {
                "component": c.id,
                "rate": c.rate,
                "cap_eur": c.cap_eur,
                "max_expense_eur": c.max_expense_eur,
                "ceiling_eur": _num(top) if top is not None else None,
            }
        )
    return out


# --------------------------------------------------------------------------- covers


def cover(scheme, p: Profile, outcome_of) -> dict | None:
    """What an insurance, a guarantee or a loan is for this company, in numbers.

    ``outcome_of(node, profile)`` is the engine's three-valued test, passed in to keep
    this module free of the rules.
    """
    c = scheme.funding.cover
    if c is None:
        return None
    out: dict = {"kind": c.kind, "quota_is_max": c.quota_is_max}
    # the share guaranteed: the first rule that holds; several while undecided
    options, rules = [], []
    for i, rule in enumerate(c.quota):
        res = "met" if rule.when is None else outcome_of(rule.when, p)
        if res == "unmet":
            continue
        options.append(rule.rate)
        rules.append(i)  # which rule: its label says what the share is of
        if res == "met":
            break
    out["quota"] = options[0] if len(options) == 1 else None
    out["quota_options"] = options
    out["quota_rules"] = rules
    turnover = p.answers.get("turnover_eur")
    limit = c.budget_max_eur
    if c.budget_turnover_rate is not None:
        if isinstance(turnover, (int, float)):
            by_turnover = c.budget_turnover_rate * turnover
            limit = by_turnover if limit is None else min(limit, by_turnover)
    out["budget_limit_eur"] = _num(limit) if limit is not None else None
    budget = _budget(p)
    covered = None
    if c.on_budget and budget is not None:
        covered = budget if limit is None else min(budget, limit)
    out["covered_eur"] = _num(covered) if covered is not None else None
    q = out["quota"]
    out["indemnity_max_eur"] = (
        int(math.floor(q * covered + 1e-9)) if q is not None and covered is not None else None
    )
    premium = None
    pr = c.premium
    if pr is not None and pr.rate is not None and covered is not None:
        if pr.base in ("covered-expenses", "guaranteed-budget"):
            premium = pr.rate * covered
            if pr.min_eur is not None:
                premium = max(premium, pr.min_eur)
    out["premium_eur"] = _num(premium) if premium is not None else None
    out["max_eur"] = c.max_eur
    out["loan_min_eur"] = c.loan_min_eur
    out["loan_max_eur"] = c.loan_max_eur
    equity = p.answers.get("equity_eur")
    if c.equity_limit and c.loan_max_eur is not None and isinstance(equity, (int, float)):
        # equity and quasi-equity bound the loan: equity alone allows at least this
        out["equity_eur"] = equity
        out["loan_within_equity_eur"] = _num(min(c.loan_max_eur, equity))
    return out
