"""INSEE's SIRENE stock files as companies to screen, through ``sirene.yaml``.

The legal units (StockUniteLegale) are read in batches; the head offices of the
establishments file (StockEtablissement), if given, are read first and kept as two
sorted arrays (siren, département) to give each unit its département. Every code is
mapped once per distinct value, by the data of ``sirene.yaml``.
"""

from __future__ import annotations

import math
import zipfile
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from intertex_cli.engine import geo
from intertex_cli.engine.vocab import SIZE_CLASSES
from intertex_cli.errors import UsageError

from .batch import ABSENT, CAT_VALUES, EXACT, RANGE, Batch
from .portfolio import _distinct, _text

DEPARTMENTS = CAT_VALUES["department"]


@lru_cache(maxsize=1)
def mapping() -> dict:
    import yaml

    text = (Path(__file__).parent / "sirene.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


# --------------------------------------------------------------------------- codes


def department_of(commune: str, postcode: str = "") -> str | None:
    """The département of a COG commune code, else of a postcode; None if not French."""
    m = mapping()["department"]
    for code, is_postcode in ((commune.strip(), False), (postcode.strip(), True)):
        if not code:
            continue
        if code.startswith(m["overseas_prefix"]):
            dep = code[:3]
        elif is_postcode and code.startswith("20"):
            dep = m["corsica_postcodes"].get(code[:3])
        else:
            dep = code[:2]
        return geo.normalize_department(dep) if dep else None
    return None


def _longest_prefix(table: dict, code: str):
    for n in range(len(code), 0, -1):
        if code[:n] in table:
            return table[code[:n]]
    return None


def activity_of(naf: str) -> str | None:
    return _longest_prefix(mapping()["activity"], naf.strip())


def legal_form_of(category: str) -> str | None:
    return _longest_prefix(mapping()["legal_form"], category.strip())


def months_between(created: str, on: date) -> int | None:
    """Whole months from a creation date (YYYY-MM-DD) to ``on``; None if unknown or later."""
    try:
        d = date.fromisoformat(created.strip()[:10])
    except ValueError:
        return None
    months = (on.year - d.year) * 12 + on.month - d.month - (1 if on.day < d.day else 0)
    return months if months >= 0 else None


def naf_filter(spec: str | None):
    """``13,14,15.1`` → a test on a NAF code (prefixes, dots ignored)."""
    if not spec:
        return None
    prefixes = tuple(p.strip().replace(".", "").upper() for p in spec.split(",") if p.strip())
    if not prefixes:
        raise UsageError(f"--naf {spec!r}: give NAF codes or prefixes, e.g. 13,14,15.1")
    return lambda code: code.replace(".", "").upper().startswith(prefixes)


# --------------------------------------------------------------------------- files


def _open(path: Path):
    """A binary file object: the file itself, or the one member of INSEE's .zip."""
    try:
        if path.suffix.lower() == ".zip":
            z = zipfile.ZipFile(path)
            names = [n for n in z.namelist() if not n.endswith("/")]
            if len(names) != 1:
                raise UsageError(f"{path}: expected one file in the archive, found {len(names)}")
            return z.open(names[0])
        return open(path, "rb")  # noqa: SIM115 - the caller closes it
    except FileNotFoundError:
        raise UsageError(f"file not found: {path}") from None
    except (OSError, zipfile.BadZipFile) as e:
        raise UsageError(f"cannot read {path}: {e}") from None


def header_of(path: Path) -> list[str]:
    from .run import input_error, parquet_columns

    if path.suffix.lower() == ".parquet":
        return parquet_columns(path)
    with _open(path) as f:
        head = f.read(1 << 16)
    if not head.strip():
        raise input_error(path, "the file is empty")
    first = head.decode("utf-8-sig", errors="replace").splitlines()[0]
    return [c.strip().strip('"') for c in first.split(",")]


def read(path: Path, columns: list[str], progress, share: float = 1.0, start: float = 0.0):
    """Batches of ``columns`` (as text) of an INSEE file, CSV (plain or zipped) or Parquet."""
    from .run import read_parquet, regroup

    if path.suffix.lower() == ".parquet":
        yield from read_parquet(path, columns, lambda f: progress(start + share * f))
        return
    yield from regroup(_read_csv(path, columns, progress, share, start))


def _read_csv(path: Path, columns: list[str], progress, share: float, start: float):
    import pyarrow.csv as pcsv

    from .run import CSV_BLOCK, Counting, input_error

    size = max(path.stat().st_size, 1)
    raw = _open(path)
    counting = Counting(raw)
    try:
        reader = pcsv.open_csv(
            counting,
            read_options=pcsv.ReadOptions(block_size=CSV_BLOCK),
            parse_options=pcsv.ParseOptions(newlines_in_values=True),
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
            progress(start + share * min(counting.done / size, 1.0))
            yield batch
    except pa.ArrowInvalid as e:
        raise input_error(path, str(e).split("\n")[0]) from None
    finally:
        raw.close()


def _role(path: Path) -> tuple[str, list[str]]:
    names = header_of(path)
    units, estabs = mapping()["units"]["columns"], mapping()["establishments"]["columns"]
    if estabs["head_office"] in names:
        return "establishments", names
    if any(c in names for c in units.values() if c != "siren"):
        return "units", names
    raise UsageError(
        f"{path}: neither INSEE's StockUniteLegale nor StockEtablissement "
        f"(no column {units['state']} or {estabs['head_office']})"
    )


# --------------------------------------------------------------------------- head offices


def head_offices(path: Path, names: list[str], progress, share: float):
    """(sorted sirens, département codes) of the head offices in an establishments file."""
    from .run import input_error

    cols = mapping()["establishments"]["columns"]
    need = [cols["siren"], cols["head_office"]]
    missing = [c for c in need if c not in names]
    if missing:
        raise input_error(path, f"missing column {', '.join(missing)}")
    where = [c for c in (cols["commune"], cols["postcode"]) if c in names]
    if not where:
        raise input_error(path, f"missing column {cols['commune']} (or {cols['postcode']})")
    truth = set(mapping()["establishments"]["head_office"])
    sirens, deps = [], []
    cache: dict = {}
    for raw in read(path, need + where, progress, share):
        flag = _text(raw.column(cols["head_office"]))
        keep = pc.is_in(pc.utf8_lower(flag), value_set=pa.array(sorted(truth)))
        raw = raw.filter(keep)
        if raw.num_rows == 0:
            continue
        siren = _sirens(raw.column(cols["siren"]))
        commune = _text(raw.column(cols["commune"])) if cols["commune"] in where else None
        post = _text(raw.column(cols["postcode"])) if cols["postcode"] in where else None
        pair = pc.binary_join_element_wise(
            commune if commune is not None else pc.cast(pa.nulls(raw.num_rows), pa.string()),
            post if post is not None else pc.cast(pa.nulls(raw.num_rows), pa.string()),
            "|",
            null_handling="replace",
        )
        values, idx = _distinct(pair)
        codes = np.empty(len(values), dtype=np.int16)
        for j, v in enumerate(values):
            got = cache.get(v)
            if got is None:
                c, _, p = v.partition("|")
                d = department_of(c, p)
                got = cache[v] = DEPARTMENTS.index(d) if d else -1
            codes[j] = got
        ok = siren >= 0
        sirens.append(siren[ok])
        deps.append(codes[idx][ok])
    if not sirens:
        return np.zeros(0, np.int64), np.zeros(0, np.int16)
    s, d = np.concatenate(sirens), np.concatenate(deps)
    order = np.argsort(s, kind="stable")
    return s[order], d[order]


def _sirens(col) -> np.ndarray:
    text = _text(col)
    ok = pc.match_substring_regex(text, r"^\d{1,9}$")
    num = pc.if_else(ok, text, "-1")
    return pc.cast(num, pa.int64()).to_numpy(zero_copy_only=False)


# --------------------------------------------------------------------------- units


def sirene_batches(files, *, naf, region, on: date, warnings: list, progress):
    """(batch, shown columns, True) for INSEE's files: the contradicting size classes of
    INSEE's category (older than the headcount band, or the other way) are left out."""
    from .run import input_error

    roles: dict = {}
    for path in files:
        if not Path(path).exists():
            raise UsageError(f"file not found: {path}")
        role, names = _role(Path(path))
        if role in roles:
            raise UsageError(f"two {role} files: {roles[role][0]} and {path}")
        roles[role] = (Path(path), names)
    if "units" not in roles:
        raise UsageError("--sirene needs INSEE's StockUniteLegale file (the legal units)")
    if region and "establishments" not in roles:
        raise UsageError(
            "--region needs INSEE's StockEtablissement file too: the département comes from "
            "the head office"
        )
    unit_path, names = roles["units"]
    both = "establishments" in roles
    offices = None
    if both:
        offices = head_offices(*roles["establishments"], progress, share=0.5)
    else:
        warnings.append("no StockEtablissement file: the département of each unit is unknown")
    cols = mapping()["units"]["columns"]
    if cols["siren"] not in names:
        raise input_error(unit_path, f"missing column {cols['siren']}")
    present = [c for c in cols.values() if c in names]
    absent = [
        c for k, c in cols.items() if c not in names and k not in ("name", "naf_nomenclature")
    ]
    if absent:
        warnings.append(f"{unit_path.name}: no column {', '.join(absent)}: left unknown")
    keep_naf = naf_filter(naf)
    if keep_naf and cols["naf"] not in names:
        raise input_error(unit_path, f"--naf needs the column {cols['naf']}")
    dropped = [0]
    row = 2
    for raw in read(
        unit_path, present, progress, share=0.5 if both else 1.0, start=0.5 if both else 0.0
    ):
        n = raw.num_rows
        rows = np.arange(row, row + n, dtype=np.int64)
        row += n
        mask = np.ones(n, dtype=bool)
        if cols["state"] in names:
            mask &= (
                _text(raw.column(cols["state"])).to_numpy(zero_copy_only=False)
                == (mapping()["units"]["active"])
            )
        if keep_naf:
            mask &= _map(raw.column(cols["naf"]), keep_naf, bool)
        dep = np.full(n, -1, dtype=np.int16)
        if offices is not None and len(offices[0]):
            s = _sirens(raw.column(cols["siren"]))
            pos = np.searchsorted(offices[0], s)
            pos = np.minimum(pos, len(offices[0]) - 1)
            hit = offices[0][pos] == s
            dep[hit] = offices[1][pos[hit]]
        if region:
            regions = np.array(
                [geo.region_of(d) == region for d in DEPARTMENTS] + [False], dtype=bool
            )
            mask &= regions[dep]  # -1: the last entry, False
        if not mask.all():
            keep = np.nonzero(mask)[0]
            raw = raw.take(pa.array(keep))
            rows, dep = rows[keep], dep[keep]
        if raw.num_rows == 0:
            continue
        b, shown = _units_batch(raw, rows, dep, names, on)
        yield b, shown, True
    del dropped


def _map(col, fn, dtype, default=None):
    values, idx = _distinct(_text(col))
    mapped = np.array([fn(v) if v else default for v in values] or [default], dtype=dtype)
    return mapped[idx] if len(values) else np.full(len(idx), default, dtype=dtype)


def _units_batch(raw, rows, dep, names, on: date):
    cols = mapping()["units"]["columns"]
    m = mapping()
    n = raw.num_rows
    b = Batch(n, rows)
    b.ids["siren"] = _text(raw.column(cols["siren"])).to_pylist()
    if cols["name"] in names:
        b.ids["name"] = [x or None for x in _text(raw.column(cols["name"])).to_pylist()]
    b.cat["department"] = np.where(dep >= 0, dep + EXACT, ABSENT).astype(np.int16)
    shown: dict = {"department": [DEPARTMENTS[d] if d >= 0 else None for d in dep]}
    if cols["band"] in names:
        bands = m["headcount_bands"]

        def band(code):
            r = bands.get(code)
            if r is None:
                return (ABSENT, math.nan, math.nan)
            lo, hi = r.get("min", 0), r.get("max", math.inf)
            return (EXACT if lo == hi else RANGE, lo, hi)

        st, lo, hi = _triples(raw.column(cols["band"]), band)
        b.num["headcount"] = (st, lo, hi)
        shown[cols["band"]] = _text(raw.column(cols["band"])).to_pylist()
    if cols["naf"] in names:
        naf = raw.column(cols["naf"])
        ok = None
        if cols["naf_nomenclature"] in names:
            ok = (
                _text(raw.column(cols["naf_nomenclature"])).to_numpy(zero_copy_only=False)
                == (m["naf_nomenclature"])
            )
        acts = CAT_VALUES["activity"]
        codes = _map(naf, lambda v: _code(acts, activity_of(v)), np.int16, ABSENT)
        if ok is not None:
            codes = np.where(ok, codes, ABSENT).astype(np.int16)
        b.cat["activity"] = codes
        shown[cols["naf"]] = _text(naf).to_pylist()
    if cols["legal_category"] in names:
        forms = CAT_VALUES["legal_form"]
        col = raw.column(cols["legal_category"])
        b.cat["legal_form"] = _map(col, lambda v: _code(forms, legal_form_of(v)), np.int16, ABSENT)
        shown[cols["legal_category"]] = _text(col).to_pylist()
    if cols["created"] in names:
        col = raw.column(cols["created"])

        def months(v):
            x = months_between(v, on)
            return (ABSENT, math.nan, math.nan) if x is None else (EXACT, x, x)

        b.num["months_of_activity"] = _triples(col, months)
        shown[cols["created"]] = _text(col).to_pylist()
    if cols["category"] in names:
        col = raw.column(cols["category"])
        sizes = m["size_classes"]

        def size(v):
            r = sizes.get(v)
            if r is None:
                return (ABSENT, math.nan, math.nan)
            lo, hi = (r["min"], r["max"]) if isinstance(r, dict) else (r, r)
            i, j = SIZE_CLASSES.index(lo), SIZE_CLASSES.index(hi)
            return (EXACT if i == j else RANGE, i, j)

        b.num["size_class"] = _triples(col, size)
        shown[cols["category"]] = _text(col).to_pylist()
    return b, shown


def answers_columns(b: Batch) -> dict:
    """What the units say, as a portfolio's columns (department, headcount_min…): an
    adviser can add what the register lacks and screen the file again."""
    out: dict = {}
    for key in ("headcount", "months_of_activity", "size_class"):
        if key not in b.num:
            continue
        st, lo, hi = b.num[key]
        given = st >= EXACT
        if key == "size_class":
            names = np.array([*SIZE_CLASSES, ""], dtype=object)
            a = names[np.where(given, lo, len(SIZE_CLASSES)).astype(int)]
            z = names[np.where(given, hi, len(SIZE_CLASSES)).astype(int)]
        else:
            a = np.where(given, lo, np.nan)
            z = np.where(given & (hi != math.inf), hi, np.nan)
        if key == "months_of_activity":
            out[key] = [None if math.isnan(x) else int(x) for x in a]
            continue
        out[f"{key}_min"] = [_cell(x) for x in a]
        out[f"{key}_max"] = [_cell(x) for x in z]
    for key in ("activity", "legal_form"):
        if key in b.cat:
            values = np.array([None, None, *CAT_VALUES[key]], dtype=object)
            out[key] = list(values[b.cat[key]])
    return out


def _cell(x):
    if isinstance(x, str):
        return x or None
    return None if math.isnan(x) else int(x)


def _code(values: tuple, v) -> int:
    return EXACT + values.index(v) if v is not None else ABSENT


def _triples(col, fn):
    values, idx = _distinct(_text(col))
    st = np.zeros(len(values) or 1, dtype=np.int8)
    lo = np.full(len(values) or 1, np.nan)
    hi = np.full(len(values) or 1, np.nan)
    for j, v in enumerate(values):
        st[j], lo[j], hi[j] = fn(v) if v else (ABSENT, math.nan, math.nan)
    return st[idx], lo[idx], hi[idx]
