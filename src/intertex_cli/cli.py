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
        "Dispositifs d'aide à l'export des TPE/PME textile-habillement (guide INTER-TEX)."
    ),
)

CATALOG_HELP = "Use another catalogue directory (also INTERTEX_CATALOG)."
DATE_HELP = (
    "The day of the assessment, YYYY-MM-DD (default: today): the terms in force that day; "
    "2017-12-31 gives the guide's."
)
LANG_HELP = "Interface language: fr or en (default: from the locale)."
FORMATS = ("table", "json", "markdown")
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
        None, "--catalog", help=CATALOG_HELP, envvar="INTERTEX_CATALOG"
    ),
    lang: str | None = typer.Option(None, "--lang", help=LANG_HELP),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks of internal errors."),
) -> None:
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
        help="occitanie, nouvelle-aquitaine, national or any region id (bretagne…): the schemes a company located there can use.",
    ),
    agency: str | None = typer.Option(
        None, "--agency", "-a", help="An agency id: region-occitanie, bpifrance, business-france…"
    ),
    support_type: str | None = typer.Option(
        None,
        "--type",
        "-t",
        help="subsidy, insurance-guarantee, loan, tax-credit, advice, information.",
    ),
    fmt: str = typer.Option("table", "--format", "-f", help="table, json or markdown."),
    catalog: Path | None = typer.Option(
        None, "--catalog", help=CATALOG_HELP, envvar="INTERTEX_CATALOG"
    ),
    lang: str | None = typer.Option(None, "--lang", help=LANG_HELP),
) -> None:
    """List the schemes of the catalogue.

    Example: intertex list --region occitanie --type subsidy
    """
    from .engine import geo

    lang, fmt = _lang(lang), _format(fmt)
    cat = _catalog(catalog)
    region = _choice(
        "region",
        region,
        geo.SCHEME_REGIONS + tuple(r for r in geo.REGIONS if r not in geo.SCHEME_REGIONS),
    )
    agency = _choice("agency", agency, sorted(cat.agencies))
    support_type = _choice("type", support_type, SUPPORT_TYPES)
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
    fmt: str = typer.Option("table", "--format", "-f", help="table, json or markdown."),
    day: str | None = typer.Option(None, "--date", metavar="YYYY-MM-DD", help=DATE_HELP),
    catalog: Path | None = typer.Option(
        None, "--catalog", help=CATALOG_HELP, envvar="INTERTEX_CATALOG"
    ),
    lang: str | None = typer.Option(None, "--lang", help=LANG_HELP),
) -> None:
    """Show one scheme's whole card: status, purpose, criteria, amounts, contacts, source.

    Example: intertex show pass-export-occ
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
    words: list[str] = typer.Argument(..., help="Words to look for (case and accents ignored)."),
    fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
    catalog: Path | None = typer.Option(
        None, "--catalog", help=CATALOG_HELP, envvar="INTERTEX_CATALOG"
    ),
    lang: str | None = typer.Option(None, "--lang", help=LANG_HELP),
) -> None:
    """Search every text of the catalogue, best matches first.

    Example: intertex search salons   ·   intertex search VIE   ·   intertex search change
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
        None, metavar="[DIR]", help="A catalogue directory (default: the one in use)."
    ),
    lang: str | None = typer.Option(None, "--lang", help=LANG_HELP),
) -> None:
    """Check every scheme and agency file of a catalogue; list each problem with its file and line.

    Example: intertex validate data/schemes
    """
    from .catalog import loader as catalog_mod
    from .catalog.freshness import check
    from .text.i18n import t

    lang = _lang(lang)
    # the cards whose files are as this intertex validated them come from the cache
    # (catalog/cache.py): after an edit, only the cards edited are validated again
    cat = catalog_mod.load(directory or STATE.catalog_dir)
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

    Example: intertex schema > scheme.schema.json
    """
    from .catalog.schema import json_schema
    from .views.present import dumps

    _out(dumps(json_schema("agency" if agency else "scheme")))


# --------------------------------------------------------------------------- check


@app.command("check")
def check_cmd(
    answers: Path | None = typer.Option(
        None, "--answers", "-a", help="Answers file (YAML or JSON) with the contract's keys."
    ),
    ask_missing: bool = typer.Option(
        False, "--ask-missing", help="With --answers and a terminal: ask what the file leaves open."
    ),
    save: Path | None = typer.Option(
        None, "--save", help="Write the answers given to this file (YAML)."
    ),
    fmt: str = typer.Option("table", "--format", "-f", help="table, json or markdown."),
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
        None, "--catalog", help=CATALOG_HELP, envvar="INTERTEX_CATALOG"
    ),
    lang: str | None = typer.Option(None, "--lang", help=LANG_HELP),
) -> None:
    """Your plan: the schemes for your projects, how much, what to do first, whom to call.

    Examples: intertex check   ·   intertex check --answers examples/tissage-tarn.yaml --format json
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
        None, "--answers", "-a", help="Answers file (YAML or JSON)."
    ),
    fmt: str = typer.Option("table", "--format", "-f", help="table, json or markdown."),
    day: str | None = typer.Option(None, "--date", metavar="YYYY-MM-DD", help=DATE_HELP),
    catalog: Path | None = typer.Option(
        None, "--catalog", help=CATALOG_HELP, envvar="INTERTEX_CATALOG"
    ),
    lang: str | None = typer.Option(None, "--lang", help=LANG_HELP),
) -> None:
    """Why (not)? The checklist of one scheme: ✔ ✘ ? per criterion, the answer used, the guide's words.

    Example: intertex why pass-export-na --answers examples/tissage-tarn.yaml
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


# --------------------------------------------------------------------------- screen


@app.command("screen")
def screen_cmd(
    files: list[Path] = typer.Argument(
        None,
        metavar="FILE...",
        help="A portfolio (CSV, .xlsx or .parquet, columns named as the answers keys), or with --sirene INSEE's StockUniteLegale file and, optionally, StockEtablissement.",
    ),
    sirene: bool = typer.Option(
        False, "--sirene", help="The files are INSEE's SIRENE stock files (CSV or Parquet)."
    ),
    output: Path | None = typer.Option(
        None,
        "--output",
        "-o",
        help="Write one row per company to this file: .csv, .xlsx, .parquet or .json.",
    ),
    fmt: str = typer.Option(
        "table", "--format", "-f", help="table (the summary per scheme) or json (every company)."
    ),
    scheme_id: str | None = typer.Option(
        None, "--scheme", "-s", metavar="ID", help="Screen for this scheme only."
    ),
    naf: str | None = typer.Option(
        None, "--naf", help="With --sirene: NAF codes to keep, e.g. 13,14,15.1 (prefixes)."
    ),
    region: str | None = typer.Option(
        None, "--region", "-r", help="With --sirene: keep the units whose head office is there."
    ),
    on: str | None = typer.Option(
        None,
        "--date",
        metavar="YYYY-MM-DD",
        help=DATE_HELP + " With --sirene: months of activity are counted to it.",
    ),
    catalog: Path | None = typer.Option(
        None, "--catalog", help=CATALOG_HELP, envvar="INTERTEX_CATALOG"
    ),
    lang: str | None = typer.Option(None, "--lang", help=LANG_HELP),
) -> None:
    """Screen many companies at once: a portfolio file or INSEE's SIRENE register.

    Examples: intertex screen clients.csv -o resultats.xlsx   ·   intertex screen --sirene StockUniteLegale_utf8.csv StockEtablissement_utf8.csv --naf 13,14 --region occitanie
    """
    fmt = _choice("format", fmt, ("table", "json"))
    lang = _lang(lang)
    try:
        from .screen.run import run_screen
    except ImportError as e:
        raise UsageError(
            f"intertex screen needs the optional libraries ({e.name} is missing): "
            "pip install 'intertex-cli[screen]'"
        ) from None
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
    )


# --------------------------------------------------------------------------- errors


def run(args: list[str]) -> int:
    """Run the app; turn every user-facing error into a message and an exit code."""
    if not args or "--help" in args or "-h" in args:  # help in the interface's language
        from .text.helptext import help_lang, localize

        localize(app, help_lang(args))
    try:
        _app_for(args)(args=args, prog_name="intertex", standalone_mode=True)
    except SystemExit as e:
        code = e.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0


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
    if isinstance(exc, Interrupted):
        err.print(f"\n[yellow]{escape(clean(exc.message))}[/]")
        return ExitCode.INTERRUPTED
    if isinstance(exc, KeyboardInterrupt):
        err.print("\n[yellow]Interrompu / interrupted.[/]")
        return ExitCode.INTERRUPTED
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
