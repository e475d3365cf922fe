"""The wizard driven in-process: prompt_toolkit's pipe input, questionary's real prompts."""

from __future__ import annotations

import json

import pytest
import yaml
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from typer.testing import CliRunner

from intertex_cli.cli import app
from intertex_cli.engine import geo
from intertex_cli.engine.assess import question_schemes
from intertex_cli.engine.planner import plan
from intertex_cli.engine.profile import Profile
from intertex_cli.engine.vocab import ANSWER_FACTS, PROJECT_IDS
from intertex_cli.questions import QUESTIONS

from .conftest import ROOT

DOWN, UP, ENTER, BACKSPACE, SPACE = "\x1b[B", "\x1b[A", "\r", "\x7f", " "


def keys_for(key: str, value, skip: bool = False, typed: str | None = None) -> str:
    """The keystrokes a person types to answer ``key``."""
    spec = ANSWER_FACTS[key]
    q = QUESTIONS[key]
    if spec.kind == "bool":  # typed as on a confirm: o(ui) / n(on) / p(asser)
        return ("p" if skip else "o" if value else "n") + ENTER
    if q.choices:
        if skip:
            return UP + ENTER  # the last choice: "je ne sais pas"
        values = [True, False] if spec.kind == "bool" else list(q.choices["fr"])
        return DOWN * values.index(value) + ENTER
    if skip:
        return "?" + ENTER
    return (typed if typed is not None else str(value)) + ENTER


DAY = "2026-06-01"  # pinned: the oracle below plans with the cards as they stood that day

TARN = {
    "department": "81",
    "headcount": 20,
    "turnover_eur": 3_200_000,
    "export_turnover_eur": 150_000,
    "independent": True,
    "activity": "manufacturing",
    "legal_form": "company",
    "months_of_activity": 240,
    "closed_fiscal_years": 19,
    "financially_sound": True,
    "taxed_on_real_profit": True,
    "has_export_strategy": False,
    "had_pass_export": False,
    "equity_eur": 900_000,
    "project_budget_eur": 30_000,
}
TYPED = {
    "turnover_eur": "3,2 M",
    "export_turnover_eur": "150 000 €",
    "months_of_activity": "20 ans",
}
SKIPPED = {"balance_sheet_total_eur", "has_export_team", "equity_eur", "taxed_on_real_profit"}


@pytest.fixture
def pipe(monkeypatch, tmp_path):
    monkeypatch.setenv("INTERTEX_INTERACTIVE", "1")
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.chdir(tmp_path)
    with create_pipe_input() as inp, create_app_session(input=inp, output=DummyOutput()):
        yield inp


def projects_keys(projects=()) -> str:
    """Tick the projects in the first question's checkbox (none: "don't know")."""
    keys, at = "", 0
    for pid in sorted(projects, key=PROJECT_IDS.index):
        i = PROJECT_IDS.index(pid)
        keys += DOWN * (i - at) + SPACE
        at = i
    return keys + ENTER


def _session_keys(schemes, projects=(), company=None, skip=SKIPPED) -> tuple[str, list[str]]:
    from datetime import date

    from intertex_cli.catalog.dated import at

    company = TARN if company is None else company
    schemes = [at(s, date.fromisoformat(DAY)) for s in schemes]
    answers = {k: v for k, v in company.items() if k not in skip}
    answers["region"] = geo.region_of(answers["department"])
    skipped = set(skip) | (set() if projects else {"projects"})
    if projects:
        answers["projects"] = tuple(projects)
    oracle = Profile(answers, frozenset(skipped))
    asked = plan(question_schemes(schemes, oracle), oracle)
    keys = projects_keys(projects)
    for k in asked:
        if k == "department":
            keys += "99" + ENTER + BACKSPACE * 2  # invalid: re-prompted, then corrected
        keys += keys_for(k, company.get(k), skip=k in skip, typed=TYPED.get(k))
    return keys, asked


def test_a_whole_session_with_an_error_a_skip_and_a_change(pipe, schemes, tmp_path):
    keys, asked = _session_keys(schemes)
    assert "equity_eur" in asked  # skipped with "?"
    # review: change the project budget (the list is: OK, then each answer in order)
    review = ["projects"] + [k for k in QUESTIONS if (k in TARN or k in SKIPPED) and k in asked]
    keys += DOWN * (1 + review.index("project_budget_eur")) + ENTER
    keys += BACKSPACE * 10 + "12 000" + ENTER  # budget: 30 000 → 12 000
    keys += ENTER  # review again: all correct
    pipe.send_text(keys)
    saved = tmp_path / "answers.yaml"
    r = CliRunner().invoke(
        app, ["check", "--date", DAY, "--format", "json", "--lang", "fr", "--save", str(saved)]
    )
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout[r.stdout.index("{") :])
    assert data["answers"]["department"] == "81"
    assert data["answers"]["turnover_eur"] == 3_200_000
    assert data["answers"]["months_of_activity"] == 240
    assert data["answers"]["project_budget_eur"] == 12_000
    assert {"equity_eur", "projects"} <= set(data["unknown_answers"])
    # only the abolished tax credit asks it: never the reason for a question
    assert "taxed_on_real_profit" not in {*data["answers"], *data["unknown_answers"]}
    assert data["answers"]["independent"] is True and data["answers"]["financially_sound"] is True
    by = {x["id"]: x for x in data["results"]}
    assert by["pass-export-occ"]["verdict"] == "eligible"
    assert by["pass-export-occ"]["estimate"]["amount_eur"] == 6000
    assert by["contrat-export-occ"]["verdict"] == "ineligible"
    written = yaml.safe_load(saved.read_text(encoding="utf-8"))
    assert written["project_budget_eur"] == 12_000 and written["equity_eur"] is None


HIRING = {**TARN, "hire_cost_eur": 60_000}  # the hire only: no other budget


@pytest.mark.parametrize("projects", [["export-hire"], ["export-hire", "trade-fairs"]])
def test_the_hire_cost_is_asked_when_the_hire_is_a_project(pipe, schemes, projects):
    skip = SKIPPED | {"project_budget_eur"}
    keys, asked = _session_keys(schemes, projects, company=HIRING, skip=skip)
    assert "hire_cost_eur" in asked
    pipe.send_text(keys + ENTER)  # review: all correct
    r = CliRunner().invoke(app, ["check", "--date", DAY, "--format", "json", "--lang", "fr"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout[r.stdout.index("{") :])
    assert data["answers"]["hire_cost_eur"] == 60_000
    by = {x["id"]: x for x in data["results"]}
    assert by["pass-export-occ"]["verdict"] == "ineligible"  # 60 000 € > 40 000 € (p. 6)
    if projects == ["export-hire"]:  # the hire alone: its salary is the programme (p. 8)
        assert by["contrat-export-occ"]["verdict"] == "eligible"
        assert by["contrat-export-occ"]["estimate"]["amount_eur"] == 30_000
    else:  # other expenses, of a budget unknown: the amount waits for it
        assert by["contrat-export-occ"]["verdict"] == "unknown"


@pytest.mark.parametrize("projects", [(), ["trade-fairs"], ["vie", "market-prospection"]])
def test_the_hire_cost_is_never_asked_without_the_hire(schemes, projects):
    _, asked = _session_keys(schemes, projects, company=HIRING)
    assert "hire_cost_eur" not in asked and asked


def test_progress_is_shown_and_the_answers_are_kept(pipe, schemes, tmp_path):
    keys, _ = _session_keys(schemes, projects=["trade-fairs"])
    pipe.send_text(keys + ENTER + "n" + ENTER)  # review: all correct; save the plan? no
    r = CliRunner().invoke(app, ["check", "--date", DAY, "--lang", "fr"])
    assert r.exit_code == 0, r.output
    assert "Vos réponses ont tranché" in r.stdout and "Votre plan" in r.stdout
    files = list(tmp_path.glob("intertex-reponses-*.yaml"))
    assert len(files) == 1 and files[0].name in r.stdout  # the hints name a real file
    saved = yaml.safe_load(files[0].read_text(encoding="utf-8"))
    assert saved["projects"] == ["trade-fairs"] and saved["department"] == "81"


def test_the_plan_is_saved_at_the_end(pipe, schemes, tmp_path):
    keys, _ = _session_keys(schemes, projects=["trade-fairs"])
    keys += ENTER + "o" + ENTER  # review: all correct; save the plan? yes
    keys += BACKSPACE * 40 + "plan.html" + ENTER + "Tissages du Tarn" + ENTER
    pipe.send_text(keys)
    r = CliRunner().invoke(app, ["check", "--date", DAY, "--lang", "fr"])
    assert r.exit_code == 0, r.output
    page = (tmp_path / "plan.html").read_text(encoding="utf-8")
    assert "Tissages du Tarn" in page and "<svg" in page
    answers = yaml.safe_load(next(tmp_path.glob("intertex-reponses-*.yaml")).read_text())
    assert answers["company_name"] == "Tissages du Tarn"


def test_ctrl_c_exits_130_and_keeps_the_answers(pipe, tmp_path):
    pipe.send_text(projects_keys(["trade-fairs"]) + "81" + ENTER + "\x03")
    r = CliRunner().invoke(app, ["check", "--date", DAY, "--lang", "fr"])
    assert r.exit_code == 130, r.output
    files = list(tmp_path.glob("intertex-reponses-*.yaml"))
    assert len(files) == 1 and files[0].name in r.output
    saved = yaml.safe_load(files[0].read_text(encoding="utf-8"))
    assert saved == {"department": "81", "projects": ["trade-fairs"]}
    assert "Traceback" not in r.output


def test_resume_asks_only_what_the_file_leaves_open(pipe, tmp_path, schemes):
    f = tmp_path / "partial.yaml"
    f.write_text(
        yaml.safe_dump({k: v for k, v in TARN.items() if k != "headcount"}), encoding="utf-8"
    )
    pipe.send_text(ENTER + "20" + ENTER + ENTER)  # projects: don't know; headcount; review
    r = CliRunner().invoke(
        app, ["check", "--date", DAY, "--answers", str(f), "--ask-missing", "--format", "json"]
    )
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout[r.stdout.index("{") :])
    assert data["answers"]["headcount"] == 20


def test_english_questions(pipe):
    pipe.send_text("\x03")
    r = CliRunner().invoke(app, ["check", "--date", DAY, "--lang", "en"])
    assert r.exit_code == 130 and "Interrupted" in r.output


def test_the_review_adds_an_answer_that_was_not_asked(pipe, tmp_path):
    """13 §2: the review offers the questions not asked (here: the export team)."""
    keys = UP + ENTER  # review: the last choice, "add an answer…"
    keys += ENTER  # the first question not asked: has_export_team
    keys += "o" + ENTER + ENTER  # yes; review: all correct
    pipe.send_text(keys)
    example = tmp_path / "client.yaml"  # a copy: the answers are saved back into it
    example.write_bytes((ROOT / "examples" / "tissage-tarn.yaml").read_bytes())
    r = CliRunner().invoke(
        app,
        ["check", "--date", DAY, "--answers", str(example), "--ask-missing", "--format", "json"],
        env={"COLUMNS": "80"},
    )
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout[r.stdout.index("{") :])
    assert data["answers"]["has_export_team"] is True
    assert yaml.safe_load(example.read_text(encoding="utf-8"))["has_export_team"] is True


def test_turnover_is_asked_before_its_export_part(schemes):
    """A part after its whole: "Part de ce chiffre d'affaires…" needs it asked."""
    from intertex_cli.engine.vocab import asked_first

    nothing = Profile({}, frozenset())
    assert asked_first("export_turnover_eur", nothing) == "turnover_eur"
    skipped = Profile({}, frozenset({"turnover_eur"}))
    assert asked_first("export_turnover_eur", skipped) == "export_turnover_eur"
    for projects in ([], ["trade-fairs"], ["market-prospection", "export-strategy"]):
        answers = {k: v for k, v in TARN.items() if k != "headcount"}
        full = Profile({**answers, "region": "occitanie", "projects": tuple(projects)}, frozenset())
        asked = plan(question_schemes(schemes, full), full)
        if "export_turnover_eur" in asked:
            assert "turnover_eur" in asked[: asked.index("export_turnover_eur")], asked


def test_the_export_question_reads_alone_without_the_turnover(schemes):
    from intertex_cli.wizard import Wizard

    asked = []

    class Recording(Wizard):
        def prompt(self, kind, message, hint=None, blank=None, **kw):
            asked.append(message)
            return "?"

    w = Recording(schemes, "fr")
    w.ask("export_turnover_eur", Profile({"turnover_eur": 1_000_000}, frozenset()))
    w.ask("export_turnover_eur", Profile({}, frozenset({"turnover_eur"})))
    assert asked[0].startswith("Part de ce chiffre d'affaires") and "5 %" in asked[0]
    assert "ce chiffre" not in asked[1] and "à l'export" in asked[1]


@pytest.mark.parametrize(
    "d,o,fr,en",
    [
        (0, 4, "4 dispositifs attendent vos réponses.", "4 schemes wait for your answers."),
        (0, 1, "1 dispositif attend vos réponses.", "1 scheme waits for your answers."),
        (
            1,
            4,
            "Vos réponses ont tranché 1 dispositif sur 5 ; 4 attendent encore une réponse.",
            "Your answers have settled 1 of 5 scheme; 4 still wait for an answer.",
        ),
        (
            3,
            1,
            "Vos réponses ont tranché 3 dispositifs sur 4 ; 1 attend encore une réponse.",
            "Your answers have settled 3 of 4 schemes; 1 still waits for an answer.",
        ),
    ],
)
def test_progress_in_plain_words(d, o, fr, en):
    from intertex_cli.text.i18n import progress

    assert progress(d, o, "fr") == fr
    assert progress(d, o, "en") == en


def test_why_without_answers_says_so_and_offers_the_last_saved(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "intertex-reponses-2026-05-01.yaml").write_text('department: "81"\n')
    r = CliRunner().invoke(app, ["why", "pass-export-occ", "--lang", "fr", "--date", DAY])
    assert r.exit_code == 0, r.output
    assert "Aucune réponse donnée" in r.stderr
    assert "intertex why pass-export-occ --answers intertex-reponses-2026-05-01.yaml" in r.stderr
    r = CliRunner().invoke(app, ["why", "pass-export-occ", "--lang", "en", "--date", DAY])
    assert "No answers given" in r.stderr


def test_a_typed_company_name_is_checked_as_a_files(tmp_path):
    from intertex_cli.wizard import company_name

    # the escape sequence and the bidi override go, as from a file
    assert company_name("  Tissages \x1b[31m du\u202e  Tarn ", "fr") == ("Tissages du Tarn", None)
    assert company_name("", "fr") == (None, None)
    value, why = company_name("x" * 201, "fr")
    assert value is None and "200" in why


def test_the_report_path_is_checked(tmp_path, monkeypatch):
    from intertex_cli.wizard import report_problem

    monkeypatch.chdir(tmp_path)
    answers = tmp_path / "client.md"
    answers.write_text("department: '81'\n")
    (tmp_path / "folder.md").mkdir()
    (tmp_path / "link.md").symlink_to(tmp_path / "elsewhere.md")
    assert report_problem("plan.md", [], "fr") is None
    assert "md" in report_problem("plan.txt", [], "fr")
    assert "n'existe pas" in report_problem("no/such/plan.md", [], "fr")
    assert "does not exist" in report_problem("no/such/plan.md", [], "en")
    assert "pas un fichier ordinaire" in report_problem("folder.md", [], "fr")
    assert "pas un fichier ordinaire" in report_problem("link.md", [], "fr")
    assert "fichier de réponses" in report_problem("client.md", [answers], "fr")
