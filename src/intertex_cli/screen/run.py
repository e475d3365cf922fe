"""Reading, screening and writing, batch by batch, in bounded memory."""

from __future__ import annotations

import itertools
import os
import signal
import stat
import sys
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from intertex_cli.errors import UsageError

from .batch import RowError, Screener, block_rows
from .output import FORMATS, AtomicFile, Summary, Writer
from .readers import (
    ParquetInput,
    input_error,
    read_csv,
    read_xlsx,
    regroup,
    sniff_csv,
    xlsx_rows,
)

ERRORS_SHOWN = 5  # bad rows named on stderr; the output holds them all
STALE_SECONDS = 24 * 3600  # our own temporary files older than this are removed
INTERRUPTED: list = []  # SIGTERM or SIGHUP received during the run
HOLDING: list = []  # raised only once a temporary file is made and recorded

# --------------------------------------------------------------------------- the command


def run_screen(
    *,
    files: list[Path],
    sirene: bool,
    output: Path | None,
    fmt: str,
    scheme_id: str | None,
    naf: str | None,
    region: str | None,
    on: date,
    lang: str,
    catalog,
    strict: bool = False,
    detail: bool = False,
) -> None:
    schemes = tuple(catalog.schemes.values())
    if scheme_id is not None:
        schemes = (catalog.find(scheme_id),)
    if not files:
        raise UsageError("give the file to screen: intertex screen companies.csv")
    target_fmt = None
    if output is not None:
        check_output(output, files)
        target_fmt = FORMATS.get(output.suffix.lower())
        if target_fmt is None:
            raise UsageError(
                f"unknown output format {output.suffix!r}: use .csv, .xlsx, .parquet or .json"
            )
    if target_fmt == "xlsx" and detail:
        from .labels import DETAIL_SUFFIXES, PLAN_COLUMNS
        from .output import EXCEL_MAX_COLUMNS

        # row, the plan's columns and error, then each scheme's (the identifiers not counted)
        columns = 2 + len(PLAN_COLUMNS) + (1 + len(DETAIL_SUFFIXES)) * len(schemes)
        if columns > EXCEL_MAX_COLUMNS:
            raise UsageError(
                f"--detail over {len(schemes):,} schemes makes {columns:,} columns: an Excel "
                "sheet holds at most 16,384; write .csv, .parquet or .json, or name a scheme "
                "with --scheme"
            )
    if (naf or region) and not sirene:
        raise UsageError("--naf and --region filter INSEE's SIRENE files: add --sirene")
    screener = Screener(schemes)
    warnings: list[str] = []
    progress = _progress(files)

    def batches():
        if sirene:
            from .sirene import sirene_batches

            return sirene_batches(
                files, naf=naf, region=region, on=on, warnings=warnings, progress=progress
            )
        if len(files) > 1:
            raise UsageError("one portfolio file at a time (or --sirene with INSEE's two files)")
        return portfolio_batches(files[0], warnings, progress, list(catalog.schemes), strict)

    with _signals_as_interrupt():
        if strict and fmt == "json" and output is None:
            # JSON goes to stdout as it is made: a first pass finds a bad row before any
            try:
                for b, _, drop in batches():
                    screener.check_sizes(b, drop=drop, strict=True)
            except RowError as e:
                raise input_error(files[0], str(e)) from None
            finally:
                progress(None)
            progress = _progress(files)
            warnings.clear()
        summary, bad, dropped = _screen(
            batches(), screener, files, output, target_fmt, fmt, sirene, strict, progress,
            (catalog, lang, detail),
        )  # fmt: skip
    if dropped:
        warnings.append(
            f"{dropped} unit(s): INSEE's categorieEntreprise contradicts the headcount band "
            "(they are of different years): the category was left out"
        )
    _print_warnings(warnings, lang)
    _print_bad_rows(bad, lang)
    if fmt == "json":
        return
    from .view import print_summary

    print_summary(summary, catalog, lang, output, screener)


def _screen(batches, screener, files, output, target_fmt, fmt, sirene, strict, progress, how):
    """Every batch screened and written, each company with its plan; the output file
    renamed over its target at the end (an error or an interruption leaves nothing of
    ours behind). ``how``: the catalogue, the language, --detail."""
    from .plans import Plans

    catalog, lang, detail = how
    # each company's plan: over the whole catalogue, as check's (its JSON text only
    # where a JSON output carries it)
    with_json = "json" in (fmt, target_fmt)
    plans = Plans(catalog, with_json=with_json)
    step = block_rows(len(catalog.schemes), with_json)
    summary = Summary(screener, plans)
    sinks = []
    writers = []
    bad = [0, []]  # how many bad rows, the first few (row, column, message)
    dropped = 0
    try:
        source = iter(batches)
        first = next(source, None)  # a file that cannot be read: nothing written yet
        if first is None and not sirene:  # (not even the "[" of a JSON on stdout)
            raise input_error(files[0], "no company in the file (only a header)")
        if output is not None:
            _remove_stale(output.parent)
            with _signals_held():  # made and recorded at once: never left unknown to _abort
                try:
                    sinks.append(AtomicFile(output))
                except OSError as e:  # not the name of the temporary file never made
                    from intertex_cli.files.safeio import reason

                    raise UsageError(
                        f"cannot write {output}: {reason(e)}; nothing was written"
                    ) from None
            writers.append(
                Writer(sinks[0].path, target_fmt, screener, catalog, lang, detail, summary)
            )
        if fmt == "json":
            writers.append(
                Writer(None, "json", screener, catalog, lang, detail, summary, stream=sys.stdout)
            )
        for b, shown, drop in itertools.chain([first] if first else [], source):
            if INTERRUPTED:
                raise KeyboardInterrupt
            dropped += screener.check_sizes(b, drop=drop, strict=strict)
            if strict:  # a register's bad cell too (a portfolio's stopped in to_batch)
                b.raise_first()
            if b.errors:
                bad[0] += len(b.errors)
                for i in sorted(b.errors)[: ERRORS_SHOWN - len(bad[1])]:
                    column, _, message = b.errors[i][0]
                    bad[1].append((int(b.rows[i]), column, message))
            if sirene:  # what the register says, in the portfolio's columns
                from .sirene import answers_columns

                shown = {**shown, **answers_columns(b)}
            # a block at a time: its rows times the schemes stay under BLOCK_CELLS
            for start in range(0, b.n, step):
                end = min(start + step, b.n)
                part = b if (start, end) == (0, b.n) else b.slice(start, end)
                index = screener.screen(part)
                amounts = screener.amounts(part, index)
                company_plans = plans.of_batch(part, screener, index)
                cols = {k: v[start:end] for k, v in shown.items()}
                for w in writers:
                    w.write(part, index, amounts, cols, company_plans)
                summary.add(index)
                del index, amounts, company_plans
        if INTERRUPTED:
            raise KeyboardInterrupt
        if summary.companies == 0 and not sirene:
            raise input_error(files[0], "no company in the file (only a header)")
        for w in writers:
            w.close()
        for atomic in sinks:
            atomic.commit()
    except RowError as e:
        _abort(writers, sinks)
        raise input_error(files[0], str(e)) from None
    except BaseException:
        _abort(writers, sinks)
        raise
    finally:
        progress(None)
    return summary, bad, dropped


def check_output(output: Path, inputs: list[Path]) -> None:
    """Refuse an output that would destroy something: one of the inputs (whatever the
    path that names it), a folder, a symbolic link, a FIFO or a device."""
    from intertex_cli.files.safeio import _kind, same_file

    try:
        st = os.lstat(output)
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise UsageError(f"cannot write {output}: {e.strerror}") from None
    if st is not None:
        if stat.S_ISLNK(st.st_mode):
            raise UsageError(
                f"--output {output} is a symbolic link: give the file itself; nothing was written"
            )
        kind = _kind(st.st_mode)
        if kind:
            raise UsageError(f"--output {output} is {kind}; nothing was written")
        for f in inputs:
            if same_file(output, f):
                raise UsageError(
                    f"--output {output} is the input file {f}: it would be replaced by the "
                    "results; give another name"
                )
    if output.parent and not output.parent.is_dir():
        raise UsageError(f"no such folder for the output: {output.parent}")


def _remove_stale(folder: Path) -> None:
    """Our own temporary files left by a run that was killed (SIGKILL, a crash): removed
    when more than a day old and ours (same user)."""
    now = time.time()
    try:
        names = [n for n in os.listdir(folder or ".") if n.startswith(".intertex-")]
    except OSError:
        return
    for name in names:
        if not name.endswith(".tmp"):
            continue
        path = Path(folder or ".") / name
        try:
            st = os.lstat(path)
            if (
                stat.S_ISREG(st.st_mode)
                and st.st_uid == os.getuid()
                and now - st.st_mtime > STALE_SECONDS
            ):
                path.unlink()
        except OSError:
            pass


@contextmanager
def _signals_held():
    """SIGTERM and SIGHUP noted but not raised for a moment, then raised at its end (a
    signal mask would not do: the kernel may hand the signal to a library's thread)."""
    HOLDING.append(True)
    try:
        yield
    finally:
        HOLDING.pop()
    if INTERRUPTED:
        raise KeyboardInterrupt


@contextmanager
def _signals_as_interrupt():
    """SIGTERM and SIGHUP (a closed terminal, a dropped SSH session) end the run as
    Ctrl-C does: the partial output removed, exit 130."""

    def interrupt(signum, frame):
        INTERRUPTED.append(signum)  # checked after each batch too: a raise inside a
        if not HOLDING:  # __del__ or a callback is swallowed by Python
            raise KeyboardInterrupt

    kept = {}
    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is None:
            continue
        try:
            kept[sig] = signal.signal(sig, interrupt)
        except ValueError:  # not the main thread
            pass

    def unraisable(u, default=sys.unraisablehook):
        if not isinstance(u.exc_value, KeyboardInterrupt):  # ours, swallowed: checked later
            default(u)

    INTERRUPTED.clear()
    previous_hook = sys.unraisablehook
    sys.unraisablehook = unraisable
    try:
        yield
    finally:
        for sig, old in kept.items():
            signal.signal(sig, old)
        sys.unraisablehook = previous_hook
        INTERRUPTED.clear()


def _abort(writers, sinks) -> None:
    for w in writers:
        w.abort()
    for atomic in sinks:
        atomic.discard()


def _print_warnings(warnings: list[str], lang: str = "en") -> None:
    if not warnings:
        return
    from rich.markup import escape

    from intertex_cli.text.i18n import interface_lang, t
    from intertex_cli.text.messages import localize
    from intertex_cli.text.sanitize import clean
    from intertex_cli.views.render import console

    err = console(stderr=True)
    lang = interface_lang()
    for w in warnings:
        err.print(f"[yellow]{escape(t('warning', lang))}[/] {escape(clean(localize(w, lang)))}")


def _print_bad_rows(bad, lang: str) -> None:
    """The bad rows on stderr: how many, the first ones with their row and column."""
    count, first = bad
    if not count:
        return
    from rich.markup import escape

    from intertex_cli.text.i18n import t
    from intertex_cli.text.messages import localize
    from intertex_cli.text.sanitize import clean
    from intertex_cli.views.render import console

    err = console(stderr=True)
    head = (
        f"{count} row(s) with an error: screened without their bad cells, "
        "the error column says why (--strict stops at the first)"
    )
    err.print(f"[yellow]{escape(t('warning', lang))}[/] {escape(localize(head, lang))}")
    for row, column, message in first:
        line = str(RowError(row, column, localize(message, lang)))
        err.print(f"  {escape(clean(localize(line, lang)))}")
    if count > len(first):
        err.print(f"  {escape(localize(f'and {count - len(first)} more', lang))}")


def portfolio_batches(path: Path, warnings: list, progress, scheme_ids=(), strict: bool = False):
    """(batch, shown columns, drop contradicting size classes?) for a portfolio file."""
    import numpy as np
    import pyarrow as pa

    from .portfolio import ID_COLUMNS, check_columns, filled_rows, to_batch

    suffix = path.suffix.lower()
    if path.is_dir():
        raise UsageError(f"{path} is a folder, not a file")
    if suffix == ".parquet":
        pf = ParquetInput(path)
        names = pf.clean
        used, warn = check_columns(names, set(scheme_ids))
        source = pf.batches(used, progress)
    elif suffix in (".xlsx", ".xlsm"):
        names, rows, total = xlsx_rows(path)
        used, warn = check_columns(names, set(scheme_ids))
        source = read_xlsx(path, names, rows, used, total, progress)
    else:
        names, delimiter, encoding = sniff_csv(path)
        used, warn = check_columns(names, set(scheme_ids))
        if encoding != "utf-8":
            warn.append(f"{path.name} is not UTF-8: read as Windows-1252 (Excel's French CSV)")
        size = max(os.path.getsize(path), 1)
        source = regroup(
            read_csv(path, names, used, delimiter, encoding, lambda done: progress(done / size))
        )
    warnings.extend(warn)
    sirene_cols = {
        "etatAdministratifUniteLegale",
        "etablissementSiege",
        "trancheEffectifsUniteLegale",
    }
    if not [c for c in used if c not in ID_COLUMNS]:
        hint = " (INSEE's SIRENE file? add --sirene)" if sirene_cols & set(names) else ""
        raise input_error(path, f"no column named as an answers key{hint}")
    row, empty = 2, 0
    for raw in source:
        rows = np.arange(row, row + raw.num_rows, dtype=np.int64)
        row += raw.num_rows
        filled = filled_rows(raw)
        if not filled.all():  # a spreadsheet's blank rows are no companies
            empty += int((~filled).sum())
            raw, rows = raw.filter(pa.array(filled)), rows[filled]
        if raw.num_rows:
            yield to_batch(raw, rows, strict=strict), {}, False
    if empty:
        warnings.append(f"{empty} empty row(s) skipped")


def _progress(files):
    """A function taking the fraction done (None: finished); a rich bar on a terminal."""
    if not sys.stderr.isatty() or os.environ.get("INTERTEX_NO_PROGRESS") == "1":
        return lambda fraction: None
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    from intertex_cli.views.render import console

    bar = Progress(
        TextColumn("screening"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=console(stderr=True),
        transient=True,
    )
    task = bar.add_task("screen", total=1.0)
    started = [False]

    def update(fraction):
        if fraction is None:
            if started[0]:
                bar.stop()
            return
        if not started[0]:
            bar.start()
            started[0] = True
        bar.update(task, completed=min(float(fraction), 1.0))

    return update


def parse_date(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--date {text!r}: expected a date as YYYY-MM-DD") from None
