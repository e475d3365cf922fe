"""``intertex screen``: portfolio files, INSEE's SIRENE files, outputs, bad inputs, and the
same verdicts as ``check`` company by company."""

from __future__ import annotations

import csv
import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from intertex_cli.answers import parse
from intertex_cli.cli import app
from intertex_cli.engine import geo
from intertex_cli.engine.rules import evaluate
from intertex_cli.engine.vocab import ACTIVITIES, LEGAL_FORMS, PROJECT_IDS, SIZE_CLASSES
from intertex_cli.screen.batch import VERDICTS, Screener
from intertex_cli.screen.portfolio import to_batch

SIRENE = Path(__file__).parent / "data" / "sirene"
UNITS = SIRENE / "StockUniteLegale_utf8.csv"
ESTABS = SIRENE / "StockEtablissement_utf8.csv"


@pytest.fixture(autouse=True)
def english(monkeypatch):
    """The messages below are the English ones (French is the default interface)."""
    monkeypatch.setenv("INTERTEX_LANG", "en")


def run(*args):
    # messages in English unless a test says --lang fr (the default is the locale's)
    r = CliRunner(env={"INTERTEX_LANG": "en"}).invoke(app, list(map(str, args)))
    return r


def write_csv(path: Path, rows: list[dict]) -> Path:
    cols = []
    for r in rows:
        cols += [k for k in r if k not in cols]
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, cols)
        w.writeheader()
        w.writerows(rows)
    return path


# ----------------------------------------------------------------- screen = check


def check_results(schemes, answers: dict) -> list[tuple]:
    p = parse(answers)[0]
    return [
        (r.id, r.verdict, r.missing if r.verdict == "unknown" else [], _amount(r.estimate))
        for r in evaluate(schemes, p)
    ]


def _amount(est):
    return None if est is None else est["amount_eur"]


def screen_results(schemes, table: pa.Table) -> list[list[tuple]]:
    sc = Screener(schemes)
    b = to_batch(table, 2)
    sc.check_sizes(b)
    index = sc.screen(b)
    amounts = sc.amounts(b, index)
    out = []
    for i in range(b.n):
        row = []
        for s, scheme in enumerate(schemes):
            r = index[i, s]
            a = amounts.get(s)
            amount = None if a is None or math.isnan(a[i]) else int(a[i])
            row.append((scheme.id, VERDICTS[sc.verdicts[s][r]], list(sc.missing[s][r]), amount))
        out.append(row)
    return out


NUMBERS = {
    "headcount": [0, 9, 10, 49, 50, 99, 100, 101, 249, 250, 251, 4999, 5000],
    "turnover_eur": [0, 1_499_999, 1_500_000, 2_000_000, 2_000_001, 10_000_000, 49_999_999,
                     50_000_000, 50_000_001, 75_000_000, 150_000_000, 460_000_000, 500_000_001],
    "export_turnover_eur": [0, 1, 100_000, 199_999, 200_000, 200_001, 1_000_000, 5_000_000],
    "balance_sheet_total_eur": [0, 2_000_000, 2_000_001, 43_000_000, 43_000_001, 2e9 + 1],
    "months_of_activity": [0, 17, 18, 19, 35, 36, 37, 240],
    "closed_fiscal_years": [0, 1, 2, 3],
    "equity_eur": [0, 1_000, 5_000, 20_000, 900_000],
    "project_budget_eur": [0, 9_999, 10_000, 30_000, 40_000, 40_001, 200_000, 250_000],
    "hire_cost_eur": [0, 9_999, 10_000, 30_000, 39_999, 40_000, 60_000, 80_001, 200_001],
}  # fmt: skip
BOOLS = (
    "independent",
    "financially_sound",
    "taxed_on_real_profit",
    "has_export_strategy",
    "had_pass_export",
    "has_export_team",
)


@st.composite
def company(draw) -> dict:
    """An answers mapping: values near the catalogue's thresholds, ranges, unknowns."""
    a: dict = {}
    if draw(st.booleans()):
        a["department"] = draw(st.sampled_from(sorted(geo.DEPARTMENTS)))
    elif draw(st.booleans()):
        a["region"] = draw(st.sampled_from(geo.REGIONS))
    for key, values in NUMBERS.items():
        how = draw(st.sampled_from(["absent", "exact", "exact", "range", "unknown"]))
        pick = st.sampled_from(values) | st.integers(0, int(max(values) * 1.2))
        if how == "exact":
            a[key] = draw(pick)
        elif how == "range":
            lo, hi = sorted((draw(pick), draw(pick)))
            r = {}
            if draw(st.booleans()) or hi == lo:
                r["min"] = lo
            if draw(st.booleans()) or not r:
                r["max"] = hi
            a[key] = r
        elif how == "unknown":
            a[key] = None
    for key in BOOLS:
        how = draw(st.sampled_from(["absent", "true", "false", "unknown"]))
        if how != "absent":
            a[key] = {"true": True, "false": False, "unknown": None}[how]
    for key, values in (("activity", ACTIVITIES), ("legal_form", LEGAL_FORMS)):
        if draw(st.booleans()):
            a[key] = draw(st.sampled_from(values))
    if draw(st.integers(0, 3)) == 0:
        lo, hi = sorted(draw(st.lists(st.sampled_from(SIZE_CLASSES), min_size=2, max_size=2)))
        a["size_class"] = lo if lo == hi else {"min": lo, "max": hi}
        a["size_class"] = (
            {"min": min(lo, hi, key=SIZE_CLASSES.index), "max": max(lo, hi, key=SIZE_CLASSES.index)}
            if lo != hi
            else lo
        )
    if draw(st.booleans()):
        a["projects"] = draw(st.lists(st.sampled_from(PROJECT_IDS), max_size=3, unique=True))
        if draw(st.booleans()):  # the hire, alone or with others: its cost counts
            a["projects"] = ["export-hire", *(x for x in a["projects"] if x != "export-hire")]
            if draw(st.booleans()):
                a["projects"] = ["export-hire"]
    return a


def valid(a: dict) -> bool:
    try:
        parse(a)
    except Exception:  # noqa: BLE001 - a contradiction (export > turnover, size vs figures)
        return False
    return True


def as_cells(a: dict) -> dict:
    """The row of a portfolio CSV for these answers."""
    row = {}
    for k, v in a.items():
        if isinstance(v, dict):
            if "min" in v:
                row[f"{k}_min"] = str(v["min"])
            if "max" in v:
                row[f"{k}_max"] = str(v["max"])
        elif v is None:
            row[k] = "?"
        elif isinstance(v, bool):
            row[k] = "oui" if v else "non"
        elif isinstance(v, list):
            row[k] = ";".join(v)
        else:
            row[k] = str(v)
    return row


def to_table(rows: list[dict]) -> pa.Table:
    cols = []
    for r in rows:
        cols += [k for k in r if k not in cols]
    return pa.table({c: pa.array([r.get(c, "") for r in rows], pa.string()) for c in cols})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(company(), min_size=1, max_size=25))
def test_screen_gives_the_results_of_check_for_every_company(schemes, companies):
    companies = [a for a in companies if valid(a)]
    if not companies:
        return
    table = to_table([as_cells(a) for a in companies])
    got = screen_results(schemes, table)
    for a, row in zip(companies, got):
        assert row == check_results(schemes, a), a


def test_screen_counts_the_hire_as_check_does(schemes):
    """The export hire's cost among the programme's expenses (pp. 6, 8), for a company
    that meets the Occitanie cards' other criteria: every mix of projects, budget and
    hire cost gives check's verdicts, missing answers and amounts."""
    from itertools import product

    base = {"department": "31", "headcount": 20, "independent": True, "financially_sound": True}
    projects = [None, [], ["export-hire"], ["export-hire", "trade-fairs"], ["trade-fairs"]]
    budgets = ["absent", None, 0, 30_000, {"min": 5_000}, {"min": 0, "max": 40_000}]
    hires = ["absent", None, 0, 10_000, 30_000, 60_000, 90_000, {"max": 20_000}]
    companies = []
    for pr, budget, hire in product(projects, budgets, hires):
        a = dict(base)
        if pr is not None:
            a["projects"] = pr
        for key, v in (("project_budget_eur", budget), ("hire_cost_eur", hire)):
            if v != "absent":
                a[key] = v
        companies.append(a)
    got = screen_results(schemes, to_table([as_cells(a) for a in companies]))
    for a, row in zip(companies, got):
        assert row == check_results(schemes, a), a


@st.composite
def rough_company(draw) -> dict:
    """A company whose answers may contradict each other (closed years, export, région)."""
    a = draw(company())
    if draw(st.booleans()):
        a["closed_fiscal_years"] = draw(st.integers(0, 40))
        a["months_of_activity"] = draw(st.integers(0, 120) | st.none())
    if draw(st.integers(0, 3)) == 0:
        a["department"] = draw(st.sampled_from(["81", "33", "75"]))
        a["region"] = draw(st.sampled_from(["occitanie", "nouvelle-aquitaine"]))
    return a


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rough_company(), min_size=1, max_size=25))
def test_a_row_is_bad_exactly_when_check_refuses_it_wherever_it_stands(schemes, companies):
    """Every row checked alike: a row has an error if and only if ``check`` would refuse
    its answers, and a good row gets check's results whatever the rows around it."""
    sc = Screener(schemes)
    table = to_table([as_cells(a) for a in companies])
    b = to_batch(table, 2)
    sc.check_sizes(b)
    for i, a in enumerate(companies):
        assert (i in b.errors) == (not valid(a)), (a, b.errors.get(i))
    got = screen_results(schemes, table)
    for i, (a, row) in enumerate(zip(companies, got)):
        if i not in b.errors:
            assert row == check_results(schemes, a), a


def test_the_same_bad_row_is_caught_at_row_2_and_at_row_201(tmp_path):
    good = {"department": "81", "months_of_activity": "100", "closed_fiscal_years": "3"}
    bad = {"department": "81", "months_of_activity": "100", "closed_fiscal_years": "40"}
    f = write_csv(tmp_path / "p.csv", [bad] + [good] * 198 + [bad])
    r = run("screen", f, "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert [d["row"] for d in data if "error" in d] == [2, 201]
    assert "2 row(s) with an error" in r.stderr
    assert "row 2, column closed_fiscal_years" in r.stderr
    assert "row 201, column closed_fiscal_years" in r.stderr
    r = run("screen", f, "--format", "json", "--strict")
    assert r.exit_code == 2 and r.stdout == ""  # nothing written on stdout either
    assert "row 2, column closed_fiscal_years" in r.output
    f = write_csv(tmp_path / "q.csv", [good] * 199 + [bad])
    r = run("screen", f, "--format", "json", "--strict")
    assert r.exit_code == 2 and r.stdout == "" and "row 201" in r.output


def test_many_companies_share_few_evaluations(schemes):
    rows = [{"department": "81", "headcount": str(h), "independent": "true"} for h in range(3000)]
    sc = Screener(schemes)
    sc.screen(to_batch(to_table(rows), 2))
    # headcount matters only through the thresholds 10, 50, 100, 250…: a few kinds per scheme
    assert sc.evaluations < len(rows) * len(schemes) / 50


# ----------------------------------------------------------------- the command on a portfolio

PORTFOLIO = [
    {"siren": "123456789", "name": "Tissage du Tarn", "department": "81", "headcount": "20",
     "turnover_eur": "3200000", "export_turnover_eur": "150000", "independent": "oui",
     "activity": "manufacturing", "financially_sound": "true", "project_budget_eur": "30000",
     "projects": "trade-fairs;vie"},
    {"siren": "222222222", "name": "Confection Gironde", "department": "33",
     "headcount_min": "20", "headcount_max": "49", "independent": "1", "activity": "manufacturing"},
    {"siren": "333333333", "name": "Négoce Lyon", "department": "69", "activity": "trading",
     "crm_owner": "Alice"},
]  # fmt: skip


def test_json_on_stdout_in_input_order_with_the_ids(tmp_path, schemes):
    f = write_csv(tmp_path / "p.csv", PORTFOLIO)
    r = run("screen", f, "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert [d["siren"] for d in data] == ["123456789", "222222222", "333333333"]
    assert data[0]["name"] == "Tissage du Tarn"
    assert [x["id"] for x in data[0]["results"]] == [s.id for s in schemes]
    tarn = {x["id"]: x for x in data[0]["results"]}
    assert tarn["pass-export-occ"] == {
        "id": "pass-export-occ",
        "verdict": "eligible",
        "missing": [],
        "estimate": {"amount_eur": 15000},
    }
    gironde = {x["id"]: x for x in data[1]["results"]}
    assert gironde["pass-export-occ"]["verdict"] == "ineligible"
    assert gironde["pass-export-na"]["estimate"] is None  # no budget: no amount
    assert "unknown column" not in r.stdout
    assert "crm_owner" in r.stderr  # reported once, as a warning


def test_the_summary_fits_80_columns(tmp_path):
    f = write_csv(tmp_path / "p.csv", PORTFOLIO)
    r = run("screen", f, "--lang", "fr")
    assert r.exit_code == 0, r.output
    assert "Criblage : 3 entreprises" in r.stdout
    assert "pass-export-occ" in r.stdout and "…" not in r.stdout
    assert max(len(line) for line in r.stdout.splitlines()) <= 80


def read_output(path: Path) -> list[dict]:
    """The rows of a screening's output file, as dicts keyed by its header."""
    if path.suffix == ".csv":
        return list(csv.DictReader(path.open(encoding="utf-8")))
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.read_table(path).to_pylist()
    from openpyxl import load_workbook

    sheet = load_workbook(path).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], v)) for v in values[1:]]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet", ".json"])
def test_every_output_format_holds_the_same_verdicts(tmp_path, suffix):
    f = write_csv(tmp_path / "p.csv", PORTFOLIO)
    out = tmp_path / f"results{suffix}"
    args = ("--scheme", "pass-export-occ", "--detail", "--lang", "en")
    r = run("screen", f, "--output", out, *args)
    assert r.exit_code == 0, r.output
    if suffix == ".json":
        rows = [
            {"siren": d["siren"], "pass-export-occ": d["results"][0]["verdict"]}
            for d in json.loads(out.read_text(encoding="utf-8"))
        ]
    else:
        rows = read_output(out)
    assert [str(x["siren"]) for x in rows] == ["123456789", "222222222", "333333333"]
    if suffix == ".xlsx":  # the sheet speaks the interface's language
        verdicts = [x["pass-export-occ: verdict"] for x in rows]
        assert verdicts == ["Eligible", "Not eligible", "Not eligible"]
    else:
        assert [x["pass-export-occ"] for x in rows] == ["eligible", "ineligible", "ineligible"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".intertex-")]


def test_portfolio_read_from_excel_and_parquet(tmp_path):
    import pyarrow.parquet as pq
    from openpyxl import Workbook

    cols = sorted({k for r in PORTFOLIO for k in r})
    book = Workbook()
    sheet = book.active
    sheet.append(cols)
    for r in PORTFOLIO:
        sheet.append([int(r[c]) if r.get(c, "").isdigit() else r.get(c) for c in cols])
    book.save(tmp_path / "p.xlsx")
    pq.write_table(to_table(PORTFOLIO), tmp_path / "p.parquet")
    csv_ = json.loads(run("screen", write_csv(tmp_path / "p.csv", PORTFOLIO), "-f", "json").stdout)
    for name in ("p.xlsx", "p.parquet"):
        r = run("screen", tmp_path / name, "--format", "json")
        assert r.exit_code == 0, r.output
        assert [d["results"] for d in json.loads(r.stdout)] == [d["results"] for d in csv_]


def test_semicolon_csv_from_a_french_excel(tmp_path):
    f = tmp_path / "p.csv"
    f.write_bytes("siren;department;headcount;independent\n1;81;20;oui\n".encode("cp1252"))
    r = run("screen", f, "--format", "json", "--scheme", "pass-export-occ")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)[0]["results"][0]["verdict"] == "unknown"


# ----------------------------------------------------------------- bad inputs


BAD_CELLS = [
        ([{"headcount": "20"}, {"headcount": "vingt"}], "row 3, column headcount", "'vingt'"),
        ([{"independent": "peut-être"}], "row 2, column independent", "true or false"),
        ([{"department": "99"}], "row 2, column department", "département code"),
        ([{"activity": "manufactoring"}], "row 2, column activity", "did you mean"),
        ([{"headcount": "12.5"}], "row 2, column headcount", "whole number"),
        ([{"headcount": "-3"}], "row 2, column headcount", ""),
        (
            [{"turnover_eur": "100", "export_turnover_eur": "200"}],
            "row 2, column export_turnover_eur",
            "more than turnover",
        ),
        ([{"headcount": "20", "headcount_min": "10"}], "row 2, column headcount", "not both"),
        ([{"headcount_min": "50", "headcount_max": "20"}], "row 2, column headcount_min", ""),
        (
            [{"headcount": "10"}, {"headcount": "300", "size_class": "medium"}],
            "row 3, column size_class",
            "headcount 300",
        ),
        ([{"projects": "salons"}], "row 2, column projects", "not a project id"),
        (
            [{"months_of_activity": "100", "closed_fiscal_years": "40"}],
            "row 2, column closed_fiscal_years",
            "at most 9",
        ),
        ([{"department": "81", "region": "bretagne"}], "row 2, column region", "occitanie"),
        ([{"headcount": "1" * 310}], "row 2, column headcount", "310 digits"),
]  # fmt: skip


@pytest.mark.parametrize("rows,where,what", BAD_CELLS)
def test_strict_names_the_bad_cell_by_row_and_column_and_writes_nothing(
    tmp_path, rows, where, what, monkeypatch
):
    monkeypatch.setenv("INTERTEX_LANG", "en")  # the words are the English messages
    f = write_csv(tmp_path / "p.csv", rows)
    out = tmp_path / "results.csv"
    r = run("screen", f, "--output", out, "--strict")
    assert r.exit_code == 2, r.output
    assert where in r.output and what in r.output, r.output
    assert "Traceback" not in r.output
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["p.csv"]


@pytest.mark.parametrize("rows,where,what", BAD_CELLS)
def test_a_bad_row_is_reported_kept_in_its_place_and_the_run_goes_on(
    tmp_path, rows, where, what, monkeypatch
):
    monkeypatch.setenv("INTERTEX_LANG", "en")
    f = write_csv(tmp_path / "p.csv", [{"department": "81"}, *rows, {"department": "33"}])
    out = tmp_path / "results.csv"
    r = run("screen", f, "--output", out)
    assert r.exit_code == 0, r.output
    row, column = re.match(r"row (\d+), column (\S+)", where).groups()
    row = str(int(row) + 1)  # a good row above
    assert f"row {row}, column {column}" in r.stderr and "1 row(s) with an error" in r.stderr
    got = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [x["row"] for x in got] == [str(i) for i in range(2, len(rows) + 4)]
    errors = {x["row"]: x["error"] for x in got if x["error"]}
    assert list(errors) == [row] and errors[row].startswith(f"{column}: ") and what in errors[row]
    r = run("screen", f, "--format", "json")
    data = json.loads(r.stdout)
    bad = [d for d in data if "error" in d]
    assert [d["row"] for d in bad] == [int(row)]
    assert bad[0]["error"]["row"] == int(row) and bad[0]["error"]["column"] == column
    assert "results" not in bad[0] and "plan" not in bad[0]  # contract §3


def test_an_existing_output_is_left_untouched_on_error(tmp_path, monkeypatch):
    monkeypatch.setenv("INTERTEX_LANG", "en")
    out = tmp_path / "results.csv"
    out.write_text("before\n", encoding="utf-8")
    f = write_csv(tmp_path / "p.csv", [{"headcount": "1"}] * 70_000 + [{"headcount": "x"}])
    r = run("screen", f, "--output", out, "--strict")
    assert r.exit_code == 2 and "row 70002, column headcount" in r.output
    assert out.read_text(encoding="utf-8") == "before\n"


@pytest.mark.parametrize(
    "content,what",
    [
        (b"", "empty"),
        (b"headcount,department\n", "no company"),
        (b"\x00\x01\x02binary", "not a text file"),
        (b"foo,bar\n1,2\n", "no column named as an answers key"),
        (b"siren,etatAdministratifUniteLegale\n1,A\n", "add --sirene"),
    ],
)
def test_unusable_files_exit_2(tmp_path, content, what):
    f = tmp_path / "p.csv"
    f.write_bytes(content)
    r = run("screen", f)
    assert r.exit_code == 2, r.output
    assert what in r.output and "Traceback" not in r.output


def test_missing_file_bad_output_and_bad_excel(tmp_path):
    r = run("screen", tmp_path / "nope.csv")
    assert r.exit_code == 2 and "not found" in r.output
    f = write_csv(tmp_path / "p.csv", PORTFOLIO)
    r = run("screen", f, "--output", tmp_path / "r.txt")
    assert r.exit_code == 2 and ".csv, .xlsx, .parquet or .json" in r.output
    bad = tmp_path / "p.xlsx"
    bad.write_bytes(b"not a zip")
    r = run("screen", bad)
    assert r.exit_code == 2 and "Excel" in r.output
    r = run("screen", f, "--scheme", "nope")
    assert r.exit_code == 2


def test_without_the_optional_libraries_it_says_what_to_install(tmp_path):
    f = write_csv(tmp_path / "p.csv", PORTFOLIO)
    code = (
        "import sys; sys.modules['pyarrow'] = None\n"
        "from intertex_cli.__main__ import main\n"
        f"sys.exit(main(['screen', {str(f)!r}]))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 2, r.stderr
    assert "pip install 'intertex-cli[screen]'" in r.stderr


# ----------------------------------------------------------------- SIRENE


def sirene_json(*extra):
    r = run("screen", "--sirene", UNITS, ESTABS, "--date", "2025-01-01", "--format", "json", *extra)
    assert r.exit_code == 0, r.output
    return {d["siren"]: d for d in json.loads(r.stdout)}, r


def test_sirene_mapping_on_insee_shaped_files():
    got, r = sirene_json()
    assert "100000005" not in got  # ceased (etatAdministratifUniteLegale C)
    assert got["100000001"]["department"] == "81"  # head office, not the Paris establishment
    assert got["100000002"]["department"] == "2A"  # commune code 2A004
    assert got["100000003"]["department"] == "2B"  # no commune code: postcode 20200
    assert got["100000004"]["department"] == "971"
    assert got["100000007"]["department"] == "974"
    assert "department" not in got["100000009"]  # no address: unknown
    assert "department" not in got["100000010"]  # no head office in the file
    assert got["100000001"]["name"] == "TISSAGE EXEMPLE TARN"
    assert "name" not in got["100000006"]  # a sole proprietor: no denomination, no name
    assert "categorieEntreprise contradicts the headcount band" in r.stderr  # 100000007


def sirene_answers() -> dict:
    """What each fixture unit says, as an answers file (months counted to 2025-01-01)."""
    return {
        "100000001": {"department": "81", "headcount": {"min": 20, "max": 49},
                      "activity": "manufacturing", "legal_form": "company",
                      "months_of_activity": 297, "size_class": {"min": "micro", "max": "medium"}},
        "100000002": {"department": "2A", "headcount": {"min": 6, "max": 9},
                      "activity": "manufacturing", "legal_form": "company",
                      "months_of_activity": 67, "size_class": {"min": "micro", "max": "medium"}},
        "100000003": {"department": "2B", "activity": "trading", "legal_form": "company",
                      "months_of_activity": 179},  # NN: headcount unknown
        "100000004": {"department": "971", "headcount": {"min": 50, "max": 99},
                      "activity": "manufacturing", "legal_form": "company",
                      "months_of_activity": 111, "size_class": "intermediate"},
        "100000006": {"department": "31", "headcount": 0, "activity": "trading",
                      "legal_form": "sole-proprietorship", "months_of_activity": 10,
                      "size_class": {"min": "micro", "max": "medium"}},
        "100000007": {"department": "974", "headcount": {"min": 500, "max": 999},
                      "activity": "manufacturing", "legal_form": "company",
                      "months_of_activity": 600},  # PME left out: it contradicts 500-999
        "100000008": {"department": "87", "headcount": {"min": 10, "max": 19},
                      "legal_form": "company", "months_of_activity": 233,
                      "size_class": {"min": "micro", "max": "medium"}},  # 46.16: activity unknown
        "100000009": {"headcount": {"min": 3, "max": 5}, "legal_form": "other",
                      "months_of_activity": 469},  # NAFRev1: activity unknown; an association
        "100000010": {"headcount": {"min": 100, "max": 199}, "activity": "manufacturing",
                      "legal_form": "company", "months_of_activity": 153,
                      "size_class": {"min": "micro", "max": "medium"}},
    }  # fmt: skip


def test_sirene_results_are_those_of_check_on_what_insee_says(schemes):
    from datetime import date

    from intertex_cli.catalog.dated import at

    got, _ = sirene_json()  # --date 2025-01-01: the terms in force that day, as check's
    schemes = [at(s, date(2025, 1, 1)) for s in schemes]
    expected = sirene_answers()
    assert sorted(got) == sorted(expected)
    for siren, answers in expected.items():
        want = [
            {"id": i, "verdict": v, "missing": m, "estimate": None}
            for i, v, m, _ in check_results(schemes, answers)
        ]
        assert got[siren]["results"] == want, siren


def test_sirene_filters_naf_and_region():
    got, _ = sirene_json("--naf", "13,14")
    assert sorted(got) == ["100000001", "100000002", "100000007", "100000010"]
    got, _ = sirene_json("--naf", "46.4")
    assert sorted(got) == ["100000003"]
    got, _ = sirene_json("--region", "occitanie")
    assert sorted(got) == ["100000001", "100000006"]
    got, _ = sirene_json("--region", "corse", "--naf", "14")
    assert sorted(got) == ["100000002"]


def test_sirene_without_establishments_and_bad_usage(tmp_path):
    r = run("screen", "--sirene", UNITS, "--date", "2025-01-01", "--format", "json")
    assert r.exit_code == 0, r.output
    assert all("department" not in d for d in json.loads(r.stdout))
    assert "département of each unit is unknown" in r.stderr
    r = run("screen", "--sirene", UNITS, "--region", "occitanie")
    assert r.exit_code == 2 and "StockEtablissement" in r.output
    r = run("screen", UNITS, "--naf", "13")
    assert r.exit_code == 2 and "--sirene" in r.output
    r = run("screen", "--sirene", UNITS, "--date", "2025-13-01")
    assert r.exit_code == 2 and "YYYY-MM-DD" in r.output
    other = write_csv(tmp_path / "x.csv", [{"foo": "1"}])
    r = run("screen", "--sirene", other)
    assert r.exit_code == 2 and "StockUniteLegale" in r.output


def test_sirene_parquet_and_zip_as_insee_publishes_them(tmp_path):
    import zipfile

    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    opts = pcsv.ConvertOptions(strings_can_be_null=False)
    units = pcsv.read_csv(UNITS, convert_options=opts)
    units = units.cast(pa.schema([pa.field(n, pa.string()) for n in units.column_names]))
    pq.write_table(units, tmp_path / "StockUniteLegale_utf8.parquet")
    with zipfile.ZipFile(tmp_path / "StockEtablissement_utf8.zip", "w") as z:
        z.write(ESTABS, "StockEtablissement_utf8.csv")
    r = run(
        "screen", "--sirene", tmp_path / "StockUniteLegale_utf8.parquet",
        tmp_path / "StockEtablissement_utf8.zip", "--date", "2025-01-01", "--format", "json",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    got = {d["siren"]: d for d in json.loads(r.stdout)}
    expected, _ = sirene_json()
    assert {k: v["results"] for k, v in got.items()} == {
        k: v["results"] for k, v in expected.items()
    }


def test_parquet_read_a_run_of_row_groups_at_a_time(tmp_path, monkeypatch):
    """Each run of row groups has a reader of its own (a reader over the whole file keeps
    memory for every group read): every row once, in order, small groups gathered."""
    import pyarrow.parquet as pq

    from intertex_cli.screen import readers

    monkeypatch.setattr(readers, "BATCH_ROWS", 10)
    monkeypatch.setattr(readers, "PARQUET_SPAN_ROWS", 25)
    f = tmp_path / "p.parquet"
    with pq.ParquetWriter(f, pa.schema([("siren", pa.int64()), ("name", pa.string())])) as w:
        for start, n in ((0, 7), (7, 7), (14, 7), (21, 7), (28, 40), (68, 3)):
            w.write_table(
                pa.table({"siren": range(start, start + n), "name": [f"n{i}" for i in range(n)]})
            )
    pf = readers.ParquetInput(f)
    assert pf.spans() == [[0, 1, 2, 3], [4], [5]]
    seen = []
    got = list(pf.batches(["siren"], seen.append))
    assert [str(x) for b in got for x in b.column(0).to_pylist()] == [str(i) for i in range(71)]
    assert [b.num_rows for b in got] == [10, 10, 8, 10, 10, 10, 10, 3]
    assert seen[-1] == 1.0


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")
def test_a_progress_bar_on_a_terminal_and_none_when_piped(tmp_path):
    import pexpect

    rows = [{"department": "81", "headcount": str(i % 300)} for i in range(200_000)]
    f = write_csv(tmp_path / "p.csv", rows)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "intertex_cli", "screen", str(f), "--lang", "fr"],
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "TERM": "xterm"},
        encoding="utf-8",
        timeout=120,
        dimensions=(40, 100),
    )
    child.expect("screening")  # rich's bar, on stderr, while it works
    child.expect("Criblage : 200")
    child.expect(pexpect.EOF)
    r = run("screen", f, "--scheme", "pass-export-occ")  # not a terminal: no bar
    assert r.exit_code == 0 and "screening" not in r.output


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_a_sirene_result_file_screens_again_as_a_portfolio(tmp_path, suffix):
    """The output carries what the register says in the portfolio's columns (department,
    headcount_min…): screened again, the same results, and one warning for the rest."""
    out = tmp_path / f"sirene{suffix}"
    r = run("screen", "--sirene", UNITS, ESTABS, "--date", "2025-01-01", "-o", out)
    assert r.exit_code == 0, r.output
    first, _ = sirene_json()
    r = run("screen", out, "--format", "json")
    assert r.exit_code == 0, r.output
    again = {d["siren"]: d["results"] for d in json.loads(r.stdout)}
    assert again == {k: v["results"] for k, v in first.items()}
    assert "column(s) of a previous screening" in r.stderr
    assert "is not an answers key" not in r.stderr


# ----------------------------------------------------------------- INSEE's layout, awkward rows

INSEE = Path(__file__).parent / "data" / "sirene-insee"  # every column, in INSEE's order


def insee_forms(tmp_path: Path) -> dict:
    """The same two files as INSEE publishes them: CSV, zipped CSV, typed Parquet."""
    import zipfile

    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    forms = {"csv": [INSEE / "StockUniteLegale_utf8.csv", INSEE / "StockEtablissement_utf8.csv"]}
    zipped = []
    for f in forms["csv"]:
        z = tmp_path / f.with_suffix(".zip").name
        with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as out:
            out.write(f, f.name)
        zipped.append(z)
    forms["zip"] = zipped
    typed = []
    for f in forms["csv"]:
        names = next(csv.reader(f.open(encoding="utf-8")))
        types = {}
        for n in names:
            if n.startswith("date") and "Traitement" not in n:
                types[n] = pa.date32()
            elif n.startswith(("annee", "nombrePeriodes")):
                types[n] = pa.int16()
            elif n == "etablissementSiege":
                types[n] = pa.bool_()
            else:
                types[n] = pa.string()
        table = pcsv.read_csv(f, convert_options=pcsv.ConvertOptions(column_types=types))
        p = tmp_path / f.with_suffix(".parquet").name
        pq.write_table(table, p)
        typed.append(p)
    forms["parquet"] = typed
    return forms


def screen_insee(files, *extra):
    r = run("screen", "--sirene", *files, "--date", "2025-01-01", "--format", "json", *extra)
    assert r.exit_code == 0, r.output
    return {d["siren"]: d for d in json.loads(r.stdout)}, r


def test_insee_layout_read_as_insee_means_it(tmp_path):
    got, r = screen_insee(
        [INSEE / "StockUniteLegale_utf8.csv", INSEE / "StockEtablissement_utf8.csv"]
    )
    assert "200000011" not in got  # ceased
    # a head office abroad has no département, whatever its postcode says
    assert "department" not in got["200000001"]  # Munich 81241 is not the Tarn
    assert "department" not in got["200000002"]  # Milan 20121 is not Corsica
    assert "department" not in got["200000003"]  # Saint-Barthélemy (97701) is not Guadeloupe
    assert "department" not in got["200000004"]  # Saint-Martin (97150) is not Guadeloupe
    assert got["200000009"]["department"] == "81"
    # 1900-01-01 is INSEE's "not known": no months of activity
    assert "months_of_activity" not in got["200000005"]
    assert got["200000009"]["months_of_activity"] == 297
    # [ND] is never a name
    assert "name" not in got["200000006"]
    # NAF 2025 read where NAF rév. 2 gives no activity (empty, or NAFRev1)
    assert got["200000006"]["activity"] == "manufacturing"
    assert got["200000010"]["activity"] == "manufacturing"
    assert "activity" not in got["200000008"]
    assert "2 unit(s) without an activity from NAF rév. 2 or NAF 2025" in r.stderr


def test_insee_region_filter_leaves_out_head_offices_abroad(tmp_path):
    got, _ = screen_insee(
        [INSEE / "StockUniteLegale_utf8.csv", INSEE / "StockEtablissement_utf8.csv"],
        "--region",
        "occitanie",
    )
    assert sorted(got) == ["200000005", "200000006", "200000007", "200000009", "200000010"]
    got, _ = screen_insee(
        [INSEE / "StockUniteLegale_utf8.csv", INSEE / "StockEtablissement_utf8.csv"],
        "--region",
        "corse",
    )
    assert got == {}
    got, _ = screen_insee(
        [INSEE / "StockUniteLegale_utf8.csv", INSEE / "StockEtablissement_utf8.csv"],
        "--naf",
        "14",
    )
    assert sorted(got) == ["200000002", "200000004", "200000006"]


def test_insee_csv_zip_and_typed_parquet_give_the_same_answers(tmp_path):
    forms = insee_forms(tmp_path)
    answers = {}
    for name, files in forms.items():
        got, _ = screen_insee(files)
        answers[name] = got
    assert answers["csv"] == answers["zip"] == answers["parquet"]
    assert len(answers["csv"]) == 10


def test_insee_output_neutralises_a_formula_name(tmp_path):
    out = tmp_path / "sirene.csv"
    r = run(
        "screen", "--sirene", INSEE / "StockUniteLegale_utf8.csv", "--date", "2025-01-01", "-o", out
    )
    assert r.exit_code == 0, r.output
    rows = {x["siren"]: x for x in csv.DictReader(out.open(encoding="utf-8"))}
    assert rows["200000010"]["name"].startswith("'=HYPERLINK(")


def test_history_files_are_refused_naming_the_stock_file(tmp_path):
    units = tmp_path / "StockUniteLegaleHistorique_utf8.csv"
    units.write_text(
        "siren,dateFin,dateDebut,etatAdministratifUniteLegale,"
        "changementEtatAdministratifUniteLegale,nomUniteLegale\n"
        "200000009,,2020-01-01,A,false,\n200000009,2019-12-31,2000-03-15,A,true,\n",
        encoding="utf-8",
    )
    r = run("screen", "--sirene", units)
    assert r.exit_code == 2
    assert "StockUniteLegaleHistorique" in r.output and "give StockUniteLegale" in r.output
    estabs = tmp_path / "StockEtablissementHistorique_utf8.csv"
    estabs.write_text(
        "siren,nic,siret,dateFin,dateDebut,etatAdministratifEtablissement,"
        "changementEtatAdministratifEtablissement\n",
        encoding="utf-8",
    )
    r = run("screen", "--sirene", INSEE / "StockUniteLegale_utf8.csv", estabs)
    assert r.exit_code == 2 and "give StockEtablissement" in r.output


def test_a_deflate64_zip_member_is_said_plainly(tmp_path):
    import zipfile

    z = tmp_path / "StockUniteLegale_utf8.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_STORED) as out:
        out.write(INSEE / "StockUniteLegale_utf8.csv", "StockUniteLegale_utf8.csv")
    data = bytearray(z.read_bytes())
    for sig in (b"PK\x03\x04", b"PK\x01\x02"):  # the method in both headers: Deflate64 (9)
        at = data.find(sig)
        offset = 8 if sig == b"PK\x03\x04" else 10
        data[at + offset : at + offset + 2] = (9).to_bytes(2, "little")
    z.write_bytes(bytes(data))
    r = run("screen", "--sirene", z)
    assert r.exit_code == 2, r.output
    assert "Deflate64" in r.output and "unzip it" in r.output


# ----------------------------------------------------------------- outputs under attack


def test_a_formula_name_is_a_string_cell_in_xlsx(tmp_path):
    from openpyxl import load_workbook

    f = write_csv(
        tmp_path / "p.csv", [{"siren": "1", "name": '=HYPERLINK("http://x","y")', "headcount": "3"}]
    )
    out = tmp_path / "out.xlsx"
    r = run("screen", f, "-o", out, "--scheme", "pass-export-occ")
    assert r.exit_code == 0, r.output
    sheet = load_workbook(out).worksheets[0]
    header = [c.value for c in sheet[1]]
    cell = sheet[2][header.index("name")]
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://x","y")'


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("sig,suffix", [("SIGTERM", ".xlsx"), ("SIGHUP", ".csv")])
def test_sigterm_and_sighup_end_as_ctrl_c_and_leave_nothing(tmp_path, sig, suffix):
    import signal
    import time

    rows = [{"department": "81", "headcount": str(i % 300)} for i in range(300_000)]
    f = write_csv(tmp_path / "p.csv", rows)
    staging = tmp_path / "tmpdir"
    staging.mkdir()
    env = {"PATH": "/usr/bin:/bin", "TMPDIR": str(staging), "INTERTEX_LANG": "en"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "intertex_cli",
            "screen",
            str(f),
            "-o",
            str(tmp_path / f"o{suffix}"),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.time() + 60
    while not [p for p in tmp_path.iterdir() if p.name.startswith(".intertex-")]:
        assert time.time() < deadline and proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    proc.send_signal(getattr(signal, sig))
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert b"Traceback" not in err
    left = [p.name for p in [*tmp_path.iterdir(), *staging.iterdir()] if p.name != "tmpdir"]
    assert left == ["p.csv"]


def test_json_streams_to_a_reader_that_goes_away(tmp_path):
    rows = [{"department": "81", "headcount": str(i % 300)} for i in range(100_000)]
    f = write_csv(tmp_path / "p.csv", rows)
    staging = tmp_path / "tmpdir"
    staging.mkdir()
    env = {"PATH": "/usr/bin:/bin", "TMPDIR": str(staging), "INTERTEX_LANG": "en"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "intertex_cli", "screen", str(f), "--format", "json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.read(1000)  # | head -c 1000
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 0, err
    assert b"Traceback" not in err
    assert list(staging.iterdir()) == []  # nothing staged in TMPDIR
