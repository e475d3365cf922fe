"""One language: --help and click's usage errors wholly in French (--lang fr) or wholly
in English (--lang en), click's own words included; screening's messages, the
missing-extra message and check's message without a terminal too."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from intertex_cli import cli
from intertex_cli.text import helptext

from .conftest import ROOT

COMMANDS = [
    [],
    ["list"],
    ["show"],
    ["search"],
    ["validate"],
    ["schema"],
    ["check"],
    ["why"],
    ["screen"],
]
# words that only an English screen shows (click's, typer's, ours)
ENGLISH = [
    "Usage:",
    "Show this message",
    "default:",
    "env var",
    "required]",
    "Commands:",
    "Example",
    "<path>",
    "<str>",
    "list[",
    " the ",
    " of ",
    "Error",
    "Try '",
]
FRENCH = ["Utilisation", "Affiche", "par défaut", " le ", " les ", " des ", "Exemple", "Erreur"]


def _run(args, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    code = cli.run(args)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "intertex")
def test_help_is_french_throughout(command, capsys, monkeypatch):
    code, out, _ = _run(["--lang", "fr", *command, "--help"], capsys, monkeypatch)
    assert code == 0
    assert out.startswith("Utilisation : intertex") and "Affiche cette aide et s'arrête." in out
    for word in ENGLISH:
        assert word not in out, (word, out)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "intertex")
def test_help_is_english_throughout(command, capsys, monkeypatch):
    code, out, _ = _run(["--lang", "en", *command, "--help"], capsys, monkeypatch)
    assert code == 0
    assert out.startswith("Usage: intertex") and "Show this message and exit." in out
    for word in FRENCH:
        assert word not in out, (word, out)


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "intertex")
def test_help_reads_at_80_columns_and_nothing_is_cut(command, lang, capsys, monkeypatch):
    _, out, _ = _run(["--lang", lang, *command, "--help"], capsys, monkeypatch)
    for line in out.splitlines():
        assert len(line) <= 80, line
        if not line.startswith(("Usage", "Utilisation")):
            assert not re.search(r"\w\.\.\.$", line), line  # click's cut of a description


def test_the_defaults_and_environment_notes_are_in_french(capsys, monkeypatch):
    _, out, _ = _run(["--lang", "fr", "check", "--help"], capsys, monkeypatch)
    assert "[par défaut : table]" in out
    assert "[variable d'environnement : INTERTEX_CATALOG]" in " ".join(out.split())
    assert "--catalog DOSSIER" in out and "--answers FICHIER" in out and "--date AAAA-MM-JJ" in out
    _, out, _ = _run(["--lang", "en", "check", "--help"], capsys, monkeypatch)
    assert "[default: table]" in out and "--catalog DIR" in out and "--date YYYY-MM-DD" in out


def test_every_help_text_has_its_french():
    """A new option or command without French help fails here, not in front of a user."""
    import inspect

    from typer.models import ParameterInfo

    infos = [cli.app.registered_callback, *cli.app.registered_commands]
    for info in infos:
        for p in inspect.signature(info.callback).parameters.values():
            d = p.default
            if isinstance(d, ParameterInfo) and d.help:
                english = getattr(d, "_help_en", d.help)
                assert english in helptext.OPTIONS, english
            if isinstance(d, ParameterInfo) and d.metavar:
                english = getattr(d, "_metavar_en", d.metavar)
                assert english in helptext.METAVARS or english.isupper(), english
    assert {c.name for c in cli.app.registered_commands} == set(helptext.COMMANDS)


@pytest.mark.parametrize(
    "args,fr,en",
    [
        (
            ["list", "--nope"],
            "Erreur : option inconnue : --nope",
            "Error: No such option: --nope",
        ),
        (
            ["list", "--regio", "x"],
            "Erreur : option inconnue : --regio (options possibles : --region)",
            "Error: No such option: --regio (Possible options: --region)",
        ),
        (["show"], "Erreur : argument manquant : 'ID'.", "Error: Missing argument 'ID'."),
        (
            ["search"],
            "Erreur : argument manquant : 'MOTS'.",
            "Error: Missing argument 'WORDS'.",
        ),
        (
            ["lsit"],
            "Erreur : commande inconnue : 'lsit'. Vouliez-vous dire 'list' ?",
            "Error: No such command 'lsit'. Did you mean 'list'?",
        ),
        (
            ["show", "a", "b"],
            "Erreur : argument(s) en trop : b",
            "Error: Got unexpected extra argument(s) (b)",
        ),
        (
            ["list", "--format"],
            "Erreur : l'option '--format' demande une valeur.",
            "Error: Option '--format' requires an argument.",
        ),
        (
            ["--debug=x", "list"],
            "Erreur : l'option '--debug' ne prend pas de valeur.",
            "Error: Option '--debug' does not take a value.",
        ),
    ],
)
def test_usage_errors_in_one_language(args, fr, en, capsys, monkeypatch):
    code, _, err = _run(["--lang", "fr", *args], capsys, monkeypatch)
    assert code == 2 and fr in err, err
    for word in ("Usage:", "Error", "Try '", "Possible", "Missing", "No such"):
        assert word not in err, (word, err)
    code, _, err = _run(["--lang", "en", *args], capsys, monkeypatch)
    assert code == 2 and en in err, err
    for word in ("Utilisation", "Erreur", "Essayez", "inconnue", "manquant"):
        assert word not in err, (word, err)


def test_a_usage_error_shows_the_usage_and_the_hint_as_click_does(capsys, monkeypatch):
    _, _, err = _run(["--lang", "en", "list", "--nope"], capsys, monkeypatch)
    assert err == (
        "Usage: intertex list [OPTIONS]\n"
        "Try 'intertex list --help' for help.\n\n"
        "Error: No such option: --nope (Possible options: --type)\n"
    )
    _, _, err = _run(["--lang", "fr", "list", "--nope"], capsys, monkeypatch)
    assert err == (
        "Utilisation : intertex list [OPTIONS]\n"
        "Essayez « intertex list --help » pour l'aide.\n\n"
        "Erreur : option inconnue : --nope (options possibles : --type)\n"
    )


def test_a_path_option_checked_by_typer_says_why_in_french(tmp_path, capsys, monkeypatch):
    if os.geteuid() == 0:
        pytest.skip("root reads everything")
    f = tmp_path / "secret.yaml"
    f.write_text("headcount: 3\n")
    f.chmod(0)
    code, _, err = _run(["--lang", "fr", "check", "--answers", str(f)], capsys, monkeypatch)
    assert code == 2 and "valeur invalide pour" in err and "ne peut pas être lu" in err, err


def test_help_without_lang_follows_the_locale(capsys, monkeypatch):
    monkeypatch.delenv("INTERTEX_LANG", raising=False)
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    _, out, _ = _run(["--help"], capsys, monkeypatch)
    assert out.startswith("Usage:")
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    _, out, _ = _run(["--help"], capsys, monkeypatch)
    assert out.startswith("Utilisation :")


# --------------------------------------------------------------------------- messages


def _cli(args, **env):
    e = {**os.environ, **env}
    e.pop("INTERTEX_INTERACTIVE", None)
    return subprocess.run(
        [sys.executable, "-m", "intertex_cli", *args],
        capture_output=True,
        text=True,
        env=e,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
    )


def test_check_without_a_terminal_shows_a_minimal_answers_file_that_works(tmp_path):
    for lang, name in (("fr", "reponses.yaml"), ("en", "answers.yaml")):
        r = _cli(["--lang", lang, "check"])
        assert r.returncode == 2 and "examples/" not in r.stderr, r.stderr
        assert f"intertex check --answers {name}" in r.stderr
        shown = [line[4:] for line in r.stderr.splitlines() if line.startswith("    ")]
        assert shown and shown[0].startswith("projects:")
        f = tmp_path / name
        f.write_text("\n".join(shown) + "\n", encoding="utf-8")
        ok = _cli(["check", "--answers", str(f), "--format", "json", "--date", "2026-06-01"])
        assert ok.returncode == 0, ok.stderr
        assert "trade-fairs" in ok.stdout


def test_the_missing_extra_message_in_both_languages():
    code = (
        "import sys\n"
        "sys.modules['pyarrow'] = None\n"  # as if pip install intertex-cli without [screen]
        "from intertex_cli.__main__ import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    for lang, words in (
        ("fr", "intertex screen demande des bibliothèques facultatives (pyarrow manque)"),
        ("en", "intertex screen needs the optional libraries (pyarrow is missing)"),
    ):
        r = subprocess.run(
            [sys.executable, "-c", code, "--lang", lang, "screen", "x.csv"],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert r.returncode == 2 and words in r.stderr, r.stderr
        assert "pip install 'intertex-cli[screen]'" in r.stderr


@pytest.mark.parametrize(
    "args,fr,en",
    [
        (["screen"], "donnez le fichier à examiner", "give the file to screen"),
        (["screen", "nope.csv"], "fichier introuvable : nope.csv", "file not found: nope.csv"),
        (
            ["screen", "nope.csv", "--naf", "13"],
            "--naf et --region filtrent les fichiers SIRENE",
            "--naf and --region filter INSEE's SIRENE files",
        ),
        (
            ["screen", "a.csv", "-o", "out.txt"],
            "format de sortie inconnu '.txt'",
            "unknown output format '.txt'",
        ),
    ],
)
def test_screening_messages_in_one_language(args, fr, en):
    r = _cli(["--lang", "fr", *args])
    assert r.returncode == 2 and fr in r.stderr, r.stderr
    r = _cli(["--lang", "en", *args])
    assert r.returncode == 2 and en in r.stderr, r.stderr


def test_a_bad_row_is_named_in_french(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text("headcount,department\n20,81\nabc,81\n", encoding="utf-8")
    r = _cli(["--lang", "fr", "screen", str(f)])
    assert r.returncode == 0, r.stderr  # reported, not fatal
    assert "1 ligne(s) en erreur" in r.stderr and "--strict" in r.stderr
    assert "ligne 3, colonne headcount : un nombre est attendu, pas 'abc'" in r.stderr, r.stderr
    r = _cli(["--lang", "fr", "screen", str(f), "--strict"])
    assert r.returncode == 2, r.stderr
    assert "ligne 3, colonne headcount : un nombre est attendu, pas 'abc'" in r.stderr, r.stderr
