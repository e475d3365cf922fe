"""What screening writes: one row per company (CSV, Excel, Parquet, JSON) and the
per-scheme summary. Files go to a temporary file beside the target, renamed at the end:
an error halfway leaves nothing behind."""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .batch import VERDICTS, Batch, Screener

FORMATS = {".csv": "csv", ".parquet": "parquet", ".xlsx": "xlsx", ".json": "json"}
INT_COLUMNS = {"headcount_min", "headcount_max", "months_of_activity"}
_INT = pa.int64()
EXCEL_MAX_ROWS = 1_048_576


class AtomicFile:
    """A temporary file in the target's folder, moved over the target by ``commit``."""

    def __init__(self, target: Path | None):
        self.target = target
        folder = target.parent if target is not None else None
        fd, name = tempfile.mkstemp(
            prefix=".intertex-", suffix=".tmp", dir=str(folder) if folder else None
        )
        os.close(fd)
        self.path = Path(name)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self.path, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600

    def commit(self) -> None:
        if self.target is not None:
            os.replace(self.path, self.target)

    def discard(self) -> None:
        try:
            self.path.unlink()
        except OSError:
            pass


def result_columns(screener: Screener) -> list[str]:
    out = []
    for s in screener.schemes:
        out += [s.id, f"{s.id}_estimate_eur", f"{s.id}_missing"]
    return out


class Writer:
    """Writes the companies of each batch, in input order."""

    def __init__(self, path: Path | None, fmt: str, screener: Screener, stream=None):
        """``stream``: JSON written there as it is made (stdout), not to ``path``."""
        self.path, self.fmt, self.screener = path, fmt, screener
        self._stream = stream
        self.count = 0
        self._arrow = None
        self._file = None
        self._sheet = None
        self._missing_text: list[list[str]] = [[] for _ in screener.schemes]
        self._fragments: list[list[str]] = [[] for _ in screener.schemes]
        self._verdicts = pa.array(VERDICTS)
        if fmt == "json":
            self._file = stream or open(path, "w", encoding="utf-8")  # noqa: SIM115 - closed in close()
            self._file.write("[")
        elif fmt == "xlsx":
            from openpyxl import Workbook

            self._book = Workbook(write_only=True)
            self._sheet = self._book.create_sheet("screening")

    # ------------------------------------------------------------------ per scheme texts

    def _refresh(self) -> None:
        sc = self.screener
        for s, scheme in enumerate(sc.schemes):
            texts, frags = self._missing_text[s], self._fragments[s]
            for r in range(len(texts), len(sc.verdicts[s])):
                missing = sc.missing[s][r]
                texts.append(";".join(missing))
                frags.append(
                    f'{{"id": {json.dumps(scheme.id)}, "verdict": "{VERDICTS[sc.verdicts[s][r]]}", "missing": {json.dumps(missing)}, "estimate": '
                )

    # ------------------------------------------------------------------ writing

    def write(self, b: Batch, index: np.ndarray, amounts: dict, shown: dict) -> None:
        """``shown``: columns carried to the output beside the identifiers (name -> list)."""
        self._refresh()
        if self.fmt == "json":
            self._write_json(b, index, amounts, shown)
        else:
            step = 16_384  # a slice at a time: the text of the output stays small
            for start in range(0, b.n, step):
                end = min(start + step, b.n)
                part = Batch(end - start, b.rows[start:end])
                part.ids = {k: v[start:end] for k, v in b.ids.items()}
                part.errors = {i - start: e for i, e in b.errors.items() if start <= i < end}
                table = self._table(
                    part,
                    index[start:end],
                    {s: a[start:end] for s, a in amounts.items()},
                    {k: v[start:end] for k, v in shown.items()},
                )
                if self.fmt == "csv":
                    self._write_csv(table)
                elif self.fmt == "parquet":
                    self._write_parquet(table)
                else:
                    self._write_xlsx(table)
                self.count += part.n
            return
        self.count += b.n

    def _table(self, b: Batch, index, amounts, shown) -> pa.Table:
        cols: dict[str, pa.Array] = {"row": pa.array(b.rows)}
        for name, values in {**b.ids, **shown}.items():
            cols[name] = pa.array(values, _INT if name in INT_COLUMNS else pa.string())
        cols["error"] = pa.array([b.error_text(i) for i in range(b.n)], pa.string())
        for s, scheme in enumerate(self.screener.schemes):
            idx = pa.array(index[:, s])
            codes = pa.array(np.asarray(self.screener.verdicts[s], dtype=np.int8))
            cols[scheme.id] = pc.take(self._verdicts, pc.take(codes, idx))
            a = amounts.get(s)
            if a is None:
                cols[f"{scheme.id}_estimate_eur"] = pa.nulls(b.n, pa.int64())
            else:
                cols[f"{scheme.id}_estimate_eur"] = pa.array(
                    np.nan_to_num(a, nan=0).astype(np.int64), mask=np.isnan(a)
                )
            cols[f"{scheme.id}_missing"] = pc.take(pa.array(self._missing_text[s]), idx)
        return pa.table(cols)

    def _write_csv(self, table: pa.Table) -> None:
        import pyarrow.csv as pcsv

        table = as_text_cells(table)
        if self._arrow is None:
            self._arrow = pcsv.CSVWriter(str(self.path), table.schema)
        self._arrow.write_table(table)

    def _write_parquet(self, table: pa.Table) -> None:
        import pyarrow.parquet as pq

        if self._arrow is None:
            self._arrow = pq.ParquetWriter(str(self.path), table.schema)
        self._arrow.write_table(table.cast(self._arrow.schema))

    def _write_xlsx(self, table: pa.Table) -> None:
        from .batch import RowError

        if self.count == 0:
            self._sheet.append(table.column_names)
        if self.count + table.num_rows + 1 > EXCEL_MAX_ROWS:
            raise RowError(
                int(table.column("row")[EXCEL_MAX_ROWS - 1 - self.count].as_py()),
                None,
                f"an Excel sheet holds at most {EXCEL_MAX_ROWS} rows: write .csv or .parquet",
            )
        columns = [c.to_pylist() for c in table.columns]
        for row in zip(*columns):
            self._sheet.append([_xlsx_value(self._sheet, v) for v in row])

    def _write_json(self, b: Batch, index, amounts, shown) -> None:
        f = self._file
        ids = {**b.ids, **shown}
        frags = self._fragments
        schemes = range(len(self.screener.schemes))
        parts = []
        for i in range(b.n):
            head = {"row": int(b.rows[i])}
            for name, values in ids.items():
                if values[i] is not None:
                    head[name] = values[i]
            error = b.error_json(i)
            if error is not None:  # contract §3: error in place of results and plan
                head["error"] = error
                sep = "\n" if self.count + i == 0 else ",\n"
                parts.append(sep + json.dumps(head, ensure_ascii=False))
                continue
            results = []
            for s in schemes:
                a = amounts.get(s)
                amount = "null"
                if a is not None and not math.isnan(a[i]):
                    amount = '{"amount_eur": ' + str(int(a[i])) + "}"
                results.append(frags[s][index[i, s]] + amount + "}")
            text = json.dumps(head, ensure_ascii=False)[:-1]
            parts.append(
                ("\n" if self.count + i == 0 else ",\n")
                + text
                + ', "results": ['
                + ", ".join(results)
                + "]}"
            )
            if len(parts) >= 2000:  # bounded memory: a few megabytes at a time
                f.write("".join(parts))
                parts = []
        f.write("".join(parts))

    def close(self) -> None:
        if self.fmt == "json":
            self._file.write("\n]\n" if self.count else "]\n")
            if self._stream is None:
                self._file.close()
            else:
                self._file.flush()
        elif self.fmt == "xlsx":
            if self.count == 0:
                self._sheet.append(["row"])
            self._book.save(str(self.path))
        elif self._arrow is not None:
            self._arrow.close()
        elif self.fmt in ("csv", "parquet"):
            self._empty()

    def _empty(self) -> None:
        cols = {"row": pa.array([], pa.int64())}
        for c in result_columns(self.screener):
            cols[c] = pa.array([], pa.int64() if c.endswith("_estimate_eur") else pa.string())
        table = pa.table(cols)
        if self.fmt == "csv":
            import pyarrow.csv as pcsv

            pcsv.write_csv(table, str(self.path))
        else:
            import pyarrow.parquet as pq

            pq.write_table(table, str(self.path))

    def abort(self) -> None:
        try:
            if self._file is not None and self._stream is None:
                self._file.close()
            if self._arrow is not None:
                self._arrow.close()
        except Exception:  # noqa: BLE001 - the file is discarded anyway
            pass
        if (
            self.fmt == "xlsx"
        ):  # openpyxl's staging files (removed at exit, but we end with os._exit)
            from openpyxl.worksheet import _writer

            for name in list(_writer.ALL_TEMP_FILES):
                try:
                    os.remove(name)
                    _writer.ALL_TEMP_FILES.remove(name)
                except (OSError, ValueError):
                    pass


# a cell a spreadsheet would run as a formula (OWASP, CSV injection)
FORMULA_START = r"^([=+\-@\t\r])"


def as_text_cells(table: pa.Table) -> pa.Table:
    """Text cells that a spreadsheet would run as a formula, written with a leading
    apostrophe (shown as text, the apostrophe hidden): ``=HYPERLINK(…)`` from a client
    file stays a name."""
    cols = []
    for col in table.columns:
        if pa.types.is_string(col.type):
            col = pc.replace_substring_regex(col, pattern=FORMULA_START, replacement="'\\1")
        cols.append(col)
    return pa.table(cols, names=table.column_names)


def _xlsx_value(sheet, v):
    """A value for an xlsx row: text is always a string cell (never a formula), without
    the control characters XML cannot hold."""
    if not isinstance(v, str):
        return v
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    v = ILLEGAL_CHARACTERS_RE.sub("", v)
    if not v.startswith("="):
        return v
    cell = WriteOnlyCell(sheet, value=v)
    cell.data_type = "s"
    return cell


class Summary:
    """Per scheme: how many companies are eligible, to check, not eligible, and which
    single answer would settle the most of those to check."""

    def __init__(self, screener: Screener):
        self.screener = screener
        n = len(screener.schemes)
        self.counts = np.zeros((n, 3), dtype=np.int64)
        self.kinds: list[np.ndarray] = [np.zeros(0, dtype=np.int64) for _ in range(n)]
        self.companies = 0

    def add(self, index: np.ndarray) -> None:
        sc = self.screener
        self.companies += len(index)
        for s in range(len(sc.schemes)):
            codes = sc.verdict_codes(s, index[:, s])
            self.counts[s] += np.bincount(codes, minlength=3)[:3]
            k = np.bincount(index[:, s], minlength=len(sc.verdicts[s]))
            old = self.kinds[s]
            if len(old) < len(k):
                old = np.concatenate([old, np.zeros(len(k) - len(old), dtype=np.int64)])
            old[: len(k)] += k
            self.kinds[s] = old

    def rows(self, limit_kinds: int = 200) -> list[dict]:
        """One dict per scheme: id, counts, and the settling question (key, companies)."""
        from intertex_cli.engine.planner import _with, probes
        from intertex_cli.engine.rules import UNDECIDED, verdict_of

        sc = self.screener
        out = []
        for s, scheme in enumerate(sc.schemes):
            best = None
            kinds = self.kinds[s]
            open_ = [r for r in np.argsort(-kinds) if kinds[r] and sc.verdicts[s][r] == 1]
            scores: dict[str, int] = {}
            frequent: dict[str, int] = {}
            for r in open_[:limit_kinds]:
                p = sc.profiles[s][r]
                for key in sc.missing[s][r]:
                    frequent[key] = frequent.get(key, 0) + int(kinds[r])
                    values = probes(key, p, sc.schemes)
                    if key in p.ranges:
                        lo, hi = p.ranges[key].lo, p.ranges[key].hi
                        values = [v for v in values if lo <= v <= hi] + [lo]
                    if values and all(
                        verdict_of(scheme, _with(p, key, v)) != UNDECIDED for v in values
                    ):
                        scores[key] = scores.get(key, 0) + int(kinds[r])
            if scores:
                key = max(scores, key=lambda k: (scores[k], -_order(k)))
                best = (key, scores[key], True)
            elif frequent:
                key = max(frequent, key=lambda k: (frequent[k], -_order(k)))
                best = (key, frequent[key], False)
            e, u, i = (int(x) for x in self.counts[s])
            out.append(
                {
                    "id": scheme.id,
                    "title": scheme.title,
                    "status": scheme.status.value,
                    "eligible": e,
                    "unknown": u,
                    "ineligible": i,
                    "question": best,
                }
            )
        return out


def _order(key: str) -> int:
    from intertex_cli.engine.vocab import NATURAL_ORDER

    return NATURAL_ORDER.index(key) if key in NATURAL_ORDER else len(NATURAL_ORDER)
