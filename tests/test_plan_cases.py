"""Plans as data (tests/plans/*.yaml): for a company on a day, what its plan holds.

Each case names the guide's pages it rests on and the day of the assessment (the
terms in force then): no expectation changes because the clock passed a date. The
plan is read from ``check --format json`` (the contract's interface) and, for what the
JSON does not carry, from the same assessment the terminal shows.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from intertex_cli import answers as ans
from intertex_cli.cli import app
from intertex_cli.engine.assess import assess, question_schemes
from intertex_cli.engine.planner import plan as question_plan

CASES = sorted((Path(__file__).parent / "plans").glob("*.yaml"))


def _case(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Each case's check JSON and its assessment, computed once."""
    from intertex_cli.catalog import loader

    out = {}
    base = loader.load(loader.builtin_dir(), use_cache=False)
    for path in CASES:
        case = _case(path)
        f = tmp_path_factory.mktemp("plans") / path.name
        f.write_text(yaml.safe_dump(case["profile"], allow_unicode=True), encoding="utf-8")
        r = CliRunner().invoke(
            app, ["check", "--answers", str(f), "--date", case["date"], "--format", "json"]
        )
        assert r.exit_code == 0, r.output
        cat = base.at(date.fromisoformat(case["date"]))
        p, _ = ans.parse(case["profile"], str(path))
        a = assess(tuple(cat.schemes.values()), p, cat.schemes)
        out[path.stem] = (case, json.loads(r.stdout), a, cat, p)
    return out


def test_every_case_names_its_pages_and_its_day():
    assert len(CASES) >= 7
    for path in CASES:
        case = _case(path)
        assert case["pages"] and all(isinstance(x, int) for x in case["pages"]), path.name
        date.fromisoformat(case["date"])


@pytest.mark.parametrize("name", [p.stem for p in CASES])
def test_plan_case(runs, name):
    case, data, a, cat, p = runs[name]
    exp = case["expect"]
    plan = data["plan"]
    ids = plan["schemes"]
    assert data["date"] == case["date"]
    if "plan" in exp:
        assert ids == exp["plan"]
    for sid in exp.get("in_plan", []):
        assert sid in ids, (sid, ids)
    for sid in exp.get("not_in_plan", []):
        assert sid not in ids, (sid, ids)
    if "total_eur" in exp:
        assert plan["total_eur"] == exp["total_eur"]
    amounts = {x["id"]: x for x in plan["amounts"]}
    for sid, projects in exp.get("shared", {}).items():
        assert amounts[sid].get("base_shared_with") == projects, amounts[sid]
    for sid, want in exp.get("covers", {}).items():
        got = amounts[sid]["cover"]
        assert {k: got[k] for k in want} == want, got
    docs = {d.get("id") for d in plan["documents"]}
    for doc in exp.get("documents", []):
        assert doc in docs, docs
    for doc in exp.get("no_documents", []):
        assert doc not in docs, docs
    for words in exp.get("no_document_text", []):
        assert not any(words in d["text"] for d in plan["documents"])
    steps: dict = {}
    for x in plan["steps"]:
        steps.setdefault(x["for"], []).append(x)
    for sid, wanted in exp.get("steps", {}).items():
        assert set(wanted) <= {x["id"] for x in steps.get(sid, [])}, steps.get(sid)
    for sid, unwanted in exp.get("no_steps", {}).items():
        assert not set(unwanted) & {x["id"] for x in steps.get(sid, [])}
    for step_id, who in exp.get("contact_of", {}).items():
        (x,) = [x for xs in steps.values() for x in xs if x["id"] == step_id]
        assert x["contact_scheme"] == who and x["contact"], x
    for sid, step_id in exp.get("first_steps", {}).items():
        assert plan["first_steps"][sid]["step"] == step_id
    if exp.get("every_entry_has_a_first_step"):
        assert set(ids) <= set(plan["first_steps"]), set(ids) - set(plan["first_steps"])
    for sid, phone in exp.get("contact_phone", {}).items():
        from intertex_cli.views.present import contacts_for

        who = cat.schemes[plan["first_steps"][sid]["contact_scheme"]]
        (c,) = contacts_for(who, cat, p.answers.get("region"), p.answers.get("department"))[:1]
        assert phone in c.phones
    if "first_serves" in exp:
        first = cat.schemes[ids[0]]
        assert exp["first_serves"] in {x.id for x in first.projects}
    results = {x["id"]: x for x in data["results"]}
    for sid in exp.get("current", []):
        assert results[sid]["ended"] is False
    if "asks" in exp:
        questions = {k: v for k, v in case["profile"].items()}
        full, _ = ans.parse(questions, name)
        asked = question_plan(question_schemes(tuple(cat.schemes.values()), full), full)
        assert set(exp["asks"]) <= set(asked), asked
    assert a.plan.ids == ids  # the terminal shows the same plan


def test_the_terminal_shows_each_entrys_first_step_and_contact(runs):
    """Every plan entry, with or without an amount, tells what to do and whom to call."""
    import io

    from intertex_cli.views.results import write_results

    case, data, a, cat, p = runs["vie-without-budget"]
    out = io.StringIO()
    write_results(a, cat, "fr", stream=out)
    box = out.getvalue().split("╰")[0]
    assert "0 810 659 659" in box  # the Business France V.I.E., which pays no amount
    assert box.count("À faire : ") >= len(data["plan"]["schemes"])
