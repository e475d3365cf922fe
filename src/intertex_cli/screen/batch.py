"""A block of companies as columns, and the engine run once per company *kind*.

Exactness by construction: the engine's result for a scheme (verdict and missing
answers) depends on an answer only through its place among the numbers that the
catalogue compares it with. Each company is reduced to a *signature*: for every number
its state (absent, "je ne sais pas", exact, range) and the cell of its value (or of
each bound) between the sorted critical points of that key; for every choice its value
(the département through the former region, unless a criterion names départements);
and the cell of the export share that the engine itself computes. Two companies with
the same signature on the keys a scheme reads get the same result for it, so the real
engine (``rules.evaluate_scheme``) runs once per distinct signature per scheme, on the
first company that has it, built by ``answers.parse`` exactly as ``check`` builds it.
Estimates depend on the exact budget: they are computed per company.

The critical points of a key are the constants that criteria compare it with (and
their neighbours), the size-class thresholds and probes, and, for turnover and export
turnover, each other's constants: everything ``rules`` compares an answer with.
A property test compares the result with ``evaluate`` company by company.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from intertex_cli.answers import parse
from intertex_cli.engine import geo
from intertex_cli.engine.amounts import estimate
from intertex_cli.engine.profile import Profile, Range
from intertex_cli.engine.rules import (
    SIZE_PROBES,
    SIZE_THRESHOLDS,
    UNDECIDED,
    domain,
    evaluate_node,
    evaluate_scheme,
    leaves,
)
from intertex_cli.engine.vocab import ANSWER_FACTS, HIRE_COST, HIRE_PROJECT, SIZE_CLASSES
from intertex_cli.errors import AnswersError

ABSENT, SKIPPED, EXACT, RANGE = 0, 1, 2, 3
PROGRAMME = "programme_expenses_eur"

# Companies are screened, planned and written a block at a time, the block's rows times
# the catalogue's schemes below this many result cells: what a block holds (the result
# indices, the plans' keys, the --detail columns, each company's plan) is then about the
# same whatever the number of schemes. With a JSON output an eighth of it, each plan's
# JSON being about 500 bytes per scheme. At 28 schemes a block is a whole reader batch
# (8 928 rows with JSON); at 5 000 schemes 400 rows (50 with JSON).
BLOCK_CELLS = 2_000_000


def block_rows(schemes: int, json: bool = False) -> int:
    """How many companies a block holds for a catalogue of ``schemes`` schemes."""
    cells = BLOCK_CELLS // 8 if json else BLOCK_CELLS
    return max(1, cells // max(1, schemes))


class RowError(Exception):
    """A bad company: its row (as a spreadsheet numbers it: the header is row 1) and the
    column at fault."""

    def __init__(self, row: int, column: str | None, message: str):
        super().__init__(message)
        self.row, self.column, self.message = row, column, message

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


VERDICTS = ("eligible", "unknown", "ineligible")
VERDICT_CODE = {v: i for i, v in enumerate(VERDICTS)}

# number-like keys: a value or a range (the size class as its index in SIZE_CLASSES)
NUM_KEYS = tuple(k for k, f in ANSWER_FACTS.items() if f.kind in ("int", "number")) + (
    "size_class",
)
CAT_VALUES: dict[str, tuple] = {
    k: ((False, True) if f.kind == "bool" else tuple(f.values))
    for k, f in ANSWER_FACTS.items()
    if f.kind in ("bool", "enum")
}
CAT_KEYS = tuple(CAT_VALUES)
_FORMER = tuple(geo.FORMER_REGIONS)
_DEP_FORMER = np.array(
    [_FORMER.index(geo.former_region_of(d)) for d in CAT_VALUES["department"]], dtype=np.int32
)


@dataclass
class Batch:
    """Companies as columns. ``num[key] = (state, lo, hi)``; ``cat[key]`` holds codes:
    0 absent, 1 "je ne sais pas", 2 + the index of the value in ``CAT_VALUES[key]``."""

    n: int
    rows: np.ndarray  # the row numbers that messages name (header = row 1)
    ids: dict = field(default_factory=dict)  # identifying column -> list of str | None
    num: dict = field(default_factory=dict)
    cat: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)  # other columns carried to the output
    # the bad cells of each row (its index in the batch): [(column, value, why)]
    errors: dict = field(default_factory=dict)

    def fail(self, where, column: str, value, message: str) -> None:
        """Rows ``where`` (indices in the batch) have a bad cell; the caller leaves it
        unknown, so that the row is screened on its valid cells."""
        from intertex_cli.text.sanitize import clean

        value = clean(str(value))
        if len(value) > 200:
            value = value[:200] + f"… ({len(value)} characters)"
        for i in np.atleast_1d(where):
            self.errors.setdefault(int(i), []).append((column, value, clean(message)))

    def first_error(self) -> RowError | None:
        """The first bad row's first problem, as ``--strict`` stops on it."""
        if not self.errors:
            return None
        i = min(self.errors)
        column, _, message = self.errors[i][0]
        return RowError(int(self.rows[i]), column, message)

    def raise_first(self) -> None:
        e = self.first_error()
        if e is not None:
            raise e

    def error_text(self, i: int) -> str | None:
        """Row ``i``'s problems in one cell: "column: why" each, separated by " | "."""
        found = self.errors.get(i)
        if not found:
            return None
        return " | ".join(f"{c}: {m}" for c, _, m in found)

    def error_json(self, i: int) -> dict | None:
        """Contract §3: ``{row, column, message}`` (and the value) of its first problem."""
        found = self.errors.get(i)
        if not found:
            return None
        row = int(self.rows[i])
        items = [{"row": row, "column": c, "value": v, "message": m} for c, v, m in found]
        return {**items[0], "errors": items}

    def slice(self, start: int, end: int) -> Batch:
        """Rows ``start`` to ``end`` (excluded) as a batch of their own, sharing the arrays."""
        part = Batch(end - start, self.rows[start:end])
        part.ids = {k: v[start:end] for k, v in self.ids.items()}
        part.num = {
            k: tuple(None if x is None else x[start:end] for x in v) for k, v in self.num.items()
        }
        part.cat = {k: v[start:end] for k, v in self.cat.items()}
        part.extra = {k: v[start:end] for k, v in self.extra.items()}
        part.errors = {i - start: e for i, e in self.errors.items() if start <= i < end}
        return part

    def state(self, key: str) -> np.ndarray:
        if key in self.num:
            return self.num[key][0]
        if key in self.cat:
            return np.minimum(self.cat[key], EXACT).astype(np.int8)
        return np.zeros(self.n, dtype=np.int8)

    def answers_at(self, i: int) -> dict:
        """Row ``i`` as an answers file would say it (ranges as ``{min, max}``)."""
        out: dict = {}
        for key, (st, lo, hi) in self.num.items():
            s = st[i]
            if s == ABSENT:
                continue
            if s == SKIPPED:
                out[key] = None
            elif key == "size_class":
                a, b = SIZE_CLASSES[int(lo[i])], SIZE_CLASSES[int(hi[i])]
                out[key] = a if s == EXACT else {"min": a, "max": b}
            elif s == EXACT:
                out[key] = _plain(lo[i])
            else:
                r = {}
                if lo[i] > 0:
                    r["min"] = _plain(lo[i])
                if hi[i] != math.inf:
                    r["max"] = _plain(hi[i])
                out[key] = r or {"min": 0}
        projects = self.extra.get("projects")
        if projects is not None and projects[i] is not None:
            out["projects"] = projects[i].split(";") if projects[i] else []
        for key, codes in self.cat.items():
            c = int(codes[i])
            if c == SKIPPED:
                out[key] = None
            elif c >= EXACT:
                out[key] = CAT_VALUES[key][c - EXACT]
        return out

    def profile_at(self, i: int) -> Profile:
        return parse(self.answers_at(i), f"row {int(self.rows[i])}")[0]


def _plain(x: float):
    return int(x) if float(x).is_integer() else float(x)


# --------------------------------------------------------------------------- signatures


def _numbers(arg) -> list:
    return [
        x
        for x in (arg if isinstance(arg, list) else [arg])
        if isinstance(x, (int, float)) and not isinstance(x, bool)
    ]


_SIZE_INPUTS = (
    "headcount",
    "turnover_eur",
    "export_turnover_eur",
    "balance_sheet_total_eur",
    "independent",
    "size_class",
)


def _deps(fact: str) -> tuple[str, ...]:
    """The signature parts that the engine reads to decide a test on ``fact``."""
    if fact in ("department", "region", "former_region"):
        return ("department", "region")
    if fact == "size_class":
        return _SIZE_INPUTS
    if fact == "export_share":
        return ("turnover_eur", "export_turnover_eur", "share")
    if fact == PROGRAMME:  # its inputs (what is missing) and its interval (the verdict)
        return ("project_budget_eur", HIRE_COST, "programme")
    if fact in ("turnover_eur", "export_turnover_eur"):
        return ("turnover_eur", "export_turnover_eur")
    if fact in ("headcount", "independent"):
        return (fact, "size_class")
    return (fact,)


class Screener:
    """The engine over batches: one evaluation per scheme and distinct signature."""

    def __init__(self, schemes):
        self.schemes = tuple(schemes)
        consts: dict[str, set] = {}
        facts_of: list[set] = []
        for s in self.schemes:
            facts = set()
            for c in s.criteria:
                for leaf in leaves(c.rule):
                    facts.add(leaf.fact)
                    for _, a in leaf.ops():
                        consts.setdefault(leaf.fact, set()).update(_numbers(a))
            facts_of.append(facts)
        self.by_department = any("department" in f for f in facts_of)
        money = consts.get("turnover_eur", set()) | consts.get("export_turnover_eur", set())
        money |= set(SIZE_PROBES["turnover_eur"])
        points: dict[str, set] = {k: set(consts.get(k, ())) for k in NUM_KEYS}
        points["turnover_eur"] = points["export_turnover_eur"] = money
        points["headcount"] |= set(SIZE_PROBES["headcount"])
        points["headcount"] |= {staff - 1 for _, staff, _, _ in SIZE_THRESHOLDS}
        points["balance_sheet_total_eur"] |= set(SIZE_PROBES["balance_sheet_total_eur"])
        self.points = {
            k: np.array(sorted({x + d for x in v for d in (-1, 0, 1)} | {0.0}), dtype=np.float64)
            for k, v in points.items()
            if k != "size_class"
        }
        self.share_points = np.array(
            sorted(set(consts.get("export_share", ())) | {0.0, 1.0}), dtype=np.float64
        )
        # signature columns: name -> index; each part of a key is one or three columns
        self.parts: dict[str, list[int]] = {}
        n = 0
        for k in (*NUM_KEYS, "share"):
            width = 2 if k == "share" else 3
            self.parts[k] = list(range(n, n + width))
            n += width
        for k in CAT_KEYS:
            self.parts[k] = [n]
            n += 1
        self.width = n
        # per scheme: the keys it reads and the points that matter to its own criteria
        # the distinct criteria of the catalogue (many schemes share one), with the keys
        # each reads and the points that matter to it
        self.rules: list[tuple] = []  # (node, keys, points)
        self.scheme_rules: list[list[int]] = []
        seen: dict[str, int] = {}
        for scheme in self.schemes:
            ids = []
            for c in scheme.criteria:
                text = _rule_text(c.rule)
                if text not in seen:
                    facts = {leaf.fact for leaf in leaves(c.rule)}
                    keys = sorted({d for f in facts for d in _deps(f)})
                    seen[text] = len(self.rules)
                    self.rules.append((c.rule, keys, _points([c.rule], keys)))
                ids.append(seen[text])
            self.scheme_rules.append(ids)
        self.keys = [k for _, k, _ in self.rules]
        self.rule_memo: list[dict] = [{} for _ in self.rules]
        self.rule_outcomes: list[dict] = [{} for _ in self.rules]  # (result, missing) -> idx
        self.memo: list[dict] = [{} for _ in self.schemes]
        self.verdicts: list[list[int]] = [[] for _ in self.schemes]
        self.missing: list[list[tuple]] = [[] for _ in self.schemes]
        self.profiles: list[list[Profile]] = [[] for _ in self.schemes]
        self._share_cache: dict = {}
        self._amount_cache: dict = {}
        self.budgeted = [i for i, s in enumerate(self.schemes) if _pays(s)]
        self.evaluations = 0

    # ------------------------------------------------------------------ the signature

    def _cells(self, v: np.ndarray, points: np.ndarray) -> np.ndarray:
        i = np.searchsorted(points, v, side="left")
        inside = i < len(points)
        eq = np.zeros(len(v), dtype=bool)
        eq[inside] = points[i[inside]] == v[inside]
        cell = (2 * i + eq).astype(np.int32)
        cell[np.isnan(v)] = -1
        return cell

    def signature(self, b: Batch) -> np.ndarray:
        m = np.full((b.n, self.width), -1, dtype=np.int32)
        for k in NUM_KEYS:
            st, lo, hi = b.num.get(k) or (np.zeros(b.n, np.int8), None, None)
            c = self.parts[k]
            m[:, c[0]] = st
            if lo is None:
                continue
            if k == "size_class":
                m[:, c[1]] = np.where(st >= EXACT, lo, -1)
                m[:, c[2]] = np.where(st >= EXACT, hi, -1)
            else:
                m[:, c[1]] = self._cells(np.where(st >= EXACT, lo, np.nan), self.points[k])
                m[:, c[2]] = self._cells(np.where(st >= EXACT, hi, np.nan), self.points[k])
        lo, hi = self._share(b)
        c = self.parts["share"]
        m[:, c[0]] = self._cells(lo, self.share_points)
        m[:, c[1]] = self._cells(hi, self.share_points)
        for k in CAT_KEYS:
            codes = b.cat.get(k)
            if codes is None:
                m[:, self.parts[k][0]] = 0
                continue
            codes = codes.astype(np.int32)
            if k == "department" and not self.by_department:
                given = codes >= EXACT
                codes = codes.copy()
                codes[given] = EXACT + _DEP_FORMER[codes[given] - EXACT]
            m[:, self.parts[k][0]] = codes
        return m

    def _share(self, b: Batch) -> tuple[np.ndarray, np.ndarray]:
        """The export share's interval as the engine computes it, where an amount is given."""
        lo = np.full(b.n, np.nan)
        hi = np.full(b.n, np.nan)
        parts = [b.num.get(k) for k in ("turnover_eur", "export_turnover_eur")]
        if all(p is None for p in parts):
            return lo, hi
        zero = (np.zeros(b.n, np.int8), np.zeros(b.n), np.zeros(b.n))
        (ts, tl, th), (es, el, eh) = (p or zero for p in parts)
        for i in np.nonzero((ts >= EXACT) | (es >= EXACT))[0]:
            key = (ts[i], tl[i], th[i], es[i], el[i], eh[i])
            got = self._share_cache.get(key)
            if got is None:
                answers, ranges = {}, {}
                for name, s, a, z in (
                    ("turnover_eur", ts[i], tl[i], th[i]),
                    ("export_turnover_eur", es[i], el[i], eh[i]),
                ):
                    if s == EXACT:
                        answers[name] = float(a)
                    elif s == RANGE:
                        ranges[name] = Range(float(a), float(z))
                d = domain("export_share", Profile(answers, frozenset(), ranges))
                got = (d.lo, d.hi)
                if len(self._share_cache) > 20_000:
                    self._share_cache.clear()
                self._share_cache[key] = got
            lo[i], hi[i] = got
        return lo, hi

    def _programme(self, b: Batch) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The programme's expenses as rules.programme_domain adds them up: whether the
        hire counts (0 no, 1 yes, 2 it is the only project: no budget given counts as 0)
        and the interval, its inputs' bounds added (budget first)."""
        mode = np.zeros(b.n, dtype=np.int64)
        projects = b.extra.get("projects")
        if projects is not None:
            seen: dict = {}
            for i, pr in enumerate(projects):
                m = seen.get(pr)
                if m is None:
                    names = set(pr.split(";")) if pr else set()
                    m = seen[pr] = 0 if HIRE_PROJECT not in names else 1 + (names == {HIRE_PROJECT})
                mode[i] = m
        lo, hi = np.zeros(b.n), np.zeros(b.n)
        for key in ("project_budget_eur", HIRE_COST):
            got = b.num.get(key)
            st, a, z = got if got is not None else (np.zeros(b.n, np.int8), lo * 0, lo * 0)
            klo = np.where(st >= EXACT, a, 0.0)
            khi = np.where(st == EXACT, a, np.where(st == RANGE, z, math.inf))
            if key == HIRE_COST:
                counted = mode > 0
            else:
                counted = ~((mode == 2) & (st < EXACT))
            lo = lo + np.where(counted, klo, 0.0)
            hi = hi + np.where(counted, khi, 0.0)
        return mode, lo, hi

    # ------------------------------------------------------------------ evaluation

    def check_sizes(self, b: Batch, drop: bool = False, strict: bool = False) -> int:
        """A size class given with figures that contradict it, on every row: recorded as
        the row's error (``strict``: ``RowError`` for the first), or (``drop``) left out
        silently; either way the size class is left unknown there. Returns how many.

        Exact per row: whether the figures allow the size class depends on them only
        through their cells between the size thresholds, which the signature holds."""
        size = b.num.get("size_class")
        if size is None or not (size[0] >= EXACT).any():
            return 0
        sig = self.signature(b)
        cols = [c for k in _SIZE_INPUTS for c in self.parts[k]]
        given = np.nonzero(size[0] >= EXACT)[0]
        kinds, kind_first, kind_inverse = _unique_rows(sig[given][:, cols])
        bad = np.zeros(len(kinds), dtype=bool)
        why: dict[int, str] = {}
        for j in range(len(kinds)):
            row = int(given[kind_first[j]])
            answers = {k: v for k, v in b.answers_at(row).items() if k in _SIZE_INPUTS}
            try:
                parse(answers, f"row {int(b.rows[row])}")
            except AnswersError as e:
                bad[j] = True
                problem = e.problems[0] if e.problems else None
                why[j] = problem.message if problem else e.message
        rows = given[bad[kind_inverse]]
        if not drop:
            for i, j in zip(rows, kind_inverse[bad[kind_inverse]]):
                b.fail(i, "size_class", SIZE_CLASSES[int(size[1][i])], why[int(j)])
            if strict:
                b.raise_first()
        if len(rows):
            st = size[0].copy()
            st[rows] = ABSENT
            b.num["size_class"] = (st, size[1], size[2])
        return len(rows)

    def _kinds(self, keys: list[str], points: dict, b: Batch, share, programme=None) -> tuple:
        """Each company's kind on ``keys``: (distinct keys, first row, inverse)."""
        parts, radix = [], []
        for k in keys:
            if k == "share":
                pts = points["share"]
                for v in share:
                    parts.append(self._cells(v, pts) + 1)
                    radix.append(2 * len(pts) + 3)
            elif k == "programme":
                mode, lo, hi = programme
                parts.append(mode)
                radix.append(3)
                pts = points["programme"]
                for v in (lo, hi):
                    parts.append(self._cells(v, pts) + 1)
                    radix.append(2 * len(pts) + 3)
            elif k in NUM_KEYS:
                st, lo, hi = b.num.get(k) or (np.zeros(b.n, np.int8), None, None)
                parts.append(st.astype(np.int64))
                radix.append(4)
                if lo is None:
                    continue
                given = st >= EXACT
                if k == "size_class":
                    for v in (lo, hi):
                        parts.append(np.where(given, v, -1).astype(np.int64) + 1)
                        radix.append(len(SIZE_CLASSES) + 1)
                else:
                    pts = points[k]
                    for v in (lo, hi):
                        parts.append(self._cells(np.where(given, v, np.nan), pts) + 1)
                        radix.append(2 * len(pts) + 3)
            else:
                parts.append(self._cat(b, k))
                radix.append(len(CAT_VALUES[k]) + 2)
        if not parts:
            return np.zeros(1, np.int64), np.zeros(1, np.intp), np.zeros(b.n, np.intp)
        return _distinct_keys(parts, radix, b.n)

    def _profile(self, b: Batch, row: int, cache: dict) -> Profile:
        p = cache.get(row)
        if p is None:
            try:
                p = cache[row] = b.profile_at(row)
            except AnswersError as e:
                problem = e.problems[0] if e.problems else None
                raise RowError(
                    int(b.rows[row]),
                    problem.field if problem else None,
                    problem.message if problem else e.message,
                ) from None
        return p

    def _criteria(self, b: Batch, share, profiles: dict, programme=None) -> list[np.ndarray]:
        """Each distinct criterion's outcome index per company (equal outcomes, equal index)."""
        out = []
        for r, (node, keys, points) in enumerate(self.rules):
            kinds, first, inverse = self._kinds(keys, points, b, share, programme)
            memo, outcomes = self.rule_memo[r], self.rule_outcomes[r]
            index = np.empty(len(kinds), dtype=np.int64)
            for j in range(len(kinds)):
                key = kinds[j].item() if kinds.ndim == 1 else kinds[j].tobytes()
                got = memo.get(key)
                if got is None:
                    o = evaluate_node(node, self._profile(b, int(first[j]), profiles))
                    got = outcomes.setdefault((o.result, o.missing), len(outcomes))
                    memo[key] = got
                index[j] = got
            out.append(index[inverse])
        return out

    def _cat(self, b: Batch, k: str) -> np.ndarray:
        codes = b.cat.get(k)
        if codes is None:
            return np.zeros(b.n, dtype=np.int64)
        codes = codes.astype(np.int64)
        if k == "department" and not self.by_department:
            given = codes >= EXACT
            codes = codes.copy()
            codes[given] = EXACT + _DEP_FORMER[codes[given] - EXACT]
        return codes

    def screen(self, b: Batch) -> np.ndarray:
        """Result indices, one column per scheme: ``self.verdicts[s][index]``…

        Two levels: each distinct criterion on the keys it reads, then each scheme on the
        outcomes of its criteria (which is all that ``evaluate_scheme`` combines)."""
        share = self._share(b) if any("share" in k for k in self.keys) else None
        programme = self._programme(b) if any("programme" in k for k in self.keys) else None
        profiles: dict[int, Profile] = {}
        crit = self._criteria(b, share, profiles, programme)
        out = np.empty((b.n, len(self.schemes)), dtype=np.int32)
        for s, scheme in enumerate(self.schemes):
            ids = self.scheme_rules[s]
            parts = [crit[r] for r in ids]
            # a fixed radix, so that a packed key means the same in every batch
            radix = [1 << 10] * len(parts)
            if any(len(self.rule_outcomes[r]) > 1 << 10 for r in ids):
                radix = [1 << 62] * len(parts)  # never packed: compared as rows
            kinds, first, inverse = _distinct_keys(parts, radix, b.n)
            memo = self.memo[s]
            index = np.empty(len(kinds), dtype=np.int32)
            for j in range(len(kinds)):
                key = kinds[j].item() if kinds.ndim == 1 else kinds[j].tobytes()
                r = memo.get(key)
                if r is None:
                    p = self._profile(b, int(first[j]), profiles)
                    res = evaluate_scheme(scheme, p)
                    self.evaluations += 1
                    r = len(self.verdicts[s])
                    self.verdicts[s].append(VERDICT_CODE[res.verdict])
                    self.missing[s].append(tuple(res.missing) if res.verdict == UNDECIDED else ())
                    self.profiles[s].append(p)
                    memo[key] = r
                index[j] = r
            out[:, s] = index[inverse]
        return out

    def verdict_codes(self, s: int, index: np.ndarray) -> np.ndarray:
        return np.asarray(self.verdicts[s], dtype=np.int8)[index]

    def amounts(self, b: Batch, index: np.ndarray) -> dict[int, np.ndarray]:
        """Estimates per scheme (NaN: none), for the companies whose budget or hire cost
        is known."""
        out: dict[int, np.ndarray] = {}
        if not self.budgeted:
            return out
        none = (np.zeros(b.n, np.int8), None, None)
        (bs, bv, _), (hs, hv, _) = (b.num.get(k) or none for k in ("project_budget_eur", HIRE_COST))
        rows = np.nonzero((bs == EXACT) | (hs == EXACT))[0]
        if not len(rows):
            return out
        eq = b.num.get("equity_eur")
        projects = b.extra.get("projects")
        for s in self.budgeted:
            out[s] = np.full(b.n, np.nan)
        for i in rows:
            e = float(eq[1][i]) if eq is not None and eq[0][i] == EXACT else None
            pr = projects[i] if projects is not None else None
            budget = float(bv[i]) if bs[i] == EXACT else None
            hire = float(hv[i]) if hs[i] == EXACT else None
            key = (budget, bs[i] == RANGE, hire, e, pr)
            p = None
            for s in self.budgeted:
                if self.verdicts[s][index[i, s]] == 2:  # ineligible: no estimate, as in check
                    continue
                got = self._amount_cache.get((s, key))
                if got is None:
                    if p is None:
                        # what an estimate reads (engine/amounts.py): budget (a range: not
                        # given exactly), hire cost, equity, projects
                        answers: dict = {}
                        ranges = {"project_budget_eur": Range()} if bs[i] == RANGE else {}
                        if budget is not None:
                            answers["project_budget_eur"] = _plain(budget)
                        if hire is not None:
                            answers[HIRE_COST] = _plain(hire)
                        if e is not None:
                            answers["equity_eur"] = _plain(e)
                        if pr is not None:
                            answers["projects"] = tuple(pr.split(";")) if pr else ()
                        p = Profile(answers, frozenset(), ranges)
                    est = estimate(self.schemes[s], p)
                    got = est["amount_eur"] if est else math.nan
                    if len(self._amount_cache) > 20_000:
                        self._amount_cache.clear()
                    self._amount_cache[(s, key)] = got
                out[s][i] = got
        return out


_STAFF_CAPS = {staff - 1 for _, staff, _, _ in SIZE_THRESHOLDS}


def _points(rules, keys: list[str]) -> dict:
    """The critical points of each number key for some criteria: their constants (a
    turnover's for the export turnover too, which bounds it), and the size thresholds and
    probes when they test the size class."""
    pts: dict[str, set] = {}

    def add(k: str, xs) -> None:
        pts.setdefault(k, set()).update(xs)

    for rule in rules:
        for leaf in leaves(rule):
            nums = [x for _, a in leaf.ops() for x in _numbers(a)]
            f = leaf.fact
            if f in ("turnover_eur", "export_turnover_eur"):
                add("turnover_eur", nums)
                add("export_turnover_eur", nums)
            elif f == "size_class":
                add("headcount", SIZE_PROBES["headcount"])
                add("headcount", _STAFF_CAPS)
                add("turnover_eur", SIZE_PROBES["turnover_eur"])
                add("export_turnover_eur", SIZE_PROBES["turnover_eur"])
                add("balance_sheet_total_eur", SIZE_PROBES["balance_sheet_total_eur"])
            elif f == "export_share":
                add("share", nums)
            elif f == PROGRAMME:
                add("programme", nums)
            elif f in NUM_KEYS:
                add(f, nums)
            if f == "headcount":
                add("headcount", _STAFF_CAPS)  # an SME size class given caps the headcount
    out = {}
    for k in keys:
        if k == "share":
            out[k] = np.array(sorted(pts.get(k, set()) | {0.0, 1.0}), dtype=np.float64)
        elif k == "programme" or (k in NUM_KEYS and k != "size_class"):
            v = pts.get(k, set())
            out[k] = np.array(
                sorted({x + d for x in v for d in (-1, 0, 1)} | {0.0}), dtype=np.float64
            )
    return out


def _distinct_keys(parts: list, radix: list, n: int | None = None):
    """Distinct rows of the columns ``parts`` (values below ``radix``): (keys, first row,
    inverse), the keys packed in one integer when they fit."""
    if not parts:
        return np.zeros(1, np.int64), np.zeros(1, np.intp), np.zeros(n or 0, np.intp)
    if math.prod(radix) < 2**62:
        key = np.zeros(len(parts[0]), dtype=np.int64)
        for part, r in zip(parts, radix):
            key = key * r + part.astype(np.int64)
        kinds, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        return kinds, first, inverse.reshape(-1)
    m = np.column_stack([p.astype(np.int64) for p in parts])
    return _unique_rows(m)


def _rule_text(node) -> str:
    if node.kind in ("all", "any"):
        return node.kind + "(" + ",".join(_rule_text(n) for n in getattr(node, node.kind)) + ")"
    if node.kind == "not":
        return "not(" + _rule_text(node.not_) + ")"
    return f"{node.fact}{node.ops()!r}"


def _pays(scheme) -> bool:
    """Whether the scheme may pay an amount from a budget (what ``estimate`` computes)."""
    from intertex_cli.engine.amounts import estimate as _estimate

    return _estimate(scheme, Profile({}), budget=1_000_000) is not None


def _unique_rows(m: np.ndarray):
    """Distinct rows, the first row of each, and each row's distinct index."""
    if m.shape[1] == 0:
        return m[:1], np.zeros(1, dtype=np.intp), np.zeros(len(m), dtype=np.intp)
    packed = np.ascontiguousarray(m).view(np.dtype((np.void, m.dtype.itemsize * m.shape[1])))
    _, first, inverse = np.unique(packed.ravel(), return_index=True, return_inverse=True)
    return m[first], first, inverse.reshape(-1)
