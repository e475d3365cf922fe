"""Startup: what a command imports, and the shortcuts that keep it near typer's floor.

Speed itself is measured in benchmarks/startup.py, not here: these tests pin what
makes it (no pydantic, YAML or rich where the output does not need them; typer's
coercion without pydantic gives what typer's gives).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from intertex_cli import cli
from intertex_cli.coercion import PlainParam

from .conftest import ROOT

EXAMPLE = ROOT / "examples" / "tissage-tarn.yaml"
HEAVY = ("pydantic", "yaml", "rich", "questionary", "prompt_toolkit")

PROBE = (
    "import sys\n"
    "from intertex_cli.__main__ import main\n"
    "code = main(sys.argv[1:])\n"
    f"heavy = sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))\n"
    "sys.stderr.write('HEAVY=' + ','.join(heavy) + '\\n')\n"
    "sys.exit(code)\n"
)


def _heavy_imports(args: list[str], env: dict) -> list[str]:
    r = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert r.returncode == 0, r.stderr
    line = [x for x in r.stderr.splitlines() if x.startswith("HEAVY=")][-1]
    return [m for m in line[len("HEAVY=") :].split(",") if m]


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    e = {**os.environ, "XDG_CACHE_HOME": str(tmp_path_factory.mktemp("xdg"))}
    e.pop("INTERTEX_CATALOG", None)
    e.pop("INTERTEX_NO_CACHE", None)
    subprocess.run(
        [sys.executable, "-m", "intertex_cli", "list", "--format", "json"],
        capture_output=True,
        env=e,
        check=True,
    )  # fills the cache
    return e


@pytest.mark.parametrize(
    "args",
    [
        ["show", "pass-export-occ", "--format", "json"],
        ["show", "pass-export-occ", "--format", "markdown"],
        ["list", "--format", "json"],
        ["list", "--region", "occitanie", "--format", "markdown"],
        ["search", "salons", "--format", "json"],
        ["check", "--answers", str(EXAMPLE), "--format", "json"],
    ],
)
def test_machine_output_imports_nothing_heavy(env, args):
    """Neither YAML nor pydantic (the cache), nor rich (no terminal styling)."""
    assert _heavy_imports(args, env) == []  # a flat answers file needs no PyYAML
    if args[0] == "check":
        json_answers = ROOT / "examples" / "confection-gironde.json"
        assert _heavy_imports(["check", "--answers", str(json_answers), "-f", "json"], env) == []


def test_an_answers_file_beyond_flat_lines_is_read_by_pyyaml(env, tmp_path):
    nested = tmp_path / "a.yaml"
    nested.write_text("projects:\n  - trade-fairs\ndepartment: '81'\n", encoding="utf-8")
    assert _heavy_imports(["check", "--answers", str(nested), "-f", "json"], env) == ["yaml"]


def test_checks_results_for_people_need_no_rich(env):
    """The results are lines (views/results.py): rich is for the wizard and errors."""
    assert _heavy_imports(["check", "--answers", str(EXAMPLE)], env) == []


# --------------------------------------------------------------------------- coercion


def _typer_param(command: str, name: str):
    import typer.main

    group = typer.main.get_command(cli.app)
    cmd = group if command == "" else group.commands[command]
    (param,) = [p for p in cmd.params if p.name == name]
    return param


@pytest.mark.parametrize(
    "command,name,values",
    [
        ("show", "scheme_id", ["pass-export-occ", "", "é", b"caf\xc3\xa9", b"\xff\xfe", 12]),
        ("list", "region", ["occitanie", " x ", b"bretagne"]),
        ("search", "words", [("salons",), ("a", "b"), ["x"], "one"]),
        ("check", "answers", ["a.yaml", "", "~/x.yaml", b"r\xc3\xa9ponses.yaml"]),
        ("", "catalog", ["data/schemes", "/nonexistent/dir"]),
        ("check", "ask_missing", [True, False]),
    ],
)
def test_plain_coercion_gives_what_typer_gives(command, name, values):
    from typer._coercion import build_runtime_param

    param = _typer_param(command, name)
    assert isinstance(param.get_runtime_param(), PlainParam)
    typers = build_runtime_param(param.type_descriptor)
    assert not isinstance(typers, PlainParam)
    for v in values:
        assert _outcome(param.get_runtime_param(), v, param) == _outcome(typers, v, param), v


def _outcome(coercion, value, param):
    try:
        return "ok", coercion.coerce(value, param, None)
    except Exception as e:  # noqa: BLE001 - compared, not hidden
        return "error", type(e).__name__, str(e)


def test_plain_coercion_keeps_typers_path_checks(tmp_path):
    """typer.Option(readable=True) (the default) still refuses an unreadable file."""
    import typer
    from typer._coercion import build_runtime_param

    if os.geteuid() == 0:
        pytest.skip("root reads everything")
    f = tmp_path / "secret.yaml"
    f.write_text("a: 1")
    f.chmod(0)
    param = _typer_param("check", "answers")
    for coercion in (param.get_runtime_param(), build_runtime_param(param.type_descriptor)):
        with pytest.raises(typer.BadParameter, match="not readable"):
            coercion.coerce(str(f), param, None)


def test_no_pydantic_to_parse_the_command_line(env):
    """typer's own coercion would import pydantic for ``--lang en`` (the cache is warm)."""
    code = (
        "import sys\n"
        "from intertex_cli.cli import app\n"
        "from typer.testing import CliRunner\n"
        "r = CliRunner().invoke(app, ['show', 'nope', '--lang', 'en', '--catalog', 'data/schemes'])\n"
        "assert r.exit_code == 2, r.output\n"
        "assert 'pydantic' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=env)


# --------------------------------------------------------------------------- one command


@pytest.mark.parametrize(
    "args",
    [
        ["show", "--help"],
        ["list", "--help"],
        ["check", "--help"],
        ["show"],
        ["show", "a", "b"],
        ["list", "--nope"],
        ["search"],
        ["why", "--format"],
    ],
)
def test_the_app_with_one_command_answers_as_the_whole_app(args):
    runner = CliRunner()
    whole = runner.invoke(cli.app, args, prog_name="intertex")
    one = runner.invoke(cli._app_for(args), args, prog_name="intertex")
    assert cli._app_for(args) is not cli.app
    assert (one.exit_code, one.output) == (whole.exit_code, whole.output)


@pytest.mark.parametrize("args", [[], ["--help"], ["--lang", "en", "list"], ["lsit"], ["-V"]])
def test_anything_else_gets_the_whole_app(args):
    assert cli._app_for(args) is cli.app


def test_json_of_a_command_is_the_same_either_way(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    runner = CliRunner()
    for args in (["list", "-f", "json"], ["show", "vie-bf", "-f", "json"]):
        whole = runner.invoke(cli.app, args)
        one = runner.invoke(cli._app_for(args), args)
        assert json.loads(whole.stdout) == json.loads(one.stdout)


def test_version_answers_without_typer():
    code = (
        "import sys\nfrom intertex_cli.__main__ import main\nmain(['--version'])\n"
        "assert 'typer' not in sys.modules\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0 and r.stdout.startswith("intertex "), r.stderr


def test_the_shipped_catalogue_is_found_without_importlib_resources():
    from intertex_cli.catalog.loader import builtin_dir

    assert (builtin_dir() / "pass-export-occ.yaml").is_file()
    assert Path(builtin_dir()).is_absolute()


# --------------------------------------------------------------------------- plain lines


def test_piped_list_search_and_show_are_plain_lines_within_the_width(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("COLUMNS", "80")
    runner = CliRunner()
    for args in (["list"], ["search", "salons"], ["show", "credit-impot-export"]):
        r = runner.invoke(cli.app, args)
        assert r.exit_code == 0, r.output
        assert not any(c in r.stdout for c in "┏┃│╭"), args  # no table, no panel
        for line in r.stdout.splitlines():
            assert len(line) <= 80 or " " not in line.strip(), line  # only a long word


def test_plain_lines_carry_no_escape_sequences():
    from intertex_cli.views.lines import clean

    assert clean("a\x1b[2Jb\x1b]0;title\x07c\x9bd\te\nf") == "a[2Jb]0;titlec" + "d e\nf"


LAZY_PROBE = (
    "import sys\n"
    "import intertex_cli.cli\n"
    "from intertex_cli.defer import DEFERRED\n"
    "lazy = sorted(n for n in DEFERRED if type(sys.modules.get(n)).__name__ == '_LazyModule')\n"
    "print(','.join(lazy))\n"
    "import locale, signal, shutil, subprocess\n"  # and each works when used
    "assert signal.SIGINT == 2 and locale.getpreferredencoding(False)\n"
    "assert subprocess.run(['true']).returncode == 0\n"
    "assert shutil.get_archive_formats()\n"
    "print(type(sys.modules['signal']).__name__)\n"
)


def test_typer_starts_without_the_modules_of_features_left_off():
    """defer.py: every deferred module is still unexecuted once the CLI is imported,
    and is the ordinary module as soon as it is used."""
    from intertex_cli.defer import DEFERRED

    r = subprocess.run([sys.executable, "-c", LAZY_PROBE], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    lazy, used = r.stdout.split()
    assert set(lazy.split(",")) == DEFERRED
    assert used == "module"


def test_deferring_leaves_other_imports_alone():
    import importlib
    import sys as system

    from intertex_cli.defer import _Finder, deferring

    with deferring():
        assert system.meta_path[0] is _Finder
        mod = importlib.import_module("json")
    assert _Finder not in system.meta_path
    assert type(mod).__name__ == "module"


def test_records_compare_hash_print_and_replace_like_dataclasses():
    """record.py: the start-up classes written without @dataclass keep its behaviour."""
    from intertex_cli.errors import Problem

    p = Problem("a.yaml", "bad", 3, "headcount")
    assert p == Problem("a.yaml", "bad", 3, "headcount") != Problem("a.yaml", "bad", 4)
    assert len({p, Problem("a.yaml", "bad", 3, "headcount")}) == 1
    assert repr(p) == "Problem(file='a.yaml', message='bad', line=3, field='headcount')"
    assert p.replace(message="mauvais") == Problem("a.yaml", "mauvais", 3, "headcount")
    assert str(p) == "a.yaml:3: headcount: bad"
    assert p != ("a.yaml", "bad", 3, "headcount")
