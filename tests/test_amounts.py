"""The guide's amounts at their boundaries (tests/amounts/*.yaml): aid and covers.

Each item gives answers, the page of the card, and what the engine must find: the aid
(`amount_eur`, the contract's estimate.amount_eur) and, for insurances, guarantees and
loans, what the cover is for this company (budget covered, share, indemnity, premium,
loan bounds). The items were written from the guide by the people who re-read each
group of cards.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from intertex_cli import answers as ans
from intertex_cli.engine.amounts import cover
from intertex_cli.engine.rules import evaluate_scheme, outcome_of

FILES = sorted((Path(__file__).parent / "amounts").glob("*.yaml"))


def _items():
    for path in FILES:
        for i, item in enumerate(yaml.safe_load(path.read_text(encoding="utf-8"))):
            yield pytest.param(item, id=f"{path.stem}:{i}:{item['scheme']}")


@pytest.fixture(params=["validated", "cached"])
def any_catalog(request, catalog, cached_catalog):
    return catalog if request.param == "validated" else cached_catalog


@pytest.mark.parametrize("item", list(_items()))
def test_amount(any_catalog, item):
    scheme = any_catalog.schemes[item["scheme"]]
    pages = scheme.source.pages or [scheme.source.page]
    assert min(pages) <= item["page"] <= max(pages), "the page is the card's"
    p, _ = ans.parse(item["answers"], "<item>")
    r = evaluate_scheme(scheme, p)
    if "amount_eur" in item:
        got = (r.estimate or {}).get("amount_eur")
        assert got == item["amount_eur"], (item.get("why"), r.verdict, r.estimate)
    if "cover" in item:
        c = cover(scheme, p, outcome_of)
        assert c is not None
        for key, want in item["cover"].items():
            assert c.get(key) == want, (key, item.get("why"), c)


def test_every_scheme_that_pays_has_amounts(catalog):
    covered = {i["scheme"] for f in FILES for i in yaml.safe_load(f.read_text(encoding="utf-8"))}
    for s in catalog.schemes.values():
        pays = (
            s.funding.rate is not None
            or s.funding.cover is not None
            or any(c.rate is not None for c in s.funding.components)
        )
        if pays:
            assert s.id in covered, s.id


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {"projects": ["export-hire"]},
        {"projects": ["export-hire", "trade-fairs"], "project_budget_eur": 30000},
    ],
)
def test_no_hire_line_shows_more_than_the_scheme_cap(catalog, answers):
    """The 80 000 € of pp. 6 and 8 is a yearly ceiling on the salary taken into account,
    not an amount: a line outside the budget never shows more than the scheme's cap."""
    from intertex_cli.engine.amounts import off_budget
    from intertex_cli.views.words import off_budget_text

    p, _ = ans.parse(answers, "<answers>")
    for s in catalog.schemes.values():
        cap = s.funding.cap_eur
        for x in off_budget(s, p):
            if cap is not None and x["ceiling_eur"] is not None:
                assert x["ceiling_eur"] <= cap, (s.id, x)
    pass_export = catalog.schemes["pass-export-occ"]
    lines = off_budget_text(off_budget(pass_export, p), pass_export, "fr")
    assert lines and all("jusqu'à 20 000 €" in x and "40 000" not in x for x in lines), lines


def test_a_hire_cost_given_is_counted_not_shown_as_a_ceiling(catalog):
    from intertex_cli.engine.amounts import off_budget

    p, _ = ans.parse({"projects": ["export-hire"], "hire_cost_eur": 30000}, "<answers>")
    scheme = catalog.schemes["pass-export-occ"]
    assert off_budget(scheme, p) == []
    parts = evaluate_scheme(scheme, p).estimate["parts"]
    assert [(x["component"], x["expense_eur"]) for x in parts] == [("new-export-function", 30000)]
