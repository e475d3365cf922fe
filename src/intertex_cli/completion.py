"""Shell completion: ``intertex --show-completion`` / ``--install-completion`` and the
shell's questions while a person presses Tab.

Loaded only when asked (``cli.run`` looks for the two options, or for the shell's
``_INTERTEX_COMPLETE`` variable, before anything else): a normal command never
imports this module. The scripts are typer's (bash, zsh, fish); the shell runs
``intertex`` with ``_INTERTEX_COMPLETE=complete_<shell>`` and the words typed so far,
and typer answers with the commands and options of the app and, through the
completers below, the values: scheme ids and agency ids from the catalogue in use
(``--catalog`` or ``INTERTEX_CATALOG``), project ids, regions, support types,
formats and languages.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PROG = "intertex"
COMPLETE_VAR = "_INTERTEX_COMPLETE"
SHELLS = ("bash", "zsh", "fish")
OPTIONS = ("--install-completion", "--show-completion")
# the parameters whose values are completed (by their name in cli.py)
COMPLETED = ("scheme_id", "explain", "project", "agency", "region", "support_type", "fmt", "lang")

# Where each shell finds the script (as typer installs it), and the line its start-up
# file needs for that (None: the folder is read by the shell itself).
TARGETS = {
    "bash": (".bash_completions/intertex.sh", ".bashrc", "source '{script}'"),
    "zsh": (".zfunc/_intertex", ".zshrc", "fpath+=~/.zfunc; autoload -Uz compinit; compinit"),
    "fish": (".config/fish/completions/intertex.fish", None, None),
}


def asked(args: list[str]) -> tuple[str, str | None] | None:
    """("install" or "show", the shell named or None) when the options before the
    command ask for a completion script; else None."""
    i = 0
    while i < len(args):
        a = args[i]
        if a in OPTIONS:
            shell = args[i + 1] if i + 1 < len(args) else None
            return a[2:].split("-")[0], None if shell is None or shell.startswith("-") else shell
        if not a.startswith("-"):
            return None  # a command: what follows is its own
        i += 2 if a in ("--catalog", "--lang") else 1
    return None


def run_script_option(action: str, shell: str | None, lang: str) -> int:
    """Print the script for the shell, or install it; 0, or 2 for a shell we cannot serve."""
    from .files.safeio import FileProblem, write_atomic
    from .text.i18n import t

    shell = (shell or detect_shell() or "").strip().lower()
    if shell not in SHELLS:
        sys.stderr.write(t("completion.shell", lang, shell=shell or "?", shells=", ".join(SHELLS)))
        sys.stderr.write("\n")
        return 2
    text = script(shell)
    if action == "show":
        sys.stdout.write(text + "\n")
        return 0
    home = Path.home()
    target, rc, line = TARGETS[shell]
    path = home / target
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text + "\n")
        if rc is not None:
            rc_path = home / rc
            line = line.format(script=path)
            old = rc_path.read_text(encoding="utf-8") if rc_path.is_file() else ""
            if line not in old.splitlines():
                sep = "" if not old or old.endswith("\n") else "\n"
                write_atomic(rc_path, f"{old}{sep}{line}\n")
    except (OSError, FileProblem) as e:
        why = e.reason if isinstance(e, FileProblem) else (e.strerror or str(e))
        sys.stderr.write(t("completion.failed", lang, file=str(path), reason=why) + "\n")
        return 2
    sys.stdout.write(t("completion.installed", lang, shell=shell, file=str(path)) + "\n")
    sys.stdout.write(t("completion.restart", lang) + "\n")
    return 0


def detect_shell() -> str | None:
    """The shell that runs intertex (shellingham, typer's own detection), else $SHELL's."""
    try:
        import shellingham

        return shellingham.detect_shell()[0]
    except Exception:  # noqa: BLE001 - no shell found: fall back to $SHELL
        name = os.path.basename(os.environ.get("SHELL", ""))
        return name or None


def script(shell: str) -> str:
    try:
        from typer._completion_shared import get_completion_script
    except ImportError:  # pragma: no cover - another typer
        from typer.completion import get_completion_script
    return get_completion_script(prog_name=PROG, complete_var=COMPLETE_VAR, shell=shell)


# --------------------------------------------------------------------------- values


def _catalogue(ctx):
    """The catalogue the command line names (--catalog, INTERTEX_CATALOG), or None."""
    from .catalog import loader

    directory = None
    while ctx is not None and directory is None:
        directory = ctx.params.get("catalog")
        ctx = ctx.parent
    try:
        return loader.load(directory)
    except Exception:  # noqa: BLE001 - a catalogue that does not load completes nothing
        return None


def _scheme_ids(ctx):
    cat = _catalogue(ctx)
    return [] if cat is None else [(s.id, s.title) for s in cat.schemes.values()]


def _agency_ids(ctx):
    cat = _catalogue(ctx)
    return [] if cat is None else [(a, cat.agency_name(a)) for a in sorted(cat.agencies)]


def _project_ids(ctx):
    from .engine.vocab import PROJECTS
    from .text.i18n import interface_lang

    en = interface_lang() == "en"
    return [(p, labels[1] if en else labels[0]) for p, labels in PROJECTS.items()]


def _regions(ctx, command: str):
    from .engine import geo

    if command == "list":
        return list(geo.SCHEME_REGIONS) + [r for r in geo.REGIONS if r not in geo.SCHEME_REGIONS]
    return list(geo.REGIONS)


def _values(command: str, name: str, ctx) -> list:
    """What the parameter ``name`` of ``command`` takes: (value, help) pairs or values."""
    from . import cli
    from .text.i18n import LANGS

    if name in ("scheme_id", "explain"):
        return _scheme_ids(ctx)
    if name == "project":
        return _project_ids(ctx)
    if name == "agency":
        return _agency_ids(ctx)
    if name == "region":
        return _regions(ctx, command)
    if name == "support_type":
        return list(cli.SUPPORT_TYPES)
    if name == "fmt":
        return list(cli.COMMAND_FORMATS.get(command, cli.FORMATS))
    if name == "lang":
        return list(LANGS)
    return []


def _completer(command: str, name: str):
    from typer._click.shell_completion import CompletionItem

    def complete(ctx, param, incomplete: str):
        try:
            values = _values(command, name, ctx)
        except Exception:  # noqa: BLE001 - completion never prints an error into the shell
            return []
        items = []
        for v in values:
            value, help_ = v if isinstance(v, tuple) else (v, None)
            if value.startswith(incomplete):
                items.append(CompletionItem(value, help=help_))
        return items

    return complete


def complete(args: list[str]) -> int:
    """Answer the shell (``_INTERTEX_COMPLETE`` is set): typer reads the words typed
    from the environment and prints the candidates."""
    import typer.main
    from typer._completion_classes import completion_init

    from .cli import app
    from .text.helptext import help_lang, localize
    from .text.i18n import CURRENT

    completion_init()  # typer's classes for its scripts' protocol
    os.environ["COLUMNS"] = "10000"  # zsh's descriptions on one line each (typer wraps them)
    words = os.environ.get("COMP_WORDS", "") or os.environ.get("_TYPER_COMPLETE_ARGS", "")
    lang = help_lang(words.split())
    CURRENT["lang"] = lang
    localize(app, lang)  # the commands' descriptions (zsh, fish) in the interface's language
    group = typer.main.get_command(app)
    for command in [group, *group.commands.values()]:
        for param in command.params:
            if param.name in COMPLETED:
                param._custom_shell_complete = _completer(command.name or "", param.name)
    try:
        group.main(args=args, prog_name=PROG, complete_var=COMPLETE_VAR)
    except SystemExit as e:  # click's 1 is an instruction it does not know: bad input
        code = e.code if isinstance(e.code, int) else 0
        return 2 if code == 1 else code
    except (ValueError, IndexError):  # COMP_CWORD not a word's index: nothing to offer
        return 2  # silent: a message would land in the middle of the command line
    return 0
