"""The files screened, read as batches of text columns: CSV (plain or as the one member
of a .zip), Excel (.xlsx) and Parquet.

The reader boundary: whatever is wrong with a file is said here, in plain words, as
an input error naming the file and, where it can, the row or the column (exit 2);
nothing of a bad file reaches the rest as an internal error. Only regular files are
read (a FIFO would block, a device never end): checked on the open descriptor.

Stated limits (``LIMITS``), enforced before the work starts:

- a header of at most 1 MB (the first CSV record, read whole, quoted newlines included);
- a Parquet file of at most 100 million rows (its footer's count: the register has
  42 million establishments), in row groups of at most 16 million rows, and at most
  100 rows per byte of the file (20 million empty rows in 40 KB are no company file);
- an .xlsx whose shared strings inflate to at most 256 MB and whose every part to at
  most 4 GB (its rows are streamed; the shared strings are held whole).

The encoding of a CSV is decided on the whole file, not on its first block: UTF-8
when every byte is, else Windows-1252 (Excel's French CSV).
"""

from __future__ import annotations

import codecs
import os
import zipfile
from pathlib import Path

import pyarrow as pa

from intertex_cli.errors import AnswersError, Problem, UsageError

BATCH_ROWS = 65_536
CSV_BLOCK = 1 << 20  # small blocks keep the reader's memory low; regrouped below
MB = 1 << 20
HEADER_MAX = MB
PARQUET_ROWS_MAX = 100_000_000
PARQUET_GROUP_MAX = 16_000_000
PARQUET_ROWS_PER_BYTE = 100  # a footer claiming more rows than its file can hold
PARQUET_SPAN_ROWS = 8 * BATCH_ROWS  # row groups read by one reader (ParquetInput.spans)
XLSX_STRINGS_MAX = 256 * MB
XLSX_PART_MAX = 4096 * MB
LIMITS = {
    "header": HEADER_MAX,
    "parquet_rows": PARQUET_ROWS_MAX,
    "parquet_row_group": PARQUET_GROUP_MAX,
    "parquet_rows_per_byte": PARQUET_ROWS_PER_BYTE,
    "xlsx_shared_strings": XLSX_STRINGS_MAX,
    "xlsx_part": XLSX_PART_MAX,
}
# zip compression methods Python reads; the others by name
_ZIP_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
_ZIP_NAMES = {9: "Deflate64 (Enhanced Deflate)", 99: "AES encryption", 98: "PPMd", 93: "Zstandard"}


def input_error(path, message: str) -> AnswersError:
    return AnswersError(f"invalid input: {path}", [Problem(str(path), message)])


def _arrow_message(e: Exception) -> str:
    return str(e).split("\n")[0].replace("CSV parse error: ", "")


# --------------------------------------------------------------------------- opening


def open_regular(path: Path):
    """A binary file object on a regular file, or an error saying what the path is."""
    from intertex_cli.files.safeio import _kind, reason

    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise UsageError(f"file not found: {path}") from None
    except OSError as e:
        raise UsageError(f"cannot read {path}: {reason(e)}") from None
    except ValueError:
        raise UsageError(f"cannot read {path}: the path contains a NUL character") from None
    try:
        kind = _kind(os.fstat(fd).st_mode)
        if kind:
            raise UsageError(f"cannot read {path}: it is {kind}")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def check_regular(path: Path) -> None:
    """A path that names a regular file (for readers that open it themselves)."""
    open_regular(path).close()


class Counting:
    """A binary file that counts the bytes read; ``position`` is how far the bytes on
    disk are read (the zip's compressed bytes for a member), for the progress bar."""

    def __init__(self, f, raw=None):
        self.f, self.raw, self.done = f, raw, 0

    def read(self, n=-1):
        data = self.f.read(n)
        self.done += len(data)
        return data

    def position(self) -> int:
        if self.raw is None:
            return self.done
        try:
            return self.raw.tell()
        except (OSError, ValueError):
            return 0

    def __getattr__(self, name):
        return getattr(self.f, name)


def open_data(path: Path) -> Counting:
    """The bytes of a CSV: the file itself, or the one member of a .zip (INSEE's)."""
    raw = open_regular(path)
    if path.suffix.lower() != ".zip":
        return Counting(raw)
    try:
        z = zipfile.ZipFile(raw)
        members = [i for i in z.infolist() if not i.is_dir()]
        if len(members) != 1:
            raise input_error(path, f"expected one file in the archive, found {len(members)}")
        info = members[0]
        if info.flag_bits & 0x1:
            raise input_error(path, f"{info.filename} is encrypted (password-protected): unzip it")
        if info.compress_type not in _ZIP_METHODS:
            method = _ZIP_NAMES.get(info.compress_type, f"method {info.compress_type}")
            raise input_error(
                path,
                f"{info.filename} is compressed with {method}, which intertex cannot read: "
                "unzip it (unzip, 7z) and give the CSV",
            )
        return Counting(z.open(info), raw)
    except zipfile.BadZipFile as e:
        raw.close()
        raise input_error(path, f"not a readable zip archive ({e})") from None
    except (NotImplementedError, RuntimeError) as e:  # methods, passwords
        raw.close()
        raise input_error(path, f"cannot read the archive's member ({e})") from None
    except BaseException:
        raw.close()
        raise


def read_failure(path, e: BaseException, rows: int) -> AnswersError | None:
    """What a failure while reading means for the person, or None (not the file's)."""
    after = f"after row {rows + 1}: " if rows else ""
    if isinstance(e, pa.ArrowInvalid):
        return input_error(path, after + _arrow_message(e))
    if isinstance(e, zipfile.BadZipFile):
        return input_error(path, f"{after}the archive is damaged ({e})")
    if isinstance(e, (EOFError, zipfile.LargeZipFile)):
        return input_error(path, f"{after}the archive is cut short or damaged ({e})")
    if isinstance(e, (NotImplementedError, RuntimeError)) and "zip" in type(e).__module__:
        return input_error(path, f"{after}{e}")
    return None


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


# --------------------------------------------------------------------------- CSV


def clean_names(path, raw: list[str]) -> list[str]:
    """Header names without the spaces around them (no-break spaces too); a name given
    twice is an error naming both columns; an empty name gets a placeholder."""
    names, seen = [], {}
    for i, n in enumerate(raw, start=1):
        name = str(n).strip().strip("\ufeff").strip()
        if not name:
            names.append(f"_column_{i}")
            continue
        if name in seen:
            raise input_error(
                path, f"column {name!r} is named twice (columns {seen[name]} and {i})"
            )
        seen[name] = i
        names.append(name)
    return names


def _utf8(head: bytes, rest) -> bool:
    """Whether the whole file is UTF-8 (read on from ``rest`` after ``head``)."""
    dec = codecs.getincrementaldecoder("utf-8")()
    try:
        dec.decode(head)
        while True:
            chunk = rest.read(4 * MB)
            if not chunk:
                break
            dec.decode(chunk)
        dec.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def sniff_csv(path: Path, whole: bool = True) -> tuple[list[str], str, str]:
    """(column names, delimiter, encoding): the first record read whole; the encoding
    from every byte of the file (``whole``) or the first megabyte."""
    import csv
    import io

    f = open_data(path)
    try:
        try:
            head = f.read(HEADER_MAX + 1)
            encoding = "utf-8" if (_utf8(head, f) if whole else _head_utf8(head)) else "cp1252"
        except Exception as e:  # noqa: BLE001 - a damaged archive, said plainly
            failure = read_failure(path, e, 0)
            if failure is None:
                raise
            raise failure from None
    finally:
        f.close()
    if not head.strip():
        raise input_error(path, "the file is empty")
    kind = _binary_kind(head)
    if kind:
        raise input_error(path, f"not a text file (CSV expected): {kind}")
    text = (
        head.decode("utf-8-sig", errors="ignore") if encoding == "utf-8" else head.decode(encoding)
    )
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=lambda d: first_line.count(d))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        raw = next(reader)
    except (StopIteration, csv.Error):
        raw = []
    if len(head) > HEADER_MAX and "\n" not in text[:HEADER_MAX]:
        raise input_error(path, f"the first line is longer than {HEADER_MAX // MB} MB: no header")
    names = clean_names(path, raw)
    if not any(not n.startswith("_column_") for n in names):
        raise input_error(path, "no header line (the first line names the columns)")
    return names, delimiter, encoding


def _binary_kind(head: bytes) -> str | None:
    """What a file that is not CSV text looks like, or None: a NUL in a value is a bad
    character (removed where the text is read), one in the header is no CSV."""
    if head.startswith(b"PK\x03\x04"):
        return "it is a zip archive (an Excel file? name it .xlsx)"
    if head.startswith(b"PAR1"):
        return "it is a Parquet file (name it .parquet)"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head.split(b"\n", 1)[0]:
        return "UTF-16 or binary data (save it as CSV UTF-8)"
    sample = head[:65536]
    if sample.count(b"\x00") > max(16, len(sample) // 100):
        return "binary data"
    if sample.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{"):
        return "it is JSON (a portfolio is CSV, .xlsx or Parquet)"
    return None


def _head_utf8(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as e:
        return e.start >= len(head) - 4  # a character cut at the end of the sample
    return True


def read_csv(
    path: Path, names: list[str], columns: list[str], delimiter: str, encoding: str, progress
):
    """Batches of the named columns, as text; ``progress`` gets the bytes read on disk."""
    import pyarrow.csv as pcsv

    counting = open_data(path)
    rows = 0
    try:
        reader = pcsv.open_csv(
            counting,
            read_options=pcsv.ReadOptions(
                block_size=CSV_BLOCK,
                encoding=encoding,
                column_names=names,
                skip_rows=1,
                use_threads=False,  # no read-ahead thread on our file: nothing to join
            ),
            parse_options=pcsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pcsv.ConvertOptions(
                include_columns=columns,
                column_types={c: pa.string() for c in columns},
                strings_can_be_null=False,
            ),
        )
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                break
            progress(counting.position())
            rows += batch.num_rows
            yield batch
    except Exception as e:  # noqa: BLE001 - turned into what it means, or raised again
        failure = read_failure(path, e, rows)
        if failure is None:
            raise
        raise failure from None
    finally:
        counting.close()
        if counting.raw is not None:
            counting.raw.close()


# --------------------------------------------------------------------------- Parquet


class ParquetInput:
    """A Parquet file, checked from its footer: names, types of the columns used, size."""

    def __init__(self, path: Path):
        import pyarrow.parquet as pq

        self.path = path
        self.raw = open_regular(path)
        try:
            self.file = pq.ParquetFile(self.raw)
            meta = self.file.metadata
            names = list(self.file.schema_arrow.names)
        except (pa.ArrowException, OSError, ValueError) as e:
            self.raw.close()
            raise input_error(path, f"not a readable Parquet file ({_arrow_message(e)})") from None
        self.rows = meta.num_rows
        if self.rows > PARQUET_ROWS_MAX:
            self.raw.close()
            raise input_error(
                path, f"{self.rows:,} rows: more than the {PARQUET_ROWS_MAX:,} a file may hold"
            )
        size = max(os.fstat(self.raw.fileno()).st_size, 1)
        if self.rows > PARQUET_ROWS_PER_BYTE * size:
            self.raw.close()
            raise input_error(
                path,
                f"its footer claims {self.rows:,} rows in {size:,} bytes: more than "
                f"{PARQUET_ROWS_PER_BYTE} rows per byte, not a file of companies",
            )
        for g in range(meta.num_row_groups):
            n = meta.row_group(g).num_rows
            if n > PARQUET_GROUP_MAX:
                self.raw.close()
                raise input_error(
                    path,
                    f"row group {g + 1} holds {n:,} rows: more than {PARQUET_GROUP_MAX:,} "
                    "(write it with smaller row groups)",
                )
        clean_names(path, names)  # a name twice: an error naming both
        self.names = names
        self.clean = [str(n).strip() for n in names]

    def check_types(self, columns: list[str]) -> None:
        schema = self.file.schema_arrow
        for c in columns:
            t = schema.field(self.names[self.clean.index(c)]).type
            if (
                pa.types.is_nested(t)
                or pa.types.is_dictionary(t)
                and pa.types.is_nested(t.value_type)
            ):
                kind = "lists" if pa.types.is_list(t) or pa.types.is_large_list(t) else "structures"
                raise input_error(self.path, f"column {c}: holds {kind} ({t}), not plain values")

    def batches(self, columns: list[str], progress):
        """Batches of ``columns`` as text; ``progress`` gets the fraction of rows read."""
        self.check_types(columns)
        raw_names = [self.names[self.clean.index(c)] for c in columns]
        total = self.rows or 1
        done = 0
        try:
            for groups in self.spans():
                it = self.file.iter_batches(
                    batch_size=BATCH_ROWS, columns=raw_names, row_groups=groups
                )
                while True:
                    try:
                        batch = next(it)
                    except StopIteration:
                        break
                    except (pa.ArrowException, OSError) as e:
                        after = f"after row {done + 1}: " if done else ""
                        raise input_error(
                            self.path, f"{after}unreadable Parquet data ({_arrow_message(e)})"
                        ) from None
                    arrays = [
                        _as_text(self.path, c, batch.column(i), done) for i, c in enumerate(columns)
                    ]
                    done += batch.num_rows
                    progress(done / total)
                    yield pa.RecordBatch.from_arrays(arrays, names=columns)
                del it
                pa.default_memory_pool().release_unused()
        finally:
            self.raw.close()

    def spans(self) -> list[list[int]]:
        """The row groups in runs of at least ``PARQUET_SPAN_ROWS`` rows (small groups
        gathered, the batches stay whole), each read by a reader of its own, the memory
        Arrow's allocator keeps unused given back after each (``batches``). One reader
        over the whole file holds memory for every group it has read until it is closed,
        and the allocator (mimalloc) keeps the pages it frees: either fix alone hardly
        helps. Peak RSS at 12 M units in groups of a million rows, after the first reading
        of the units / the head offices / the units read whole: one reader 266 / 424 /
        505 MB; a reader a span 236 / 429 / 429; one reader, memory given back 244 / 373
        / 492; both 202 / 398 / 398 (the CSV: 177 / 362 / 362). The register's 30 M units
        and 42 M establishments: see the README."""
        meta = self.file.metadata
        runs, run, rows = [], [], 0
        for g in range(meta.num_row_groups):
            run.append(g)
            rows += meta.row_group(g).num_rows
            if rows >= PARQUET_SPAN_ROWS:
                runs.append(run)
                run, rows = [], 0
        return [*runs, run] if run else runs


def _as_text(path, name: str, col: pa.Array, done: int) -> pa.Array:
    """A Parquet column as text: numbers, booleans and dates written as INSEE writes them
    in its CSV; bytes only if they are UTF-8."""
    t = col.type
    if pa.types.is_dictionary(t):
        col = col.dictionary_decode()
        t = col.type
    try:
        if pa.types.is_string(t) or pa.types.is_large_string(t):
            col.validate(full=True)
            return col
        if pa.types.is_null(t):
            return pa.nulls(len(col), pa.string())
        return col.cast(pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as e:
        what = "not UTF-8 text" if "utf8" in str(e).lower() else _arrow_message(e)
        after = f" (rows {done + 2} to {done + len(col) + 1})"
        raise input_error(path, f"column {name}: {what}{after}") from None


# --------------------------------------------------------------------------- Excel


def _check_xlsx_parts(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError) as e:
        raise input_error(path, f"not a readable Excel file ({e})") from None
    for info in infos:
        limit = XLSX_STRINGS_MAX if info.filename.endswith("sharedStrings.xml") else XLSX_PART_MAX
        if info.file_size > limit:
            raise input_error(
                path,
                f"{info.filename} inflates to {info.file_size // MB:,} MB: more than the "
                f"{limit // MB:,} MB an .xlsx part may hold (save it as CSV)",
            )


def xlsx_rows(path: Path):
    """(header, iterator of rows, rows in the sheet) of the first sheet."""
    check_regular(path)
    _check_xlsx_parts(path)
    try:
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
    except FileNotFoundError:
        raise UsageError(f"file not found: {path}") from None
    except Exception as e:  # noqa: BLE001 - openpyxl and expat raise many kinds for a bad file
        raise input_error(path, f"not a readable Excel file ({_xlsx_reason(e)})") from None
    if header is None or not any(h is not None for h in header):
        raise input_error(path, "the sheet is empty")
    names = clean_names(path, ["" if h is None else _cell(h) for h in header])
    return names, rows, sheet.max_row or 1


def _xlsx_reason(e: Exception) -> str:
    text = str(e).split("\n")[0][:200]
    return f"{type(e).__name__}: {text}" if text else type(e).__name__


def read_xlsx(path: Path, header: list[str], rows, columns: list[str], total: int, progress):
    where = [header.index(c) for c in columns]
    chunk: list = []
    done = 0

    def flush():
        cols = {
            c: pa.array([_cell(r[i]) if i < len(r) else "" for r in chunk], pa.string())
            for c, i in zip(columns, where)
        }
        return pa.RecordBatch.from_pydict(cols) if cols else _empty_batch(len(chunk))

    try:
        for r in rows:
            chunk.append(r)
            if len(chunk) >= BATCH_ROWS:
                done += len(chunk)
                progress(done / total)
                yield flush()
                chunk = []
    except Exception as e:  # noqa: BLE001 - the XML of a bad file, said plainly
        after = f"after row {done + len(chunk) + 1}: " if done or chunk else ""
        raise input_error(path, f"{after}not a readable Excel sheet ({_xlsx_reason(e)})") from None
    if chunk:
        progress(1.0)
        yield flush()


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
