"""Shell completion: the scripts, their installation, and the shell's questions answered
(commands, options, scheme ids from the catalogue in use, project ids, other values),
as bash, zsh and fish ask them: whole processes, with typer's own protocol."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from .conftest import ROOT

INTERTEX = [sys.executable, "-m", "intertex_cli"]


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    e = {**os.environ, "XDG_CACHE_HOME": str(tmp_path_factory.mktemp("xdg")), "LANG": "C"}
    for var in ("INTERTEX_CATALOG", "INTERTEX_LANG", "_INTERTEX_COMPLETE", "COMP_WORDS"):
        e.pop(var, None)
    return e


def _run(args, env, **extra):
    return subprocess.run(
        [*INTERTEX, *args], capture_output=True, text=True, env={**env, **extra}, cwd=ROOT
    )


def bash(words: str, env: dict) -> list[str]:
    """The candidates bash gets for the last word of ``words`` (a trailing space: a new word)."""
    parts = words.split(" ")
    r = _run(
        [],
        env,
        _INTERTEX_COMPLETE="complete_bash",
        COMP_WORDS=words,
        COMP_CWORD=str(len(parts) - 1),
    )
    assert r.returncode == 0 and r.stderr == "", r.stderr
    return r.stdout.split()


@pytest.mark.parametrize(
    "words,expected",
    [
        ("intertex sh", {"show"}),
        ("intertex s", {"show", "search", "schema", "screen"}),
        ("intertex show pass-", {"pass-export-occ", "pass-export-na"}),
        ("intertex why credit-", {"credit-export", "credit-impot-export"}),
        ("intertex check --explain vie-", {"vie-occ", "vie-bf"}),
        ("intertex screen --scheme garantie-c", {"garantie-cautions"}),
        ("intertex list --project tr", {"trade-fairs"}),
        (
            "intertex list --project export-",
            {"export-strategy", "export-hire", "export-contract-finance"},
        ),
        ("intertex list --region nouv", {"nouvelle-aquitaine"}),
        ("intertex list --agency bp", {"bpifrance"}),
        ("intertex list --type ad", {"advice"}),
        ("intertex screen --format ", {"table", "json"}),
        ("intertex show vie-bf --format m", {"markdown"}),
        ("intertex --lang ", {"fr", "en"}),
        ("intertex list --pro", {"--project"}),
        ("intertex check --a", {"--answers", "--ask-missing", "--all"}),
        (
            "intertex --",
            {
                "--version",
                "--catalog",
                "--lang",
                "--debug",
                "--install-completion",
                "--show-completion",
                "--help",
            },
        ),
    ],
)
def test_bash_completes_commands_options_and_ids(env, words, expected):
    assert set(bash(words, env)) == expected


def test_every_scheme_id_is_offered(env):
    ids = set(bash("intertex show ", env))
    assert len(ids) == 28 and {"pass-export-occ", "conseil-douane"} <= ids


def test_scheme_ids_come_from_the_catalogue_in_use(env, tmp_path):
    cat = tmp_path / "cat"
    cat.mkdir()
    text = (ROOT / "data" / "schemes" / "vie-bf.yaml").read_text(encoding="utf-8")
    (cat / "mon-vie.yaml").write_text(text.replace("id: vie-bf", "id: mon-vie"), encoding="utf-8")
    assert bash(f"intertex --catalog {cat} show ", env) == ["mon-vie"]
    assert bash(f"intertex show --catalog {cat} m", env) == ["mon-vie"]
    assert _run(["list"], env, INTERTEX_CATALOG=str(cat)).returncode == 0
    assert bash("intertex why ", {**env, "INTERTEX_CATALOG": str(cat)}) == ["mon-vie"]


def test_a_catalogue_that_does_not_load_completes_nothing_and_prints_nothing(env, tmp_path):
    assert bash(f"intertex --catalog {tmp_path / 'none'} show ", env) == []


def test_zsh_gets_each_id_with_its_title_on_one_line(env):
    r = _run(
        [],
        env,
        _INTERTEX_COMPLETE="complete_zsh",
        _TYPER_COMPLETE_ARGS="intertex show pass-export-o",
    )
    assert r.returncode == 0, r.stderr
    assert (
        r.stdout.startswith("_arguments")
        and '"pass-export-occ":"Pass Export (Région Occitanie)"' in r.stdout
    )
    r = _run([], env, _INTERTEX_COMPLETE="complete_zsh", _TYPER_COMPLETE_ARGS="intertex list --")
    lines = r.stdout.splitlines()
    assert len(lines) == 8  # _arguments with --region, then one line per other option
    assert all(line.startswith(('"', "_arguments")) for line in lines), lines


def test_fish_gets_ids_with_titles(env):
    r = _run(
        [],
        env,
        _INTERTEX_COMPLETE="complete_fish",
        _TYPER_COMPLETE_ARGS="intertex list --project vi",
        _TYPER_COMPLETE_FISH_ACTION="get-args",
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "vie\tAccueillir un V.I.E. (volontaire international en entreprise)"


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_show_completion_prints_the_script_of_the_shell(env, shell):
    r = _run(["--show-completion", shell], env)
    assert r.returncode == 0, r.stderr
    assert f"_INTERTEX_COMPLETE=complete_{shell}" in r.stdout and "intertex" in r.stdout


def test_show_completion_detects_the_shell(env):
    r = _run(
        ["--show-completion"],
        {**env, "SHELL": "/bin/zsh"},
        _TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION="1",
    )
    assert r.returncode == 0 and "complete_" in r.stdout, r.stderr


@pytest.mark.parametrize(
    "lang,words", [("fr", "possibles : bash, zsh, fish"), ("en", "use one of: bash, zsh, fish")]
)
def test_an_unknown_shell_is_refused_with_the_shells_we_serve(env, lang, words):
    r = _run(["--lang", lang, "--show-completion", "tcsh"], env)
    assert r.returncode == 2 and words in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize(
    "shell,script,rc",
    [
        ("bash", ".bash_completions/intertex.sh", ".bashrc"),
        ("zsh", ".zfunc/_intertex", ".zshrc"),
        ("fish", ".config/fish/completions/intertex.fish", None),
    ],
)
def test_install_completion_writes_the_script_and_one_line_in_the_shells_file(
    env, tmp_path, shell, script, rc
):
    home = tmp_path / "home"
    home.mkdir()
    if rc:
        (home / rc).write_text("# mine\nalias ll='ls -l'", encoding="utf-8")  # no final newline
    for _ in range(2):  # twice: the line is not added again
        r = _run(["--lang", "en", "--install-completion", shell], {**env, "HOME": str(home)})
        assert r.returncode == 0, r.stderr
        assert f"{shell} completion installed in {home / script}" in r.stdout
    assert f"_INTERTEX_COMPLETE=complete_{shell}" in (home / script).read_text(encoding="utf-8")
    if rc:
        lines = (home / rc).read_text(encoding="utf-8").splitlines()
        assert lines[:2] == ["# mine", "alias ll='ls -l'"] and len(lines) == 3


def test_install_completion_in_french(env, tmp_path):
    r = _run(["--lang", "fr", "--install-completion", "bash"], {**env, "HOME": str(tmp_path)})
    assert r.returncode == 0 and "Complétion bash installée dans" in r.stdout


def test_install_completion_that_cannot_write_exits_2(env, tmp_path):
    home = tmp_path / "home"
    home.write_text("not a folder", encoding="utf-8")
    r = _run(["--lang", "en", "--install-completion", "fish"], {**env, "HOME": str(home)})
    assert r.returncode == 2 and "Cannot install the completion" in r.stderr
    assert "Traceback" not in r.stderr


def test_a_command_after_the_option_is_not_a_completion_request(env):
    r = _run(["list", "--show-completion"], env)
    assert r.returncode == 2 and "--show-completion" in r.stderr


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_bash_runs_the_shown_script(env, tmp_path):
    """The script as bash sources it: its function, called as bash calls it on Tab."""
    script = _run(["--show-completion", "bash"], env).stdout
    intertex = tmp_path / "intertex"
    intertex.write_text(f'#!/bin/sh\nexec {sys.executable} -m intertex_cli "$@"\n')
    intertex.chmod(0o755)
    test = (
        f"{script}\n"
        "COMP_WORDS=(intertex list --project tr); COMP_CWORD=3\n"
        "_intertex_completion intertex\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    r = subprocess.run(
        ["bash", "--norc", "-c", test],
        capture_output=True,
        text=True,
        env={**env, "PATH": f"{tmp_path}:{env['PATH']}"},
        cwd=ROOT,
    )
    assert r.stdout.split() == ["trade-fairs"], r.stderr


PROBE = (
    "import sys\n"
    "from intertex_cli.__main__ import main\n"
    "code = main(sys.argv[1:])\n"
    "sys.stderr.write('LOADED=%s\\n' % ('intertex_cli.completion' in sys.modules))\n"
    "sys.exit(code)\n"
)


@pytest.mark.parametrize("args", [["list", "-f", "json"], ["--help"], ["show", "vie-bf"]])
def test_a_normal_command_never_loads_the_completion(env, args):
    r = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert r.returncode == 0, r.stderr
    assert "LOADED=False" in r.stderr
