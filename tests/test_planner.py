"""The compiled engine and the planner decide exactly as the engine did before them.

tests/oracle/ keeps rules.py and planner.py as they were before the engine was
compiled (issue #7, "A 5,000-scheme catalogue"): the oracle. On the shipped catalogue
and on a synthetic one (benchmarks/synthetic.py: copies with other thresholds,
amounts and regions), for profiles hypothesis draws, the verdicts, the ``missing``
lists, the probe values, the next question and the ``asked`` list must be the same.
"""

from __future__ import annotations

import importlib.util

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intertex_cli.answers import read_file
from intertex_cli.catalog import loader
from intertex_cli.engine import planner
from intertex_cli.engine.profile import Range
from intertex_cli.engine.rules import Profile, evaluate
from tests.oracle import planner_v0 as old_planner
from tests.oracle import rules_v0 as old_rules
from tests.test_properties import full_profiles, partial_of
from tests.test_ranges import ranged

from .conftest import ROOT


@pytest.fixture(scope="session")
def synthetic(tmp_path_factory):
    """56 schemes: the 28 real ones and a copy of each with other numbers and regions."""
    spec = importlib.util.spec_from_file_location("synthetic", ROOT / "benchmarks" / "synthetic.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    d = mod.generate(56, tmp_path_factory.mktemp("synthetic"), seed=11)
    return tuple(loader.load(d).schemes.values())


def _same_evaluation(schemes, p: Profile) -> None:
    new = [(r.id, r.verdict, r.missing, r.estimate) for r in evaluate(schemes, p)]
    old = [(r.id, r.verdict, r.missing, r.estimate) for r in old_rules.evaluate(schemes, p)]
    assert new == old
    # criteria and conditions, made when first read, as the engine made them at once
    new = [_explained(r) for r in evaluate(schemes, p)]
    assert new == [_explained(r) for r in old_rules.evaluate(schemes, p)]


def _explained(r) -> tuple:
    crits = [(c.criterion.id, c.result, c.outcome.used, c.outcome.missing) for c in r.criteria]
    return r.id, crits, [c.id for c in r.conditions]


def _same_question(schemes, p: Profile) -> None:
    assert planner.next_question(schemes, p) == old_planner.next_question(schemes, p), p


def _same_probes(schemes, p: Profile) -> None:
    for key in ("turnover_eur", "export_turnover_eur", "headcount", "department", "activity"):
        assert planner.probes(key, p, schemes) == old_planner.probes(key, p, schemes)


def _profile(data, partial: bool) -> Profile:
    full = data.draw(full_profiles())
    return data.draw(partial_of(full)) if partial else full


SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.data())
def test_same_verdicts_missing_and_next_question(schemes, data):
    p = _profile(data, partial=True)
    _same_evaluation(schemes, p)
    _same_probes(schemes, p)
    _same_question(schemes, p)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_same_questions_asked(schemes, data):
    full = _profile(data, partial=data.draw(st.booleans()))
    assert planner.plan(schemes, full) == old_planner.plan(schemes, full)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_same_on_a_catalogue_with_other_thresholds(synthetic, data):
    p = _profile(data, partial=True)
    _same_evaluation(synthetic, p)
    _same_probes(synthetic, p)
    _same_question(synthetic, p)


def test_same_at_every_step_of_a_questionnaire(schemes, synthetic):
    """One answer after the other, as the wizard asks: kept states are reused."""
    full, _ = read_file(str(ROOT / "examples" / "tissage-tarn.yaml"))
    for cat in (schemes, synthetic):
        p = Profile({}, frozenset())
        while True:
            key = planner.next_question(cat, p)
            assert key == old_planner.next_question(cat, p), p
            if key is None:
                break
            p = planner.answer_from(full, key, p)
            _same_evaluation(cat, p)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_same_with_ranges_and_a_size_class(schemes, synthetic, data):
    """Answers files may give ranges ({min, max}) and the size class directly."""
    _, p = data.draw(ranged())
    if data.draw(st.booleans()):
        lo, hi = sorted(data.draw(st.lists(st.sampled_from(range(5)), min_size=2, max_size=2)))
        sizes = ("micro", "small", "medium", "intermediate", "large")
        p = Profile(p.answers, p.skipped, {**p.ranges, "size_class": Range(sizes[lo], sizes[hi])})
    for cat in (schemes, synthetic):
        _same_evaluation(cat, p)
        _same_question(cat, p)
    assert planner.plan(schemes, p) == old_planner.plan(schemes, p)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_part_of_the_catalogue_decides_as_if_compiled_alone(synthetic, data):
    """Rules are compiled once per scheme and states shared (compiled._Rules): the
    planner on any part of a catalogue compiled before, one part after the other,
    asks what the old planner asks on that part alone."""
    from intertex_cli.engine import compiled

    planner.next_question(synthetic, Profile({}, frozenset()))  # the whole, first
    p = _profile(data, partial=True)
    for _ in range(3):
        keep = data.draw(st.lists(st.booleans(), min_size=len(synthetic), max_size=len(synthetic)))
        part = tuple(s for s, k in zip(synthetic, keep) if k)
        assert planner.next_question(part, p) == old_planner.next_question(part, p), p
        assert planner.probes("turnover_eur", p, part) == old_planner.probes(
            "turnover_eur", p, part
        )
        undecided = sum(1 for r in old_rules.evaluate(part, p) if r.verdict == "unknown")
        assert planner.progress(part, p) == (len(part) - undecided, undecided)
    assert all(cs is compiled._RULES.scheme(cs.scheme)[0] for cs in compiled.compiled(part).items)


def test_the_schemes_in_question_are_those_serving_the_projects(synthetic):
    from intertex_cli.engine.assess import question_schemes
    from intertex_cli.engine.plan import ended, relevant

    for projects in (None, ["trade-fairs"], ["prospection", "recruit-export-staff"], []):
        p = Profile({} if projects is None else {"projects": projects}, frozenset())
        want = tuple(
            s
            for s in synthetic
            if not ended(s)
            and relevant(s, None if projects is None else set(projects)) is not False
        )
        assert question_schemes(synthetic, p) == want
        assert question_schemes(synthetic, p) is question_schemes(synthetic, p)  # kept


def test_prepare_compiles_every_current_scheme_and_never_raises(synthetic):
    from intertex_cli.engine import compiled
    from intertex_cli.engine.assess import question_schemes
    from intertex_cli.wizard import prepare

    compiled._RULES = compiled._Rules()
    prepare(synthetic)
    current = question_schemes(synthetic, Profile({}, frozenset()))
    assert {id(s) for s in current} <= set(compiled._RULES.schemes)
    prepare(("not a scheme",))  # a head start only: nothing is raised
