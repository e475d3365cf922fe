"""Ranges as answers (contract §2): ``{min, max}`` for number keys, and the size class."""

from __future__ import annotations

import json
import math
import re

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from intertex_cli.answers import parse, to_file_data
from intertex_cli.cli import app
from intertex_cli.engine.profile import Profile, Range
from intertex_cli.engine.rules import (
    MET,
    UNKNOWN,
    UNMET,
    Num,
    check_domain,
    domain,
    evaluate,
    evaluate_scheme,
)
from intertex_cli.errors import AnswersError
from intertex_cli.questions import split_range

from .test_properties import full_profiles

NUMBER_KEYS = (
    "headcount",
    "turnover_eur",
    "export_turnover_eur",
    "balance_sheet_total_eur",
    "months_of_activity",
    "closed_fiscal_years",
    "equity_eur",
    "project_budget_eur",
)


def P(**answers) -> Profile:
    return parse(answers)[0]


def by_id(schemes, p):
    return {r.id: r for r in evaluate(schemes, p)}


# ----------------------------------------------------------------- the tests on an interval


@pytest.mark.parametrize(
    "op,arg,lo,hi,expected",
    [
        # lt 250: met when the whole range is below, unmet when it is all at or above
        ("lt", 250, 20, 249, MET),
        ("lt", 250, 20, 250, UNKNOWN),
        ("lt", 250, 249, 250, UNKNOWN),
        ("lt", 250, 250, 300, UNMET),
        ("lt", 250, 250, math.inf, UNMET),
        ("le", 40_000, 10_000, 40_000, MET),
        ("le", 40_000, 10_000, 40_001, UNKNOWN),
        ("le", 40_000, 40_001, 50_000, UNMET),
        ("ge", 10_000, 10_000, 40_000, MET),
        ("ge", 10_000, 9_999, 40_000, UNKNOWN),
        ("ge", 10_000, 0, 9_999, UNMET),
        ("gt", 36, 37, math.inf, MET),
        ("gt", 36, 36, 48, UNKNOWN),
        ("gt", 36, 0, 36, UNMET),
        ("eq", 5, 5, 5, MET),
        ("eq", 5, 4, 6, UNKNOWN),
        ("eq", 5, 6, 9, UNMET),
        ("ne", 5, 6, 9, MET),
        ("in", [1, 2], 1, 2, UNKNOWN),
        ("in", [1, 2], 3, 9, UNMET),
    ],
)
def test_a_test_on_a_range_at_every_bound(op, arg, lo, hi, expected):
    assert check_domain(op, arg, Num(lo, hi)) == expected


# ----------------------------------------------------------------- on the catalogue

TARN = dict(
    department="81",
    independent=True,
    financially_sound=True,
    activity="manufacturing",
    legal_form="company",
    months_of_activity=240,
    closed_fiscal_years=19,
    has_export_strategy=True,
    taxed_on_real_profit=True,
)


@pytest.mark.parametrize(
    "headcount,verdict,missing",
    [
        ({"min": 20, "max": 49}, "eligible", False),
        ({"max": 249}, "eligible", False),
        ({"min": 200, "max": 249}, "eligible", False),
        ({"min": 200, "max": 250}, "unknown", True),
        ({"min": 249}, "unknown", True),
        ({"min": 250}, "ineligible", False),
        ({"min": 250, "max": 499}, "ineligible", False),
    ],
)
def test_headcount_range_against_fewer_than_250(schemes, headcount, verdict, missing):
    """Pass Export Occitanie: « moyennes entreprises … de 50 à moins de 250 salariés »."""
    p = P(**TARN, headcount=headcount, project_budget_eur=30_000)
    r = by_id(schemes, p)["pass-export-occ"]
    assert r.verdict == verdict
    assert ("headcount" in r.missing) is missing


@pytest.mark.parametrize(
    "budget,verdict",
    [
        ({"min": 10_000, "max": 40_000}, "eligible"),
        ({"min": 9_999, "max": 40_000}, "unknown"),
        ({"min": 10_000, "max": 40_001}, "unknown"),
        ({"max": 9_999}, "ineligible"),
        ({"min": 40_001}, "ineligible"),
    ],
)
def test_budget_range_against_its_bounds_and_no_estimate(schemes, budget, verdict):
    p = P(**TARN, headcount=20, project_budget_eur=budget)
    r = by_id(schemes, p)["pass-export-occ"]
    assert r.verdict == verdict
    assert ("project_budget_eur" in r.missing) is (verdict == "unknown")
    assert r.estimate is None  # a budget range gives no amount: the estimate needs a budget


def test_a_range_with_equal_bounds_is_an_exact_answer():
    p = P(headcount={"min": 20, "max": 20})
    assert p.answers["headcount"] == 20 and "headcount" not in p.ranges


def test_turnover_and_export_ranges_bound_each_other():
    p = P(turnover_eur={"max": 1_000_000}, export_turnover_eur={"min": 200_000})
    assert domain("turnover_eur", p) == Num(200_000, 1_000_000)
    assert domain("export_turnover_eur", p) == Num(200_000, 1_000_000)
    share = domain("export_share", p)
    assert share.lo == pytest.approx(0.2) and share.hi == 1.0


def test_export_share_on_ranges(schemes):
    """« part export < 10 % »: 50–90 k€ of exports on 1–2 M€ of turnover is 2.5 %–9 %."""
    p = P(turnover_eur={"min": 1_000_000, "max": 2_000_000}, export_turnover_eur=90_000)
    share = domain("export_share", p)
    assert share.lo == pytest.approx(0.045) and share.hi == pytest.approx(0.09)
    assert check_domain("lt", 0.1, share) == MET


@pytest.mark.parametrize(
    "data,why",
    [
        ({"headcount": {"min": 50, "max": 20}}, "min (50) is more than max (20)"),
        ({"headcount": {}}, "a range needs min, max or both"),
        ({"headcount": {"min": 2, "maxi": 3}}, 'not "maxi"'),
        ({"headcount": {"min": 2.5}}, "whole number"),
        ({"equity_eur": {"min": -1}}, "must be ≥ 0"),
        ({"activity": {"min": 1}}, "is not one of"),
        (
            {"turnover_eur": {"max": 1_000_000}, "export_turnover_eur": {"min": 2_000_000}},
            "export_turnover_eur (≥ 2000000) is more than turnover_eur (≤ 1000000)",
        ),
        ({"size_class": "tiny"}, "is not one of: micro, small, medium"),
        ({"size_class": {"min": "medium", "max": "micro"}}, "min (medium) is above max (micro)"),
    ],
)
def test_invalid_ranges_are_input_errors(data, why):
    with pytest.raises(AnswersError) as e:
        parse(data, "f.yaml")
    assert any(why in p.message for p in e.value.problems), e.value.problems


def test_save_writes_ranges_back_as_mappings():
    p = P(headcount={"min": 20, "max": 49}, turnover_eur={"max": 2_000_000}, size_class="small")
    data = to_file_data(p)
    assert data["headcount"] == {"min": 20, "max": 49}
    assert data["turnover_eur"] == {"max": 2_000_000}
    assert data["size_class"] == "small"
    again = parse(yaml.safe_load(yaml.safe_dump(data)))[0]
    assert again.ranges == p.ranges and again.answers == p.answers


# ----------------------------------------------------------------- the size class


def test_size_class_given_narrows_the_derived_class():
    assert domain("size_class", P(size_class="medium")).values == {"medium"}
    pme = P(size_class={"min": "micro", "max": "medium"})
    assert domain("size_class", pme).values == {"micro", "small", "medium"}
    both = P(size_class={"min": "micro", "max": "medium"}, headcount={"min": 20, "max": 49})
    assert domain("size_class", both).values == {"small", "medium"}  # turnover unknown


def test_size_class_decides_without_the_figures(schemes):
    p = P(**TARN, size_class="small", project_budget_eur=30_000)
    r = by_id(schemes, p)["pass-export-occ"]
    assert r.verdict == "eligible"  # « PME indépendantes » read from the size class alone


def test_size_class_contradicting_the_figures_names_both():
    with pytest.raises(AnswersError) as e:
        parse({"size_class": "medium", "headcount": 300, "independent": True}, "f.yaml")
    msg = str(e.value.problems[0])
    assert "size_class" in msg and "headcount 300" in msg and "intermediate" in msg
    with pytest.raises(AnswersError):
        parse({"size_class": "small", "independent": False}, "f.yaml")  # a group: ETI or more


def test_size_missing_respects_the_range(schemes):
    """Headcount 20–49 is small whatever the exact number: only turnover and balance sheet
    can still make it medium or more, so headcount is not missing for a size test."""
    p = P(**TARN, headcount={"min": 20, "max": 49})
    for r in evaluate(schemes, p):
        for c in r.criteria:
            if c.criterion.rule.kind == "fact" and c.criterion.rule.fact == "size_class":
                assert "headcount" not in c.outcome.missing, r.id


# ----------------------------------------------------------------- properties


@st.composite
def ranged(draw):
    """A full profile, and the same with some numbers replaced by a range around them."""
    full = draw(full_profiles())
    answers = dict(full.answers)
    ranges = {}
    for k in draw(st.sets(st.sampled_from(NUMBER_KEYS))):
        v = answers.pop(k)
        below = draw(st.sampled_from([0, 1, 10, 0.5 * v, v]))
        above = draw(st.sampled_from([0, 1, 10, 0.5 * v, v, math.inf]))
        lo, hi = max(0, v - below), v + above
        if k in ("headcount", "months_of_activity", "closed_fiscal_years"):
            lo, hi = math.floor(lo), hi if hi == math.inf else math.ceil(hi)
        ranges[k] = Range(lo, hi)
    return full, Profile(answers, frozenset(), ranges)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ranged())
def test_a_definite_verdict_on_a_range_holds_for_the_exact_value(schemes, pair):
    full, part = pair
    for s in schemes:
        v = evaluate_scheme(s, part)
        if v.verdict != "unknown":
            assert evaluate_scheme(s, full).verdict == v.verdict, (s.id, part.ranges)
        else:
            assert all(k not in part.answers for k in v.missing)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ranged())
def test_every_range_bound_is_a_possible_value(schemes, pair):
    """Ranges at their bounds: when the range decides, each finite bound decides the same."""
    _, part = pair
    for s in schemes:
        v = evaluate_scheme(s, part).verdict
        if v == "unknown":
            continue
        for k, r in part.ranges.items():
            for bound in (r.lo, r.hi):
                if bound == math.inf:
                    continue
                if k == "export_turnover_eur":  # a possible value: not above the turnover
                    bound = min(bound, domain("turnover_eur", part).hi)
                if k == "turnover_eur":  # nor below the export turnover
                    bound = max(bound, domain("export_turnover_eur", part).lo)
                assert evaluate_scheme(s, part.with_value(k, bound)).verdict == v, (s.id, k)


# ----------------------------------------------------------------- the wizard's forms


@pytest.mark.parametrize(
    "text,bounds",
    [
        ("20-49", ("20", "49")),
        ("20 – 49", ("20", "49")),
        ("20 à 49", ("20", "49")),
        ("entre 20 et 49", ("20", "49")),
        ("20 to 49", ("20", "49")),
        ("between 20 and 49", ("20", "49")),
        ("1-2 M€", ("1 M€", "2 M€")),
        ("500 k€ à 2 M€", ("500 k€", "2 M€")),
        ("2 à 3 ans", ("2 ans", "3 ans")),
        ("20", None),
        ("4,2 M", None),
    ],
)
def test_ranges_as_people_type_them(text, bounds):
    assert split_range(text) == bounds


def test_check_json_shows_a_range_as_given(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("headcount: {min: 20, max: 49}\nsize_class: small\n", encoding="utf-8")
    r = CliRunner().invoke(app, ["check", "--answers", str(f), "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["answers"]["headcount"] == {"min": 20, "max": 49}
    assert data["answers"]["size_class"] == "small"
    r = CliRunner().invoke(app, ["check", "--answers", str(f), "--format", "markdown"])
    assert re.search(r"\| effectif salarié +\| 20 à 49 +\|", r.stdout)


@pytest.fixture
def pipe(monkeypatch, tmp_path):
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    monkeypatch.setenv("INTERTEX_INTERACTIVE", "1")
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.chdir(tmp_path)
    with create_pipe_input() as inp, create_app_session(input=inp, output=DummyOutput()):
        yield inp


# every answer but the one typed: the wizard asks only that one
FULL = {
    **TARN,
    "turnover_eur": 3_200_000,
    "export_turnover_eur": 150_000,
    "balance_sheet_total_eur": 2_000_000,
    "had_pass_export": False,
    "has_export_team": False,
    "equity_eur": 900_000,
}


@pytest.mark.parametrize("typed", ["20-49", "entre 20 et 49", "20 to 49"])
def test_the_wizard_takes_a_range_and_saves_it(pipe, tmp_path, typed):
    f = tmp_path / "partial.yaml"
    f.write_text(yaml.safe_dump({**FULL, "project_budget_eur": 30_000}), encoding="utf-8")
    saved = tmp_path / "saved.yaml"
    pipe.send_text("\r" + typed + "\r" + "\r")  # projects: don't know; headcount; review
    r = CliRunner().invoke(
        app,
        ["check", "--answers", str(f), "--ask-missing", "--format", "json", "--save", str(saved)],
    )
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout[r.stdout.index("{") :])
    assert data["answers"]["headcount"] == {"min": 20, "max": 49}
    by = {x["id"]: x for x in data["results"]}
    assert by["pass-export-occ"]["verdict"] == "eligible"
    assert yaml.safe_load(saved.read_text(encoding="utf-8"))["headcount"] == {"min": 20, "max": 49}


def test_the_wizard_takes_an_amount_range(pipe, tmp_path):
    f = tmp_path / "partial.yaml"
    f.write_text(yaml.safe_dump({**FULL, "headcount": 20}), encoding="utf-8")
    pipe.send_text("\r" + "10-40 k€" + "\r" + "\r")
    r = CliRunner().invoke(app, ["check", "--answers", str(f), "--ask-missing", "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout[r.stdout.index("{") :])
    assert data["answers"]["project_budget_eur"] == {"min": 10_000, "max": 40_000}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_size_missing_is_the_same_on_each_class_first_value(data):
    """The size test's missing answers are computed on canonical values (the first value of
    each size-class interval) so that a cache serves many companies: the same answer as on
    the exact values."""
    from intertex_cli.engine.rules import SIZE_PROBES, _canon, _size_missing_cached

    keys = list(SIZE_PROBES)
    amounts = st.sampled_from([0, 1, 2e6, 2e6 + 1, 3e6, 1e7, 1e7 + 1, 4.3e7, 5e7, 5e7 + 1,
                               1.5e9, 1.5e9 + 1, 2e9, 2e9 + 1, 3e9]) | st.floats(0, 4e9)  # fmt: skip
    values = {
        "headcount": st.sampled_from([0, 9, 10, 49, 50, 249, 250, 4999, 5000, 6000])
        | st.integers(0, 9000),
        "turnover_eur": amounts,
        "balance_sheet_total_eur": amounts,
    }
    known, within = [], []
    for k in keys:
        how = data.draw(st.sampled_from(["free", "known", "range"]))
        if k == "independent":
            known.append(data.draw(st.sampled_from([None, True, False])))
            within.append(None)
        elif how == "known":
            known.append(data.draw(values[k]))
            within.append(None)
        elif how == "range":
            lo, hi = sorted((data.draw(values[k]), data.draw(values[k] | st.just(math.inf))))
            known.append(None)
            within.append((lo, hi))
        else:
            known.append(None)
            within.append(None)
    lower = data.draw(amounts)
    if known[1] is not None and lower > known[1]:
        lower = known[1]
    given = data.draw(
        st.sampled_from([None, frozenset(["medium"]), frozenset(["micro", "small", "medium"])])
    )
    ops = data.draw(
        st.sampled_from(
            [
                (("in", ("micro", "small", "medium")),),
                (("in", ("micro", "small", "medium", "intermediate")),),
                (("eq", "intermediate"),),
            ]
        )
    )
    raw = _size_missing_cached(tuple(known), tuple(within), lower, given, ops)
    canon = _size_missing_cached(
        tuple(_canon(k, v) for k, v in zip(keys, known)),
        tuple(
            None if w is None else (_canon(k, w[0]), _canon(k, w[1])) for k, w in zip(keys, within)
        ),
        _canon("turnover_eur", lower),
        given,
        ops,
    )
    assert raw == canon
