"""Every reading note that ``show --lang en`` prints has its English: ``note_en`` beside
each shown ``note``, ``notes_en`` beside a card's ``notes`` (one for each, in order)."""

from __future__ import annotations

import copy

import pytest
import yaml
from pydantic import ValidationError
from typer.testing import CliRunner

from intertex_cli.catalog.models import Agency, Scheme
from intertex_cli.cli import app
from intertex_cli.views.md import md

from .conftest import DATA

SCHEMES = sorted(p for p in DATA.glob("*.yaml"))
AGENCIES = sorted(p for p in (DATA / "agencies").glob("*.yaml"))


def _noted(card: dict):
    """(where, item) for each item whose note the card's views show: criteria (with
    those a dated change sets), contacts, the funding, the status and its contacts."""
    for i, c in enumerate(card.get("criteria") or []):
        yield f"criteria[{i}]", c
    for i, c in enumerate(card.get("contacts") or []):
        yield f"contacts[{i}]", c
    if card.get("funding"):
        yield "funding", card["funding"]
    status = card.get("status") or {}
    yield "status", status
    if status.get("successor"):
        yield "status.successor", status["successor"]
    for i, c in enumerate(status.get("contact_today") or []):
        yield f"status.contact_today[{i}]", c
    for i, ch in enumerate(status.get("changes") or []):
        for path, value in (ch.get("set") or {}).items():
            if path.startswith("criteria.") and isinstance(value, dict):
                yield f"status.changes[{i}].set.{path}", value


@pytest.mark.parametrize("path", SCHEMES + AGENCIES, ids=lambda p: p.stem)
def test_every_shown_note_has_its_english(path):
    card = yaml.safe_load(path.read_text(encoding="utf-8"))
    missing = [w for w, item in _noted(card) if item.get("note") and not item.get("note_en")]
    assert not missing, f"{path.name}: note without note_en at {', '.join(missing)}"
    notes, english = card.get("notes") or [], card.get("notes_en") or []
    assert len(english) == len(notes), f"{path.name}: {len(notes)} notes, {len(english)} notes_en"
    for fr, en in zip(notes, english):
        assert en.strip() and en != fr


def _card(name: str) -> dict:
    return yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("model", "name", "edit", "message"),
    [
        (Scheme, "assurance-credit", lambda c: c["notes_en"].pop(), "notes_en: 4 English notes"),
        (Scheme, "assurance-credit", lambda c: c.pop("notes"), "notes_en: 5 English notes for 0"),
        (
            Scheme,
            "pass-export-occ",
            lambda c: c["criteria"][0].update(note_en="An English note"),
            "note_en: an English note without its French note",
        ),
        (
            Scheme,
            "assurance-credit",
            lambda c: c["funding"].pop("note"),
            "funding.note_en: an English note without its French note",
        ),
        (Agency, "agencies/ccef", lambda c: c["notes_en"].append("x"), "notes_en: 3 English"),
    ],
)
def test_english_notes_are_checked(model, name, edit, message):
    card = copy.deepcopy(_card(name))
    edit(card)
    with pytest.raises(ValidationError) as e:
        model.model_validate(card)
    assert message in str(e.value)


@pytest.fixture(scope="module")
def show():
    runner = CliRunner()

    def _show(sid: str, lang: str, fmt: str = "table", date: str = "2026-06-01") -> str:
        args = ["show", sid, "--lang", lang, "--format", fmt, "--date", date]
        result = runner.invoke(app, args, env={"COLUMNS": "80", "INTERTEX_CATALOG": str(DATA)})
        assert result.exit_code == 0, result.output
        return result.stdout

    return _show


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("path", SCHEMES, ids=lambda p: p.stem)
def test_show_in_english_prints_the_english_notes(show, path):
    card = yaml.safe_load(path.read_text(encoding="utf-8"))
    for fmt in ("table", "markdown"):
        out = show(path.stem, "en", fmt)
        assert "in French, not translated" not in out
        assert "Notes de lecture" not in out
        if card.get("notes"):
            assert "Reading notes" in out
        flat = _flat(out)
        shown = (lambda x: md(_flat(x))) if fmt == "markdown" else _flat
        for en in card.get("notes_en", []):
            assert shown(en)[:60] in flat, (fmt, en)
        for fr in card.get("notes", []):
            assert shown(fr) not in flat, (fmt, fr)
    fr = show(path.stem, "fr")
    assert "Notes de lecture" in fr if card.get("notes") else True
    for note in card.get("notes", []):
        assert _flat(note)[:60] in _flat(fr)


@pytest.mark.parametrize("path", SCHEMES, ids=lambda p: p.stem)
def test_the_guide_card_in_english_prints_its_criteria_and_funding_notes(show, path):
    card = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = [*(card.get("criteria") or []), *(card.get("contacts") or []), card.get("funding", {})]
    en = _flat(show(path.stem, "en", date="2017-12-31"))
    fr = _flat(show(path.stem, "fr", date="2017-12-31"))
    for item in items:
        if item.get("note"):
            assert _flat(item["note_en"]) in en and _flat(item["note"]) not in en
            assert _flat(item["note"]) in fr
