"""Each command as a user runs it: output, JSON per the contract, exit codes, no traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from intertex_cli.cli import app

from .test_catalog import CONTRACT

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "tissage-tarn.yaml"


@pytest.fixture
def run(monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.delenv("INTERTEX_CATALOG", raising=False)
    # messages in English unless a test says --lang fr (the default is the locale's)
    monkeypatch.setenv("INTERTEX_LANG", "en")
    runner = CliRunner()

    def _run(*args, input=None):
        return runner.invoke(app, list(args), input=input)

    return _run


def _json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --------------------------------------------------------------------------- list


def test_list_json_has_contract_fields(run):
    items = _json(run("list", "--format", "json"))
    assert len(items) == 28
    for it in items:
        assert {"id", "title", "agency", "regions", "support_type"} <= set(it)


def test_list_region_is_what_a_company_there_can_use(run):
    occ = {i["id"] for i in _json(run("list", "--region", "occitanie", "--format", "json"))}
    national = {i["id"] for i in _json(run("list", "--region", "national", "--format", "json"))}
    assert "pass-export-occ" in occ and "accession-export-cci" in occ and "vie-bf" in occ
    assert "pass-export-na" not in occ
    assert national and all("occ" not in i for i in national) and "pass-export-occ" not in national
    assert national < occ
    bretagne = {i["id"] for i in _json(run("list", "--region", "bretagne", "--format", "json"))}
    assert bretagne == national


def test_list_filters_and_table(run):
    subs = _json(run("list", "--type", "subsidy", "--format", "json"))
    assert subs and all(i["support_type"] == "subsidy" for i in subs)
    bpi = _json(run("list", "--agency", "bpifrance", "--format", "json"))
    assert len(bpi) == 12
    r = run("list", "--region", "occitanie", "--lang", "fr")
    assert r.exit_code == 0 and "pass-export-occ" in r.stdout and "20 000 €" in r.stdout
    assert "✗ supprimé" in r.stdout  # the tax credit, marked as ended


@pytest.mark.parametrize(
    "args,words",
    [
        (("list", "--region", "ocitanie"), "did you mean 'occitanie'"),
        (("list", "--agency", "bpi"), "valid:"),
        (("list", "--type", "grant"), "valid:"),
        (("list", "--format", "xml"), "valid:"),
        (("show", "pass-export-oc"), "Did you mean pass-export-occ"),
    ],
)
def test_bad_usage_exits_2_with_the_valid_values(run, args, words):
    r = run(*args)
    assert r.exit_code == 2
    assert words.lower() in r.output.lower()
    assert "Traceback" not in r.output


# --------------------------------------------------------------------------- show


@pytest.mark.parametrize("sid", sorted(CONTRACT))
def test_show_every_scheme_in_every_format(run, sid):
    data = _json(run("show", sid, "--format", "json"))
    assert data["id"] == sid and data["source"]["page"] == CONTRACT[sid][1]
    assert {"title", "agency", "regions", "support_type"} <= set(data)
    table = run("show", sid, "--lang", "fr")
    assert table.exit_code == 0 and "2017-2018" in table.stdout
    md = run("show", sid, "--format", "markdown")
    assert md.exit_code == 0 and md.stdout.startswith("# ")


def _numbers(obj):
    if isinstance(obj, dict):
        for v in obj.values():
            yield from _numbers(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _numbers(v)
    elif isinstance(obj, (int, float)) and not isinstance(obj, bool):
        yield obj


def test_show_json_has_every_amount_as_a_number(run):
    data = _json(run("show", "pass-export-occ", "--format", "json"))
    assert {20000, 10000, 40000, 80000} <= set(_numbers(data))
    data = _json(run("show", "pret-croissance-international", "--format", "json"))
    assert {30000, 5000000, 15000000, 150000} <= set(_numbers(data))


def test_show_warns_first_for_an_ended_scheme(run):
    out = run("show", "credit-impot-export", "--lang", "fr").stdout
    assert out.index("supprimé") < out.index("Description")
    out = run("show", "credit-impot-export", "--lang", "en").stdout
    assert "no longer an opportunity" in out


def test_show_inherits_agency_contacts(run):
    out = run("show", "assurance-change-contrat", "--lang", "fr").stdout
    assert "Bpifrance" in out and "05 61 11 52 00" in out


# --------------------------------------------------------------------------- search


@pytest.mark.parametrize(
    "words,expected",
    [
        (["salons"], {"pass-export-occ", "contrat-export-occ"}),
        (["VIE"], {"vie-occ", "vie-bf"}),
        (["change"], {"assurance-change-contrat", "assurance-change-negociation"}),
        (["négoce"], {"assurance-prospection"}),
        (["DEVISE"], {"assurance-change-contrat"}),
    ],
)
def test_search_finds_and_ranks(run, words, expected):
    hits = _json(run("search", *words, "--format", "json"))
    ids = [h["id"] for h in hits]
    assert expected <= set(ids), ids
    if words == ["change"]:
        assert set(ids[:2]) == expected
    assert all(h["matches"] for h in hits)


def test_search_accents_and_case_are_ignored(run):
    a = [h["id"] for h in _json(run("search", "prêt", "--format", "json"))]
    b = [h["id"] for h in _json(run("search", "PRET", "--format", "json"))]
    assert a == b and "pret-croissance-international" in a


def test_search_table_and_no_match(run):
    assert "pass-export-occ" in run("search", "salons").stdout
    r = run("search", "zzzqqq", "--lang", "en")
    assert r.exit_code == 0 and "No scheme matches" in r.stdout


# --------------------------------------------------------------------------- validate, schema


def test_validate_default_and_bad_dir(run, tmp_path):
    r = run("validate")
    assert r.exit_code == 0 and "28" in r.stdout
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.yaml").write_text("id: x\ntitle: [\n", encoding="utf-8")
    r = run("validate", str(bad))
    assert r.exit_code == 2 and "x.yaml:" in r.output and "Traceback" not in r.output


def test_catalog_option_and_environment(run, tmp_path, monkeypatch):
    import shutil

    from intertex_cli.catalog.loader import builtin_dir

    d = tmp_path / "mine"
    d.mkdir()
    shutil.copy(Path(builtin_dir()) / "vie-bf.yaml", d)
    items = _json(run("list", "--catalog", str(d), "--format", "json"))
    assert [i["id"] for i in items] == ["vie-bf"]  # agencies come from the shipped catalogue
    monkeypatch.setenv("INTERTEX_CATALOG", str(d))
    assert [i["id"] for i in _json(run("list", "--format", "json"))] == ["vie-bf"]


def test_schema_command(run):
    schema = _json(run("schema"))
    assert schema["title"] == "intertex scheme file" and "funding" in schema["properties"]
    assert "contacts" in _json(run("schema", "--agency"))["properties"]


# --------------------------------------------------------------------------- check from a file


def test_check_json_per_contract(run):
    data = _json(run("check", "--answers", str(EXAMPLE), "--format", "json"))
    ids = [r["id"] for r in data["results"]]
    assert sorted(ids) == sorted(CONTRACT) and len(ids) == len(set(ids))
    by = {r["id"]: r for r in data["results"]}
    assert by["pass-export-occ"]["verdict"] == "eligible"
    assert by["pass-export-occ"]["estimate"]["amount_eur"] == 15000
    assert by["pass-export-na"]["verdict"] == "ineligible"
    assert by["pass-export-na"]["reasons"][0]["page"] == 13
    for r in data["results"]:
        assert r["verdict"] in ("eligible", "ineligible", "unknown")
        assert r["verdict"] == "unknown" or r["missing"] == []
        assert r["estimate"] is None or isinstance(r["estimate"]["amount_eur"], (int, float))
    assert data["asked"][:2] == ["projects", "department"]


def test_asked_questions_alone_give_the_same_verdicts(run, tmp_path):
    data = _json(run("check", "--answers", str(EXAMPLE), "--format", "json"))
    full = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    only = tmp_path / "only.yaml"
    only.write_text(
        yaml.safe_dump({k: full[k] for k in data["asked"] if k in full}), encoding="utf-8"
    )
    again = _json(run("check", "--answers", str(only), "--format", "json"))

    # ended schemes keep their verdict for the record but are never the reason for a
    # question (issue #6), nor are schemes that serve none of the company's projects:
    # the property holds for every current scheme the projects need
    def kept(results):
        return [(r["id"], r["verdict"]) for r in results if not r["ended"] and r["relevant"]]

    assert kept(again["results"]) == kept(data["results"])
    assert kept(data["results"])  # the trade fair's schemes
    assert "taxed_on_real_profit" not in data["asked"]  # only the abolished tax credit asks it


def test_check_json_input_and_markdown(run):
    path = ROOT / "examples" / "confection-gironde.json"
    data = _json(run("check", "--answers", str(path), "--format", "json"))
    by = {r["id"]: r for r in data["results"]}
    assert by["strategie-export-na"]["verdict"] == "eligible"
    md = run("check", "--answers", str(path), "--format", "markdown", "--lang", "fr")
    assert md.exit_code == 0 and "## Votre plan" in md.stdout


def test_check_table_groups_and_explains(run):
    out = run("check", "--answers", str(EXAMPLE), "--lang", "fr").stdout
    assert "Votre plan" in out and "Non éligibles" in out and "jusqu'à 15 000 €" in out
    assert "budget du projet 30 000 € < minimum 40 000 € (p. 8)" in out  # the failing value
    assert "Supprimés ou remplacés depuis le guide" in out


def test_why_checklist(run):
    out = run("why", "pass-export-na", "--answers", str(EXAMPLE), "--lang", "fr").stdout
    assert "✘" in out and "✔" in out and "p. 13" in out
    data = _json(
        run("check", "--answers", str(EXAMPLE), "--explain", "pass-export-occ", "--format", "json")
    )
    assert data["verdict"] == "eligible" and all(c["result"] == "met" for c in data["criteria"])


@pytest.mark.parametrize(
    "text,key,words",
    [
        ("headcount: [\n", None, "invalid YAML"),
        ("headcount: vingt\n", "headcount", "expected a plain number"),
        ("headcount: -3\n", "headcount", "≥ 0"),
        ("headcount: 2.5\n", "headcount", "whole number"),
        ("activity: weaving\n", "activity", "is not one of"),
        ("department: '99'\n", "department", "not a French département"),
        ("independent: peut-être\n", "independent", "true or false"),
        (
            "turnover_eur: 100\nexport_turnover_eur: 200\n",
            "export_turnover_eur",
            "more than turnover",
        ),
        ("department: '33'\nregion: occitanie\n", "region", "is in nouvelle-aquitaine"),
        ("- 1\n- 2\n", None, "mapping"),
    ],
)
def test_invalid_answers_file_exits_2_listing_each_problem(run, tmp_path, text, key, words):
    f = tmp_path / "a.yaml"
    f.write_text(text, encoding="utf-8")
    r = run("check", "--answers", str(f), "--format", "json")
    assert r.exit_code == 2, r.output
    assert words in r.output and "Traceback" not in r.output
    if key:
        assert f"{key}:" in r.output


def test_every_problem_of_an_answers_file_is_listed(run, tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("headcount: -1\nactivity: x\nindependent: 3\n", encoding="utf-8")
    r = run("check", "--answers", str(f))
    assert r.exit_code == 2 and r.output.count("a.yaml:") == 3


def test_unknown_keys_are_reported_not_dropped(run, tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("headcont: 20\ndepartment: '81'\n", encoding="utf-8")
    r = run("check", "--answers", str(f), "--format", "json", "--lang", "en")
    assert r.exit_code == 0
    assert 'unknown key "headcont"' in r.stderr and 'did you mean "headcount"' in r.stderr
    assert any("headcont" in w for w in json.loads(r.stdout)["warnings"])


def test_missing_answers_file(run, tmp_path):
    r = run("check", "--answers", str(tmp_path / "nope.yaml"), "--lang", "en")
    assert r.exit_code == 2 and "not found" in r.output
    r = run("check", "--answers", str(tmp_path / "nope.yaml"), "--lang", "fr")
    assert r.exit_code == 2 and "introuvable" in r.output


def test_check_without_terminal_nor_file_exits_2(run, monkeypatch):
    monkeypatch.delenv("INTERTEX_INTERACTIVE", raising=False)
    r = run("check", "--lang", "en")
    assert r.exit_code == 2 and "--answers" in r.output


def test_save_writes_the_answers(run, tmp_path):
    out = tmp_path / "saved.yaml"
    r = run("check", "--answers", str(EXAMPLE), "--save", str(out), "--format", "json")
    assert r.exit_code == 0
    saved = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert saved["department"] == "81" and saved["headcount"] == 20


def test_unknown_word_in_file_means_skipped(run, tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text(
        "department: '81'\nheadcount: null\nindependent: je ne sais pas\n", encoding="utf-8"
    )
    data = _json(run("check", "--answers", str(f), "--format", "json"))
    assert set(data["unknown_answers"]) == {"headcount", "independent"}
    assert "headcount" not in data["asked"][1:] or True


def test_english_interface(run):
    out = run("check", "--answers", str(EXAMPLE), "--lang", "en").stdout
    assert "Your plan" in out and "Not eligible" in out and "€15,000" in out
    r = run("list", "--lang", "xx")
    assert r.exit_code == 2


def test_help_of_every_command_has_an_example(run):
    for cmd in ("list", "show", "search", "validate", "schema", "check", "why"):
        r = run(cmd, "--help")
        assert r.exit_code == 0 and "Example" in r.stdout, cmd


def test_module_entry_point_and_version():
    r = subprocess.run(
        [sys.executable, "-m", "intertex_cli", "--version"], capture_output=True, text=True
    )
    assert r.returncode == 0 and r.stdout.startswith("intertex ")
    r = subprocess.run(
        [sys.executable, "-m", "intertex_cli", "show", "nope"], capture_output=True, text=True
    )
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = (
        "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest"
    )
    assert command in readme and command in ci


def test_save_to_an_unwritable_place_exits_2(run, tmp_path):
    r = run(
        "check",
        "--answers",
        str(EXAMPLE),
        "--save",
        str(tmp_path / "no" / "such" / "dir.yaml"),
        "--lang",
        "en",
    )
    assert r.exit_code == 2 and "cannot write" in r.output and "Traceback" not in r.output


def test_help_in_the_interfaces_language(capsys):
    from intertex_cli.cli import run

    assert run(["check", "--help", "--lang", "fr"]) == 0
    fr = capsys.readouterr().out
    assert "Votre plan" in fr and "Fichier de réponses" in fr and "Exemples" in fr
    assert run(["check", "--help", "--lang", "en"]) == 0
    en = capsys.readouterr().out
    assert "Your plan" in en and "Answers file" in en and "Votre plan" not in en


@pytest.mark.parametrize(
    "lang,words",
    [
        ("fr", ["fichier de réponses invalide", "un nombre est attendu", "n'est pas parmi"]),
        ("en", ["invalid answers file", "expected a plain number", "is not one of"]),
    ],
)
def test_errors_in_the_interfaces_language(tmp_path, lang, words):
    f = tmp_path / "bad.yaml"
    f.write_text("headcount: vingt\nactivity: weaving\n", encoding="utf-8")
    r = subprocess.run(
        [sys.executable, "-m", "intertex_cli", "check", "--answers", str(f), "--lang", lang],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 2
    for word in words:
        assert word in r.stderr, (word, r.stderr)


def test_an_unknown_id_is_refused_wholly_in_french(monkeypatch, tmp_path):
    from typer.testing import CliRunner

    from intertex_cli import cli

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    r = CliRunner().invoke(cli.app, ["--lang", "fr", "show", "zzzzzz"])
    assert r.exit_code == 2
    assert "identifiant de dispositif inconnu" in r.stderr
    assert "Voir : intertex list" in r.stderr and "See:" not in r.stderr
