"""The day of the assessment: a card read as it stood on a day (catalog/dated.py).

The guide's terms hold up to its date; a dated change holds from its date on; an
undated change is told, never computed with. Every test pins its day.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from intertex_cli.catalog.dated import at, changes_at, parse_day
from intertex_cli.cli import app
from intertex_cli.errors import UsageError

GUIDE = date(2017, 12, 31)
TODAY = "2026-06-01"
TARN = "examples/tissage-tarn.yaml"


def check(*args: str) -> dict:
    r = CliRunner().invoke(app, ["check", "--answers", TARN, "--format", "json", *args])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_the_guides_day_gives_the_guides_terms():
    data = check("--date", "2017-12-31")
    assert data["date"] == "2017-12-31"
    by = {x["id"]: x for x in data["results"]}
    assert by["credit-impot-export"]["ended"] is False  # repealed for periods from 2018
    assert not any(x.get("terms") for x in data["results"])
    assert "impact-score" not in {d.get("id") for d in data["plan"]["documents"]}


def test_today_computes_with_todays_terms_and_names_them():
    data = check("--date", TODAY)
    assert data["date"] == TODAY
    by = {x["id"]: x for x in data["results"]}
    assert by["credit-impot-export"]["ended"] is True
    terms = {t["label"]: t for t in by["assurance-prospection"]["terms"]}
    prime = terms["Prime"]
    assert prime["since"] == "2018-05-02" and prime["computed"] is True
    assert "2 %" in prime["guide"] and "3 %" in prime["now"]
    amounts = {x["id"]: x for x in data["plan"]["amounts"]}
    cover = amounts["assurance-prospection"]["cover"]
    assert cover["premium_eur"] == 450  # 3 % of the 15 000 € left at the company's charge
    assert amounts["assurance-prospection"]["cover_before_subsidies_eur"] == 30000


def test_the_terminal_shows_the_guides_figure_beside_todays():
    r = CliRunner().invoke(app, ["check", "--answers", TARN, "--date", TODAY, "--lang", "fr"])
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.replace("│", " ").split())
    assert "prime 3 % (450 €) — le guide : 2 %" in text
    assert "autre(s) changement(s)" not in text


def test_a_scheme_todays_terms_exclude_says_what_opens_it(tmp_path):
    import yaml

    answers = yaml.safe_load(open(TARN, encoding="utf-8"))
    answers["project_budget_eur"] = 20000
    f = tmp_path / "a.yaml"
    f.write_text(yaml.safe_dump(answers), encoding="utf-8")
    r = CliRunner().invoke(app, ["check", "--answers", str(f), "--date", TODAY, "-f", "json"])
    data = json.loads(r.stdout)
    by = {x["id"]: x for x in data["results"]}
    assert "assurance-prospection" not in data["plan"]["schemes"]
    assert by["assurance-prospection"]["nearest_miss"] == [
        {"key": "project_budget_eur", "value": 30000}
    ]
    guide = check("--date", "2017-12-31")
    assert {x["id"]: x for x in guide["results"]}["assurance-prospection"]["verdict"] == "eligible"


@pytest.mark.parametrize("bad", ["2026-13-01", "demain", "2026-02-30", "26-01-01"])
def test_a_bad_date_is_a_usage_error(bad):
    r = CliRunner().invoke(app, ["check", "--answers", TARN, "--date", bad])
    assert r.exit_code == 2
    assert "--date" in r.output and "Traceback" not in r.output
    with pytest.raises(UsageError):
        parse_day(bad)


def test_show_at_a_day(tmp_path):
    r = CliRunner().invoke(
        app, ["show", "assurance-prospection", "--date", "2017-12-31", "--format", "json"]
    )
    assert r.exit_code == 0, r.output
    then = json.loads(r.stdout)
    r = CliRunner().invoke(app, ["show", "assurance-prospection", "--date", TODAY, "-f", "json"])
    now = json.loads(r.stdout)
    assert then["funding"]["cover"]["premium"]["rate"] == 0.02
    assert now["funding"]["cover"]["premium"]["rate"] == 0.03


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=-3000, max_value=4000))
def test_a_card_before_its_date_is_the_guides_and_changes_come_in_date_order(schemes, offset):
    day = GUIDE + timedelta(days=offset)
    for s in schemes:
        dated = at(s, day)
        in_force = changes_at(s, day)
        if day <= GUIDE:
            assert not [c for c in in_force if c.date], s.id
            assert getattr(dated, "criteria", s.criteria) == s.criteria
        for c in in_force:
            assert c.date is None or str(c.date) <= day.isoformat(), (s.id, c.date)


# ----------------------------------------------------------------------------- the data


@pytest.fixture
def card(tmp_path):
    import shutil

    from intertex_cli.catalog import loader

    src = loader.builtin_dir()
    d = tmp_path / "cat"
    d.mkdir()
    shutil.copy(f"{src}/pass-export-occ.yaml", d)
    shutil.copytree(f"{src}/agencies", d / "agencies")
    return d / "pass-export-occ.yaml"


def _problem(card, old: str, new: str) -> tuple[str, int | None]:
    from intertex_cli.catalog import loader
    from intertex_cli.errors import CatalogError

    text = card.read_text(encoding="utf-8")
    assert old in text
    card.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CatalogError) as e:
        loader.load(card.parent, use_cache=False)
    (p,) = e.value.problems
    return p.message, p.line


def _line_of(card, words: str) -> int:
    return next(n for n, ln in enumerate(card.read_text("utf-8").splitlines(), 1) if words in ln)


@pytest.mark.parametrize(
    "old, new, words",
    [
        # a term the engine computes with needs its date: undated evidence is told only
        ('      date: "2023-04"\n      confidence: confirmed', "      date: null\n      confidence: confirmed",
         "needs its date"),
        # the card gives the guide's terms up to its date: a change dates after it
        ('      date: "2023-04"\n      confidence: confirmed', '      date: "2016-01"\n      confidence: confirmed',
         "not after the card's date"),
        # a path that names no place in the card
        ("        conditions.impact-score:", "        conditionz.impact-score:", "conditionz"),
        # the card as it stands from the change's date must be valid
        ("          kind: documents\n", "          kind: nonsense\n", "is not valid at"),
        # a change sets what the engine reads at a day, not the card's title or its source
        ("        documents.impact-score:", "        title.impact-score:",
         '"title" is not a part of the card a change may set (criteria, conditions'),
        # the checks across the parts hold at that day too (an English note needs its French)
        ("        conditions.impact-score:", '        funding.note_en: "A note"\n        conditions.impact-score:',
         "not valid: funding.note_en: an English note without its French note"),
    ],
)  # fmt: skip
def test_a_dated_change_is_checked_as_data(card, old, new, words):
    message, line = _problem(card, old, new)
    assert words in message
    # located at the change (its date, or its `set:`), not at the card's first line
    assert _line_of(card, "  changes:") < line <= _line_of(card, "impact-score:") + 1, message


def test_a_cached_card_at_a_day_is_read_whole_only_for_what_check_does_not_keep(
    catalog, cached_catalog
):
    """A check of 5,000 cards dates each: a change's values are applied to the parts it
    sets when they are first read, from what the cache keeps for ``check`` (the Impact
    Score condition of pass-export-occ, p. 6, from 2023-04) — the whole card is read only
    for a part kept in it alone (its documents) — and the result is the validated card's."""
    from intertex_cli.catalog import loader
    from intertex_cli.views.present import scheme_json

    from .conftest import DATA

    day = date(2026, 12, 7)
    fresh = loader.load(DATA)  # the cached_catalog fixture wrote the cache
    assert type(fresh.schemes["pass-export-occ"]).__name__ == "LazyScheme"  # from the cache
    lazy = at(fresh.schemes["pass-export-occ"], day)
    assert "impact-score" in [c.id for c in lazy.conditions]
    assert not lazy.guide._full  # the conditions came from the check section
    assert "impact-score" in [d.id for d in lazy.documents if getattr(d, "id", None)]
    assert lazy.guide._full  # the documents from the card's whole record
    validated = at(catalog.schemes["pass-export-occ"], day)
    assert scheme_json(lazy, fresh) == scheme_json(validated, catalog)
    assert lazy.changed.keys() == validated.changed.keys()


def test_a_card_shown_at_a_day_dates_the_parts_a_change_set():
    """show --format json today: the criterion the 2018 overhaul set (Assurance
    Prospection's minimum budget, p. 27) carries its change's date and sources, the
    status comes after the parts, and the guide's card (2017-12-31) carries none."""

    def show(day: str) -> dict:
        out = CliRunner().invoke(
            app, ["show", "assurance-prospection", "--format", "json", "--date", day]
        )
        assert out.exit_code == 0, out.output
        return json.loads(out.stdout)

    today = show(TODAY)
    crit = {c["id"]: c for c in today["criteria"]}
    assert crit["min-budget"]["since"]["date"] == "2018-05-02"
    assert crit["min-budget"]["since"]["sources"]
    assert list(today)[-5:][0] == "status"  # then agency_name, contacts…, ended
    guide = show("2017-12-31")
    assert not any(c.get("since") for c in guide["criteria"])
