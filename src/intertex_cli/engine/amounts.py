"""Amounts: what a scheme can pay for a budget, and how it was computed.

Pure: reads a scheme's ``funding`` and the profile's answers, nothing else.
"""

from __future__ import annotations

import math

from .profile import Profile


def budget_terms(scheme):
    """(rate, caps, component) that apply to the project budget, or None."""
    f = scheme.funding
    comp = next((c for c in f.components if c.applies_to_budget), None)
    rate = comp.rate if comp is not None and comp.rate is not None else f.rate
    if rate is None:
        return None
    caps = [c for c in ((comp.cap_eur if comp else None), f.cap_eur) if c is not None]
    return rate, caps, comp


def estimate(scheme, p: Profile) -> dict | None:
    """The largest aid for the project budget: rate × budget within every cap."""
    terms = budget_terms(scheme)
    budget = p.answers.get("project_budget_eur")
    if terms is None or budget is None:
        return None
    rate, caps, comp = terms
    applied = []
    base = budget
    limit = comp.max_expense_eur if comp is not None else None
    if limit is not None and base > limit:
        base, applied = limit, [("expenses", limit)]
    amount = rate * base
    for cap in caps:
        if amount > cap:
            amount, applied = cap, applied + [("cap", cap)]
    equity = p.answers.get("equity_eur")
    if scheme.funding.equity_cap and equity is not None and amount > equity:
        amount, applied = equity, applied + [("equity", equity)]
    return {
        "amount_eur": int(math.floor(amount + 1e-9)),
        "rate": rate,
        "base_eur": budget,
        "component": comp.id if comp else None,
        "limited_by": [{"kind": k, "amount_eur": v} for k, v in applied],
        "equity_cap_unchecked": bool(scheme.funding.equity_cap and equity is None),
    }


def potential(scheme) -> float:
    """The most the scheme can pay from a budget (for ranking questions)."""
    terms = budget_terms(scheme)
    if terms is None:
        return 0.0
    rate, caps, comp = terms
    if caps:
        return float(min(caps))
    if comp is not None and comp.max_expense_eur is not None:
        return rate * comp.max_expense_eur
    hi = scheme.funding.max_expense_eur
    return rate * hi if hi else 0.0
