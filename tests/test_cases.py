"""Cases as data: company profiles and the verdicts the guide implies (tests/cases/*.yaml)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from intertex_cli import answers as prof
from intertex_cli.catalog.dated import at
from intertex_cli.engine.rules import evaluate_scheme

CASES = sorted((Path(__file__).parent / "cases").glob("*.yaml"))


def _expectations():
    for path in CASES:
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        day = case.get("date")  # the day of the assessment: the cards' terms that day
        for scheme_id, exp in case["expect"].items():
            yield pytest.param(
                path, case["profile"], scheme_id, exp, day, id=f"{path.stem}:{scheme_id}"
            )


@pytest.fixture(params=["validated", "cached"])
def any_catalog(request, catalog, cached_catalog):
    return catalog if request.param == "validated" else cached_catalog


@pytest.mark.parametrize("path,answers,scheme_id,exp,day", list(_expectations()))
def test_case(any_catalog, path, answers, scheme_id, exp, day):
    catalog = any_catalog
    p, _ = prof.parse(answers, str(path))
    scheme = catalog.schemes[scheme_id]
    if day is not None:
        scheme = at(scheme, date.fromisoformat(str(day)))
    r = evaluate_scheme(scheme, p)
    assert exp["page"] == scheme.source.page or exp["page"] in scheme.source.pages, (
        "page of the card"
    )
    assert r.verdict == exp["verdict"], [(c.criterion.id, c.result) for c in r.criteria]
    if "because" in exp:
        assert exp["because"] in [c.criterion.id for c in r.unmet]
    if "missing" in exp:
        assert set(exp["missing"]) <= set(r.missing), r.missing
    if "estimate" in exp:
        got = r.estimate["amount_eur"] if r.estimate else None
        assert got == exp["estimate"]


def test_enough_cases():
    assert len(CASES) >= 25


def test_every_scheme_has_an_eligible_case_and_an_ineligible_one_where_possible(catalog):
    seen: dict[str, set] = {}
    for path in CASES:
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        for sid, exp in case["expect"].items():
            seen.setdefault(sid, set()).add(exp["verdict"])
    for sid, scheme in catalog.schemes.items():
        assert "eligible" in seen.get(sid, set()), sid
        if scheme.criteria:  # no criterion on the company: nobody can be ineligible
            assert "ineligible" in seen.get(sid, set()), sid
