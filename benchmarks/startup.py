"""Startup and engine speed, printed as ratios to a bare Python start.

    python benchmarks/startup.py [--runs N]

Every command runs as a whole process, side by side in one run, after one run that
fills the catalogue cache; the median of N runs is printed with its ratio to
``python -c pass``. ``intertex`` is the installed command (what people type);
``python -m intertex_cli`` adds runpy (2-3 ms). Typer's floor: a one-command typer
app that prints its argument, with typer's own coercion (pydantic adapters) and
with intertex's (coercion.py). Goals: show, list and search at most 6×, check
--answers at most 8×.

Not a test: numbers vary by machine; the ratios say where the time goes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "tissage-tarn.yaml"
PY = sys.executable
SCRIPT = shutil.which("intertex", path=str(Path(PY).parent)) or ""

FLOOR = """
import sys
import typer
{hook}
app = typer.Typer(add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False{cls})
@app.callback()
def root(lang: str = typer.Option(None, "--lang")):
    pass
@app.command("show"{ccls})
def show(scheme_id: str, fmt: str = typer.Option("table", "--format")):
    print(scheme_id, fmt)
app(args=sys.argv[1:], prog_name="floor")
"""


def commands(floor_plain: Path, floor_hook: Path) -> dict:
    intertex = [SCRIPT] if SCRIPT else [PY, "-m", "intertex_cli"]
    return {
        "python -c pass (baseline)": [PY, "-c", "pass"],
        "python -c 'import typer'": [PY, "-c", "import typer"],
        "typer floor: 1 command (typer's coercion)": [PY, str(floor_plain), "show", "x"],
        "typer floor: 1 command (coercion.py)": [PY, str(floor_hook), "show", "x"],
        "intertex --version": [*intertex, "--version"],
        "intertex --help": [*intertex, "--help"],
        "intertex list (table)": [*intertex, "list"],
        "intertex list --format json": [*intertex, "list", "--format", "json"],
        "intertex show pass-export-occ": [*intertex, "show", "pass-export-occ"],
        "intertex show pass-export-occ -f json": [
            *intertex,
            "show",
            "pass-export-occ",
            "--format",
            "json",
        ],
        "intertex search salons": [*intertex, "search", "salons"],
        "intertex check --answers (json)": [
            *intertex,
            "check",
            "--answers",
            str(EXAMPLE),
            "--format",
            "json",
        ],
        "intertex check --answers (table)": [*intertex, "check", "--answers", str(EXAMPLE)],
        "python -m intertex_cli show pass-export-occ": [
            PY,
            "-m",
            "intertex_cli",
            "show",
            "pass-export-occ",
        ],
    }


def wall(cmd, runs: int) -> float:
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
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
    ap.add_argument("--runs", type=int, default=21)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="intertex-startup-"))
    os.environ["XDG_CACHE_HOME"] = str(work / "cache")
    # an installed wheel has its bytecode; an editable install writes it on first use,
    # unless PYTHONDONTWRITEBYTECODE is set (it is on some machines): compile it first,
    # or every run pays for compiling the modules edited since
    import compileall

    compileall.compile_dir(str(ROOT / "src"), quiet=1)
    plain = work / "floor_plain.py"
    plain.write_text(FLOOR.format(hook="", cls="", ccls=""))
    hook = work / "floor_hook.py"
    hook.write_text(
        FLOOR.format(
            hook="from intertex_cli.coercion import Command, Group",
            cls=", cls=Group",
            ccls=", cls=Command",
        )
    )
    base = None
    print(f"{'command':46} {'median':>9} {'× python':>9}")
    for name, cmd in commands(plain, hook).items():
        m = wall(cmd, args.runs)
        base = base or m
        print(f"{name:46} {m * 1000:7.1f}ms {m / base:8.2f}×")
    print()
    print(f"{'in-process':46} {'time':>9}")
    for name, v in engine(5).items():
        print(f"{name:46} {v * 1000:7.1f}ms")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
