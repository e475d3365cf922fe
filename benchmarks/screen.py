"""Screening speed and memory on synthetic SIRENE-shaped files.

    python benchmarks/screen.py [--sizes 100000,1000000,register] [--parquet] [--keep DIR]

Writes INSEE-shaped StockUniteLegale and StockEtablissement CSV files (the real column
names and code lists; synthetic sirens and names, no personal data) and a portfolio CSV
(the answers keys, with ranges and budgets), then times ``intertex screen`` on each in a
fresh process: seconds, companies per second, peak memory (max RSS), and the cost per
company against ``check`` on one company (the engine's ``evaluate``, in process).
The SIRENE files are screened whole and, as an adviser would, for textiles in Occitanie
(``--naf 13,14,15 --region occitanie``); ``--parquet`` screens Parquet copies too (the
creation date typed as a date, as in INSEE's Parquet files; the other columns text).

Not a test: numbers vary by machine.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

UNIT_COLUMNS = (
    "siren,statutDiffusionUniteLegale,unitePurgeeUniteLegale,dateCreationUniteLegale,"
    "sigleUniteLegale,sexeUniteLegale,prenom1UniteLegale,prenom2UniteLegale,prenom3UniteLegale,"
    "prenom4UniteLegale,prenomUsuelUniteLegale,pseudonymeUniteLegale,"
    "identifiantAssociationUniteLegale,trancheEffectifsUniteLegale,anneeEffectifsUniteLegale,"
    "dateDernierTraitementUniteLegale,nombrePeriodesUniteLegale,categorieEntreprise,"
    "anneeCategorieEntreprise,dateDebut,etatAdministratifUniteLegale,nomUniteLegale,"
    "nomUsageUniteLegale,denominationUniteLegale,denominationUsuelle1UniteLegale,"
    "denominationUsuelle2UniteLegale,denominationUsuelle3UniteLegale,"
    "categorieJuridiqueUniteLegale,activitePrincipaleUniteLegale,"
    "nomenclatureActivitePrincipaleUniteLegale,nicSiegeUniteLegale,"
    "economieSocialeSolidaireUniteLegale,societeMissionUniteLegale,caractereEmployeurUniteLegale,"
    "activitePrincipaleNAF25UniteLegale"
).split(",")
ESTAB_COLUMNS = (
    "siren,nic,siret,statutDiffusionEtablissement,dateCreationEtablissement,"
    "trancheEffectifsEtablissement,anneeEffectifsEtablissement,"
    "activitePrincipaleRegistreMetiersEtablissement,dateDernierTraitementEtablissement,"
    "etablissementSiege,nombrePeriodesEtablissement,complementAdresseEtablissement,"
    "numeroVoieEtablissement,indiceRepetitionEtablissement,dernierNumeroVoieEtablissement,"
    "indiceRepetitionDernierNumeroVoieEtablissement,typeVoieEtablissement,"
    "libelleVoieEtablissement,codePostalEtablissement,libelleCommuneEtablissement,"
    "libelleCommuneEtrangerEtablissement,distributionSpecialeEtablissement,"
    "codeCommuneEtablissement,codeCedexEtablissement,libelleCedexEtablissement,"
    "codePaysEtrangerEtablissement,libellePaysEtrangerEtablissement,"
    "identifiantAdresseEtablissement,coordonneeLambertAbscisseEtablissement,"
    "coordonneeLambertOrdonneeEtablissement,complementAdresse2Etablissement,"
    "numeroVoie2Etablissement,indiceRepetition2Etablissement,typeVoie2Etablissement,"
    "libelleVoie2Etablissement,codePostal2Etablissement,libelleCommune2Etablissement,"
    "libelleCommuneEtranger2Etablissement,distributionSpeciale2Etablissement,"
    "codeCommune2Etablissement,codeCedex2Etablissement,libelleCedex2Etablissement,"
    "codePaysEtranger2Etablissement,libellePaysEtranger2Etablissement,dateDebut,"
    "etatAdministratifEtablissement,enseigne1Etablissement,enseigne2Etablissement,"
    "enseigne3Etablissement,denominationUsuelleEtablissement,activitePrincipaleEtablissement,"
    "nomenclatureActivitePrincipaleEtablissement,caractereEmployeurEtablissement,"
    "activitePrincipaleNAF25Etablissement"
).split(",")  # both in INSEE's order (tests/data/sirene-insee has INSEE's own headers)
REGISTER = (30_000_000, 42_000_000)  # the register's size: legal units, establishments
CHUNK = 1_000_000  # rows generated at a time: the register's files never sit in memory
BANDS = [
    "NN",
    "00",
    "01",
    "02",
    "03",
    "11",
    "12",
    "21",
    "22",
    "31",
    "32",
    "41",
    "42",
    "51",
    "52",
    "53",
]
BAND_WEIGHTS = [30, 10, 15, 10, 8, 8, 7, 4, 3, 1, 1, 0.7, 0.5, 0.4, 0.2, 0.2]
NAF = ["13.10Z", "13.20Z", "13.30Z", "13.92Z", "13.99Z", "14.13Z", "14.14Z", "14.19Z",
       "14.39Z", "15.12Z", "15.20Z", "46.16Z", "46.41Z", "46.42Z", "47.71Z", "62.01Z",
       "70.22Z", "10.71C", "25.62B", "43.21A", "56.10A", "01.11Z"]  # fmt: skip
LEGAL = ["1000", "5499", "5710", "5720", "5599", "5202", "6540", "9220", "7112"]
CATEGORIES = ["PME", "PME", "PME", "ETI", "GE", ""]


def _codes(rng, values, n, weights=None):
    p = None if weights is None else np.array(weights) / sum(weights)
    return pa.array(np.array(values, dtype=object)[rng.choice(len(values), n, p=p)], pa.string())


def write_sirene(
    folder: Path,
    n: int,
    seed: int = 1,
    second_share: float = 1 / 3,
    name: str | None = None,
    parquet: bool = False,
) -> tuple[Path, Path]:
    """StockUniteLegale and StockEtablissement files of ``n`` units, each with its head
    office and, for ``second_share`` of them, a secondary establishment; written
    ``CHUNK`` units at a time (sirens in order, establishments sorted by siren); with
    ``parquet``, ``.parquet`` copies beside them (a row group per chunk)."""
    import pyarrow.parquet as pq

    units = folder / f"StockUniteLegale_{name or n}.csv"
    estabs = folder / f"StockEtablissement_{name or n}.csv"
    writers: list = []
    try:
        for k, start in enumerate(range(0, n, CHUNK)):
            rng = np.random.default_rng(seed if k == 0 else [seed, k])
            u, e = _sirene_chunk(rng, start, min(CHUNK, n - start), second_share)
            tables = [u, e]
            if parquet:
                tables += [_typed(u), e]
            if not writers:
                writers = [pcsv.CSVWriter(units, u.schema, write_options=_OPTIONS),
                           pcsv.CSVWriter(estabs, e.schema, write_options=_OPTIONS)]  # fmt: skip
                if parquet:
                    writers += [pq.ParquetWriter(units.with_suffix(".parquet"), tables[2].schema),
                                pq.ParquetWriter(estabs.with_suffix(".parquet"), e.schema)]  # fmt: skip
            for w, t in zip(writers, tables, strict=True):
                w.write_table(t)
    finally:
        for w in writers:
            w.close()
    return units, estabs


def _typed(units: pa.Table) -> pa.Table:
    """The units as INSEE's Parquet types its creation date: a date, not text."""
    i = units.column_names.index("dateCreationUniteLegale")
    dates = pc.cast(pc.strptime(units.column(i), "%Y-%m-%d", "s"), pa.date32())
    return units.set_column(i, "dateCreationUniteLegale", dates)


_OPTIONS = pcsv.WriteOptions(quoting_style="none")


def _sirene_chunk(rng, start: int, n: int, second_share: float):
    from intertex_cli.engine import geo

    first = 300_000_000 + start
    sirens = np.arange(first, first + n, dtype=np.int64).astype(str)
    days = rng.integers(0, 75 * 365, n)
    created = (np.datetime64("1950-01-01") + days.astype("timedelta64[D]")).astype(str)
    empty = pa.array([""] * n, pa.string())
    legal = _codes(rng, LEGAL, n)
    cols = {c: empty for c in UNIT_COLUMNS}
    cols.update(
        siren=pa.array(sirens),
        statutDiffusionUniteLegale=pa.array(["O"] * n),
        dateCreationUniteLegale=pa.array(created),
        trancheEffectifsUniteLegale=_codes(rng, BANDS, n, BAND_WEIGHTS),
        anneeEffectifsUniteLegale=pa.array(["2022"] * n),
        categorieEntreprise=_codes(rng, CATEGORIES, n),
        etatAdministratifUniteLegale=_codes(rng, ["A", "A", "A", "C"], n),
        denominationUniteLegale=pa.array(np.char.add("UNITE SYNTHETIQUE ", sirens)),
        categorieJuridiqueUniteLegale=legal,
        activitePrincipaleUniteLegale=_codes(rng, NAF, n),
        nomenclatureActivitePrincipaleUniteLegale=pa.array(["NAFRev2"] * n),
        nicSiegeUniteLegale=pa.array(["00011"] * n),
    )
    units = pa.table(cols)
    # one head office per unit, and a secondary establishment for one unit in three
    deps = np.array(sorted(geo.DEPARTMENTS), dtype=object)
    dep = deps[rng.integers(0, len(deps), n)]
    second = rng.random(n) < second_share
    m = n + int(second.sum())
    all_sirens = np.concatenate([sirens, sirens[second]])
    all_deps = np.concatenate([dep, deps[rng.integers(0, len(deps), int(second.sum()))]])
    siege = np.array(["true"] * n + ["false"] * (m - n), dtype=object)
    nic = np.array(["00011"] * n + ["00029"] * (m - n), dtype=object)
    order = np.argsort(all_sirens, kind="stable")
    commune = np.char.add(all_deps.astype(str), "001")
    postcode = np.char.add(all_deps.astype(str), "000")
    empty = pa.array([""] * m, pa.string())
    cols = {c: empty for c in ESTAB_COLUMNS}
    cols.update(
        siren=pa.array(all_sirens[order]),
        nic=pa.array(nic[order], pa.string()),
        siret=pa.array(np.char.add(all_sirens.astype(str), nic.astype(str))[order]),
        statutDiffusionEtablissement=pa.array(["O"] * m),
        etablissementSiege=pa.array(siege[order], pa.string()),
        codePostalEtablissement=pa.array(postcode[order]),
        codeCommuneEtablissement=pa.array(commune[order]),
        etatAdministratifEtablissement=pa.array(["A"] * m),
    )
    return units, pa.table(cols)


def write_portfolio(folder: Path, n: int, seed: int = 2) -> Path:
    """A CRM export: exact figures, ranges, unknowns and budgets."""
    from intertex_cli.engine import geo

    rng = np.random.default_rng(seed)
    deps = np.array(sorted(geo.DEPARTMENTS), dtype=object)
    turnover = rng.integers(0, 80_000_000, n)
    export = (turnover * rng.random(n) * 0.4).astype(np.int64)
    head_lo = rng.integers(0, 300, n)
    cols = {
        "siren": pa.array(np.arange(400_000_000, 400_000_000 + n).astype(str)),
        "department": pa.array(deps[rng.integers(0, len(deps), n)], pa.string()),
        "headcount_min": pa.array(head_lo.astype(str)),
        "headcount_max": pa.array((head_lo + rng.integers(0, 40, n)).astype(str)),
        "turnover_eur": pa.array(turnover.astype(str)),
        "export_turnover_eur": pa.array(export.astype(str)),
        "independent": _codes(rng, ["oui", "non", "", "oui"], n),
        "activity": _codes(rng, ["manufacturing", "trading", "industrial-services", ""], n),
        "legal_form": _codes(rng, ["company", "company", "sole-proprietorship", ""], n),
        "months_of_activity": pa.array(rng.integers(0, 400, n).astype(str)),
        "financially_sound": _codes(rng, ["true", "", "false"], n),
        "has_export_strategy": _codes(rng, ["true", "false", ""], n),
        "project_budget_eur": pa.array(rng.integers(5_000, 300_000, n).astype(str)),
    }
    path = folder / f"portfolio_{n}.csv"
    pcsv.write_csv(pa.table(cols), path)
    return path


RUNNER = (
    "import resource, sys, time\n"
    "from intertex_cli.__main__ import main\n"
    "t = time.perf_counter()\n"
    "code = main(sys.argv[1:])\n"
    "took = time.perf_counter() - t\n"
    "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')]\n"
    "peak = int(hwm[0].split()[1]) if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "print('BENCH', code, took, peak, file=sys.stderr)\n"
)


def timed(args: list[str]) -> tuple[float, float, float]:
    """(seconds in the command, seconds of the whole process, peak RSS in MB: the process's
    own high-water mark, VmHWM; ru_maxrss would count the parent's memory at the fork)."""
    t = time.perf_counter()
    r = subprocess.run(
        [sys.executable, "-c", RUNNER, *args],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "INTERTEX_NO_PROGRESS": "1"},
    )
    wall = time.perf_counter() - t
    line = [x for x in r.stderr.splitlines() if x.startswith("BENCH")]
    if r.returncode or not line:
        raise SystemExit(f"failed: {' '.join(args)}\n{r.stderr[-2000:]}")
    _, code, took, rss = line[0].split()
    return float(took), wall, int(rss) / 1024


def check_cost(runs: int = 300) -> float:
    """Seconds per company for the engine as ``check`` runs it (evaluate on one profile)."""
    from intertex_cli.answers import parse
    from intertex_cli.catalog import loader
    from intertex_cli.engine.rules import evaluate

    schemes = tuple(loader.load(None).schemes.values())
    p = parse({"department": "81", "headcount": {"min": 20, "max": 49}, "activity": "manufacturing",
               "legal_form": "company", "months_of_activity": 120,
               "size_class": {"min": "micro", "max": "medium"}})[0]  # fmt: skip
    evaluate(schemes, p)
    t = time.perf_counter()
    for _ in range(runs):
        evaluate(schemes, p)
    return (time.perf_counter() - t) / runs


def _count_active(units: Path, naf: tuple[str, ...] = ()) -> int:
    """The active units of a StockUniteLegale file (of NAF divisions ``naf`` if given),
    read in batches."""
    state, activity = "etatAdministratifUniteLegale", "activitePrincipaleUniteLegale"
    reader = pcsv.open_csv(
        units,
        convert_options=pcsv.ConvertOptions(
            include_columns=[state, activity],
            column_types={state: pa.string(), activity: pa.string()},
        ),
    )
    count = 0
    for b in reader:
        keep = pc.equal(b.column(state), "A")
        if naf:
            division = pc.utf8_slice_codeunits(b.column(activity), 0, 2)
            keep = pc.and_(keep, pc.is_in(division, value_set=pa.array(naf)))
        count += pc.sum(keep).as_py() or 0
    return count


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--sizes",
        default="100000,1000000",
        help="numbers of units; 'register': INSEE's full size, 30 M units and 42 M "
        "establishments (about 7 GB of CSV; SIRENE only, no portfolio)",
    )
    ap.add_argument(
        "--parquet", action="store_true", help="screen Parquet copies of the SIRENE files too"
    )
    ap.add_argument("--keep", type=Path, default=None, help="write the files here and keep them")
    a = ap.parse_args()
    sizes = [x.strip() for x in a.sizes.split(",")]
    folder = a.keep or Path(tempfile.mkdtemp(prefix="intertex-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    per_check = check_cost()
    rows = []
    for size in sizes:
        register = size == "register"
        if register:
            n, m = REGISTER
            units, estabs = write_sirene(
                folder, n, second_share=(m - n) / n, name="register", parquet=a.parquet
            )
        else:
            n = int(size)
            units, estabs = write_sirene(folder, n, parquet=a.parquet)
        active = _count_active(units)
        forms = [("csv", units, estabs)]
        if a.parquet:
            forms.append(("parquet", units.with_suffix(".parquet"), estabs.with_suffix(".parquet")))
        cases = []
        for form, u, e in forms:
            files = ["screen", "--sirene", str(u), str(e), "--date", "2025-01-01"]
            cases += [
                (f"SIRENE {form}, all units → csv", active,
                 [*files, "-o", str(folder / f"out_sirene_{form}_{size}.csv")]),
                (f"SIRENE {form}, textiles in Occitanie → csv", None,
                 [*files, "--naf", "13,14,15", "--region", "occitanie",
                  "-o", str(folder / f"out_sirene_{form}_textiles_{size}.csv")]),
            ]  # fmt: skip
        if not register:
            portfolio = write_portfolio(folder, n)
            cases += [
                ("portfolio csv (ranges, budgets) → csv", n,
                 ["screen", str(portfolio), "-o", str(folder / f"out_portfolio_{n}.csv")]),
                ("portfolio csv → json", n,
                 ["screen", str(portfolio), "-o", str(folder / f"out_portfolio_{n}.json")]),
            ]  # fmt: skip
        for name, companies, args in cases:
            took, wall, rss = timed(args)
            if companies is None:  # the rows of the output: the companies kept by the filters
                with open(args[-1], "rb") as f:
                    companies = max(sum(1 for _ in f) - 1, 1)
            if not a.keep:  # a plan per company: 20 GB for the whole register
                Path(args[-1]).unlink()
            rows.append(
                {
                    "input rows": n,
                    "case": name,
                    "companies": companies,
                    "seconds": round(took, 2),
                    "process seconds": round(wall, 2),
                    "companies/s": int(companies / took),
                    "peak MB": round(rss),
                    "µs per company": round(took / companies * 1e6, 1),
                    "check on one company (µs)": round(per_check * 1e6),
                    "check / screen per company": round(per_check / (took / companies)),
                }
            )
            print(json.dumps(rows[-1], ensure_ascii=False))
        if not a.keep:  # the register's files take gigabytes: gone before the next size
            for f in folder.iterdir():
                f.unlink()
    if not a.keep:
        folder.rmdir()
    print()
    print(f"{'case':42} {'companies':>10} {'s':>7} {'/s':>9} {'MB':>6} {'µs':>6} {'x check':>8}")
    for r in rows:
        print(
            f"{r['case']:42} {r['companies']:>10} {r['seconds']:>7} {r['companies/s']:>9} "
            f"{r['peak MB']:>6} {r['µs per company']:>6} {r['check / screen per company']:>8}"
        )
    print(f"\nfiles in {folder}" if a.keep else "")


if __name__ == "__main__":
    main()
