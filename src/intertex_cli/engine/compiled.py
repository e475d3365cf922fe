"""The engine for a whole catalogue at once: rules compiled once, work done once.

``rules.py`` says what a verdict is, scheme by scheme; this module gets the same
verdicts, ``missing`` lists and question scores for thousands of schemes fast
enough to ask the next question at once. Nothing here decides differently: every
domain comes from ``rules.domain``, every test from ``rules.check_domain``, every
"what could still decide this" from ``rules._leaf_missing`` (tests/test_planner.py
compares the results with the engine as it was, on random profiles).

What makes it fast:

- **Once per profile, not per scheme.** An :class:`Env` computes each fact's domain
  once for all the schemes, and each distinct test (fact, operators) once.
- **Once per catalogue.** Every rule is compiled to tuples with ids; identical
  criteria in different schemes share an id; the thresholds and the probe values of
  the planner are computed once.
- **Only what an answer can change.** Each scheme's state (verdict, missing, and
  how many probe values of each question would settle it) is kept,
  keyed by the answers it reads; after an answer, a scheme that does not read it is
  not evaluated again.
- **Thresholds per fact, sorted.** To score a numeric question the planner tries
  every threshold of the catalogue (thousands at national scale) on every open
  scheme. A scheme's own rules change value only at its own thresholds: between
  two of them its verdict is the same, so each stretch of the sorted probe values is
  tried once and counted with ``bisect``. Values within a hair of a threshold (the
  float noise of ``export_turnover / turnover``) are tried one by one. A profile with
  ranges (``{min, max}`` answers, from a file) moves the change points to the ranges'
  bounds: there every value is tried, as before.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from . import geo
from .amounts import potential
from .profile import Profile
from .rules import (
    INELIGIBLE,
    MET,
    SIZE_PROBES,
    SIZE_THRESHOLDS,
    UNDECIDED,
    UNKNOWN,
    UNMET,
    Num,
    _leaf_missing,
    check_domain,
    domain,
    programme_shifted,
)
from .vocab import ANSWER_FACTS, DERIVED_FACTS

PROGRAMME = "programme_expenses_eur"

_REGIONAL = ("department", "region", "former_region")


def fact_inputs(fact: str) -> tuple[str, ...]:
    """The answers (exact values or ranges) a fact's domain, and what is missing for
    it, are computed from (rules.domain, rules._leaf_missing)."""
    if fact in _REGIONAL:
        return ("department", "region")
    if fact == "size_class":
        return (
            "headcount",
            "turnover_eur",
            "balance_sheet_total_eur",
            "independent",
            "export_turnover_eur",  # the lowest turnover when the turnover is unknown
            "size_class",  # a size class given directly narrows the figures' classes
        )
    if fact in ("export_share", "turnover_eur", "export_turnover_eur"):
        return ("turnover_eur", "export_turnover_eur")
    if fact in ("headcount", "independent"):  # an SME size class given bounds them
        return (fact, "size_class")
    if fact == "programme_expenses_eur":  # the projects say whether the hire counts
        return ("project_budget_eur", "hire_cost_eur", "projects")
    return (fact,)


_KEYS: dict = {}


def _keys_of(facts: frozenset) -> frozenset:
    """The answers that can change tests on these facts."""
    got = _KEYS.get(facts)
    if got is None:
        got = _KEYS[facts] = frozenset(k for f in facts for k in fact_inputs(f))
    return got


_ALL_FACTS = (*ANSWER_FACTS, *DERIVED_FACTS)
AFFECTS: dict[str, frozenset] = {
    key: frozenset(f for f in _ALL_FACTS if key in fact_inputs(f)) for key in ANSWER_FACTS
}
NUMERIC = frozenset(k for k, f in ANSWER_FACTS.items() if f.kind in ("int", "number"))
_ABSENT = object()

# compiled nodes: (LEAF, leaf id) | (ALL, (nodes…)) | (ANY, (nodes…)) | (NOT, node)
LEAF, ALL, ANY, NOT = 0, 1, 2, 3


def _and(outcomes) -> str:
    res = MET
    for o in outcomes:
        if o == UNMET:
            return UNMET
        if o != MET:
            res = UNKNOWN
    return res


# --------------------------------------------------------------------------- profiles


class Env:
    """One profile's domains and test outcomes, each computed once."""

    __slots__ = ("p", "doms", "outs", "miss", "cat")

    def __init__(self, p: Profile, cat: Compiled, doms: dict | None = None):
        self.p = p
        self.cat = cat
        self.doms = doms if doms is not None else {}
        self.outs: dict = {}
        self.miss: dict = {}

    def dom(self, fact: str):
        d = self.doms.get(fact)
        if d is None:
            d = self.doms[fact] = domain(fact, self.p)
        return d

    def leaf(self, lid: int) -> str:
        o = self.outs.get(lid)
        if o is None:
            fact, ops, _ = self.cat.leaves[lid]
            d = self.dom(fact)
            if len(ops) == 1:
                o = check_domain(ops[0][0], ops[0][1], d)
            else:
                o = _and(check_domain(op, arg, d) for op, arg in ops)
            self.outs[lid] = o
        return o

    def out(self, node) -> str:
        kind = node[0]
        if kind == LEAF:
            return self.leaf(node[1])
        if kind == ALL:
            res = MET
            for n in node[1]:
                o = self.out(n)
                if o == UNMET:
                    return UNMET
                if o != MET:
                    res = UNKNOWN
            return res
        if kind == ANY:
            res = UNMET
            for n in node[1]:
                o = self.out(n)
                if o == MET:
                    return MET
                if o != UNMET:
                    res = UNKNOWN
            return res
        o = self.out(node[1])
        return UNMET if o == MET else MET if o == UNMET else UNKNOWN

    def missing(self, node) -> list:
        """What could still decide an unknown node (as rules.evaluate_node says)."""
        kind = node[0]
        if kind == LEAF:
            lid = node[1]
            m = self.miss.get(lid)
            if m is None:
                m = self.miss[lid] = tuple(_leaf_missing(self.cat.leaves[lid][2], self.p))
            return list(m)
        if kind == NOT:
            return self.missing(node[1])
        out: list = []
        for n in node[1]:
            if self.out(n) == UNKNOWN:
                out.extend(m for m in self.missing(n) if m not in out)
        return out

    def child(self, key: str, value) -> Env:
        """The same profile with ``key`` answered ``value`` (as planner._with tries it)."""
        q = self.p.with_value(key, value)
        if key == "department":
            q.answers["region"] = geo.region_of(value)
        affected = AFFECTS[key]
        doms = {f: d for f, d in self.doms.items() if f not in affected}
        return Env(q, self.cat, doms)


# --------------------------------------------------------------------------- schemes


class State:
    """What the planner needs of one scheme under one profile."""

    __slots__ = ("verdict", "missing", "outs", "decided")

    def __init__(self, verdict, missing, outs):
        self.verdict = verdict
        self.missing = missing
        self.outs = outs  # each criterion's outcome
        self.decided: dict = {}  # (key, probes id) -> how many probe values settle it


class CompiledScheme:
    __slots__ = ("scheme", "crits", "crit_keys", "inputs", "regional", "potential", "memo", "_k")

    def __init__(self, scheme, crits, crit_facts, potential_):
        self.scheme = scheme
        self.crits = crits  # (node, structure id) per criterion
        self.crit_keys = tuple(_keys_of(fs) for fs in crit_facts)  # answers each one reads
        facts = set().union(*crit_facts) if crit_facts else set()
        keys: list = []
        for f in sorted(facts):
            keys.extend(k for k in fact_inputs(f) if k not in keys)
        self.inputs = tuple(keys)
        self.regional = bool(facts & set(_REGIONAL))
        self.potential = potential_
        self.memo: dict = {}
        self._k: dict = {}

    def projection(self, p: Profile) -> tuple:
        """What this scheme's state depends on: the answers and ranges it reads."""
        a, r = p.answers, p.ranges
        out = [
            (v, v.__class__) if (v := a.get(k, _ABSENT)) is not _ABSENT else None
            for k in self.inputs
        ]
        if r:
            out.extend(r.get(k) for k in self.inputs)
        if self.regional:
            out.append("department" in p.skipped)
        return tuple(out)

    def criteria_of(self, key: str) -> tuple[tuple, tuple]:
        """The criteria an answer to ``key`` can change, and their structures' ids."""
        got = self._k.get(key)
        if got is None:
            ks = tuple(i for i, keys in enumerate(self.crit_keys) if key in keys)
            got = self._k[key] = (ks, tuple(self.crits[j][1] for j in ks))
        return got


class _Rules:
    """The rules compiled in this process: tests (leaves) and structures with ids
    shared by every catalogue, and each scheme's compiled criteria. The planner works
    on a part of the catalogue (the schemes serving the company's projects), a new
    part after each answer to the projects: its schemes are compiled once, whatever
    part they are in (wizard.prepare compiles them all while the first question is
    on the screen)."""

    LIMIT = 50_000  # schemes kept (tests load thousands of small catalogues)

    def __init__(self) -> None:
        self.leaves: list = []  # (fact, ops, the original leaf)
        self.leaf_ids: dict = {}
        self.leaf_consts: list = []  # per leaf: (fact, its numeric thresholds)
        self.struct_ids: dict = {}
        self.schemes: dict = {}  # id(scheme) -> (scheme, CompiledScheme, thresholds)

    def scheme(self, scheme) -> tuple:
        """(CompiledScheme, {fact: thresholds}) of a scheme, compiled once."""
        got = self.schemes.get(id(scheme))
        if got is None or got[0] is not scheme:
            crits, facts, th = [], [], {}
            for c in scheme.criteria:
                node, struct, fs = self._node(c.rule, th)
                crits.append((node, self.struct_ids.setdefault(struct, len(self.struct_ids))))
                facts.append(frozenset(fs))
            for c in scheme.conditions:
                if c.applies_if is not None:
                    self._node(c.applies_if, th)  # its thresholds are probes too
            cs = CompiledScheme(scheme, tuple(crits), tuple(facts), potential(scheme))
            got = self.schemes[id(scheme)] = (scheme, cs, th)
        return got[1], got[2]

    def _node(self, node, th: dict):
        kind = node.kind
        if kind in ("all", "any"):
            parts = [self._node(n, th) for n in getattr(node, kind)]
            tag = ALL if kind == "all" else ANY
            return (
                (tag, tuple(x[0] for x in parts)),
                (tag, tuple(x[1] for x in parts)),
                set().union(*(x[2] for x in parts)),
            )
        if kind == "not":
            inner = self._node(node.not_, th)
            return (NOT, inner[0]), (NOT, inner[1]), inner[2]
        ops = tuple((op, tuple(a) if isinstance(a, list) else a) for op, a in node.ops())
        key = (node.fact, _typed(ops))
        lid = self.leaf_ids.get(key)
        if lid is None:
            lid = self.leaf_ids[key] = len(self.leaves)
            self.leaves.append((node.fact, tuple(node.ops()), node))
            consts = [
                x
                for _, a in ops
                for x in (a if isinstance(a, tuple) else (a,))
                if isinstance(x, (int, float)) and not isinstance(x, bool)
            ]
            self.leaf_consts.append((node.fact, consts))
        fact, consts = self.leaf_consts[lid]
        if consts:
            th.setdefault(fact, set()).update(consts)
        return (LEAF, lid), (LEAF, lid), {node.fact}


_RULES = _Rules()
_TOKENS = iter(range(1, 1 << 62))


class Compiled:
    """A catalogue's rules, compiled once; states of its schemes, kept."""

    def __init__(self, schemes: tuple):
        global _RULES
        if len(_RULES.schemes) > _Rules.LIMIT:
            _RULES = _Rules()  # catalogues compiled before keep the rules they use
        rules = _RULES
        self.schemes = schemes
        self.leaves = rules.leaves
        self.thresholds: dict[str, set] = {}
        self.items = []
        for s in schemes:
            cs, th = rules.scheme(s)
            self.items.append(cs)
            for fact, xs in th.items():
                self.thresholds.setdefault(fact, set()).update(xs)
        self.token = next(_TOKENS)  # the probes of this catalogue: its thresholds'
        self._probes: dict = {}
        self._breaks: dict = {}

    # ------------------------------------------------------------------ states

    def state(self, i: int, env: Env) -> State:
        cs = self.items[i]
        proj = cs.projection(env.p)
        st = cs.memo.get(proj)
        if st is None:
            if len(cs.memo) > 64:
                cs.memo.clear()
            outs = tuple(env.out(node) for node, _ in cs.crits)
            verdict = _and(outs)
            verdict = {MET: "eligible", UNMET: INELIGIBLE}.get(verdict, UNDECIDED)
            missing: tuple = ()
            if verdict == UNDECIDED:
                ms: list = []
                for (node, _), o in zip(cs.crits, outs):
                    if o == UNKNOWN:
                        ms.extend(m for m in env.missing(node) if m not in ms)
                missing = tuple(ms)
            st = cs.memo[proj] = State(verdict, missing, outs)
        return st

    def states(self, p: Profile) -> tuple[Env, list[State]]:
        env = Env(p, self)
        return env, [self.state(i, env) for i in range(len(self.items))]

    # ------------------------------------------------------------------ probes

    def probes(self, key: str, p: Profile) -> tuple[tuple, list]:
        """(an id, the sorted values the planner tries for ``key``): as planner.probes."""
        spec = ANSWER_FACTS[key]
        a = p.answers
        if key in ("turnover_eur", "export_turnover_eur"):
            pid = (key, a.get("turnover_eur"), a.get("export_turnover_eur"))
        elif key in DERIVED_FACTS[PROGRAMME].inputs:  # the other inputs shift its thresholds
            shifted = programme_shifted(key, p, self.thresholds.get(PROGRAMME, ()))
            pid = (key, tuple(sorted(shifted)))
        else:
            pid = (key,)
        got = self._probes.get(pid)
        if got is None:
            if len(self._probes) > 256:
                self._probes.clear()
            if key == "department":
                values = list(_DEPARTMENT_PROBES)
            elif spec.kind == "bool":
                values = [True, False]
            elif spec.kind == "enum":
                values = list(spec.values)
            else:
                values = _numeric_probes(key, p, self.thresholds)
            got = self._probes[pid] = (pid, values)
        return got

    # ------------------------------------------------------------------ counting

    def decided(self, i: int, st: State, key: str, env: Env, pid, values, cache: dict) -> int:
        """How many of ``values`` for ``key`` settle scheme ``i`` (undecided now)."""
        memo_key = (key, pid, self.token)  # states are shared; probes are this catalogue's
        n = st.decided.get(memo_key)
        if n is not None:
            return n
        cs = self.items[i]
        ks, structs = cs.criteria_of(key)
        if not ks:
            n = 0
        else:
            outs = st.outs
            fixed = MET
            for j, o in enumerate(outs):
                if o != MET and j not in ks:
                    fixed = UNKNOWN  # not UNMET: the scheme is undecided
                    break
            sig = (key, pid, structs)
            counts = cache.get(sig)
            if counts is None:
                nodes = [cs.crits[j][0] for j in ks]
                if key in NUMERIC and not env.p.ranges:
                    counts = self._count_pieces(nodes, key, env, values, cache)
                else:
                    counts = self._count_each(nodes, key, env, values, cache)
                cache[sig] = counts
            unmet, met = counts
            n = unmet + (met if fixed == MET else 0)
        st.decided[memo_key] = n
        return n

    def _g(self, nodes, key, value, env, cache) -> str:
        ck = ("env", key, value, value.__class__)
        child = cache.get(ck)
        if child is None:
            child = cache[ck] = env.child(key, value)
        return _and(child.out(n) for n in nodes)

    def _count_each(self, nodes, key, env, values, cache) -> tuple[int, int]:
        unmet = met = 0
        for v in values:
            g = self._g(nodes, key, v, env, cache)
            if g == UNMET:
                unmet += 1
            elif g == MET:
                met += 1
        return unmet, met

    def _count_pieces(self, nodes, key, env, values, cache) -> tuple[int, int]:
        """Count over sorted numeric ``values``: one try per stretch between thresholds."""
        points: set = set()
        direct = True  # every test the answer changes is on the answer itself
        affected = AFFECTS[key]
        for n in nodes:
            for lid in _leaf_ids(n):
                fact = self.leaves[lid][0]
                if fact in affected:
                    direct = direct and fact == key
                    points.update(self._breakpoints(lid, key, env.p))
        if direct:

            def g(v):
                return _and(self._out_at(n, env, key, Num(v, v)) for n in nodes)

        else:

            def g(v):
                return self._g(nodes, key, v, env, cache)

        n_values = len(values)
        spans: list = []  # [lo, hi) index ranges tried value by value
        for b in sorted(points):
            tol = 1e-6 * max(1.0, abs(b))
            lo, hi = bisect_left(values, b - tol), bisect_right(values, b + tol)
            if lo >= hi:
                continue
            if spans and lo <= spans[-1][1]:
                spans[-1][1] = max(spans[-1][1], hi)
            else:
                spans.append([lo, hi])
        unmet = met = 0
        at = 0
        for lo, hi in spans:
            if at < lo:  # a stretch between thresholds: one value says it for all
                o = g(values[at])
                if o == UNMET:
                    unmet += lo - at
                elif o == MET:
                    met += lo - at
            for j in range(lo, hi):
                o = g(values[j])
                if o == UNMET:
                    unmet += 1
                elif o == MET:
                    met += 1
            at = hi
        if at < n_values:
            o = g(values[at])
            if o == UNMET:
                unmet += n_values - at
            elif o == MET:
                met += n_values - at
        return unmet, met

    def _out_at(self, node, env: Env, key: str, point) -> str:
        """A node's outcome with ``key`` answered: its tests on ``key`` see ``point``."""
        kind = node[0]
        if kind == LEAF:
            fact, ops, _ = self.leaves[node[1]]
            if fact != key:
                return env.leaf(node[1])
            if len(ops) == 1:
                return check_domain(ops[0][0], ops[0][1], point)
            return _and(check_domain(op, arg, point) for op, arg in ops)
        if kind == NOT:
            o = self._out_at(node[1], env, key, point)
            return UNMET if o == MET else MET if o == UNMET else UNKNOWN
        outs = [self._out_at(n, env, key, point) for n in node[1]]
        if kind == ALL:
            return _and(outs)
        return MET if MET in outs else UNMET if all(o == UNMET for o in outs) else UNKNOWN

    def _breakpoints(self, lid: int, key: str, p: Profile) -> tuple:
        """Values of ``key`` where the outcome of leaf ``lid`` may change."""
        fact, ops, _ = self.leaves[lid]
        if fact not in AFFECTS[key]:
            return ()
        a = p.answers
        bk = (lid, key, a.get("turnover_eur"), a.get("export_turnover_eur"))
        got = self._breaks.get(bk)
        if got is not None:
            return got
        consts = [
            x
            for _, arg in ops
            for x in (arg if isinstance(arg, (list, tuple)) else [arg])
            if isinstance(x, (int, float)) and not isinstance(x, bool)
        ]
        if fact == PROGRAMME:  # the thresholds less what the other inputs add
            return (0, *programme_shifted(key, p, consts))
        out: set = {0}
        if fact == "size_class":
            i = {
                "headcount": 1,
                "turnover_eur": 2,
                "export_turnover_eur": 2,
                "balance_sheet_total_eur": 3,
            }.get(key)
            if i is not None:
                out.update(row[i] for row in SIZE_THRESHOLDS)
        elif fact == "export_share":
            t, e = a.get("turnover_eur"), a.get("export_turnover_eur")
            if key == "export_turnover_eur" and t is not None:
                out.update(s * t for s in consts)
            if key == "turnover_eur" and e is not None:
                out.update(e / s for s in consts if s > 0)
        else:  # the fact itself, or the other amount of the pair (export ≤ turnover)
            out.update(consts)
        got = self._breaks[bk] = tuple(out)
        if len(self._breaks) > 100_000:
            self._breaks.clear()
        return got


def _typed(ops: tuple) -> tuple:
    """Operators with their arguments' types: 1 and True and 1.0 are different tests."""
    return tuple(
        (op, a, a.__class__ if not isinstance(a, tuple) else tuple(x.__class__ for x in a))
        for op, a in ops
    )


def _leaf_ids(node):
    if node[0] == LEAF:
        yield node[1]
    elif node[0] == NOT:
        yield from _leaf_ids(node[1])
    else:
        for n in node[1]:
            yield from _leaf_ids(n)


_DEPARTMENT_PROBES = tuple(
    sorted({f: d for d, (_, f) in sorted(geo.DEPARTMENTS.items(), reverse=True)}.values())
)


def _numeric_probes(key: str, p: Profile, th: dict) -> list:
    """planner.probes for a numeric key, from the catalogue's thresholds."""
    spec = ANSWER_FACTS[key]
    consts = set(th.get(key, ()))
    if key in SIZE_PROBES:
        consts |= set(SIZE_PROBES[key])
    t, e = p.answers.get("turnover_eur"), p.answers.get("export_turnover_eur")
    shares = th.get("export_share", set())
    if key in DERIVED_FACTS[PROGRAMME].inputs:
        consts |= programme_shifted(key, p, th.get(PROGRAMME, ()))
    if key == "export_turnover_eur":
        consts |= th.get("turnover_eur", set())
        if t:
            consts |= {s * t for s in shares}
    if key == "turnover_eur":
        consts |= th.get("export_turnover_eur", set())
        if e:
            consts |= {e / s for s in shares if s > 0}
    values = {0.0, 1e12}
    for c in consts:
        values |= {c - 1, c, c + 1}
    if key == "export_turnover_eur" and t is not None:
        values = {v for v in values if v <= t} | {t}
    if key == "turnover_eur" and e is not None:
        values = {v for v in values if v >= e} | {e}
    if spec.kind == "int":
        values = {int(v) for v in values if v == int(v) or v > 1e11}
    return sorted(v for v in values if v >= 0)


# --------------------------------------------------------------------------- the catalogue's


_COMPILED: list = []  # a few recent catalogues: (schemes, Compiled)


def compiled(schemes) -> Compiled:
    """The compiled form of these schemes (kept for the next call with the same ones)."""
    schemes = tuple(schemes)
    for i, (known, comp) in enumerate(_COMPILED):
        if len(known) == len(schemes) and all(a is b for a, b in zip(known, schemes)):
            if i:
                _COMPILED.insert(0, _COMPILED.pop(i))
            return comp
    comp = Compiled(schemes)
    _COMPILED.insert(0, (schemes, comp))
    del _COMPILED[4:]
    return comp
