"""``intertex screen``: each company's plan, as ``check`` makes it, in every output; the
Excel sheets; the summary per scheme; ``intertex projects``."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intertex_cli.answers import parse
from intertex_cli.engine.assess import assess, question_schemes
from intertex_cli.engine.planner import next_question
from intertex_cli.engine.vocab import PROJECT_IDS, PROJECTS
from intertex_cli.screen.batch import Screener
from intertex_cli.screen.output import Summary
from intertex_cli.screen.plans import Plans
from intertex_cli.screen.portfolio import to_batch
from intertex_cli.views.present import plan_json

from .test_screen import (
    BOOLS,
    ESTABS,
    NUMBERS,
    PORTFOLIO,
    UNITS,
    as_cells,
    company,
    read_output,
    run,
    to_table,
    valid,
    write_csv,
)

# the answers a plan reads beyond the verdicts: amounts' bases, covers, reach
VARIED = (
    "project_budget_eur",
    "hire_cost_eur",
    "equity_eur",
    "turnover_eur",
    "export_turnover_eur",
    "headcount",
    "months_of_activity",
)
# a company most schemes of Occitanie pay: its variants move amounts, not verdicts
HIRING = {
    "department": "81",
    "headcount": 20,
    "turnover_eur": 3_200_000,
    "export_turnover_eur": 150_000,
    "balance_sheet_total_eur": 2_100_000,
    "independent": True,
    "activity": "manufacturing",
    "legal_form": "company",
    "months_of_activity": 240,
    "closed_fiscal_years": 19,
    "financially_sound": True,
    "taxed_on_real_profit": True,
    "has_export_strategy": True,
    "equity_eur": 900_000,
    "project_budget_eur": 30_000,
    "hire_cost_eur": 60_000,
    "projects": ["export-contract-finance", "export-hire", "trade-fairs"],
}
TODAY = "2026-06-01"  # a fixed day: no test depends on the clock
DAYS = (date(2017, 12, 31), date(2026, 6, 1))


@pytest.fixture(scope="module")
def dated(catalog):
    return {d: catalog.at(d) for d in DAYS}


def check_plan(cat, answers: dict) -> tuple[dict, str | None]:
    """``check``'s plan for one company, and the question it would ask next."""
    schemes = tuple(cat.schemes.values())
    p = parse(answers)[0]
    plan = plan_json(assess(schemes, p, cat.schemes), cat)
    return plan, next_question(question_schemes(schemes, p), p)


def screen_plans(cat, rows: list[dict]) -> list:
    return Plans(cat).of_batch(to_batch(to_table([as_cells(a) for a in rows]), 2))


# ----------------------------------------------------------------- screen's plan = check's


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(company(), min_size=1, max_size=12), st.sampled_from(DAYS))
def test_each_company_gets_the_plan_check_makes(dated, companies, day):
    companies = [a for a in companies if valid(a)]
    if not companies:
        return
    cat = dated[day]
    for a, got in zip(companies, screen_plans(cat, companies)):
        plan, question = check_plan(cat, a)
        assert json.loads(got.json) == plan, a
        assert got.ids == plan["schemes"] and got.total == plan["total_eur"]
        assert got.question == question, a


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(company(), min_size=1, max_size=6), st.randoms(use_true_random=False))
def test_plans_by_blocks_with_a_small_memo_are_check_plans(dated, companies, rnd):
    """Random companies (hire cost, budgets, projects, ranges) with variants that differ
    from them in one answer, once or twice each in a shuffled order, screened by blocks
    of two rows with a memo that holds a few plans: every company's plan is check's
    (schemes, total, steps, every field of the JSON), its next question check's, in the
    JSON and the CSV, whichever its block and whether its plan was remembered from an
    earlier company of its kind or made again."""
    import tempfile

    from intertex_cli.screen import batch, plans

    companies = [*companies, HIRING]

    # and each company again with one answer changed: two companies then differ only
    # there (the budget, the hire cost, the projects…), which the plan's key must tell
    for a in list(companies):
        if rnd.random() < 0.5:  # a hire in Occitanie: its cost counts among the expenses
            a = {**a, "department": "81", "projects": [*a.get("projects", []), "export-hire"]}
            a["projects"] = sorted(set(a["projects"]))
            companies.append(a)
        for _ in range(2):
            key = rnd.choice([*VARIED, "projects", *BOOLS])
            b = dict(a)
            if key == "projects":
                b[key] = rnd.sample(PROJECT_IDS, rnd.randint(0, 2))
            elif key in BOOLS:
                b[key] = rnd.choice([True, False, None])
            elif isinstance(a.get(key), int):  # near its value: most often the same verdicts
                b[key] = a[key] + rnd.choice([1, 1_000, 5_000])
            else:
                b[key] = rnd.choice(NUMBERS[key]) + rnd.choice([0, 1_000])
            companies.append(b)
    companies = [a for a in companies if valid(a)]
    if not companies:
        return
    rows = [a for a in companies for _ in range(rnd.randint(1, 2))]
    rnd.shuffle(rows)
    cat = dated[date(2026, 6, 1)]
    expected = [check_plan(cat, a) for a in companies]
    size = max(len(json.dumps(plan, ensure_ascii=False)) for plan, _ in expected)
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as mp:
        mp.setattr(batch, "BLOCK_CELLS", 2 * len(cat.schemes))
        mp.setattr(plans, "MEMO_BYTES", 6 * (2 * size + 20_000))
        f = write_csv(Path(folder) / "p.csv", [as_cells(a) for a in rows])
        r = run("screen", f, "--format", "json", "--date", TODAY)
        assert r.exit_code == 0, r.output
        out = Path(folder) / "out.csv"
        assert run("screen", f, "-o", out, "--date", TODAY).exit_code == 0
        table = read_output(out)
    data = json.loads(r.stdout)
    assert len(data) == len(rows) == len(table)
    for a, d, line in zip(rows, data, table):
        plan, question = expected[companies.index(a)]
        assert d["plan"] == plan, a
        assert d["next_question"] == question, a
        assert line["plan_schemes"] == ";".join(plan["schemes"]), a
        assert int(line["plan_total_eur"]) == plan["total_eur"], a
        assert (line["next_question"] or None) == question, a


def test_companies_that_differ_only_in_what_amounts_and_contacts_read(dated):
    """Same verdicts, other budget, equity, turnover or département: their own plans."""
    base = {
        "department": "81",
        "headcount": 20,
        "turnover_eur": 3_200_000,
        "export_turnover_eur": 150_000,
        "independent": True,
        "activity": "manufacturing",
        "financially_sound": True,
        "project_budget_eur": 30_000,
        "projects": ["trade-fairs", "export-contract-finance"],
    }
    variants = [
        base,
        {**base, "project_budget_eur": 38_000},
        {**base, "equity_eur": 5_000},
        {**base, "turnover_eur": 3_300_000},
        {**base, "department": "09"},
        {**base, "projects": ["trade-fairs"]},
        {**base, "projects": ["export-hire"], "project_budget_eur": 5_000, "hire_cost_eur": 60_000},
        {**base, "projects": ["export-hire"], "project_budget_eur": 5_000, "hire_cost_eur": 70_000},
        base,
    ]
    cat = dated[date(2026, 6, 1)]
    got = screen_plans(cat, variants)
    for a, plan in zip(variants, got):
        assert json.loads(plan.json) == check_plan(cat, a)[0], a
    assert got[0] is got[-1]  # one plan per kind of company, computed once
    assert len({p.total for p in got[:2]}) == 2
    assert len({p.total for p in got[-3:-1]}) == 2  # the hire cost is among the expenses


def test_screen_json_carries_check_json_plan_for_each_company(tmp_path):
    f = write_csv(tmp_path / "p.csv", PORTFOLIO)
    r = run("screen", f, "--format", "json", "--date", TODAY)
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    for row, d in zip(PORTFOLIO, data):
        answers = tmp_path / f"{row['siren']}.csv.json"
        answers.write_text(json.dumps(_answers(row)), encoding="utf-8")
        c = run("check", "--answers", answers, "--format", "json", "--date", TODAY)
        assert c.exit_code == 0, c.output
        checked = json.loads(c.stdout)
        assert d["plan"] == checked["plan"]
        assert d["next_question"] in checked["asked"]
        assert [x["id"] for x in d["results"]] == [x["id"] for x in checked["results"]]
    assert data[0]["plan"]["schemes"] and data[0]["plan"]["total_eur"] > 0


def _answers(row: dict) -> dict:
    """A portfolio row as an answers file says it."""
    out: dict = {}
    for k, v in row.items():
        if k in ("siren", "crm_owner") or v == "":
            continue
        key, _, bound = k.rpartition("_")
        if bound in ("min", "max"):
            out.setdefault(key, {})[bound] = int(v)
        elif k == "projects":
            out[k] = v.split(";")
        elif v in ("oui", "true", "1") and k != "headcount":
            out[k] = True
        elif v.isdigit() and k != "department":
            out[k] = int(v)
        else:
            out[k] = v
    return out


# ----------------------------------------------------------------- the files


PLAN_HEAD = ["plan_schemes", "plan_titles", "plan_total_eur", "first_step", "contact", "phone"]


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_the_plan_comes_first_and_the_detail_only_when_asked(tmp_path, suffix):
    f = write_csv(tmp_path / "p.csv", PORTFOLIO)
    out = tmp_path / f"plans{suffix}"
    assert run("screen", f, "-o", out, "--date", TODAY, "--lang", "fr").exit_code == 0
    rows = read_output(out)
    assert list(rows[0])[:9] == ["row", "siren", "name", *PLAN_HEAD]
    assert "pass-export-occ" not in rows[0]  # no per-scheme column by default
    tarn = rows[0]
    plan, question = check_plan_of_row(tmp_path, PORTFOLIO[0])
    assert tarn["plan_schemes"] == ";".join(plan["schemes"])
    assert int(tarn["plan_total_eur"]) == plan["total_eur"] > 0
    assert tarn["plan_titles"].startswith("Pass Export")
    assert tarn["first_step"] and tarn["contact"]
    assert tarn["next_question"] == question
    assert "credit-impot-export:abolished" in tarn["left_out"]  # an ended scheme, marked
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        assert str(pq.read_schema(out).field("plan_total_eur").type) == "int64"
    out2 = tmp_path / f"detail{suffix}"
    assert run("screen", f, "-o", out2, "--detail", "--date", TODAY).exit_code == 0
    tarn = read_output(out2)[0]
    assert list(tarn)[:9] == ["row", "siren", "name", *PLAN_HEAD]
    assert tarn["pass-export-occ"] == "eligible" and tarn["pass-export-occ_plan"] == "plan"
    assert tarn["credit-impot-export_plan"] == "abolished"
    assert tarn["vie-occ_plan"] == "non-cumulation"


def check_plan_of_row(tmp_path: Path, row: dict):
    answers = tmp_path / "one.json"
    answers.write_text(json.dumps(_answers(row)), encoding="utf-8")
    c = run("check", "--answers", answers, "--format", "json", "--date", TODAY)
    data = json.loads(c.stdout)
    # the question check's wizard would ask first after the projects, among the unanswered
    return data["plan"], _first_unanswered(data)


def _first_unanswered(data: dict):
    answered = set(data["answers"]) | set(data["unknown_answers"])
    return next((k for k in data["asked"] if k not in answered), None)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_excel_file_is_ready_to_use(tmp_path, lang):
    from openpyxl import load_workbook

    f = write_csv(tmp_path / "p.csv", PORTFOLIO)
    out = tmp_path / "plans.xlsx"
    r = run("screen", f, "-o", out, "--date", TODAY, "--lang", lang)
    assert r.exit_code == 0, r.output
    book = load_workbook(out)
    plans_name, summary_name = ("Plans", "Résumé") if lang == "fr" else ("Plans", "Summary")
    assert book.sheetnames == [plans_name, summary_name]
    sheet = book[plans_name]
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(values_only=True))
    head = rows[0]
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(head)).column_letter}4"
    total = "Total du plan (€)" if lang == "fr" else "Plan total (€)"
    assert head[:6] == ("Ligne" if lang == "fr" else "Row", "siren", "name") + head[3:6]
    assert total in head
    tarn = dict(zip(head, rows[1]))
    assert isinstance(tarn[total], int) and tarn[total] > 0  # a number, not text
    assert isinstance(tarn[head[0]], int)
    ended = "supprimé" if lang == "fr" else "ended"
    assert (
        f"({ended})"
        in tarn["Laissés de côté ou supprimés" if lang == "fr" else "Left out or ended"]
    )
    for j, title in enumerate(head, 1):  # each column as wide as its title at least
        width = sheet.column_dimensions[sheet.cell(1, j).column_letter].width
        assert width >= min(len(title), 60), title
    summary = book[summary_name]
    assert summary.freeze_panes == "A2"
    srows = list(summary.iter_rows(values_only=True))
    by_id = {r[0]: r for r in srows[1:] if r[0] and r[0].count("-") and r[3] is not None}
    cie = by_id["credit-impot-export"]
    assert cie[1] == "Crédit d’Impôt Export" if lang == "fr" else cie[1] == "Export Tax Credit"
    assert cie[2].startswith("✗") and cie[7] is None  # ended: marked, no question proposed
    assert by_id["avance-prospection"][2].startswith("⚠")  # replaced (an open successor)
    assert by_id["pass-export-na"][2].startswith("✗")  # probably ended, no successor
    figures = {r[0]: r[1] for r in srows if r and r[0] and r[1] is not None}
    with_plan = "Entreprises avec un plan" if lang == "fr" else "Companies with a plan"
    assert figures[with_plan] == 3
    assert figures["Tissage du Tarn"] == 2  # the largest plan, with its row


def test_the_excel_output_of_sirene_screens_again(tmp_path):
    out = tmp_path / "sirene.xlsx"
    r = run("screen", "--sirene", UNITS, ESTABS, "--date", "2025-01-01", "-o", out, "--detail")
    assert r.exit_code == 0, r.output
    r = run("screen", out, "--format", "json")
    assert r.exit_code == 0, r.output
    assert "column(s) of a previous screening" in r.stderr
    assert "is not an answers key" not in r.stderr


# ----------------------------------------------------------------- the summary


def test_the_summary_never_asks_about_an_ended_scheme(dated):
    """The abolished export tax credit was offered "imposée au bénéfice réel" once."""
    cat = dated[date(2026, 6, 1)]
    schemes = tuple(cat.schemes.values())
    rows = [{"department": "81", "independent": True, "headcount": h} for h in (5, 20, 60)]
    table = to_table([as_cells(a) for a in rows])
    sc = Screener(schemes)
    plans = Plans(cat)
    summary = Summary(sc, plans)
    b = to_batch(table, 2)
    summary.add(sc.screen(b))
    plans.of_batch(b)
    got = {r["id"]: r for r in summary.rows()}
    gone = [s.id for s in schemes if s.status.value in ("abolished", "replaced")]
    assert len(gone) >= 2 and "credit-impot-export" in gone
    for sid in gone:
        assert got[sid]["ended"] and got[sid]["question"] is None, sid
    assert any(r["question"] for r in got.values())


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_summary_tells_the_plans_first_with_titles_and_marks(tmp_path, lang):
    f = write_csv(tmp_path / "p.csv", PORTFOLIO)
    r = run("screen", f, "--lang", lang, "--date", TODAY)
    assert r.exit_code == 0, r.output
    out = r.stdout
    if lang == "fr":
        assert "Entreprises avec un plan : 3 sur 3" in out
        assert "Plus grands plans :" in out and "1. Tissage du Tarn (ligne 2)" in out
        assert "(supprimé)" in out and "(remplacé)" in out and "n'existe" in out
        assert "Crédit d’Impôt Export" in out
    else:
        assert "Companies with a plan: 3 of 3" in out
        assert "1. Tissage du Tarn (row 2)" in out
        assert "(ended)" in out and "(replaced)" in out and "Export Tax Credit" in out
    assert "credit-impot-export" in out and "…" not in out
    assert max(len(line) for line in out.splitlines()) <= 80


# ----------------------------------------------------------------- intertex projects


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_projects_lists_the_ids_a_portfolio_takes(lang):
    r = run("projects", "--lang", lang)
    assert r.exit_code == 0, r.output
    for pid, (fr, en) in PROJECTS.items():
        assert f"  {pid}\n" in r.stdout
        assert " ".join((fr if lang == "fr" else en).split()[:3]) in r.stdout
    assert max(len(line) for line in r.stdout.splitlines()) <= 80
    data = json.loads(run("projects", "--format", "json", "--lang", lang).stdout)
    assert [d["id"] for d in data] == list(PROJECT_IDS)
    assert all(d["label"] == d[f"label_{lang}"] and d["label_fr"] != d["label_en"] for d in data)
    assert run("projects", "--format", "xml").exit_code == 2


def test_projects_imports_nothing_heavy(tmp_path):
    import os

    from .test_startup import _heavy_imports

    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    assert _heavy_imports(["projects"], env) == []
    assert _heavy_imports(["projects", "--format", "json"], env) == []


def test_screen_help_points_to_the_project_ids():
    for lang, words in (("fr", "intertex projects"), ("en", "intertex projects")):
        r = run("--lang", lang, "screen", "--help")
        assert words in " ".join(r.stdout.split())


def test_a_csv_plan_column_is_one_cell(tmp_path):
    """Titles and steps hold commas and quotes: the CSV keeps each in one cell."""
    f = write_csv(tmp_path / "p.csv", PORTFOLIO)
    out = tmp_path / "plans.csv"
    assert run("screen", f, "-o", out, "--date", TODAY).exit_code == 0
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert len({len(r) for r in rows}) == 1


def test_xlsx_detail_wider_than_a_sheet_is_refused_before_reading(tmp_path, monkeypatch):
    """An Excel sheet holds 16 384 columns: --detail over a catalogue that needs more
    (about 4 090 schemes) stops at once with exit 2 and what to write instead."""
    from intertex_cli.screen import output

    monkeypatch.setattr(output, "EXCEL_MAX_COLUMNS", 50)  # 28 schemes: 4 columns each
    f = write_csv(tmp_path / "p.csv", PORTFOLIO)
    out = tmp_path / "plans.xlsx"
    r = run("screen", f, "--detail", "-o", out, "--date", TODAY)
    assert r.exit_code == 2, r.output
    assert "--detail over 28 schemes makes 122 columns" in r.output
    assert "write .csv, .parquet or .json" in r.output and "Traceback" not in r.output
    assert not out.exists() and not list(tmp_path.glob(".intertex-*"))
    fr = run("screen", f, "--detail", "-o", out, "--date", TODAY, "--lang", "fr")
    assert fr.exit_code == 2 and "une feuille Excel en contient au plus 16 384" in fr.output
    assert run("screen", f, "-o", out, "--date", TODAY).exit_code == 0  # without --detail


def test_the_plan_key_knows_every_constant_a_rule_compares_with(dated, cached_catalog):
    """What the plans' key places an answer among: every rule's constants, those of the
    steps and documents too and those a dated change sets (the Impact Score's "more
    than one year of activity", p. 6, from 2023-04: 12 months), at any day; read from
    each card's data without keeping a cached card's whole record."""
    from intertex_cli.catalog import loader

    from .conftest import DATA

    for day in DAYS:
        found = Plans(dated[day]).constants()
        assert {12, 36} <= found["months_of_activity"], day
        assert {"occitanie", "nouvelle-aquitaine"} <= found["region"]
    lazy = loader.load(DATA).at(date(2026, 6, 1))  # from the cache the fixture wrote
    assert Plans(lazy).constants() == Plans(dated[date(2026, 6, 1)]).constants()
    assert not any(getattr(s, "guide", s)._full for s in lazy.schemes.values())


def test_months_of_activity_given_exactly_key_a_plan_by_their_place(dated):
    """A SIRENE creation date gives every company its own months of activity: companies
    on the same side of every threshold of the catalogue (12 and 36 months, …) share one
    plan, computed once; across a threshold, or on it, each has its own; every one is
    check's. A range keeps its exact bounds (they weigh in the next question)."""
    base = {k: v for k, v in HIRING.items() if k != "closed_fiscal_years"}
    months = [100, 150, 37, 36, 35, 13, 12, 11, 240, 100]
    rows = [{**base, "months_of_activity": m} for m in months]
    rows.append({**base, "months_of_activity": {"min": 40, "max": 60}})
    rows.append({**base, "months_of_activity": {"min": 41, "max": 60}})
    cat = dated[date(2026, 6, 1)]
    got = screen_plans(cat, rows)
    for a, plan in zip(rows, got):
        expected, question = check_plan(cat, a)
        assert json.loads(plan.json) == expected, a
        assert plan.question == question, a
    assert got[0] is got[1] is got[8] is got[9]  # 100, 150, 240: past every threshold
    assert got[2] is not got[3] and got[3] is not got[4]  # 37 | on 36 | 35
    assert got[0] is got[2]
    assert got[-1] is not got[-2]


def test_every_departement_gets_check_plan_when_plans_are_shared_by_class(dated):
    """The plans' key reads a département as its former region, its contacts and itself
    if a rule names it: a company in each of them still gets check's plan, and two
    départements that differ in none of these share one plan."""
    from intertex_cli.engine.geo import DEPARTMENTS

    base = {k: v for k, v in HIRING.items() if k != "department"}
    rows = [{**base, "department": d} for d in sorted(DEPARTMENTS)]
    cat = dated[date(2026, 6, 1)]
    got = screen_plans(cat, rows)
    for a, plan in zip(rows, got):
        assert json.loads(plan.json) == check_plan(cat, a)[0], a["department"]
    assert len({id(p) for p in got}) < len(rows)
