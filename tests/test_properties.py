"""Properties of the engine and the questionnaire, for every profile hypothesis finds."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intertex_cli.answers import cross_problems
from intertex_cli.engine import geo
from intertex_cli.engine.planner import plan
from intertex_cli.engine.rules import (
    SIZE_THRESHOLDS,
    UNDECIDED,
    Profile,
    domain,
    evaluate,
    size_class_of,
    verdict_of,
)
from intertex_cli.engine.vocab import ACTIVITIES, ANSWER_FACTS, LEGAL_FORMS

THRESHOLDS = [0, 1, 9, 10, 18, 36, 37, 49, 50, 100, 101, 249, 250, 4999, 5000]
AMOUNTS = [
    0,
    1,
    10_000,
    40_000,
    200_000,
    1_500_000,
    2_000_000,
    10_000_000,
    43_000_000,
    50_000_000,
    150_000_000,
    460_000_000,
    500_000_000,
    1_500_000_000,
    2_000_000_000,
]


HIRES = [0, 9_999, 10_000, 30_000, 39_999, 40_000, 60_000, 80_000, 80_001, 200_001]
PROJECTS = [None, ("export-hire",), ("export-hire", "trade-fairs"), ("trade-fairs",)]


def amount():
    return st.one_of(
        st.sampled_from(AMOUNTS),
        st.sampled_from(AMOUNTS).map(lambda x: x + 1),
        st.integers(0, 3_000_000_000),
        st.floats(0, 3e9, allow_nan=False),
    )


@st.composite
def full_profiles(draw):
    turnover = draw(amount())
    share = draw(st.sampled_from([0, 0.05, 0.0999, 0.1, 0.1001, 1 / 3, 0.5, 1]) | st.floats(0, 1))
    a = {
        "department": draw(st.sampled_from(sorted(geo.DEPARTMENTS))),
        "headcount": draw(st.sampled_from(THRESHOLDS) | st.integers(0, 10_000)),
        "turnover_eur": turnover,
        "export_turnover_eur": turnover * share,
        "balance_sheet_total_eur": draw(amount()),
        "independent": draw(st.booleans()),
        "activity": draw(st.sampled_from(ACTIVITIES)),
        "legal_form": draw(st.sampled_from(LEGAL_FORMS)),
        "months_of_activity": draw(st.sampled_from(THRESHOLDS) | st.integers(0, 600)),
        "financially_sound": draw(st.booleans()),
        "taxed_on_real_profit": draw(st.booleans()),
        "has_export_strategy": draw(st.booleans()),
        "had_pass_export": draw(st.booleans()),
        "has_export_team": draw(st.booleans()),
        "equity_eur": draw(amount()),
        "project_budget_eur": draw(amount()),
        "hire_cost_eur": draw(st.sampled_from(HIRES) | amount()),
    }
    # the projects: unknown, or with the export hire (whose cost then counts), alone or not
    projects = draw(st.sampled_from(PROJECTS))
    if projects is not None:
        a["projects"] = projects
    # a company closes at most one year per 12 months, plus a short first one
    a["closed_fiscal_years"] = draw(st.integers(0, min(5, a["months_of_activity"] // 12 + 1)))
    a["region"] = geo.region_of(a["department"])
    assert not cross_problems(a)
    return Profile(a, frozenset())


@st.composite
def partial_of(draw, full):
    keys = [k for k in ANSWER_FACTS if k != "region"]
    kept = draw(st.sets(st.sampled_from(keys)))
    skipped = draw(st.sets(st.sampled_from(keys)))
    answers = {k: v for k, v in full.answers.items() if k in kept}
    if "projects" in full.answers:  # asked first, before what the rules read
        answers["projects"] = full.answers["projects"]
    if "department" not in answers and draw(st.booleans()):
        answers["region"] = full.answers["region"]  # region given without its département
    elif "department" in answers:
        answers["region"] = full.answers["region"]
    return Profile(answers, frozenset(skipped - kept))


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.data())
def test_a_definite_verdict_stays_for_every_completion(schemes, data):
    full = data.draw(full_profiles())
    part = data.draw(partial_of(full))
    for s in schemes:
        v = verdict_of(s, part)
        if v != UNDECIDED:
            assert verdict_of(s, full) == v, (s.id, part.answers)


@SETTINGS
@given(full_profiles())
def test_a_full_profile_decides_or_nothing_askable_is_missing(schemes, full):
    for r in evaluate(schemes, full):
        assert r.verdict != UNDECIDED or r.missing == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_answering_only_the_asked_questions_gives_the_same_verdicts(schemes, data):
    full = data.draw(full_profiles())
    if data.draw(st.booleans()):
        full = data.draw(partial_of(full))
    asked = plan(schemes, full)
    assert len(asked) == len(set(asked))
    assert "region" not in asked or "department" not in full.answers
    answers = {k: v for k, v in full.answers.items() if k in asked or k == "projects"}
    if "department" in answers:
        answers["region"] = geo.region_of(answers["department"])
    only = Profile(answers, frozenset(k for k in asked if k not in full.answers))
    for s in schemes:
        assert verdict_of(s, only) == verdict_of(s, full), s.id


@SETTINGS
@given(st.data())
def test_the_engine_never_raises(schemes, data):
    full = data.draw(full_profiles())
    part = data.draw(partial_of(full))
    for p in (full, part):
        for r in evaluate(schemes, p):
            assert r.verdict in ("eligible", "ineligible", "unknown")
            if r.estimate is not None:
                assert r.estimate["amount_eur"] >= 0


@SETTINGS
@given(full_profiles())
def test_derived_values_agree_with_their_definitions(full):
    a = full.answers
    size = domain("size_class", full).values
    h, t, b = a["headcount"], a["turnover_eur"], a["balance_sheet_total_eur"]
    if a["independent"]:
        expected = "large"
        for name, staff, t_max, b_max in SIZE_THRESHOLDS:
            if h < staff and (t <= t_max or b <= b_max):
                expected = name
                break
        assert size == {expected} == {size_class_of(h, t, b)}
    else:
        assert size <= {"intermediate", "large"}
    share = domain("export_share", full)
    assert share.lo == share.hi == (a["export_turnover_eur"] / t if t else 0)
    assert domain("region", full).values == {geo.region_of(a["department"])}
