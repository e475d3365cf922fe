"""The engine and the commands on catalogues of 28, 500 and 5,000 schemes.

    python benchmarks/scale.py [--sizes 28,500,5000] [--runs N] [--keep DIR]

Catalogues come from ``benchmarks/synthetic.py`` (the 28 real files, copied with new
ids, thresholds, amounts and regions). Every command runs as a whole process with a
warm cache (one run first), in a private cache folder; its median wall time and its
peak memory (max RSS) are printed, then the next question of the planner in-process
on profiles with 0, 3, 8 and 13 answers, then each figure's growth from the smallest
catalogue (× per × schemes: 1.0 is linear, less is better than linear).

Then the cache's own figures: a cold build (``list`` with no cache: every card
validated), the next ``list`` after one card is edited, added or removed (that card
validated, the rest copied from the cache), each against a bare interpreter's start.

Not a test: numbers vary by machine. Goals at 5,000 schemes: check under 1 s, show
under 0.3 s, list and search under 0.5 s, the next question under 50 ms, peak memory
under 150 MB; a cold build under 4 s and 300 MB, the command after an edit within
100 bare starts (about 1 s), validate under 3 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synthetic import generate  # noqa: E402

from intertex_cli.catalog.cache import RACY_SECONDS  # noqa: E402

ROOT = HERE.parent
EXAMPLE = ROOT / "examples" / "tissage-tarn.yaml"
INTERTEX = [sys.executable, "-m", "intertex_cli"]

GOALS = {  # at 5,000 schemes, seconds or MB
    "check --answers (json)": 1.0,
    "show pass-export-occ": 0.3,
    "list": 0.5,
    "list --format json": 0.5,
    "search salons": 0.5,
    "next question": 0.05,
    "peak memory": 150,  # the largest of the commands with a warm cache
    "cold build (list, no cache)": 4.0,
    "cold build memory": 300,
    "list after editing one card": 1.0,
    "validate (no cache)": 3.0,
    "validate after editing one card": 1.0,
}


def bare_start(runs: int) -> float:
    """A bare interpreter's start (python -c pass), the unit of the edit goal."""
    times = []
    for _ in range(max(runs, 5)):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def cache_times(cat: Path, env: dict, runs: int) -> dict:
    """The cold build, and the next command after one card is edited, added, removed.
    The edited file is left RACY_SECONDS to settle (else the cache is not written:
    its stat data could hide a second change), then ``list`` runs; "at once": run
    within that time (the card validated, nothing written)."""
    from intertex_cli.catalog import cache

    out: dict = {}
    folder = Path(env["XDG_CACHE_HOME"]) / "intertex"
    colds, mems = [], []
    for _ in range(runs):
        for f in folder.glob("catalog-*"):
            f.unlink()
        t, m = run(["list", "--catalog", str(cat)], env)
        colds.append(t)
        mems.append(m)
    out["cold build (list, no cache)"] = (statistics.median(colds), max(mems))
    no_cache = {**env, "INTERTEX_NO_CACHE": "1"}
    out["validate (no cache)"] = run(["validate", str(cat)], no_cache)
    card = sorted(cat.glob("*.yaml"))[len(list(cat.glob("*.yaml"))) // 2]
    text = card.read_text(encoding="utf-8")
    new = cat / "zz-added-card.yaml"
    steps = {
        "list after editing one card": lambda: card.write_text(
            text + "# edited\n", encoding="utf-8"
        ),
        "list after adding one card": lambda: new.write_text(
            text.replace(f"id: {card.stem}\n", "id: zz-added-card\n", 1), encoding="utf-8"
        ),
        "list after removing one card": new.unlink,
    }
    for name, change in steps.items():
        change()
        time.sleep(cache.RACY_SECONDS + 0.1)
        out[name] = run(["list", "--catalog", str(cat)], env)
    card.write_text(text + "# edited again\n", encoding="utf-8")
    out["list at once after an edit"] = run(["list", "--catalog", str(cat)], env)
    card.write_text(text + "# edited a third time\n", encoding="utf-8")
    time.sleep(cache.RACY_SECONDS + 0.1)
    out["validate after editing one card"] = run(["validate", str(cat)], env)
    card.write_text(text, encoding="utf-8")
    time.sleep(cache.RACY_SECONDS + 0.1)
    run(["list", "--catalog", str(cat)], env)
    return out


def commands(cat: Path) -> dict:
    c = ["--catalog", str(cat)]
    return {
        "check --answers (json)": ["check", "--answers", str(EXAMPLE), "--format", "json", *c],
        "check --answers (table)": ["check", "--answers", str(EXAMPLE), *c],
        "show pass-export-occ": ["show", "pass-export-occ", *c],
        "list": ["list", *c],
        "list --format json": ["list", "--format", "json", *c],
        "search salons": ["search", "salons", *c],
        "validate": ["validate", str(cat)],
    }


def run(args: list[str], env: dict) -> tuple[float, float]:
    """Wall time (s) and max RSS (MB) of one whole process."""
    t = time.perf_counter()
    proc = subprocess.Popen(
        INTERTEX + args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"exit {proc.returncode}: intertex {' '.join(args)}")
    return wall, usage.ru_maxrss / 1024


def next_question_times(cat_dir: Path, runs: int) -> dict:
    """The wizard's wait after each answer, in a child process (a child's peak memory
    counts its parent's at fork: the commands are timed from a small parent).

    "wizard": as wizard.py runs, the projects answered first (the example's), then
    after each answer the schemes still in question, the next question and the
    progress line, the states kept from one question to the next; the catalogue is
    prepared while the projects' question is on the screen (wizard.prepare). "resumed":
    the first question of a session that starts from a file with these answers
    (``--ask-missing``): nothing compiled, nothing kept, no question to prepare behind.
    The catalogue is loaded first, as check does before the wizard.
    """
    import json

    code = f"import json, sys; sys.path.insert(0, {str(HERE)!r}); from scale import _wizard_times; "
    code += f"print(json.dumps(_wizard_times({str(cat_dir)!r}, {runs})))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out)


def _wizard_times(cat_dir: str, runs: int) -> dict:
    from intertex_cli.answers import read_file
    from intertex_cli.catalog import loader
    from intertex_cli.engine import assess, compiled
    from intertex_cli.engine.assess import question_schemes
    from intertex_cli.engine.planner import answer_from, next_question, progress
    from intertex_cli.engine.rules import Profile
    from intertex_cli.wizard import prepare

    schemes = tuple(loader.load(Path(cat_dir)).schemes.values())
    full, _ = read_file(str(EXAMPLE))
    full = Profile({**full.answers, "has_export_team": False}, full.skipped)
    out: dict = {}
    t = time.perf_counter()
    prepare(schemes)  # while the projects' question is on the screen
    out["prepare (during the projects' question)"] = time.perf_counter() - t

    def step(p: Profile):
        qs = question_schemes(schemes, p)
        key = next_question(qs, p)
        progress(qs, p)
        return key

    p = answer_from(full, "projects", Profile({}, frozenset()))
    kept: dict = {}
    waits: list = []
    n = 1
    while True:
        t = time.perf_counter()
        key = step(p)
        waits.append(time.perf_counter() - t)
        if n in (1, 3, 8, 13):
            out[f"next question, {n} answers (wizard)"] = waits[-1]
            kept[n] = p
        if key is None:
            break
        p = answer_from(full, key, p)
        n += 1
    out["next question, slowest (wizard)"] = max(waits)
    for n, q in kept.items():  # resumed from a file: nothing compiled, nothing kept
        times = []
        for _ in range(runs):
            compiled._COMPILED.clear()
            compiled._RULES = compiled._Rules()
            assess._QUESTION_SCHEMES.clear()
            t = time.perf_counter()
            step(q)
            times.append(time.perf_counter() - t)
        out[f"first question of a resumed session, {n} answers"] = statistics.median(times)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="28,500,5000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="generate the catalogues here (kept)")
    ap.add_argument("--skip", default="", help="figures to skip (comma-separated prefixes)")
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    skip = [s for s in args.skip.split(",") if s]
    work = args.keep or Path(tempfile.mkdtemp(prefix="intertex-scale-"))
    import compileall  # the bytecode an installed wheel has (see startup.py)

    compileall.compile_dir(str(Path(__file__).resolve().parents[1] / "src"), quiet=1)
    env = {**os.environ, "XDG_CACHE_HOME": str(work / "cache")}
    os.environ["XDG_CACHE_HOME"] = env["XDG_CACHE_HOME"]
    table: dict[str, dict[int, float]] = {}
    memory: dict[int, float] = {}
    for n in sizes:
        cat = work / f"catalogue-{n}"
        if len(list(cat.glob("*.yaml"))) != n:
            generate(n, cat)
            # the cache is not written for files changed in the last RACY_SECONDS (their
            # stat data could hide a second change): wait, or the runs are all cold
            time.sleep(RACY_SECONDS + 0.1)
        peak = 0.0
        for name, cmd in commands(cat).items():
            if any(name.startswith(s) for s in skip):
                continue
            cold, cold_mem = run(cmd, env)  # fills the cache
            times, mem = [], 0.0
            for _ in range(args.runs):
                t, m = run(cmd, env)
                times.append(t)
                mem = max(mem, m)
            peak = max(peak, mem)
            table.setdefault(name, {})[n] = statistics.median(times)
            table.setdefault(name + " [first run]", {})[n] = cold
            print(
                f"{n:>5} {name:34} {statistics.median(times) * 1000:9.1f} ms {mem:7.1f} MB"
                f"   first run {cold * 1000:9.1f} ms {cold_mem:7.1f} MB"
            )
        if peak:
            memory[n] = peak
        if not any("cache".startswith(x) for x in skip):
            for name, (t, m) in cache_times(cat, env, args.runs).items():
                table.setdefault(name, {})[n] = t
                table.setdefault(name + " [MB]", {})[n] = m / 1000
                print(f"{n:>5} {name:34} {t * 1000:9.1f} ms {m:7.1f} MB")
        if any("next question".startswith(x) for x in skip):
            continue
        for name, v in next_question_times(cat, args.runs).items():
            table.setdefault(name, {})[n] = v
            print(f"{n:>5} {name:34} {v * 1000:9.1f} ms")
    print()
    pairs = list(zip(sizes, sizes[1:]))
    head = "".join(f"{n:>10}" for n in sizes)
    growth = "".join(f"{f'{b}/{a} (×{b / a:.1f})':>18}" for a, b in pairs)
    print(f"{'figure (ms; MB)':38}{head}{growth}")
    rows = list(table.items()) + [("peak memory (MB)", memory)]
    for name, by_n in rows:
        scale = 1 if name.startswith("peak") else 1000
        vals = "".join(f"{by_n.get(n, float('nan')) * scale:10.1f}" for n in sizes)
        ratios = "".join(
            f"{'×' + format(by_n[b] / by_n[a], '.2f'):>18}"
            if a in by_n and b in by_n and by_n[a] > 0
            else f"{'':>18}"
            for a, b in pairs
        )
        print(f"{name:38}{vals}{ratios}")
    last = sizes[-1]
    bare = bare_start(args.runs)
    print()
    print(f"a bare interpreter starts in {bare * 1000:.1f} ms; at {last} schemes:")
    for name in ("cold build (list, no cache)", "list after editing one card"):
        if last in table.get(name, {}):
            print(f"  {name:34} {table[name][last] / bare:7.0f} × a bare start")
    print()
    print(f"goals at {last} schemes:")
    for name, goal in GOALS.items():
        if name == "next question":
            got = max(
                (v[last] for k, v in table.items() if k.startswith("next question")), default=None
            )
        elif name == "peak memory":
            got = memory.get(last)
        elif name == "cold build memory":
            got = table.get("cold build (list, no cache) [MB]", {}).get(last)
            got = got * 1000 if got is not None else None
        else:
            got = table.get(name, {}).get(last)
        if got is None:
            continue
        unit = "MB" if "memory" in name else "s"
        ok = "ok" if got <= goal else "MISSED"
        print(f"  {name:30} {got:9.3f} {unit} (goal {goal} {unit}) {ok}")


if __name__ == "__main__":
    main()
