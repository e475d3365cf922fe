"""The engine directly: domains, three-valued tests, verdicts, missing answers, estimates."""

from __future__ import annotations

import pytest

from intertex_cli.answers import parse
from intertex_cli.catalog.models import Criterion, Scheme
from intertex_cli.engine import geo
from intertex_cli.engine.rules import (
    MET,
    UNKNOWN,
    UNMET,
    Num,
    Profile,
    check_domain,
    domain,
    evaluate_scheme,
    size_class_of,
)


def P(**answers) -> Profile:
    return parse(answers)[0]


@pytest.mark.parametrize(
    "h,t,b,expected",
    [
        (9, 2_000_000, 99e9, "micro"),
        (9, 99e9, 2_000_000, "micro"),
        (10, 1, 1, "small"),
        (9, 2_000_001, 2_000_001, "small"),
        (49, 10_000_000, 1, "small"),
        (50, 1, 1, "medium"),
        (249, 50_000_000, 99e9, "medium"),
        (249, 50_000_001, 43_000_000, "medium"),
        (249, 50_000_001, 43_000_001, "intermediate"),
        (250, 1, 1, "intermediate"),
        (4999, 1_500_000_000, 1, "intermediate"),
        (5000, 1, 1, "large"),
        (10, 1_500_000_001, 2_000_000_001, "large"),
    ],
)
def test_size_class_boundaries(h, t, b, expected):
    assert size_class_of(h, t, b) == expected


def test_not_independent_is_at_least_intermediate():
    d = domain(
        "size_class",
        P(headcount=20, turnover_eur=1e6, balance_sheet_total_eur=1e6, independent=False),
    )
    assert d.values == {"intermediate", "large"}


def test_partial_size_class_is_a_range():
    d = domain("size_class", P(headcount=20, turnover_eur=3e6))
    assert d.values == {"small", "intermediate", "large"}  # independence unknown
    d = domain("size_class", P(headcount=20, turnover_eur=3e6, independent=True))
    assert d.values == {"small"}


def test_region_and_former_region_derived_from_department():
    p = P(department="81")
    assert p.answers["region"] == "occitanie"
    assert domain("former_region", p).values == {"midi-pyrenees"}
    assert domain("former_region", P(region="nouvelle-aquitaine")).values == {
        "aquitaine",
        "limousin",
        "poitou-charentes",
    }
    assert len(geo.DEPARTMENTS) == 101


def test_export_share_bounds():
    assert domain("export_share", P(turnover_eur=1000, export_turnover_eur=100)) == Num(0.1, 0.1)
    assert domain("export_share", P(export_turnover_eur=0)) == Num(0, 0)
    d = domain("export_share", P(turnover_eur=1000))
    assert (d.lo, d.hi) == (0, 1)
    # an export turnover bounds the turnover from below
    assert domain("turnover_eur", P(export_turnover_eur=2_000_000)).lo == 2_000_000


@pytest.mark.parametrize(
    "op,arg,lo,hi,expected",
    [
        ("lt", 10, 0, 9, MET),
        ("lt", 10, 10, 20, UNMET),
        ("lt", 10, 5, 15, UNKNOWN),
        ("le", 10, 10, 10, MET),
        ("ge", 10, 10, 99, MET),
        ("gt", 10, 10, 10, UNMET),
        ("eq", 3, 3, 3, MET),
        ("eq", 3, 4, 9, UNMET),
        ("ne", 3, 4, 9, MET),
    ],
)
def test_numeric_tests(op, arg, lo, hi, expected):
    assert check_domain(op, arg, Num(lo, hi)) == expected


def _scheme(*criteria) -> Scheme:
    return Scheme.model_validate(
        {
            "id": "x",
            "title": "X",
            "agency": "a",
            "regions": ["national"],
            "support_type": "subsidy",
            "description": "d",
            "beneficiaries_text": "b",
            "projects": [{"id": "trade-fairs", "quote": "salons", "page": 6}],
            "steps": [{"id": "ask", "text": "Demandez.", "text_en": "Ask.", "page": 6}],
            "criteria": [
                {"id": f"c{i}", "quote": "quote", "page": 6, "rule": rule}
                for i, rule in enumerate(criteria)
            ],
            "funding": {"rate": 0.5, "cap_eur": 20000, "equity_cap": True},
            "source": {"document": "g", "page": 6, "date": "2017"},
            "status": {"value": "not-checked"},
        }
    )


def test_any_is_met_as_soon_as_one_branch_is():
    s = _scheme(
        {"any": [{"fact": "export_share", "lt": 0.1}, {"fact": "has_export_strategy", "eq": False}]}
    )
    r = evaluate_scheme(s, P(has_export_strategy=False))
    assert r.verdict == "eligible" and r.missing == []
    r = evaluate_scheme(s, P(has_export_strategy=True))
    assert r.verdict == "unknown" and set(r.missing) == {"export_turnover_eur", "turnover_eur"}


def test_ineligible_as_soon_as_one_criterion_is_unmet_whatever_is_unknown():
    s = _scheme({"fact": "headcount", "lt": 250}, {"fact": "financially_sound", "eq": True})
    r = evaluate_scheme(s, P(headcount=300))
    assert r.verdict == "ineligible" and r.missing == []
    assert [c.criterion.id for c in r.unmet] == ["c0"]
    assert r.criteria[0].outcome.used == {"headcount": 300}


def test_unknown_lists_only_what_can_still_decide():
    s = _scheme({"fact": "size_class", "in": ["micro", "small", "medium", "intermediate"]})
    r = evaluate_scheme(s, P(headcount=20, turnover_eur=3e6))
    assert r.verdict == "unknown" and r.missing == ["independent"]
    # after "not independent", the group decides: nothing in the questionnaire can
    r = evaluate_scheme(s, P(headcount=20, turnover_eur=3e6, independent=False))
    assert r.verdict == "unknown" and r.missing == []


def test_a_skipped_answer_is_still_missing_but_never_asked_again():
    from intertex_cli.engine.planner import next_question

    s = _scheme({"fact": "headcount", "lt": 250})
    p = Profile({}, frozenset({"headcount"}))
    r = evaluate_scheme(s, p)
    assert r.verdict == "unknown" and r.missing == ["headcount"]
    assert next_question([s], p) == "project_budget_eur"  # it decides the amount
    done = Profile({}, frozenset({"headcount", "project_budget_eur"}))
    assert next_question([s], done) is None


def test_estimate_rate_cap_and_equity():
    s = _scheme()
    assert evaluate_scheme(s, P(project_budget_eur=30000)).estimate["amount_eur"] == 15000
    assert evaluate_scheme(s, P(project_budget_eur=100000)).estimate["amount_eur"] == 20000
    est = evaluate_scheme(s, P(project_budget_eur=30000, equity_eur=4000)).estimate
    assert est["amount_eur"] == 4000 and est["limited_by"][-1]["kind"] == "equity"
    assert evaluate_scheme(s, P()).estimate is None


def test_no_estimate_when_ineligible(catalog):
    r = evaluate_scheme(
        catalog.schemes["pass-export-occ"], P(department="33", project_budget_eur=30000)
    )
    assert r.verdict == "ineligible" and r.estimate is None


def test_conditions_never_decide_but_are_reported(catalog):
    s = catalog.schemes["pass-export-na"]
    r = evaluate_scheme(
        s,
        P(
            department="33",
            headcount=20,
            turnover_eur=3e6,
            independent=True,
            activity="manufacturing",
            export_turnover_eur=0,
            closed_fiscal_years=2,
            months_of_activity=30,
        ),
    )
    assert r.verdict == "eligible"
    assert any(c.kind == "prerequisite" for c in r.conditions)


def test_conditional_condition_shown_only_when_it_may_apply(catalog):
    s = catalog.schemes["cap-international-na"]
    small = evaluate_scheme(s, P(headcount=20))
    big = evaluate_scheme(s, P(headcount=150))
    assert len(big.conditions) == len(small.conditions) + 1


def test_status_does_not_change_the_verdict(catalog):
    r = evaluate_scheme(
        catalog.schemes["credit-impot-export"],
        P(
            headcount=20,
            turnover_eur=3e6,
            independent=True,
            taxed_on_real_profit=True,
            project_budget_eur=30000,
        ),
    )
    assert r.verdict == "eligible" and r.estimate["amount_eur"] == 15000


def test_criterion_model_refuses_operator_on_wrong_kind():
    with pytest.raises(ValueError):
        Criterion.model_validate(
            {"id": "a", "quote": "abc", "page": 6, "rule": {"fact": "activity", "lt": 3}}
        )
    with pytest.raises(ValueError):
        Criterion.model_validate(
            {"id": "a", "quote": "abc", "page": 6, "rule": {"fact": "headcount"}}
        )
