"""A company profile as the engine sees it: known answers, ranges, and the keys answered
"je ne sais pas"."""

from __future__ import annotations

import math

from intertex_cli.record import Record

from .vocab import HIRE_COST, HIRE_PROJECT


class Range(Record):
    """A value known to lie between ``lo`` and ``hi``, both inclusive.

    For a number: ``Range(20, 49)`` (``hi`` may be ``math.inf``). For the size class:
    ``Range("micro", "medium")``, in the order of ``vocab.SIZE_CLASSES``.
    """

    __slots__ = ("lo", "hi")

    def __init__(self, lo: object = 0, hi: object = math.inf):
        self.lo = lo
        self.hi = hi

    def as_answer(self) -> dict:
        """The form of an answers file: ``{min: 20, max: 49}`` (an open bound left out)."""
        out = {}
        if isinstance(self.lo, str) or self.lo != 0:
            out["min"] = self.lo
        if isinstance(self.hi, str) or self.hi != math.inf:
            out["max"] = self.hi
        return out or {"min": 0}


class Profile(Record):
    """Known answers, ranges known to hold the value, and keys explicitly unknown.
    Never changed once made (with_value and the wizard make new ones)."""

    __slots__ = ("answers", "skipped", "ranges")

    def __init__(self, answers: dict, skipped: frozenset = frozenset(), ranges=None):
        self.answers = answers
        self.skipped = skipped
        self.ranges: dict = {} if ranges is None else ranges  # key -> Range: the value lies in it

    def open(self, key: str) -> bool:
        """No exact value known: an answer could still decide (even after "je ne sais pas",
        even within a range)."""
        if key in self.answers:
            return False
        if key == "region":  # derived from the département, unless that is unknown
            return "department" in self.skipped
        return True

    def askable(self, key: str) -> bool:
        """Open, not answered "je ne sais pas" nor by a range: the wizard may ask it."""
        return self.open(key) and key not in self.skipped and key not in self.ranges

    def given(self) -> dict:
        """Every answer as given: exact values, and ranges as ``{min, max}`` mappings."""
        out = dict(self.answers)
        for k, r in self.ranges.items():
            out[k] = r.as_answer()
        return out

    def with_value(self, key: str, value) -> Profile:
        """This profile with ``key`` answered exactly (its range and "je ne sais pas" gone)."""
        ranges = {k: r for k, r in self.ranges.items() if k != key}
        return Profile({**self.answers, key: value}, self.skipped - {key}, ranges)


# --------------------------------------------------------------------------- the programme


def hire_counted(p: Profile) -> bool:
    """The export hire's salary cost (``hire_cost_eur``) counts among the programme's
    expenses: the hire is among the company's projects. Projects unknown: it does not."""
    projects = p.answers.get("projects")
    return projects is not None and HIRE_PROJECT in projects


def budget_nil(p: Profile) -> bool:
    """The hire is the company's only project and no project budget is given (neither a
    value nor a range): the programme has no other expense, the budget counts as 0."""
    projects = p.answers.get("projects")
    key = "project_budget_eur"
    return (
        projects is not None
        and set(projects) == {HIRE_PROJECT}
        and key not in p.answers
        and key not in p.ranges
    )


def programme_inputs(p: Profile) -> tuple[str, ...]:
    """The answers the programme's expenses add up, for this profile."""
    keys = () if budget_nil(p) else ("project_budget_eur",)
    return (*keys, HIRE_COST) if hire_counted(p) else keys
