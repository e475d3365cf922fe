"""INSEE's SIRENE stock files as companies to screen, through ``sirene.yaml``.

The legal units (StockUniteLegale) are read in batches. With the establishments file
(StockEtablissement), the units are read twice: first the sirens of the units that pass
the filters (active, --naf), then, once the head offices of those units only are kept
from the establishments file as two sorted compact arrays (siren, département), the
units themselves, each with its département. Nothing holds a whole file. Every code is
mapped once per distinct value, by the data of ``sirene.yaml``: a head office abroad
has no département, a creation date INSEE writes 1900-01-01 is unknown, ``[ND]`` (not
diffused) is an empty cell, the activity comes from NAF rév. 2 or NAF 2025.
"""

from __future__ import annotations

import math
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
from .portfolio import _distinct, _text, clean_text
from .readers import ParquetInput, input_error, read_csv, regroup, sniff_csv

DEPARTMENTS = CAT_VALUES["department"]


@lru_cache(maxsize=1)
def mapping() -> dict:
    import yaml

    text = (Path(__file__).parent / "sirene.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


# --------------------------------------------------------------------------- codes


def department_of(commune: str, postcode: str = "", abroad: str = "") -> str | None:
    """The département of a COG commune code, else of a French postcode; None abroad
    (``abroad``: the foreign country's code or city, if any) and outside départements."""
    m = mapping()["department"]
    commune, postcode = commune.strip(), postcode.strip()
    if not commune and abroad.strip():
        return None  # abroad: its postcode is the foreign country's
    if not commune and postcode in m["postcodes_outside"]:
        return None
    for code, is_postcode in ((commune, False), (postcode, True)):
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


def activity_of(naf: str, table: str = "activity") -> str | None:
    """The activity of a NAF code: ``table`` "activity" (NAF rév. 2) or "activity_naf2025"."""
    return _longest_prefix(mapping()[table], naf.strip())


def legal_form_of(category: str) -> str | None:
    return _longest_prefix(mapping()["legal_form"], category.strip())


def months_between(created: str, on: date) -> int | None:
    """Whole months from a creation date (YYYY-MM-DD) to ``on``; None if unknown or later."""
    if created.strip()[:10] in mapping()["units"]["unknown_dates"]:
        return None  # INSEE's "not known"
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


def header_of(path: Path) -> list[str]:
    if path.suffix.lower() == ".parquet":
        return ParquetInput(path).clean
    return sniff_csv(path, whole=False)[0]


def read(path: Path, columns: list[str], progress, share: float = 1.0, start: float = 0.0):
    """Batches of ``columns`` (as text, "[ND]" as empty) of an INSEE file, CSV (plain or
    zipped) or Parquet; ``progress`` follows the bytes read on disk."""
    if path.suffix.lower() == ".parquet":
        source = ParquetInput(path).batches(columns, lambda f: progress(start + share * f))
    else:
        names = header_of(path)
        size = max(path.stat().st_size, 1)
        source = regroup(
            read_csv(
                path,
                names,
                columns,
                ",",
                "utf-8",
                lambda done: progress(start + share * min(done / size, 1.0)),
            )
        )
    nd = mapping()["not_diffused"]
    for batch in source:
        yield _without(batch, nd)


def _without(batch, nd: str):
    """``[ND]`` cells (not diffused) as empty cells."""
    cols = []
    for col in batch.columns:
        text = _text(col)
        cols.append(pc.if_else(pc.equal(text, nd), "", text))
    return pa.table(cols, names=batch.column_names) if cols else batch


def _role(path: Path) -> tuple[str, list[str]]:
    names = header_of(path)
    units, estabs = mapping()["units"]["columns"], mapping()["establishments"]["columns"]
    history = mapping()["history"]
    if any(c in names for c in history["markers"]):
        estab = any(c.endswith("Etablissement") for c in names)
        given, want = (
            (history["establishments"], "StockEtablissement")
            if estab
            else (history["units"], "StockUniteLegale")
        )
        raise input_error(
            path,
            f"this is INSEE's {given} (one row per period of each "
            f"{'establishment' if estab else 'unit'}): give {want}, the stock of today",
        )
    if estabs["head_office"] in names:
        return "establishments", names
    if any(c in names for c in units.values() if c != "siren"):
        return "units", names
    raise UsageError(
        f"{path}: neither INSEE's StockUniteLegale nor StockEtablissement "
        f"(no column {units['state']} or {estabs['head_office']})"
    )


# --------------------------------------------------------------------------- head offices


def office_columns(path: Path, names: list[str]) -> tuple[list, list, list]:
    """The establishments file's columns read: (siren and head office flag, where, abroad)."""
    cols = mapping()["establishments"]["columns"]
    need = [cols["siren"], cols["head_office"]]
    missing = [c for c in need if c not in names]
    if missing:
        raise input_error(path, f"missing column {', '.join(missing)}")
    where = [c for c in (cols["commune"], cols["postcode"]) if c in names]
    if not where:
        raise input_error(path, f"missing column {cols['commune']} (or {cols['postcode']})")
    abroad = [c for c in (cols["country"], cols["foreign_city"]) if c in names]
    return need, where, abroad


def head_offices(path: Path, names: list[str], progress, share: float, start: float, wanted):
    """(sorted sirens, département codes) of the head offices in an establishments file,
    of the units in ``wanted`` (sorted sirens) only."""
    cols = mapping()["establishments"]["columns"]
    need, where, abroad = office_columns(path, names)
    truth = set(mapping()["establishments"]["head_office"])
    sirens, deps = [], []
    cache: dict = {}
    for raw in read(path, need + where + abroad, progress, share, start):
        flag = _text(raw.column(cols["head_office"]))
        keep = pc.is_in(pc.utf8_lower(flag), value_set=pa.array(sorted(truth)))
        raw = raw.filter(keep)
        if raw.num_rows == 0:
            continue
        siren = _sirens(raw.column(cols["siren"]))
        wanted_here = _among(siren, wanted)
        if not wanted_here.all():
            raw = raw.filter(pa.array(wanted_here))
            siren = siren[wanted_here]
        if raw.num_rows == 0:
            continue
        commune = _text(raw.column(cols["commune"])) if cols["commune"] in where else None
        post = _text(raw.column(cols["postcode"])) if cols["postcode"] in where else None
        empty = pc.cast(pa.nulls(raw.num_rows), pa.string())
        parts = [
            commune if commune is not None else empty,
            post if post is not None else empty,
            *(_text(raw.column(c)) for c in abroad),
        ]
        pair = pc.binary_join_element_wise(*parts, "|", null_handling="replace")
        values, idx = _distinct(pair)
        codes = np.empty(len(values), dtype=DEP_TYPE)
        for j, v in enumerate(values):
            got = cache.get(v)
            if got is None:
                c, p, *foreign = v.split("|")
                d = department_of(c, p, "".join(foreign))
                got = cache[v] = DEPARTMENTS.index(d) if d else -1
            codes[j] = got
        ok = siren >= 0
        sirens.append(siren[ok])
        deps.append(codes[idx][ok])
    if not sirens:
        return np.zeros(0, np.int32), np.zeros(0, DEP_TYPE)
    s = np.concatenate(sirens)
    del sirens
    d = np.concatenate(deps)
    del deps
    order = np.argsort(s, kind="stable")
    return s[order], d[order]


DEP_TYPE = np.int8 if len(DEPARTMENTS) < 127 else np.int16  # -1: none


def _sirens(col) -> np.ndarray:
    """The sirens as numbers (nine digits fit in 32 bits); -1 for a malformed one."""
    text = _text(col)
    ok = pc.match_substring_regex(text, r"^\d{1,9}$")
    num = pc.if_else(ok, text, "-1")
    return pc.cast(num, pa.int32()).to_numpy(zero_copy_only=False)


def _among(siren: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Which of ``siren`` are in the sorted array ``wanted`` (never -1, a malformed one)."""
    if not len(wanted):
        return np.zeros(len(siren), dtype=bool)
    pos = np.minimum(np.searchsorted(wanted, siren), len(wanted) - 1)
    return (wanted[pos] == siren) & (siren >= 0)


def _kept(raw, names: list[str], keep_naf, naf_cols: list[str]) -> np.ndarray:
    """Which units of a batch pass the filters that need no head office: active, --naf."""
    cols = mapping()["units"]["columns"]
    n = raw.num_rows
    mask = np.ones(n, dtype=bool)
    if cols["state"] in names:
        mask &= (
            _text(raw.column(cols["state"])).to_numpy(zero_copy_only=False)
            == (mapping()["units"]["active"])
        )
    if keep_naf:  # either nomenclature's code (textiles keep 13-15 in both)
        hit = np.zeros(n, dtype=bool)
        for c in naf_cols:
            hit |= _map(raw.column(c), keep_naf, bool, False)
        mask &= hit
    return mask


def _wanted(path: Path, names: list[str], keep_naf, naf_cols, progress, share: float):
    """The sorted sirens of the units that pass the filters (a first reading of the units,
    of the columns the filters need only): the head offices to keep."""
    cols = mapping()["units"]["columns"]
    need = [c for c in (cols["siren"], cols["state"], *naf_cols) if c in names]
    need = list(dict.fromkeys(need))
    parts = []
    for raw in read(path, need, progress, share):
        s = _sirens(raw.column(cols["siren"]))
        parts.append(s[_kept(raw, names, keep_naf, naf_cols) & (s >= 0)])
    if not parts:
        return np.zeros(0, np.int32)
    s = np.concatenate(parts)
    del parts
    s.sort()
    return s


# --------------------------------------------------------------------------- units


def sirene_batches(files, *, naf, region, on: date, warnings: list, progress):
    """(batch, shown columns, True) for INSEE's files: the contradicting size classes of
    INSEE's category (older than the headcount band, or the other way) are left out."""
    roles: dict = {}
    for path in files:
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
        office_columns(*roles["establishments"])
    else:
        warnings.append("no StockEtablissement file: the département of each unit is unknown")
    cols = mapping()["units"]["columns"]
    if cols["siren"] not in names:
        raise input_error(unit_path, f"missing column {cols['siren']}")
    present = [c for c in cols.values() if c in names]
    optional = ("name", "naf_nomenclature", "naf", "naf25")
    absent = [c for k, c in cols.items() if c not in names and k not in optional]
    if cols["naf"] not in names and cols["naf25"] not in names:
        absent.append(f"{cols['naf']} (or {cols['naf25']})")
    if absent:
        warnings.append(f"{unit_path.name}: no column {', '.join(absent)}: left unknown")
    keep_naf = naf_filter(naf)
    naf_cols = [c for c in (cols["naf"], cols["naf25"]) if c in names]
    if keep_naf and not naf_cols:
        raise input_error(unit_path, f"--naf needs the column {cols['naf']}")
    # the progress bar: each reading's share of the bytes to read (the units twice)
    unit_size = max(unit_path.stat().st_size, 1)
    estab_size = max(roles["establishments"][0].stat().st_size, 1) if both else 0
    total = unit_size * (2 if both else 1) + estab_size
    first = 1.0 - unit_size / total  # the units' first reading and the establishments
    if both:
        wanted = _wanted(unit_path, names, keep_naf, naf_cols, progress, unit_size / total)
        offices = head_offices(
            *roles["establishments"],
            progress,
            share=estab_size / total,
            start=unit_size / total,
            wanted=wanted,
        )
        del wanted
    no_activity = [0, 0]  # units without an activity: no code; a code that gives none
    row = 2
    for raw in read(unit_path, present, progress, share=1.0 - first, start=first):
        n = raw.num_rows
        rows = np.arange(row, row + n, dtype=np.int64)
        row += n
        mask = _kept(raw, names, keep_naf, naf_cols)
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
        b, shown = _units_batch(raw, rows, dep, names, on, no_activity)
        yield b, shown, True
    none, unmapped = no_activity
    if none or unmapped:
        warnings.append(
            f"{none + unmapped} unit(s) without an activity from NAF rév. 2 or NAF 2025 "
            f"({none} without a code, {unmapped} whose code the mapping leaves unknown, "
            "sirene.yaml): left unknown"
        )


def _map(col, fn, dtype, default=None):
    values, idx = _distinct(_text(col))
    mapped = np.array([fn(v) if v else default for v in values] or [default], dtype=dtype)
    return mapped[idx] if len(values) else np.full(len(idx), default, dtype=dtype)


def _units_batch(raw, rows, dep, names, on: date, no_activity: list):
    cols = mapping()["units"]["columns"]
    m = mapping()
    n = raw.num_rows
    b = Batch(n, rows)
    b.ids["siren"] = clean_text(raw.column(cols["siren"]))
    if cols["name"] in names:
        b.ids["name"] = clean_text(raw.column(cols["name"]))
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
        shown[cols["band"]] = _shown(raw.column(cols["band"]))
    acts = CAT_VALUES["activity"]
    sources = []  # (codes, has a code), in the order they are read
    if cols["naf"] in names:
        naf = raw.column(cols["naf"])
        codes = _map(naf, lambda v: _code(acts, activity_of(v)), np.int16, ABSENT)
        if cols["naf_nomenclature"] in names:
            ok = (
                _text(raw.column(cols["naf_nomenclature"])).to_numpy(zero_copy_only=False)
                == (m["naf_nomenclature"])
            )
            codes = np.where(ok, codes, ABSENT).astype(np.int16)
        sources.append((codes, _text(naf).to_numpy(zero_copy_only=False) != ""))
        shown[cols["naf"]] = _shown(naf)
    if cols["naf25"] in names:
        naf25 = raw.column(cols["naf25"])
        table = "activity_naf2025"
        codes = _map(naf25, lambda v: _code(acts, activity_of(v, table)), np.int16, ABSENT)
        given = _text(naf25).to_numpy(zero_copy_only=False) != ""
        if on >= m["naf2025_reference_from"]:
            sources.insert(0, (codes, given))
        else:
            sources.append((codes, given))
        shown[cols["naf25"]] = _shown(naf25)
    if sources:
        activity = np.full(n, ABSENT, dtype=np.int16)
        coded = np.zeros(n, dtype=bool)
        for codes, given in sources:
            activity = np.where(activity == ABSENT, codes, activity).astype(np.int16)
            coded |= given
        b.cat["activity"] = activity
        no_activity[0] += int((~coded).sum())
        no_activity[1] += int(((activity == ABSENT) & coded).sum())
    if cols["legal_category"] in names:
        forms = CAT_VALUES["legal_form"]
        col = raw.column(cols["legal_category"])
        b.cat["legal_form"] = _map(col, lambda v: _code(forms, legal_form_of(v)), np.int16, ABSENT)
        shown[cols["legal_category"]] = _shown(col)
    if cols["created"] in names:
        from intertex_cli.answers import check_value

        col = raw.column(cols["created"])
        refused: dict[str, str] = {}  # creation date -> why its months are no answer

        def months(v):
            x = months_between(v, on)
            why = None if x is None else check_value("months_of_activity", x)[1]
            if why:  # a date of the year 999, or --date 9999-12-31: that row's error
                refused[v] = why
            return (ABSENT, math.nan, math.nan) if x is None or why else (EXACT, x, x)

        b.num["months_of_activity"] = _triples(col, months)
        if refused:
            text = _text(col).to_numpy(zero_copy_only=False)
            for v, why in refused.items():
                b.fail(np.nonzero(text == v)[0], "months_of_activity", v, why)
        shown[cols["created"]] = _shown(col)
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
        shown[cols["category"]] = _shown(col)
    return b, shown


def _shown(col) -> list:
    """A code carried to the output as INSEE wrote it (cleaned; empty as empty text)."""
    return [x or "" for x in clean_text(col)]


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
