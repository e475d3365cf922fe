"""A portfolio file: one company per row, columns named as the answers keys (contract §3).

A range is two columns, ``KEY_min`` and ``KEY_max`` (a cell may also hold "20-49");
an empty cell is unknown and "?" or "je ne sais pas" is answered unknown; booleans are
true/false, oui/non or 1/0; ``projects`` is a list separated by ``;``; ``siren``,
``siret``, ``name`` and ``company_name`` are carried to the output. Cells are read as
text and checked here, column by column and then row by row (what two cells of one
row contradict), every row alike wherever it stands. A bad cell is left unknown and
recorded on its row (``Batch.errors``: column, value, why), so that the row is still
screened on its valid cells; ``strict`` raises ``RowError`` for the first instead.
"""

from __future__ import annotations

import difflib
import math

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from intertex_cli.answers import UNKNOWN_WORDS, max_closed_years
from intertex_cli.engine import geo
from intertex_cli.engine.vocab import ANSWER_FACTS, PROJECT_IDS, SIZE_CLASSES

from .batch import ABSENT, CAT_KEYS, CAT_VALUES, EXACT, NUM_KEYS, RANGE, SKIPPED, Batch
from .labels import is_output_column

ID_COLUMNS = ("siren", "siret", "name", "company_name")
TRUE_WORDS = {"true", "oui", "1", "vrai", "yes", "o", "y"}
FALSE_WORDS = {"false", "non", "0", "faux", "no", "n"}
# the size class as French and INSEE categories name it (TPE: micro; PME: micro to medium)
SIZE_WORDS = {
    "tpe": ("micro", "micro"),
    "pme": ("micro", "medium"),
    "eti": ("intermediate", "intermediate"),
    "ge": ("large", "large"),
}


UNKNOWN_SHOWN = 10  # unknown columns named one by one; the others counted
_INSEE_SUFFIXES = ("UniteLegale", "Etablissement", "categorieEntreprise")


def known_columns() -> set[str]:
    cols = set(ID_COLUMNS) | set(ANSWER_FACTS) | {"size_class", "projects"}
    cols |= {f"{k}_{end}" for k in NUM_KEYS for end in ("min", "max")}
    return cols


def check_columns(names: list[str], scheme_ids=()) -> tuple[list[str], list[str]]:
    """(the columns used, warnings about the others). The columns of a previous screening
    (results, INSEE's codes) are left aside with one warning."""
    known = known_columns()
    used, warnings, unknown, results = [], [], [], []
    for n in names:
        if n.startswith("_column_"):  # a column without a name: nothing to read
            continue
        if n in known:
            used.append(n)
        elif is_output_column(n, scheme_ids):  # a screening's own (plans, results)
            results.append(n)
        elif n[:1].islower() and any(n.endswith(x) for x in _INSEE_SUFFIXES):
            results.append(n)
        else:
            unknown.append(n)
    if results:
        warnings.append(
            f"{len(results)} column(s) of a previous screening (results, INSEE's codes) ignored"
        )
    for n in unknown[:UNKNOWN_SHOWN]:
        close = difflib.get_close_matches(n, sorted(known), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        warnings.append(f"column {_shown(n)} is not an answers key: ignored{hint}")
    if len(unknown) > UNKNOWN_SHOWN:
        warnings.append(
            f"and {len(unknown) - UNKNOWN_SHOWN} more column(s) that are not answers keys: ignored"
        )
    return used, warnings


def _text(col: pa.Array) -> pa.Array:
    if not pa.types.is_string(col.type) and not pa.types.is_large_string(col.type):
        col = pc.cast(col, pa.string())
    return pc.utf8_trim_whitespace(pc.fill_null(col, ""))


def _distinct(col: pa.Array) -> tuple[list[str], np.ndarray]:
    enc = pc.dictionary_encode(col)
    if isinstance(enc, pa.ChunkedArray):
        enc = enc.combine_chunks()
    return enc.dictionary.to_pylist(), enc.indices.to_numpy(zero_copy_only=False)


def _rows_of(indices: np.ndarray, j: int) -> np.ndarray:
    """The rows (indices in the batch) whose cell holds the distinct value ``j``."""
    return np.nonzero(indices == j)[0]


_CONTROLS = r"[\x00-\x08\x0b-\x1f\x7f-\x9f\x{202a}-\x{202e}\x{2066}-\x{2069}]"


def clean_text(col: pa.Array) -> list:
    """Carried text (names, identifiers) as a list, terminal control characters and bidi
    overrides removed where the file is read, as answers files are; empty cells None."""
    from intertex_cli.text.sanitize import clean

    text = _text(col)
    dirty = pc.match_substring_regex(text, _CONTROLS)
    values = text.to_pylist()
    if pc.any(dirty).as_py():
        for i in np.nonzero(dirty.to_numpy(zero_copy_only=False))[0]:
            values[i] = clean(values[i]).strip()
    return [x if x else None for x in values]


def _is_unknown(s: str) -> bool:
    return s.lower() in UNKNOWN_WORDS


def _number(key: str, s: str):
    """A cell of a number key: (lo, hi) — equal for an exact value — or raises ValueError."""
    from intertex_cli.answers import check_value
    from intertex_cli.questions import parse_amount, parse_int, parse_months, split_range

    def one(text: str) -> float:
        if key == "months_of_activity":
            return float(parse_months(text))
        if ANSWER_FACTS[key].kind == "int":
            return float(parse_int(text))
        return parse_amount(text)

    digits = sum(c.isdigit() for c in s)
    if digits > 30:  # a number of 310 digits is no answer (and no float)
        raise ValueError(f"expected a number, got a number of {digits} digits")
    try:
        v = float(s)
        if not math.isfinite(v):
            raise ValueError("not a finite number")
        lo = hi = v
    except ValueError:
        bounds = split_range(s)
        try:
            lo, hi = (one(bounds[0]), one(bounds[1])) if bounds else (one(s),) * 2
        except (ValueError, OverflowError):
            raise ValueError(f"expected a number, got {_shown(s)}") from None
    for x in (lo, hi):
        _, why = check_value(key, int(x) if float(x).is_integer() else x)
        if why:
            raise ValueError(why)
    if lo > hi:
        raise ValueError(f"{_shown(s)}: the first bound is more than the second")
    return lo, hi


def _shown(s: str) -> str:
    """A cell's text in a message: quoted, control characters escaped, cut with its length."""
    return repr(s) if len(s) <= 60 else f"{s[:50]!r}… ({len(s)} characters)"


def _num_column(key: str, col: pa.Array, fail, name: str):
    """(state, lo, hi) of one column; a bad cell is left absent and reported to ``fail``."""
    values, idx = _distinct(_text(col))
    n = len(idx)
    st_of = np.zeros(len(values), dtype=np.int8)
    lo_of = np.full(len(values), np.nan)
    hi_of = np.full(len(values), np.nan)
    # the plain numbers at once ("20", "3200000", "0.5"); the others one by one below
    arr = pa.array(values, pa.string())
    plain = pc.match_substring_regex(arr, r"^\d{1,15}(\.\d{1,6})?$").to_numpy(zero_copy_only=False)
    if plain.any():
        nums = pc.cast(arr.filter(pa.array(plain)), pa.float64()).to_numpy()
        ok = np.ones(len(nums), dtype=bool)
        if ANSWER_FACTS[key].kind == "int":
            ok = nums == np.floor(nums)
        where = np.nonzero(plain)[0][ok]
        st_of[where] = EXACT
        lo_of[where] = hi_of[where] = nums[ok]
        plain[np.nonzero(plain)[0][~ok]] = False  # a fraction of a whole-number key: below
    for j, s in enumerate(values):
        if s == "" or plain[j]:
            continue
        if _is_unknown(s):
            st_of[j] = SKIPPED
            continue
        try:
            lo, hi = _number(key, s)
        except ValueError as e:
            fail(_rows_of(idx, j), name, s, str(e))
            continue
        st_of[j] = EXACT if lo == hi else RANGE
        lo_of[j], hi_of[j] = lo, hi
    if n == 0:
        return np.zeros(0, np.int8), np.zeros(0), np.zeros(0)
    return st_of[idx], lo_of[idx], hi_of[idx]


def _size_column(col: pa.Array, fail, name: str, bound: str | None = None):
    values, idx = _distinct(_text(col))
    st_of = np.zeros(len(values), dtype=np.int8)
    lo_of = np.full(len(values), np.nan)
    hi_of = np.full(len(values), np.nan)
    for j, s in enumerate(values):
        if s == "":
            continue
        if _is_unknown(s):
            st_of[j] = SKIPPED
            continue
        word = s.lower()
        if word in SIZE_CLASSES:
            a = b = word
        elif word in SIZE_WORDS and bound is None:
            a, b = SIZE_WORDS[word]
        else:
            close = difflib.get_close_matches(word, SIZE_CLASSES, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            fail(
                _rows_of(idx, j),
                name,
                s,
                f"{_shown(s)} is not one of: {', '.join(SIZE_CLASSES)} (or TPE, PME, ETI, GE){hint}",
            )
            continue
        st_of[j] = EXACT if a == b else RANGE
        lo_of[j], hi_of[j] = SIZE_CLASSES.index(a), SIZE_CLASSES.index(b)
    return st_of[idx], lo_of[idx], hi_of[idx]


def _cat_column(key: str, col: pa.Array, fail) -> np.ndarray:
    values, idx = _distinct(_text(col))
    allowed = CAT_VALUES[key]
    code_of = np.zeros(len(values), dtype=np.int16)
    for j, s in enumerate(values):
        if s == "":
            continue
        if _is_unknown(s):
            code_of[j] = SKIPPED
            continue
        v, why = _cat_value(key, s)
        if why:
            fail(_rows_of(idx, j), key, s, why)
            continue
        code_of[j] = EXACT + allowed.index(v)
    return code_of[idx]


def _cat_value(key: str, s: str):
    spec = ANSWER_FACTS[key]
    if spec.kind == "bool":
        w = s.lower()
        if w in TRUE_WORDS:
            return True, None
        if w in FALSE_WORDS:
            return False, None
        return None, f"expected true or false (oui/non, 1/0), got {_shown(s)}"
    if key == "department":
        code = geo.normalize_department(s)
        if code is None:
            return None, f'{_shown(s)} is not a French département code ("31", "09", "2A", "971")'
        return code, None
    v = s.lower()
    if v not in spec.values:
        close = difflib.get_close_matches(v, spec.values, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return None, f"{_shown(s)} is not one of: {', '.join(spec.values)}{hint}"
    return v, None


def _projects(col: pa.Array, fail) -> list:
    values, idx = _distinct(_text(col))
    parsed: list = []
    for j, s in enumerate(values):
        if s == "" or _is_unknown(s):
            parsed.append(None)
            continue
        items = [x.strip() for x in s.split(";") if x.strip()]
        bad = [x for x in items if x not in PROJECT_IDS]
        if bad:
            close = difflib.get_close_matches(bad[0], PROJECT_IDS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            fail(_rows_of(idx, j), "projects", s, f"{_shown(bad[0])} is not a project id{hint}")
            parsed.append(None)
            continue
        parsed.append(";".join(items))
    return [parsed[i] for i in idx]


def filled_rows(table: pa.RecordBatch | pa.Table) -> np.ndarray:
    """Which rows have a cell that is not empty (blank rows of a sheet are none)."""
    filled = np.zeros(table.num_rows, dtype=bool)
    for col in table.columns:
        filled |= pc.not_equal(_text(col), "").to_numpy(zero_copy_only=False)
    return filled


def to_batch(table: pa.RecordBatch | pa.Table, first_row, strict: bool = False) -> Batch:
    """Check and convert one block of a portfolio; ``first_row`` numbers its first row
    (or is the row number of each, when rows were left out).

    Every row is checked alike. A bad cell is left unknown and recorded in ``b.errors``
    (``strict``: ``RowError`` for the first bad row instead)."""
    n = table.num_rows
    if isinstance(first_row, np.ndarray):
        rows = first_row
    else:
        rows = np.arange(first_row, first_row + n, dtype=np.int64)
    b = Batch(n, rows)
    fail = b.fail
    names = set(table.column_names)
    for c in ID_COLUMNS:
        if c in names:
            b.ids[c] = clean_text(table.column(c))
    for key in NUM_KEYS:
        exact_name, lo_name, hi_name = key, f"{key}_min", f"{key}_max"
        if not ({exact_name, lo_name, hi_name} & names):
            continue
        reader = (
            (lambda col, name, bound=None: _size_column(col, fail, name, bound))
            if key == "size_class"
            else (lambda col, name, bound=None, key=key: _num_column(key, col, fail, name))
        )
        st = np.zeros(n, np.int8)
        lo = np.full(n, np.nan)
        hi = np.full(n, np.nan)
        if exact_name in names:
            st, lo, hi = reader(table.column(exact_name), exact_name)
        if lo_name in names or hi_name in names:
            a = reader(table.column(lo_name), lo_name, "min") if lo_name in names else None
            z = reader(table.column(hi_name), hi_name, "max") if hi_name in names else None
            has = np.zeros(n, bool)
            for part in (a, z):
                if part is not None:
                    has |= part[0] >= EXACT
            low = np.where(a[0] >= EXACT, a[1], 0.0) if a is not None else np.zeros(n)
            if key == "size_class":
                top = np.where(z[0] >= EXACT, z[2], len(SIZE_CLASSES) - 1) if z is not None else 4
            else:
                top = np.where(z[0] >= EXACT, z[2], math.inf) if z is not None else math.inf
            top = np.broadcast_to(np.asarray(top, dtype=np.float64), (n,))
            skipped = np.zeros(n, bool)
            for part in (a, z):
                if part is not None:
                    skipped |= part[0] == SKIPPED
            both = has & (st != ABSENT)
            for i in np.nonzero(both)[0]:
                fail(i, exact_name, _cells_of(table, (exact_name, lo_name, hi_name), i),
                     f"give {exact_name} or {lo_name}/{hi_name}, not both")  # fmt: skip
            inverted = has & ~both & (low > top)
            for i in np.nonzero(inverted)[0]:
                fail(i, lo_name, _cells_of(table, (lo_name, hi_name), i),
                     f"{lo_name} is more than {hi_name} ({_plain(low[i])} > {_plain(top[i])})")  # fmt: skip
            ok = has & ~both & ~inverted
            st = np.where(ok, np.where(low == top, EXACT, RANGE), st).astype(np.int8)
            lo = np.where(ok, low, lo)
            hi = np.where(ok, top, hi)
            st = np.where((st == ABSENT) & skipped & ~both, SKIPPED, st).astype(np.int8)
            st[both | inverted] = ABSENT
        b.num[key] = (st, lo, hi)
    for key in CAT_KEYS:
        if key in names:
            b.cat[key] = _cat_column(key, table.column(key), fail)
    if "projects" in names:
        b.extra["projects"] = _projects(table.column("projects"), fail)
    _cross_checks(b)
    if strict:
        b.raise_first()
    return b


def _cells_of(table, names, i: int) -> str:
    """The cells of row ``i`` in these columns, as an error shows them."""
    have = [c for c in names if c in table.column_names]
    return ", ".join(f"{c}={table.column(c)[int(i)].as_py()}" for c in have)


def _forget(b: Batch, key: str, where: np.ndarray) -> None:
    """Leave a key unknown on some rows (a cell that contradicts another)."""
    if key in b.num:
        st, lo, hi = b.num[key]
        st = st.copy()
        st[where] = ABSENT
        b.num[key] = (st, lo, hi)
    elif key in b.cat:
        codes = b.cat[key].copy()
        codes[where] = ABSENT
        b.cat[key] = codes


def _cross_checks(b: Batch) -> None:
    """What two cells of one row contradict, on every row (answers.contradictions, but
    the size class, which the screener checks); both cells are then left unknown."""
    t = b.num.get("turnover_eur")
    e = b.num.get("export_turnover_eur")
    if t is not None and e is not None:
        t_hi = np.where(t[0] >= EXACT, t[2], math.inf)
        e_lo = np.where(e[0] >= EXACT, e[1], 0.0)
        bad = np.nonzero(e_lo > t_hi)[0]
        for i in bad:
            b.fail(
                i,
                "export_turnover_eur",
                f"{_plain(e_lo[i])} > {_plain(t_hi[i])}",
                f"export turnover ({_plain(e_lo[i])}) is more than turnover ({_plain(t_hi[i])})",
            )
        _forget(b, "export_turnover_eur", bad)
        _forget(b, "turnover_eur", bad)
    m = b.num.get("months_of_activity")
    c = b.num.get("closed_fiscal_years")
    if m is not None and c is not None:
        m_hi = np.where((m[0] >= EXACT) & np.isfinite(m[2]), m[2], math.inf)
        c_lo = np.where(c[0] >= EXACT, c[1], 0.0)
        most = np.where(
            np.isfinite(m_hi), np.floor(np.nan_to_num(m_hi, posinf=0) / 12) + 1, math.inf
        )
        bad = np.nonzero(c_lo > most)[0]
        for i in bad:
            months = int(m_hi[i])
            b.fail(
                i,
                "closed_fiscal_years",
                f"{_plain(c_lo[i])} with {months} months",
                f"closed_fiscal_years ({_plain(c_lo[i])}) is more than a company can close in "
                f"months_of_activity ({months}) months: at most {max_closed_years(months)} "
                "(one year per 12 months, plus a first short one)",
            )
        _forget(b, "closed_fiscal_years", bad)
        _forget(b, "months_of_activity", bad)
    dep, reg = b.cat.get("department"), b.cat.get("region")
    if dep is not None and reg is not None:
        deps, regs = CAT_VALUES["department"], CAT_VALUES["region"]
        region_of = np.array([regs.index(geo.region_of(d)) for d in deps], dtype=np.int16)
        both = (dep >= EXACT) & (reg >= EXACT)
        mismatch = np.zeros(b.n, bool)
        mismatch[both] = region_of[dep[both] - EXACT] != reg[both] - EXACT
        bad = np.nonzero(mismatch)[0]
        for i in bad:
            d, r = deps[dep[i] - EXACT], regs[reg[i] - EXACT]
            b.fail(i, "region", r, f"département {d} is in {geo.region_of(d)}, not {r}")
        _forget(b, "department", bad)
        _forget(b, "region", bad)


def _plain(x: float):
    return int(x) if float(x).is_integer() else x
