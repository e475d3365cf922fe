"""A synthetic catalogue of N schemes made from the 28 real files, for the scale benchmark.

    python benchmarks/synthetic.py N OUT_DIR [--seed S]

Copy 0 of every scheme is the real file, unchanged; copies 1, 2, … get new ids
(``pass-export-occ-0001``), new thresholds (every number a criterion compares with,
scaled by a random factor per copy and per fact, so that the planner sees thousands of
distinct thresholds), new amounts (the funding's euros scaled with the budget bounds),
and a region drawn again for the regional schemes (with a former region inside it).
References between schemes (steps, cumulation, successors) point into the same copy
where it exists. The output validates like the real catalogue.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "schemes"

REGIONS = ("occitanie", "nouvelle-aquitaine")
FORMER = {
    "occitanie": ("midi-pyrenees", "languedoc-roussillon"),
    "nouvelle-aquitaine": ("aquitaine", "limousin", "poitou-charentes"),
}
INT_FACTS = ("headcount", "months_of_activity", "closed_fiscal_years")


def _read(path: Path) -> dict:
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _scale_rule(node, factors: dict, region: str | None, rng: random.Random):
    if not isinstance(node, dict):
        return node
    for k in ("all", "any"):
        if k in node:
            return {k: [_scale_rule(n, factors, region, rng) for n in node[k]]}
    if "not" in node:
        return {"not": _scale_rule(node["not"], factors, region, rng)}
    fact = node["fact"]
    out = dict(node)
    if fact == "region" and region is not None:
        for op in ("eq", "ne"):
            if op in out and out[op] in REGIONS:
                out[op] = region
    if fact == "former_region" and region is not None:
        for op in ("eq", "ne"):
            if op in out:
                out[op] = rng.choice(FORMER[region])
    f = factors.get(fact)
    if f is None:
        return out
    for op in ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in"):
        if op not in out:
            continue
        v = out[op]
        out[op] = [_num(fact, x, f) for x in v] if isinstance(v, list) else _num(fact, v, f)
    return out


def _num(fact: str, x, f: float):
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return x
    if fact == "export_share":
        return round(min(1.0, x * f), 4)
    y = x * f
    return int(round(y)) if isinstance(x, int) or fact in INT_FACTS else round(y, 2)


def _scale_money(obj, f: float):
    """Every ``*_eur`` amount of a funding block, scaled by one factor."""
    if isinstance(obj, dict):
        return {
            k: (
                _num("money", v, f)
                if k.endswith("_eur") and isinstance(v, (int, float)) and not isinstance(v, bool)
                else _scale_money(v, f)
            )
            for k, v in obj.items()
        }
    if isinstance(obj, list):
        return [_scale_money(x, f) for x in obj]
    return obj


def _copy(data: dict, i: int, n_ids: set, rng: random.Random) -> dict:
    d = dict(data)
    sid = data["id"]

    def ref(other: str) -> str:
        new = f"{other}-{i:04d}"
        return new if new in n_ids else other

    d["id"] = f"{sid}-{i:04d}"
    d["title"] = f"{data['title']} ({i})"
    money = rng.uniform(0.5, 2.0)
    factors = {fact: rng.uniform(0.5, 2.0) for fact in INT_FACTS}
    factors.update(
        {
            "turnover_eur": rng.uniform(0.5, 2.0),
            "export_turnover_eur": rng.uniform(0.5, 2.0),
            "balance_sheet_total_eur": rng.uniform(0.5, 2.0),
            "equity_eur": rng.uniform(0.5, 2.0),
            "export_share": rng.uniform(0.5, 2.0),
            "project_budget_eur": money,
        }
    )
    region = None
    if data["regions"] != ["national"]:
        region = rng.choice(REGIONS)
        d["regions"] = [region]
        d["contacts"] = [
            {**c, "region": region} if c.get("region") else c for c in data.get("contacts", [])
        ]
    d["criteria"] = [
        {**c, "rule": _scale_rule(c["rule"], factors, region, rng)}
        for c in data.get("criteria", [])
    ]
    d["conditions"] = [
        {**c, "applies_if": _scale_rule(c["applies_if"], factors, region, rng)}
        if c.get("applies_if")
        else c
        for c in data.get("conditions", [])
    ]
    if "funding" in data:
        d["funding"] = _scale_money(data["funding"], money)
    d["steps"] = [
        {**s, "scheme": ref(s["scheme"])} if s.get("scheme") else s for s in data.get("steps", [])
    ]
    d["cumulation"] = [
        {**c, "schemes": [ref(x) for x in c.get("schemes", [])]} if c.get("schemes") else c
        for c in data.get("cumulation", [])
    ]
    status = dict(data["status"])
    succ = status.get("successor")
    if succ and succ.get("id"):
        status["successor"] = {**succ, "id": ref(succ["id"])}
    d["status"] = status
    return d


def generate(n: int, out: Path, seed: int = 7) -> Path:
    """Write a catalogue of ``n`` schemes (n ≥ 28) to ``out``; return ``out``."""
    real = [_read(p) for p in sorted(DATA.glob("*.yaml"))]
    if n < len(real):
        raise ValueError(f"at least {len(real)} schemes (the real ones)")
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.yaml"):
        old.unlink()
    shutil.rmtree(out / "agencies", ignore_errors=True)
    shutil.copytree(DATA / "agencies", out / "agencies")
    for p in sorted(DATA.glob("*.yaml")):
        shutil.copy(p, out / p.name)
    copies = [(i, s) for i in range(1, n) for s in real][: n - len(real)]
    ids = {f"{s['id']}-{i:04d}" for i, s in copies}
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    for i, s in copies:
        d = _copy(s, i, ids, rng)
        with open(out / f"{d['id']}.yaml", "w", encoding="utf-8") as f:
            yaml.dump(d, f, Dumper=dumper, allow_unicode=True, sort_keys=False, width=100)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    generate(args.n, args.out, args.seed)
    print(f"{args.n} schemes in {args.out}")


if __name__ == "__main__":
    main()
