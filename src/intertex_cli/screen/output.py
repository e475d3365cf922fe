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
from .labels import DETAIL_SUFFIXES, PLAN_COLUMNS

FORMATS = {".csv": "csv", ".parquet": "parquet", ".xlsx": "xlsx", ".json": "json"}
INT_COLUMNS = {"headcount_min", "headcount_max", "months_of_activity"}
_INT = pa.int64()
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384


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


def result_columns(screener: Screener, detail: bool = True) -> list[str]:
    """The columns after the identifiers: the plan's, then (``detail``) each scheme's."""
    out = list(PLAN_COLUMNS)
    if detail:
        for s in screener.schemes:
            out += [s.id, *(f"{s.id}{x}" for x in DETAIL_SUFFIXES)]
    return out


class Writer:
    """Writes the companies of each batch, in input order: each one's plan first, then
    (``detail``) its result for each scheme. The JSON always has both (the contract)."""

    def __init__(
        self,
        path: Path | None,
        fmt: str,
        screener: Screener,
        catalog=None,
        lang: str = "fr",
        detail: bool = False,
        summary=None,
        stream=None,
    ):
        """``stream``: JSON written there as it is made (stdout), not to ``path``."""
        self.path, self.fmt, self.screener = path, fmt, screener
        self.catalog, self.lang, self.detail, self.summary = catalog, lang, detail, summary
        self._stream = stream
        self.count = 0
        self._arrow = None
        self._file = None
        self._sheet = None
        self._missing_text: list[list[str]] = [[] for _ in screener.schemes]
        self._fragments: list[list[str]] = [[] for _ in screener.schemes]
        self._missing_human: list[list[str]] = [[] for _ in screener.schemes]
        self._verdicts = pa.array(VERDICTS)
        self._kind_arrays: dict[int, tuple] = {}  # scheme -> (results, codes, missing)
        from intertex_cli.text.i18n import t

        self._verdict_words = pa.array([t(v, lang) for v in VERDICTS])
        if fmt == "json":
            self._file = stream or open(path, "w", encoding="utf-8")  # noqa: SIM115 - closed in close()
            self._file.write("[")
        elif fmt == "xlsx":
            from openpyxl import Workbook

            from .labels import label

            self._book = Workbook(write_only=True)
            self._sheet = self._book.create_sheet(label("sheet.plans", lang))

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

    def write(self, b: Batch, index: np.ndarray, amounts: dict, shown: dict, plans: list) -> None:
        """``shown``: columns carried to the output beside the identifiers (name -> list);
        ``plans``: each company's :class:`plans.CompanyPlan`."""
        self._refresh()
        if self.fmt == "json":
            self._write_json(b, index, amounts, shown, plans)
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
                    plans[start:end],
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

    def _table(self, b: Batch, index, amounts, shown, plans) -> pa.Table:
        cols: dict[str, pa.Array] = {"row": pa.array(b.rows)}
        for name, values in b.ids.items():
            cols[name] = pa.array(values, pa.string())
        human = self.fmt == "xlsx"  # words in the interface's language, not codes
        cols.update(self._plan_columns(plans, human))
        for name, values in shown.items():
            cols[name] = pa.array(values, _INT if name in INT_COLUMNS else pa.string())
        cols["error"] = pa.array([b.error_text(i) for i in range(b.n)], pa.string())
        if not self.detail:
            return pa.table(cols)
        from .plans import mark_of

        verdicts = self._verdict_words if human else self._verdicts
        for s, scheme in enumerate(self.screener.schemes):
            idx = pa.array(index[:, s])
            codes, missing = self._per_kind(s, human)
            cols[scheme.id] = pc.take(verdicts, pc.take(codes, idx))
            a = amounts.get(s)
            if a is None:
                cols[f"{scheme.id}_estimate_eur"] = pa.nulls(b.n, pa.int64())
            else:
                cols[f"{scheme.id}_estimate_eur"] = pa.array(
                    np.nan_to_num(a, nan=0).astype(np.int64), mask=np.isnan(a)
                )
            cols[f"{scheme.id}_missing"] = pc.take(missing, idx)
            marks = {id(p): mark_of(scheme, p) for p in plans}
            if human:
                from .labels import mark_label

                marks = {k: mark_label(v, self.lang) if v else "" for k, v in marks.items()}
            cols[f"{scheme.id}_plan"] = pa.array([marks[id(p)] for p in plans], pa.string())
        return pa.table(cols)

    def _per_kind(self, s: int, human: bool) -> tuple[pa.Array, pa.Array]:
        """Scheme ``s``'s verdict code and missing answers per result index, as arrays
        (made again only when the screening found new results for it)."""
        got = self._kind_arrays.get(s)
        n = len(self.screener.verdicts[s])
        if got is None or got[0] != n:
            missing = self._missing_words(s) if human else self._missing_text[s]
            codes = pa.array(np.asarray(self.screener.verdicts[s], dtype=np.int8))
            got = self._kind_arrays[s] = (n, codes, pa.array(missing, pa.string()))
        return got[1], got[2]

    def _plan_columns(self, plans: list, human: bool) -> dict[str, pa.Array]:
        """The plan's columns, each distinct plan put in words once."""
        from intertex_cli.views.describe import fact_label
        from intertex_cli.views.words import title

        from .labels import mark_label

        lang, schemes = self.lang, self.catalog.schemes
        words: dict[int, tuple] = {}
        for p in plans:
            if id(p) in words:
                continue
            step = p.step
            first = contact = phone = None
            if step is not None:
                text = step["text_en"] if lang == "en" and step.get("text_en") else step["text"]
                first = f"{title(schemes[step['for']], lang)} : {text} (p. {step['page']})"
                if lang == "en":
                    first = first.replace(" : ", ": ", 1)
            if p.contact is not None:
                c = p.contact
                bits = [
                    " — ".join(
                        x for x in (c.get("name"), c.get("organisation"), c.get("area")) if x
                    )
                ]
                bits += c.get("emails", [])
                if not c.get("phones") and not c.get("emails"):
                    bits += c.get("web", [])
                contact = " · ".join(x for x in bits if x) or None
                phone = ", ".join(c.get("phones", [])) or None
            if human:
                question = fact_label(p.question, lang) if p.question else None
                flagged = " ; ".join(
                    f"{title(schemes[sid], lang)} ({mark_label(why, lang)})"
                    for sid, why in p.flagged
                )
            else:
                question = p.question
                flagged = ";".join(f"{sid}:{why}" for sid, why in p.flagged)
            words[id(p)] = (
                ";".join(p.ids),
                " ; ".join(title(schemes[sid], lang) for sid in p.ids),
                p.total,
                first,
                contact,
                phone,
                question,
                flagged or None,
            )
        rows = [words[id(p)] for p in plans]
        out = {}
        for j, name in enumerate(PLAN_COLUMNS):
            values = [r[j] for r in rows]
            if name == "plan_total_eur":
                out[name] = pa.array(values, pa.int64())
            else:
                out[name] = pa.array([v if v else None for v in values], pa.string())
        return out

    def _missing_words(self, s: int) -> list[str]:
        from intertex_cli.views.describe import fact_label

        done = self._missing_human[s]
        for missing in self.screener.missing[s][len(done) :]:
            done.append(", ".join(fact_label(k, self.lang) for k in missing))
        return done

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
            if table.num_columns > EXCEL_MAX_COLUMNS:  # with the identifiers (run checks first)
                from intertex_cli.errors import UsageError

                raise UsageError(
                    f"--detail over {len(self.screener.schemes):,} schemes makes "
                    f"{table.num_columns:,} columns: an Excel sheet holds at most 16,384; "
                    "write .csv, .parquet or .json, or name a scheme with --scheme"
                )
            self._xlsx_header(self._sheet, table.column_names, table)
        if self.count + table.num_rows + 1 > EXCEL_MAX_ROWS:
            raise RowError(
                int(table.column("row")[EXCEL_MAX_ROWS - 1 - self.count].as_py()),
                None,
                f"an Excel sheet holds at most {EXCEL_MAX_ROWS} rows: write .csv or .parquet",
            )
        columns = [c.to_pylist() for c in table.columns]
        for row in zip(*columns):
            self._sheet.append([_xlsx_value(self._sheet, v) for v in row])

    def _header(self, name: str) -> str:
        """A column's title in the sheet: the plan's and the results' in the language;
        the identifiers and the answers keep their keys (the file screens again)."""
        from .labels import label

        if name == "row" or name in PLAN_COLUMNS:
            return label(name, self.lang)
        for s in self.screener.schemes:
            for suffix, kind in (
                ("", "verdict_of"),
                *zip(DETAIL_SUFFIXES, ("estimate_of", "missing_of", "plan_of")),
            ):
                if name == s.id + suffix:
                    return label(kind, self.lang, id=s.id)
        return name

    def _xlsx_header(self, sheet, names: list[str], sample: pa.Table | None) -> None:
        """The header row, frozen, and each column as wide as its title and the first
        rows' values need (a write-only sheet takes widths before its first row)."""
        from openpyxl.utils import get_column_letter

        headers = [self._header(n) for n in names]
        for j, head in enumerate(headers):
            width = len(head)
            if sample is not None and sample.num_rows:
                values = sample.column(j).to_pylist()
                width = max([width, *(len(_shown(v)) for v in values)])
            sheet.column_dimensions[get_column_letter(j + 1)].width = min(max(width, 6), 60) + 2
        sheet.freeze_panes = "A2"
        sheet.append(headers)
        self._columns = len(headers)

    def _write_json(self, b: Batch, index, amounts, shown, plans) -> None:
        f = self._file
        ids = {**b.ids, **shown}
        frags = self._fragments
        schemes = range(len(self.screener.schemes))
        parts, size = [], 0
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
            question = plans[i].question
            parts.append(
                ("\n" if self.count + i == 0 else ",\n")
                + text
                + ', "plan": '
                + plans[i].json
                + ', "next_question": '
                + (json.dumps(question) if question else "null")
                + ', "results": ['
                + ", ".join(results)
                + "]}"
            )
            size += len(parts[-1])
            if len(parts) >= 2000 or size >= 4_000_000:  # a few megabytes at a time
                f.write("".join(parts))
                parts, size = [], 0
        f.write("".join(parts))

    def close(self) -> None:
        if self.fmt == "json":
            self._file.write("\n]\n" if self.count else "]\n")
            if self._stream is None:
                self._file.close()
            else:
                self._file.flush()
        elif self.fmt == "xlsx":
            from openpyxl.utils import get_column_letter

            if self.count == 0:
                self._xlsx_header(self._sheet, self._empty_table().column_names, None)
            last = get_column_letter(self._columns)
            self._sheet.auto_filter.ref = f"A1:{last}{self.count + 1}"
            if self.summary is not None:
                self._summary_sheet()
            self._book.save(str(self.path))
        elif self._arrow is not None:
            self._arrow.close()
        elif self.fmt in ("csv", "parquet"):
            self._empty()

    def _summary_sheet(self) -> None:
        """The summary per scheme, then the figures an adviser reads first."""
        from openpyxl.utils import get_column_letter

        from intertex_cli.text.i18n import t
        from intertex_cli.views.describe import fact_label
        from intertex_cli.views.words import title

        from .labels import label

        lang = self.lang
        sheet = self._book.create_sheet(label("sheet.summary", lang))
        names = ("scheme_id", "scheme", "status", "eligible", "unknown", "ineligible")
        names += ("in_plans", "question", "settled")
        rows = []
        for r in self.summary.rows():
            scheme = self.catalog.schemes.get(r["id"]) or next(
                s for s in self.screener.schemes if s.id == r["id"]
            )
            q = r["question"]
            question = None
            if q:
                question = fact_label(q[0], lang) + ("" if q[2] else label("with_others", lang))
            rows.append(
                [
                    r["id"],
                    title(scheme, lang),
                    t(f"mark.{r['status']}", lang),
                    r["eligible"],
                    r["unknown"],
                    r["ineligible"],
                    r["in_plans"],
                    question,
                    q[1] if q else None,
                ]
            )
        plans = self.summary.plans
        tail = [
            [],
            [label("companies", lang), self.summary.companies],
            [label("with_plan", lang), plans.with_plan],
            [label("plans_total", lang), plans.total],
            [],
            [label("largest", lang), label("row", lang), label("plan_total_eur", lang)],
            *([name, row, total] for name, row, total in plans.largest()),
        ]
        headers = [label(n, lang) for n in names]
        for j in range(len(headers)):
            width = max(len(_shown(x[j])) for x in [headers, *rows, *tail] if len(x) > j)
            sheet.column_dimensions[get_column_letter(j + 1)].width = min(max(width, 6), 60) + 2
        sheet.freeze_panes = "A2"
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"
        for row in tail:
            sheet.append(row)

    def _empty_table(self) -> pa.Table:
        cols = {"row": pa.array([], pa.int64())}
        for c in result_columns(self.screener, self.detail):
            integer = c.endswith("_estimate_eur") or c == "plan_total_eur"
            cols[c] = pa.array([], pa.int64() if integer else pa.string())
        return pa.table(cols)

    def _empty(self) -> None:
        table = self._empty_table()
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


def _shown(v) -> str:
    """A cell's text, as wide as a spreadsheet shows it."""
    if v is None:
        return ""
    if isinstance(v, int) and not isinstance(v, bool):
        return f"{v:,}"
    return str(v)


class Summary:
    """Per scheme: how many companies are eligible, to check, not eligible, in a plan,
    and which single answer would settle the most of those to check (never for an ended
    scheme); with the plans' figures (``plans``: a :class:`plans.Plans`)."""

    def __init__(self, screener: Screener, plans=None):
        self.screener = screener
        self.plans = plans
        self._rows: list | None = None
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
        """One dict per scheme: id, counts, and the settling question (key, companies).
        Computed once, when the screening is done."""
        if self._rows is None:
            self._rows = self._compute(limit_kinds)
        return self._rows

    def _compute(self, limit_kinds: int) -> list[dict]:
        from intertex_cli.engine.plan import ended
        from intertex_cli.engine.planner import _with, probes
        from intertex_cli.engine.rules import UNDECIDED, verdict_of

        sc = self.screener
        out = []
        in_plans = self.plans.in_plans if self.plans is not None else {}
        for s, scheme in enumerate(sc.schemes):
            best = None
            kinds = self.kinds[s]
            gone = ended(scheme)  # never a question for a scheme that no longer exists
            open_ = [
                r for r in np.argsort(-kinds) if kinds[r] and sc.verdicts[s][r] == 1 and not gone
            ]
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
                    "ended": gone,
                    "in_plans": in_plans.get(scheme.id, 0),
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
