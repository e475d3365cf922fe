"""Reading, screening and writing, batch by batch, in bounded memory."""

from __future__ import annotations

import os
import shutil
import sys
from datetime import date
from pathlib import Path

import pyarrow as pa

from intertex_cli.errors import AnswersError, Problem, UsageError

from .batch import RowError, Screener
from .output import FORMATS, AtomicFile, Summary, Writer

BATCH_ROWS = 65_536
CSV_BLOCK = 1 << 20  # small blocks keep the reader's memory low; regrouped below


def regroup(batches, rows: int = BATCH_ROWS):
    """Blocks of the reader gathered into tables of about ``rows`` rows."""
    buf, n = [], 0
    for b in batches:
        buf.append(b)
        n += b.num_rows
        if n >= rows:
            yield pa.Table.from_batches(buf).combine_chunks()
            buf, n = [], 0
    if buf:
        yield pa.Table.from_batches(buf).combine_chunks()


class Counting:
    """A binary file that counts the bytes read (for the progress bar)."""

    def __init__(self, f):
        self.f, self.done = f, 0

    def read(self, n=-1):
        data = self.f.read(n)
        self.done += len(data)
        return data

    def __getattr__(self, name):
        return getattr(self.f, name)


def input_error(path, message: str) -> AnswersError:
    return AnswersError(f"invalid input: {path}", [Problem(str(path), message)])


# --------------------------------------------------------------------------- reading


def sniff_csv(path: Path) -> tuple[list[str], str, str]:
    """(column names, delimiter, encoding) from the first line."""
    try:
        with open(path, "rb") as f:
            head = f.read(1 << 16)
    except FileNotFoundError:
        raise UsageError(f"file not found: {path}") from None
    except OSError as e:
        raise UsageError(f"cannot read {path}: {e.strerror}") from None
    if not head.strip():
        raise input_error(path, "the file is empty")
    if b"\x00" in head:
        raise input_error(path, "not a text file (CSV expected: is it Excel or Parquet?)")
    encoding = "utf-8"
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        if e.start < len(head) - 4:  # not just a character cut at the end of the sample
            encoding = "cp1252"
        text = head[: e.start].decode("utf-8-sig") if encoding == "utf-8" else head.decode(encoding)
    first = text.splitlines()[0] if text.splitlines() else ""
    delimiter = max((",", ";", "\t"), key=lambda d: first.count(d))
    import csv

    names = next(csv.reader([first], delimiter=delimiter))
    names = [n.strip() for n in names]
    if not any(names):
        raise input_error(path, "no header line (the first line names the columns)")
    return names, delimiter, encoding


def read_csv(path: Path, columns: list[str], delimiter: str, encoding: str, progress):
    """Batches of the named columns, as text."""
    import pyarrow.csv as pcsv

    raw = open(path, "rb")  # noqa: SIM115 - closed below
    counting = Counting(raw)
    try:
        reader = pcsv.open_csv(
            counting,
            read_options=pcsv.ReadOptions(block_size=CSV_BLOCK, encoding=encoding),
            parse_options=pcsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pcsv.ConvertOptions(
                include_columns=columns,
                column_types={c: pa.string() for c in columns},
                strings_can_be_null=False,
            ),
        )
        rows = 0
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                break
            except pa.ArrowInvalid as e:
                raise input_error(path, f"after row {rows + 1}: {_arrow_message(e)}") from None
            progress(counting.done)
            rows += batch.num_rows
            yield batch
    except pa.ArrowInvalid as e:
        raise input_error(path, _arrow_message(e)) from None
    finally:
        raw.close()


def _arrow_message(e: Exception) -> str:
    return str(e).split("\n")[0].replace("CSV parse error: ", "")


def parquet_columns(path: Path) -> list[str]:
    import pyarrow.parquet as pq

    try:
        return list(pq.ParquetFile(path).schema_arrow.names)
    except FileNotFoundError:
        raise UsageError(f"file not found: {path}") from None
    except (pa.ArrowInvalid, OSError) as e:
        raise input_error(path, f"not a readable Parquet file ({_arrow_message(e)})") from None


def read_parquet(path: Path, columns: list[str], progress):
    import pyarrow.parquet as pq

    f = pq.ParquetFile(path)
    total = f.metadata.num_rows or 1
    done = 0
    for batch in f.iter_batches(batch_size=BATCH_ROWS, columns=columns):
        done += batch.num_rows
        progress(done / total)
        yield batch


def xlsx_rows(path: Path):
    """(header, iterator of rows) of the first sheet."""
    try:
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise UsageError(f"file not found: {path}") from None
    except Exception as e:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise input_error(path, f"not a readable Excel file ({type(e).__name__})") from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None or not any(h is not None for h in header):
        raise input_error(path, "the sheet is empty")
    return [str(h).strip() if h is not None else "" for h in header], rows, sheet.max_row or 1


def read_xlsx(header: list[str], rows, columns: list[str], total: int, progress):
    where = [header.index(c) for c in columns]
    chunk: list = []
    done = 0

    def flush():
        cols = {
            c: pa.array([_cell(r[i]) if i < len(r) else "" for r in chunk], pa.string())
            for c, i in zip(columns, where)
        }
        return pa.RecordBatch.from_pydict(cols) if cols else pa.RecordBatch.from_pydict({})

    for r in rows:
        chunk.append(r)
        if len(chunk) >= BATCH_ROWS:
            done += len(chunk)
            progress(done / total)
            yield flush() if columns else _empty_batch(len(chunk))
            chunk = []
    if chunk:
        progress(1.0)
        yield flush() if columns else _empty_batch(len(chunk))


def _empty_batch(n: int):
    return pa.RecordBatch.from_arrays([pa.nulls(n)], names=["_"])


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v)


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
) -> None:
    from intertex_cli.text.i18n import t  # noqa: F401 - the table below is bilingual through it

    schemes = tuple(catalog.schemes.values())
    if scheme_id is not None:
        schemes = (catalog.find(scheme_id),)
    if not files:
        raise UsageError("give the file to screen: intertex screen companies.csv")
    target_fmt = None
    if output is not None:
        target_fmt = FORMATS.get(output.suffix.lower())
        if target_fmt is None:
            raise UsageError(
                f"unknown output format {output.suffix!r}: use .csv, .xlsx, .parquet or .json"
            )
        if output.parent and not output.parent.is_dir():
            raise UsageError(f"no such folder for the output: {output.parent}")
    if (naf or region) and not sirene:
        raise UsageError("--naf and --region filter INSEE's SIRENE files: add --sirene")
    screener = Screener(schemes)
    summary = Summary(screener)
    warnings: list[str] = []
    progress = _progress(files)
    if sirene:
        from .sirene import sirene_batches

        batches = sirene_batches(
            files, naf=naf, region=region, on=on, warnings=warnings, progress=progress
        )
    else:
        if len(files) > 1:
            raise UsageError("one portfolio file at a time (or --sirene with INSEE's two files)")
        batches = portfolio_batches(files[0], warnings, progress, list(catalog.schemes))
    sinks = []
    if output is not None:
        sinks.append((AtomicFile(output), target_fmt))
    if fmt == "json":
        sinks.append((AtomicFile(None), "json"))
    writers = [Writer(a.path, f, screener) for a, f in sinks]
    dropped = 0
    try:
        for b, shown, drop in batches:
            dropped += screener.check_sizes(b, drop=drop)
            if sirene:  # what the register says, in the portfolio's columns
                from .sirene import answers_columns

                shown = {**shown, **answers_columns(b)}
            index = screener.screen(b)
            amounts = screener.amounts(b, index)
            for w in writers:
                w.write(b, index, amounts, shown)
            summary.add(index)
        for w in writers:
            w.close()
    except RowError as e:
        _abort(writers, sinks)
        raise input_error(files[0], str(e)) from None
    except BaseException:
        _abort(writers, sinks)
        raise
    finally:
        progress(None)
    if summary.companies == 0 and not sirene:
        _abort(writers, sinks)
        raise input_error(files[0], "no company in the file (only a header)")
    for atomic, _ in sinks:
        atomic.commit()
    if dropped:
        warnings.append(
            f"{dropped} unit(s): INSEE's categorieEntreprise contradicts the headcount band "
            "(they are of different years): the category was left out"
        )
    _print_warnings(warnings)
    if fmt == "json":
        json_file = sinks[-1][0].path
        with open(json_file, encoding="utf-8") as f:
            shutil.copyfileobj(f, sys.stdout)
        json_file.unlink()
        return
    from .view import print_summary

    print_summary(summary, catalog, lang, output, screener)


def _abort(writers, sinks) -> None:
    for w in writers:
        w.abort()
    for atomic, _ in sinks:
        atomic.discard()


def _print_warnings(warnings: list[str]) -> None:
    if not warnings:
        return
    from rich.markup import escape

    from intertex_cli.text.i18n import interface_lang, t
    from intertex_cli.text.messages import localize
    from intertex_cli.views.render import console

    err = console(stderr=True)
    lang = interface_lang()
    for w in warnings:
        err.print(f"[yellow]{escape(t('warning', lang))}[/] {escape(localize(w, lang))}")


def portfolio_batches(path: Path, warnings: list, progress, scheme_ids=()):
    """(batch, shown columns, drop contradicting size classes?) for a portfolio file."""
    from .portfolio import check_columns, to_batch

    suffix = path.suffix.lower()
    if not path.exists():
        raise UsageError(f"file not found: {path}")
    if path.is_dir():
        raise UsageError(f"{path} is a folder, not a file")
    if suffix == ".parquet":
        names = parquet_columns(path)
        used, warn = check_columns(names, set(scheme_ids))
        source = read_parquet(path, used, progress)
    elif suffix in (".xlsx", ".xlsm"):
        names, rows, total = xlsx_rows(path)
        used, warn = check_columns(names, set(scheme_ids))
        source = read_xlsx(names, rows, used, total, progress)
    else:
        names, delimiter, encoding = sniff_csv(path)
        used, warn = check_columns(names, set(scheme_ids))
        if encoding != "utf-8":
            warn.append(f"{path.name} is not UTF-8: read as Windows-1252 (Excel's French CSV)")
        size = max(os.path.getsize(path), 1)
        source = regroup(
            read_csv(path, used, delimiter, encoding, lambda done: progress(done / size))
        )
    warnings.extend(warn)
    sirene_cols = {
        "etatAdministratifUniteLegale",
        "etablissementSiege",
        "trancheEffectifsUniteLegale",
    }
    from .portfolio import ID_COLUMNS

    if not [c for c in used if c not in ID_COLUMNS]:
        hint = " (INSEE's SIRENE file? add --sirene)" if sirene_cols & set(names) else ""
        raise input_error(path, f"no column named as an answers key{hint}")
    row = 2
    for raw in source:
        b = to_batch(raw, row)
        row += b.n
        yield b, {}, False


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
