"""Startup and engine speed, printed as ratios to a bare Python start.

    python benchmarks/startup.py [--runs N]

Not a test: numbers vary by machine; the ratios say where the time goes.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "tissage-tarn.yaml"

COMMANDS = {
    "python -c pass (baseline)": [sys.executable, "-c", "pass"],
    "intertex --version": [sys.executable, "-m", "intertex_cli", "--version"],
    "intertex --help": [sys.executable, "-m", "intertex_cli", "--help"],
    "intertex list": [sys.executable, "-m", "intertex_cli", "list", "--format", "json"],
    "intertex show pass-export-occ": [
        sys.executable,
        "-m",
        "intertex_cli",
        "show",
        "pass-export-occ",
    ],
    "intertex search salons": [sys.executable, "-m", "intertex_cli", "search", "salons"],
    "intertex check --answers (json)": [
        sys.executable,
        "-m",
        "intertex_cli",
        "check",
        "--answers",
        str(EXAMPLE),
        "--format",
        "json",
    ],
}


def wall(cmd, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def engine(runs: int) -> dict:
    from intertex_cli import answers as profile
    from intertex_cli.catalog import loader as catalog
    from intertex_cli.engine import planner, rules

    t = time.perf_counter()
    cat = catalog.load()
    load = time.perf_counter() - t
    schemes = tuple(cat.schemes.values())
    p, _ = profile.read_file(str(EXAMPLE))
    t = time.perf_counter()
    for _ in range(runs * 10):
        rules.evaluate(schemes, p)
    evaluate = (time.perf_counter() - t) / (runs * 10)
    t = time.perf_counter()
    for _ in range(runs):
        planner.plan(schemes, p)
    plan = (time.perf_counter() - t) / runs
    return {
        "load catalogue (28 files)": load,
        "evaluate 28 schemes": evaluate,
        "plan the questions": plan,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    base = None
    print(f"{'command':40} {'median':>9} {'× python':>9}")
    for name, cmd in COMMANDS.items():
        m = wall(cmd, args.runs)
        base = base or m
        print(f"{name:40} {m * 1000:7.0f}ms {m / base:8.1f}×")
    print()
    print(f"{'in-process':40} {'time':>9}")
    for name, v in engine(args.runs).items():
        print(f"{name:40} {v * 1000:7.1f}ms")


if __name__ == "__main__":
    main()
