"""The command line: typer commands, thin, over the catalogue, the engine and the views."""

import os
import sys

from .defer import deferring

with deferring():  # typer without the modules of features left off (defer.py)
    from pathlib import Path

    import typer

from . import __version__
from .coercion import Command, Group
from .errors import ExitCode, Interrupted, IntertexError, UsageError

app = typer.Typer(
    name="intertex",
    cls=Group,
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    help=(
        "Export-support schemes for French textile and clothing SMEs, from the INTER-TEX "
        "guide (2017-2018): browse the catalogue, check which schemes a company can use.\n\n"
        "In French: intertex --lang fr --help."
    ),
)

CATALOG_HELP = "Use another catalogue directory (also INTERTEX_CATALOG)."
DATE_HELP = (
    "The day of the assessment, YYYY-MM-DD (default: today): the terms in force that day; "
    "2017-12-31 gives the guide's."
)
LANG_HELP = "Interface language: fr or en (default: from the locale)."
FORMATS = ("table", "json", "markdown")
COMMAND_FORMATS = {"screen": ("table", "json")}  # the others take FORMATS
SUPPORT_TYPES = ("subsidy", "insurance-guarantee", "loan", "tax-credit", "advice", "information")


class State:
    catalog_dir: Path | None = None
    lang: str | None = None
    debug: bool = False


STATE = State()


def _version(value: bool) -> None:
    if value:
        print(f"intertex {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        "-V",
        callback=_version,
        is_eager=True,
        help="Show the version and exit.",
    ),
    catalog: Path | None = typer.Option(
        None, "--catalog", metavar="DIR", help=CATALOG_HELP, envvar="INTERTEX_CATALOG"
    ),
    lang: str | None = typer.Option(None, "--lang", metavar="LANG", help=LANG_HELP),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks of internal errors."),
    install_completion: bool = typer.Option(
        False,
        "--install-completion",
        help="Install the completion of commands, options and ids for the shell (bash, zsh or fish; default: the current one).",
    ),
    show_completion: bool = typer.Option(
        False,
        "--show-completion",
        help="Print the completion script for the shell (bash, zsh or fish), to install it yourself.",
    ),
) -> None:
    # the two completion options are answered by run() before the app (completion.py)
    STATE.catalog_dir = catalog
    STATE.lang = lang
    STATE.debug = debug
    from .text import i18n

    i18n.CURRENT["lang"] = None  # each command chooses again (tests run many in one process)


def _lang(lang: str | None) -> str:
    from .text.i18n import LANGS, default_lang

    chosen = (lang or STATE.lang or default_lang()).strip().lower()
    if chosen in LANGS:
        from .text import i18n

        i18n.CURRENT["lang"] = chosen
    else:
        from .text.sanitize import shown

        raise UsageError(f"unknown language {shown(chosen)}; use one of: {', '.join(LANGS)}")
    return chosen


def _catalog(directory: Path | None):
    from .catalog import loader as catalog

    return catalog.load(directory or STATE.catalog_dir)


def _catalog_at(directory: Path | None, day: str | None):
    """The catalogue as it stood on the day of the assessment (--date, default today)."""
    from .catalog.dated import parse_day

    when = parse_day(day)  # a bad date is a usage error before any file is read
    return _catalog(directory).at(when)


def _choice(kind: str, value: str | None, allowed) -> str | None:
    if value is None:
        return None
    v = value.strip().lower()
    if v not in allowed:
        import difflib

        from .text.sanitize import shown

        close = difflib.get_close_matches(v[:100], list(allowed), n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise UsageError(f"unknown {kind} {shown(value)}; valid: {', '.join(allowed)}.{hint}")
    return v


def _format(value: str) -> str:
    return _choice("format", value, FORMATS)


def _out(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


# --------------------------------------------------------------------------- list


@app.command("list")
def list_cmd(
    region: str | None = typer.Option(
        None,
        "--region",
        "-r",
        metavar="REGION",
        help="occitanie, nouvelle-aquitaine, national or any region id (bretagne…): the schemes a company located there can use.",
    ),
    agency: str | None = typer.Option(
        None,
        "--agency",
        "-a",
        metavar="AGENCY",
        help="An agency id: region-occitanie, bpifrance, business-france…",
    ),
    project: str | None = typer.Option(
        None,
        "--project",
        "-p",
        metavar="PROJECT",
        help="A project id: the schemes that serve it (export-strategy, trade-fairs, vie…).",
    ),
    support_type: str | None = typer.Option(
        None,
        "--type",
        "-t",
        metavar="TYPE",
        help="subsidy, insurance-guarantee, loan, tax-credit, advice, information.",
    ),
    fmt: str = typer.Option(
        "table", "--format", "-f", metavar="FORMAT", help="table, json or markdown."
    ),
    catalog: Path | None = typer.Option(
        None, "--catalog", metavar="DIR", help=CATALOG_HELP, envvar="INTERTEX_CATALOG"
    ),
    lang: str | None = typer.Option(None, "--lang", metavar="LANG", help=LANG_HELP),
) -> None:
    """List the schemes of the catalogue.

    \b
    Examples:
      intertex list --region occitanie --type subsidy
      intertex list --project trade-fairs
    """
    from .engine import geo
    from .engine.vocab import PROJECT_IDS

    lang, fmt = _lang(lang), _format(fmt)
    cat = _catalog(catalog)
    region = _choice(
        "region",
        region,
        geo.SCHEME_REGIONS + tuple(r for r in geo.REGIONS if r not in geo.SCHEME_REGIONS),
    )
    agency = _choice("agency", agency, sorted(cat.agencies))
    support_type = _choice("type", support_type, SUPPORT_TYPES)
    project = _choice("project", project, PROJECT_IDS)
    schemes = [
        s
        for s in cat.schemes.values()
        if (
            region is None
            or region in s.regions
            or (region != "national" and "national" in s.regions)
        )
        and (agency is None or s.agency == agency)
        and (support_type is None or s.support_type == support_type)
        and (project is None or any(link.id == project for link in s.projects))
    ]
    if fmt == "json":
        from .views.present import dumps, list_item

        _out(dumps([list_item(s, cat) for s in schemes]))
        return
    if fmt == "markdown":
        from .text.i18n import t
        from .views.md import md
        from .views.present import headline

        lines = [
            f"| id | {t('col.title', lang)} | {t('col.agency', lang)} | {t('col.type', lang)} | {t('col.amount', lang)} | {t('col.status', lang)} |",
            "|---|---|---|---|---|---|",
        ]
        for s in schemes:
            lines.append(
                f"| `{s.id}` | {md(s.title)} | {md(cat.agency_name(s.agency))} | {t('type.' + s.support_type, lang)} | {headline(s, lang)} | {t('status.' + s.status.value, lang)} |"
            )
        _out("\n".join(lines))
        return
    from .views.lines import write_list

    write_list(schemes, cat, lang)


# --------------------------------------------------------------------------- show


@app.command("show")
def show_cmd(
    scheme_id: str = typer.Argument(..., metavar="ID", help="A scheme id, e.g. pass-export-occ."),
    fmt: str = typer.Option(
        "table", "--format", "-f", metavar="FORMAT", help="table, json or markdown."
    ),
    day: str | None = typer.Option(None, "--date", metavar="YYYY-MM-DD", help=DATE_HELP),
    catalog: Path | None = typer.Option(
        None, "--catalog", metavar="DIR", help=CATALOG_HELP, envvar="INTERTEX_CATALOG"
    ),
    lang: str | None = typer.Option(None, "--lang", metavar="LANG", help=LANG_HELP),
) -> None:
    """Show one scheme's whole card: status, purpose, criteria, amounts, contacts, source.

    \b
    Example:
      intertex show pass-export-occ
    """
    from .catalog.dated import at, parse_day

    lang, fmt = _lang(lang), _format(fmt)
    when = parse_day(day)  # a bad date is a usage error before any file is read
    cat = _catalog(catalog)
    s = at(cat.find(scheme_id), when)  # one card at the day: the others are not read
    if fmt == "json":
        from .views.present import dumps, scheme_json

        _out(dumps(scheme_json(s, cat)))
    elif fmt == "markdown":
        from .views.present import show_markdown

        _out(show_markdown(s, cat, lang))
    else:
        from .views.lines import write_show

        write_show(s, cat, lang)


# --------------------------------------------------------------------------- search


@app.command("search")
def search_cmd(
    words: list[str] = typer.Argument(
        ..., metavar="WORDS", help="Words to look for (case and accents ignored)."
    ),
    fmt: str = typer.Option("table", "--format", "-f", metavar="FORMAT", help="table or json."),
    catalog: Path | None = typer.Option(
        None, "--catalog", metavar="DIR", help=CATALOG_HELP, envvar="INTERTEX_CATALOG"
    ),
    lang: str | None = typer.Option(None, "--lang", metavar="LANG", help=LANG_HELP),
) -> None:
    """Search every text of the catalogue, best matches first.

    \b
    Examples:
      intertex search salons
      intertex search VIE
      intertex search change
    """
    from .catalog.search import search

    lang, fmt = _lang(lang), _format(fmt)
    cat = _catalog(catalog)
    query = " ".join(words)
    hits = search(cat, query)
    if fmt == "json":
        from .views.present import dumps

        _out(
            dumps(
                [
                    {
                        "id": h.scheme.id,
                        "title": h.scheme.title,
                        "score": h.score,
                        "status": h.scheme.status.value,
                        "matches": [{"field": f, "text": x} for f, x in h.snippets],
                    }
                    for h in hits
                ]
            )
        )
        return
    if fmt == "markdown":
        from .views.md import md

        _out(
            "\n".join(
                f"- `{h.scheme.id}` {md(h.scheme.title)} — "
                + "; ".join(f"{f}: {md(x)}" for f, x in h.snippets)
                for h in hits
            )
        )
        return
    from .views.lines import write_search

    write_search(hits, cat, lang, query)


# --------------------------------------------------------------------------- validate / schema


@app.command("validate")
def validate_cmd(
    directory: Path | None = typer.Argument(
        None, metavar="DIR", help="A catalogue directory (default: the one in use)."
    ),
    lang: str | None = typer.Option(None, "--lang", metavar="LANG", help=LANG_HELP),
) -> None:
    """Check every scheme and agency file of a catalogue; list each problem with its file and line.

    \b
    Example:
      intertex validate data/schemes
    """
    from .catalog import loader as catalog_mod
    from .catalog.freshness import check
    from .text.i18n import t

    lang = _lang(lang)
    # the cards whose files are as this intertex validated them come from the cache
    # (catalog/cache.py): after an edit, only the cards edited are validated again
    where = directory or STATE.catalog_dir
    if os.environ.get("INTERTEX_NO_CACHE") == "1":  # every card validated, nothing kept
        cat = catalog_mod.check_only(where)
    else:
        cat = catalog_mod.load(where)
    _out(t("valid", lang, n=len(cat.schemes), a=len(cat.agencies)) + f" ({cat.directory})")
    warnings, oldest = check(cat)
    for w in warnings:
        sys.stderr.write(f"warning: {w.scheme}: {w.message}\n")
    if oldest is not None:
        _out(t("oldest_evidence", lang, date=oldest[0], id=oldest[1]))
    if warnings:
        _out(t("freshness_warnings", lang, n=len(warnings)))


@app.command("schema")
def schema_cmd(
    agency: bool = typer.Option(False, "--agency", help="The schema of an agency file instead."),
) -> None:
    """Print the JSON Schema of a scheme file, for editors that check YAML while you type.

    \b
    Example:
      intertex schema > scheme.schema.json
    """
    from .catalog.schema import json_schema
    from .views.present import dumps

    _out(dumps(json_schema("agency" if agency else "scheme")))


# --------------------------------------------------------------------------- check


@app.command("check")
def check_cmd(
    answers: Path | None = typer.Option(
        None,
        "--answers",
        "-a",
        metavar="FILE",
        help="Answers file (YAML or JSON) with the contract's keys.",
    ),
    ask_missing: bool = typer.Option(
        False, "--ask-missing", help="With --answers and a terminal: ask what the file leaves open."
    ),
    save: Path | None = typer.Option(
        None, "--save", metavar="FILE", help="Write the answers given to this file (YAML)."
    ),
    fmt: str = typer.Option(
        "table", "--format", "-f", metavar="FORMAT", help="table, json or markdown."
    ),
    explain: str | None = typer.Option(
        None,
        "--explain",
        "-e",
        metavar="ID",
        help="Criterion-by-criterion checklist for one scheme.",
    ),
    report: Path | None = typer.Option(
        None,
        "--report",
        "-o",
        metavar="FILE",
        help="Also write the plan as a report: FILE.md (Markdown) or FILE.html (one page, prints on A4).",
    ),
    show_all: bool = typer.Option(
        False, "--all", help="Show every other scheme in full, not one line each."
    ),
    day: str | None = typer.Option(None, "--date", metavar="YYYY-MM-DD", help=DATE_HELP),
    catalog: Path | None = typer.Option(
        None, "--catalog", metavar="DIR", help=CATALOG_HELP, envvar="INTERTEX_CATALOG"
    ),
    lang: str | None = typer.Option(None, "--lang", metavar="LANG", help=LANG_HELP),
) -> None:
    """Your plan: the schemes for your projects, how much, what to do first, whom to call.

    \b
    Examples:
      intertex check
      intertex check --answers answers.yaml --format json
    """
    from .check import run_check

    run_check(
        answers=answers,
        ask_missing=ask_missing,
        save=save,
        fmt=_format(fmt),
        explain=explain,
        lang=_lang(lang),
        catalog=_catalog_at(catalog, day),
        report=report,
        show_all=show_all,
    )


@app.command("why")
def why_cmd(
    scheme_id: str = typer.Argument(..., metavar="ID", help="A scheme id."),
    answers: Path | None = typer.Option(
        None, "--answers", "-a", metavar="FILE", help="Answers file (YAML or JSON)."
    ),
    fmt: str = typer.Option(
        "table", "--format", "-f", metavar="FORMAT", help="table, json or markdown."
    ),
    day: str | None = typer.Option(None, "--date", metavar="YYYY-MM-DD", help=DATE_HELP),
    catalog: Path | None = typer.Option(
        None, "--catalog", metavar="DIR", help=CATALOG_HELP, envvar="INTERTEX_CATALOG"
    ),
    lang: str | None = typer.Option(None, "--lang", metavar="LANG", help=LANG_HELP),
) -> None:
    """Why (not)? The checklist of one scheme: ✔ ✘ ? per criterion, the answer used, the guide's words.

    \b
    Example:
      intertex why pass-export-na --answers answers.yaml
    """
    from .check import run_check

    run_check(
        answers=answers,
        ask_missing=False,
        save=None,
        fmt=_format(fmt),
        explain=scheme_id,
        lang=_lang(lang),
        catalog=_catalog_at(catalog, day),
    )


# --------------------------------------------------------------------------- projects


@app.command("projects")
def projects_cmd(
    fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
    lang: str | None = typer.Option(None, "--lang", help=LANG_HELP),
) -> None:
    """The project ids: what an answers file's projects and a portfolio's projects column take.

    Example: intertex projects   ·   intertex projects --format json
    """
    from .engine.vocab import PROJECTS

    fmt = _choice("format", fmt, ("table", "json"))
    lang = _lang(lang)
    if fmt == "json":
        from .views.present import dumps

        items = [
            {"id": pid, "label": fr if lang == "fr" else en, "label_fr": fr, "label_en": en}
            for pid, (fr, en) in PROJECTS.items()
        ]
        _out(dumps(items))
        return
    from .text.i18n import t
    from .views.lines import Out

    out = Out(sys.stdout)
    out.line(t("projects_head", lang), style="bold")
    for pid, (fr, en) in PROJECTS.items():
        out.line(pid, first="  ", style="bold")
        out.line(fr if lang == "fr" else en, indent="      ")
    out.line()
    out.line(t("projects_tail", lang), style="dim")


# --------------------------------------------------------------------------- screen


@app.command("screen")
def screen_cmd(
    files: list[Path] = typer.Argument(
        None,
        metavar="FILE",
        help="A portfolio (CSV, .xlsx or .parquet, columns named as the answers keys), or with --sirene INSEE's StockUniteLegale file and, optionally, StockEtablissement.",
    ),
    sirene: bool = typer.Option(
        False, "--sirene", help="The files are INSEE's SIRENE stock files (CSV or Parquet)."
    ),
    output: Path | None = typer.Option(
        None,
        "--output",
        "-o",
        metavar="FILE",
        help="Write one row per company to this file: .csv, .xlsx, .parquet or .json.",
    ),
    fmt: str = typer.Option(
        "table",
        "--format",
        "-f",
        metavar="FORMAT",
        help="table (the summary per scheme) or json (every company).",
    ),
    scheme_id: str | None = typer.Option(
        None, "--scheme", "-s", metavar="ID", help="Screen for this scheme only."
    ),
    detail: bool = typer.Option(
        False,
        "--detail",
        help="After each company's plan, its result for every scheme (verdict, amount, missing answers, place in the plan).",
    ),
    naf: str | None = typer.Option(
        None,
        "--naf",
        metavar="CODES",
        help="With --sirene: NAF codes to keep, e.g. 13,14,15.1 (prefixes).",
    ),
    region: str | None = typer.Option(
        None,
        "--region",
        "-r",
        metavar="REGION",
        help="With --sirene: keep the units whose head office is there.",
    ),
    on: str | None = typer.Option(
        None,
        "--date",
        metavar="YYYY-MM-DD",
        help=DATE_HELP + " With --sirene: months of activity are counted to it.",
    ),
    strict: bool = typer.Option(
        False,
        "--strict",
        help="Stop at the first bad row (exit 2, nothing written) instead of reporting it in the error column.",
    ),
    catalog: Path | None = typer.Option(
        None, "--catalog", metavar="DIR", help=CATALOG_HELP, envvar="INTERTEX_CATALOG"
    ),
    lang: str | None = typer.Option(None, "--lang", metavar="LANG", help=LANG_HELP),
) -> None:
    """Screen many companies at once: a portfolio file or INSEE's SIRENE register; each company's plan.

    A portfolio's projects column takes the ids of intertex projects, separated by ";".

    \b
    Examples:
      intertex screen clients.csv -o resultats.xlsx
      intertex screen --sirene StockUniteLegale_utf8.csv \\
          StockEtablissement_utf8.csv --naf 13,14 --region occitanie
    """
    fmt = _choice("format", fmt, COMMAND_FORMATS["screen"])
    lang = _lang(lang)
    try:
        from .screen.run import run_screen
    except ImportError as e:
        raise UsageError(
            f"intertex screen needs the optional libraries ({e.name} is missing): "
            "pip install 'intertex-cli[screen]'"
        ) from None  # in French through messages.py
    from .catalog.dated import parse_day
    from .engine import geo

    region = _choice("region", region, geo.REGIONS)
    when = parse_day(on)
    run_screen(
        files=list(files or []),
        sirene=sirene,
        output=output,
        fmt=fmt,
        scheme_id=scheme_id,
        naf=naf,
        region=region,
        on=when,
        lang=lang,
        catalog=_catalog(catalog).at(when),
        detail=detail,
        strict=strict,
    )


# --------------------------------------------------------------------------- errors


def run(args: list[str]) -> int:
    """Run the app; turn every user-facing error into a message and an exit code."""
    if (
        "_INTERTEX_COMPLETE" in os.environ
        or "--install-completion" in args
        or ("--show-completion" in args)
    ):
        from . import completion  # only when asked: no start-up cost for the rest

        if "_INTERTEX_COMPLETE" in os.environ:
            return completion.complete(args)
        wanted = completion.asked(args)
        if wanted is not None:
            from .text.helptext import help_lang

            return completion.run_script_option(*wanted, help_lang(args))
    if not args or "--help" in args or "-h" in args:  # help in the interface's language
        from .text.helptext import help_lang, localize

        localize(app, help_lang(args))
    try:
        return _run_app(args)
    finally:
        if "intertex_cli.text.helptext" in sys.modules:  # as declared again, for the next run
            from .text.helptext import localize

            localize(app, "en")


def _run_app(args: list[str]) -> int:
    try:
        code = _app_for(args)(args=args, prog_name="intertex", standalone_mode=False)
    except SystemExit as e:
        code = e.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except Exception as e:  # noqa: BLE001 - click's usage errors, in the interface's language
        from .text.helptext import help_lang, localize, show_error

        usage_errors = _click_errors()
        if usage_errors is None or not isinstance(e, usage_errors[0]):
            raise
        lang = help_lang(args)
        localize(app, lang)  # parsed again in the interface's language: the usage line, the names
        try:
            _app_for(args)(args=args, prog_name="intertex", standalone_mode=False)
        except usage_errors[0] as again:
            e = again
        if isinstance(e, usage_errors[1]):  # no arguments: the help, on stderr
            sys.stderr.write(e.format_message() + "\n")
        else:
            show_error(e, lang)
        return e.exit_code
    return code if isinstance(code, int) else 0


def _click_errors():
    """(click's ClickException, NoArgsIsHelpError) of the click typer uses."""
    try:
        from typer._click.exceptions import ClickException, NoArgsIsHelpError
    except ImportError:  # pragma: no cover - a typer over click
        try:
            from click.exceptions import ClickException, NoArgsIsHelpError
        except ImportError:
            return None
    return ClickException, NoArgsIsHelpError


def _silence_stdout() -> None:
    """The reader of stdout has gone (``intertex list | head -1``): a normal end.
    Later writes and the final flush go to /dev/null instead of raising again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _app_for(args: list[str]) -> typer.Typer:
    """``app``, with only the command named first when one is: typer builds every
    registered command (its parameters, their types) before it runs one, and a
    command's options cannot come before its name. Help, errors and behaviour are
    the same; ``intertex --lang en show …`` and ``intertex --help`` get the whole app."""
    if not args:
        return app
    infos = [i for i in app.registered_commands if i.name == args[0]]
    if len(infos) != 1:
        return app
    one = typer.Typer(
        name=app.info.name,
        cls=app.info.cls,
        add_completion=False,
        no_args_is_help=True,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        help=app.info.help,
    )
    one.registered_callback = app.registered_callback
    one.registered_commands = infos
    return one


def handle(exc: BaseException, debug: bool = False) -> int:
    import errno

    if isinstance(exc, BrokenPipeError) or (isinstance(exc, OSError) and exc.errno == errno.EPIPE):
        _silence_stdout()
        return ExitCode.OK

    from rich.markup import escape

    from .text.sanitize import clean
    from .views.render import console, print_problems

    err = console(stderr=True)
    if isinstance(exc, OSError) and exc.errno is not None and not debug:  # the user's files
        from .files.safeio import reason
        from .text.sanitize import shown_path

        what = f" {shown_path(exc.filename)}" if exc.filename else ""
        err.print(f"[bold red]{escape(f'cannot use{what}: {reason(exc)}')}[/]")
        return ExitCode.USAGE
    if isinstance(exc, (Interrupted, KeyboardInterrupt)):
        from .text.i18n import interface_lang

        if isinstance(exc, Interrupted):
            text = exc.message
        else:
            text = "Interrompu." if interface_lang() == "fr" else "Interrupted."
        try:  # after SIGHUP the terminal may be gone: the answers are saved already
            err.print(f"\n[yellow]{escape(clean(text))}[/]")
        except (OSError, ValueError):
            pass
        return getattr(exc, "exit_code", ExitCode.INTERRUPTED)
    if isinstance(exc, IntertexError):
        from .text.i18n import interface_lang

        print_problems(err, exc.message, exc.problems, exc.hint, interface_lang())
        return exc.exit_code
    if debug:
        raise exc
    err.print(
        f"[bold red]internal error:[/] {type(exc).__name__}: {escape(clean(str(exc))[:500])}\n[dim]Run again with --debug (or INTERTEX_DEBUG=1) to see the traceback, and report it.[/]"
    )
    return ExitCode.INTERNAL


def _wrap_commands() -> None:
    """Every command body runs inside the error handler (typer reads the signature)."""
    import functools

    for info in app.registered_commands:
        if Command is not None:
            info.cls = Command  # plain coercion, no pydantic (coercion.py)
        fn = info.callback

        @functools.wraps(fn)
        def wrapped(*a, __fn=fn, **kw):
            try:
                return __fn(*a, **kw)
            except typer.Exit:
                raise
            except BaseException as exc:  # noqa: BLE001 - the one place errors become exit codes
                if isinstance(exc, SystemExit):
                    raise
                code = handle(exc, STATE.debug or os.environ.get("INTERTEX_DEBUG") == "1")
                raise typer.Exit(int(code)) from None

        info.callback = wrapped


_wrap_commands()
