"""``intertex screen``: portfolio files, INSEE's SIRENE files, outputs, bad inputs, and the
same verdicts as ``check`` company by company."""

from __future__ import annotations

import csv
import json
import math
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


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet", ".json"])
def test_every_output_format_holds_the_same_verdicts(tmp_path, suffix):
    f = write_csv(tmp_path / "p.csv", PORTFOLIO)
    out = tmp_path / f"results{suffix}"
    r = run("screen", f, "--output", out, "--scheme", "pass-export-occ")
    assert r.exit_code == 0, r.output
    if suffix == ".json":
        rows = [
            {"siren": d["siren"], "pass-export-occ": d["results"][0]["verdict"]}
            for d in json.loads(out.read_text(encoding="utf-8"))
        ]
    elif suffix == ".csv":
        rows = list(csv.DictReader(out.open(encoding="utf-8")))
    elif suffix == ".parquet":
        import pyarrow.parquet as pq

        rows = pq.read_table(out).to_pylist()
    else:
        from openpyxl import load_workbook

        sheet = load_workbook(out).worksheets[0]
        values = list(sheet.iter_rows(values_only=True))
        rows = [dict(zip(values[0], v)) for v in values[1:]]
    assert [str(x["siren"]) for x in rows] == ["123456789", "222222222", "333333333"]
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


@pytest.mark.parametrize(
    "rows,where,what",
    [
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
    ],
)
def test_a_bad_cell_is_named_by_row_and_column_and_nothing_is_written(
    tmp_path, rows, where, what, monkeypatch
):
    monkeypatch.setenv("INTERTEX_LANG", "en")  # the words are the English messages
    f = write_csv(tmp_path / "p.csv", rows)
    out = tmp_path / "results.csv"
    r = run("screen", f, "--output", out)
    assert r.exit_code == 2, r.output
    assert where in r.output and what in r.output, r.output
    assert "Traceback" not in r.output
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["p.csv"]


def test_an_existing_output_is_left_untouched_on_error(tmp_path):
    out = tmp_path / "results.csv"
    out.write_text("before\n", encoding="utf-8")
    f = write_csv(tmp_path / "p.csv", [{"headcount": "1"}] * 70_000 + [{"headcount": "x"}])
    r = run("screen", f, "--output", out)
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
