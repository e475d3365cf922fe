"""The adaptive questionnaire: which question to ask next, and when to stop.

After each answer everything is evaluated again. A question is worth asking only if
its answer can still decide a verdict or change an amount; among those, the one
that can decide the most undecided schemes (weighted by what they may pay) comes
first. Publicodes scores missing inputs by how often they are missing; here each
candidate answer is *tried*: every plausible value of it (the thresholds that the
catalogue's criteria use) is put into the profile and the schemes it would settle
are counted.
"""

from __future__ import annotations

from . import geo
from .amounts import estimate
from .compiled import compiled
from .rules import INELIGIBLE, UNDECIDED, Profile
from .vocab import ANSWER_FACTS, NATURAL_ORDER, asked_first

AMOUNT_KEYS = ("project_budget_eur", "equity_eur")


def _on_budget(scheme) -> bool:
    c = scheme.funding.cover
    return c is not None and bool(c.on_budget)


def probes(key: str, p: Profile, schemes: tuple) -> list:
    """Plausible answers to try for ``key``: every threshold that a criterion compares
    it with (and its neighbours), the size classes' bounds, one département per former
    region, both booleans, every value of a choice."""
    return list(compiled(schemes).probes(key, p)[1])


def _with(p: Profile, key: str, value) -> Profile:
    q = p.with_value(key, value)
    if key == "department":
        q.answers["region"] = geo.region_of(value)
    return q


class _Round:
    """One profile, every scheme's state: what next_question weighs."""

    def __init__(self, schemes, p: Profile):
        self.cat = compiled(schemes)
        self.p = p
        self.env, self.states = self.cat.states(p)
        self._estimates: dict = {}

    def estimate(self, i: int):
        """The scheme's estimate (None if ineligible), as evaluate_scheme gives it."""
        if i not in self._estimates:
            st = self.states[i]
            scheme = self.cat.items[i].scheme
            self._estimates[i] = estimate(scheme, self.p) if st.verdict != INELIGIBLE else None
        return self._estimates[i]

    def candidates(self) -> list[str]:
        """Keys whose answer could still change a verdict or an amount."""
        p = self.p
        keys: list[str] = []
        seen: set = set()
        for st in self.states:
            if st.verdict == UNDECIDED:
                for k in st.missing:
                    if k not in seen:
                        seen.add(k)
                        keys.append(k)
        for k in AMOUNT_KEYS:
            if k not in seen and p.askable(k) and self._amount_relevant(k):
                keys.append(k)
        return [k for k in keys if p.askable(k)]

    def _live(self):
        for i, st in enumerate(self.states):
            if st.verdict != INELIGIBLE and self.cat.items[i].potential > 0:
                yield i

    def _covers_budget(self):
        """The schemes still possible whose cover is computed on the budget (an
        insurance of the prospection budget: its indemnity and premium depend on it)."""
        for i, st in enumerate(self.states):
            if st.verdict != INELIGIBLE and _on_budget(self.cat.items[i].scheme):
                yield i

    def _amount_relevant(self, key: str) -> bool:
        if key == "project_budget_eur":
            return any(True for _ in self._live()) or any(True for _ in self._covers_budget())
        # equity caps an amount only once the amount is known
        for i in self._live():
            if self.cat.items[i].scheme.funding.equity_cap:
                est = self.estimate(i)
                if est and est["amount_eur"] > 0:
                    return True
        return False

    def score(self, key: str, cache: dict) -> float:
        """How much answering ``key`` can settle: undecided schemes and their euros."""
        cat, states = self.cat, self.states
        total = 0.0
        pid, values = cat.probes(key, self.p)
        n = len(values)
        if values:
            for i, st in enumerate(states):
                if st.verdict == UNDECIDED and key in st.missing:
                    decided = cat.decided(i, st, key, self.env, pid, values, cache)
                    total += (decided / n) * (1 + cat.items[i].potential / 1e6)
        if key in AMOUNT_KEYS:
            for i, st in enumerate(states):
                if st.verdict == INELIGIBLE:
                    continue
                item = cat.items[i]
                if key == "project_budget_eur" and item.potential > 0:
                    total += item.potential / 1e6
                elif key == "project_budget_eur" and _on_budget(item.scheme):
                    total += 1e-6  # an amount to tell, not an aid to rank by
                elif key == "equity_eur" and item.scheme.funding.equity_cap:
                    est = self.estimate(i)
                    if est:
                        total += est["amount_eur"] / 1e6
        return total


def next_question(schemes, p: Profile, results=None) -> str | None:
    """The question to ask next, or None when nothing more can be decided.

    With nothing answered yet ("je ne sais pas" to the projects aside: no rule reads
    them) the first question of a cached catalogue, or of its current schemes, was
    computed when the cache was written (catalog/cache.py): 0.15 s at 5,000 schemes.
    A question about a part of another answer comes after it (vocab.ASKED_AFTER).
    """
    schemes = tuple(schemes)
    if schemes and not p.answers and not p.ranges and not (p.skipped & _READ):
        first = getattr(getattr(schemes[0], "_source", None), "first_question", None)
        if first is not None:
            found, key = first(schemes)
            if found:
                return asked_first(key, p)
    return asked_first(compute_next_question(schemes, p, results), p)


_READ = frozenset((*ANSWER_FACTS, "size_class"))  # what a rule or an amount reads


def compute_next_question(schemes, p: Profile, results=None) -> str | None:
    """next_question, computed.

    Each candidate answer is tried: every plausible value of it (``probes``) is put
    into the profile and the schemes it would settle are counted, weighted by what
    they may pay; the key that settles the most comes first. ``results`` (the
    profile's evaluation, once needed here) is not: compiled.py keeps every scheme's
    state from one question to the next and evaluates only what an answer changed.
    """
    r = _Round(schemes, p)
    keys = r.candidates()
    if not keys:
        return None
    cache: dict = {}
    scored = [(r.score(k, cache), -NATURAL_ORDER.index(k), k) for k in keys]
    best = max(scored)
    if best[0] > 0:
        return best[2]
    # no single answer settles anything alone: ask what most schemes still lack
    counts = {k: sum(1 for st in r.states if k in st.missing) for k in keys}
    return max(keys, key=lambda k: (counts[k], -NATURAL_ORDER.index(k)))


def progress(schemes, p: Profile) -> tuple[int, int]:
    """(decided, undecided) schemes for this profile: what the wizard shows."""
    _, states = compiled(schemes).states(p)
    open_ = sum(1 for st in states if st.verdict == UNDECIDED)
    return len(states) - open_, open_


def answer_from(full: Profile, key: str, p: Profile) -> Profile:
    """Answer ``key`` as ``full`` does: its value, or "je ne sais pas"."""
    if key in full.answers:
        return _with(p, key, full.answers[key])
    if key in full.ranges:
        return Profile(p.answers, p.skipped, {**p.ranges, key: full.ranges[key]})
    return Profile(p.answers, p.skipped | {key}, p.ranges)


def plan(schemes, full: Profile) -> list[str]:
    """The questions the wizard would ask, in order, if answered as ``full``."""
    schemes = tuple(schemes)
    # what the wizard is never asked but takes from the file: a size class given directly;
    # and the projects, asked before the planner's questions (the hire's cost reads them)
    p = Profile({}, frozenset(), {k: r for k, r in full.ranges.items() if k == "size_class"})
    for key in ("size_class", "projects"):
        if key in full.answers:
            p.answers[key] = full.answers[key]
    asked: list[str] = []
    while True:
        key = next_question(schemes, p)
        if key is None:
            return asked
        asked.append(key)
        p = answer_from(full, key, p)
