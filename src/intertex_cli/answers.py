"""Answers: validation of a company profile from a file or the wizard (contract §2)."""

from __future__ import annotations

import difflib
import math

from .engine import geo
from .engine.profile import Range
from .engine.rules import Profile
from .engine.vocab import ANSWER_FACTS, PROJECT_IDS, SIZE_CLASSES
from .errors import AnswersError, Problem

# Keys accepted beside the questions' keys: the size class, when the figures are unknown.
EXTRA_KEYS = ("size_class",)
NUMBER_KEYS = tuple(k for k, f in ANSWER_FACTS.items() if f.kind in ("int", "number"))
# Keys that no rule reads: what the company wants to do, and its name for reports.
OTHER_KEYS = ("projects", "company_name")
KNOWN_KEYS = (*ANSWER_FACTS, *EXTRA_KEYS, *OTHER_KEYS)

# An answer that means "je ne sais pas": the key stays unknown, and is not asked again.
UNKNOWN_WORDS = {"unknown", "?", "je ne sais pas", "ne sais pas", "nsp", "skip", "inconnu"}


def _is_unknown(v: object) -> bool:
    if isinstance(v, list) and not v:  # projects: [] names none: unknown
        return True
    return v is None or (isinstance(v, str) and v.strip().lower() in UNKNOWN_WORDS)


def check_value(key: str, value: object) -> tuple[object, str | None]:
    """Return (the value in canonical form, None) or (None, why it is invalid)."""
    if key == "projects":
        return _check_projects(value)
    if key == "company_name":
        if not isinstance(value, str) or not value.strip():
            return None, "expected the company's name as text"
        return " ".join(value.split())[:200], None
    spec = ANSWER_FACTS[key]
    if key == "department":
        code = geo.normalize_department(value)
        if code is None:
            return None, f'{value!r} is not a French département code ("31", "09", "2A", "971")'
        return code, None
    if spec.kind == "bool":
        if not isinstance(value, bool):
            return None, f"expected true or false, got {value!r}"
        return value, None
    if spec.kind in ("int", "number"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None, f"expected a plain number, got {value!r}"
        if isinstance(value, float) and not math.isfinite(value):
            return None, f"expected a finite number, got {value!r}"
        if value < 0:
            return None, f"must be ≥ 0, got {value!r}"
        if spec.kind == "int":
            if value != int(value):
                return None, f"expected a whole number, got {value!r}"
            value = int(value)
        elif float(value).is_integer():
            value = int(value)
        return value, None
    if value not in spec.values:
        close = difflib.get_close_matches(str(value), spec.values, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        shown = ", ".join(spec.values)
        return None, f"{value!r} is not one of: {shown}{hint}"
    return value, None


def _check_projects(value: object) -> tuple[object, str | None]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
        return None, f"expected a list of project ids ({', '.join(PROJECT_IDS)})"
    out = []
    for x in items:
        x = x.strip().lower()
        if x not in PROJECT_IDS:
            close = difflib.get_close_matches(x, PROJECT_IDS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            return None, f"{x!r} is not a project id; known: {', '.join(PROJECT_IDS)}{hint}"
        if x not in out:
            out.append(x)
    return tuple(out), None


def check_range(key: str, value: dict) -> tuple[object, str | None]:
    """``{min: 20, max: 49}`` for a number key (or the size class): (Range or the exact
    value when both bounds are equal, None) or (None, why it is invalid)."""
    extra = sorted(str(k) for k in value if k not in ("min", "max"))
    if extra:
        return None, f"a range has only min and max, not {', '.join(extra)}"
    lo, hi = value.get("min"), value.get("max")
    if lo is None and hi is None:
        return None, "a range needs min, max or both"
    bounds = []
    for bound in (lo, hi):
        if bound is None:
            bounds.append(None)
            continue
        canon, why = check_size(bound) if key == "size_class" else check_value(key, bound)
        if why:
            return None, why
        bounds.append(canon)
    lo, hi = bounds
    if key == "size_class":
        lo, hi = lo or SIZE_CLASSES[0], hi or SIZE_CLASSES[-1]
        if SIZE_CLASSES.index(lo) > SIZE_CLASSES.index(hi):
            return None, f"min ({lo}) is above max ({hi}); the order is {', '.join(SIZE_CLASSES)}"
    else:
        lo = 0 if lo is None else lo
        hi = math.inf if hi is None else hi
        if lo > hi:
            return None, f"min ({lo}) is more than max ({hi})"
    return (lo if lo == hi else Range(lo, hi)), None


def check_size(value: object) -> tuple[object, str | None]:
    if value not in SIZE_CLASSES:
        close = difflib.get_close_matches(str(value), SIZE_CLASSES, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return None, f"{value!r} is not one of: {', '.join(SIZE_CLASSES)}{hint}"
    return value, None


def _lo(key: str, answers: dict, ranges: dict):
    if key in answers:
        return answers[key]
    return ranges[key].lo if key in ranges else None


def _hi(key: str, answers: dict, ranges: dict):
    if key in answers:
        return answers[key]
    return ranges[key].hi if key in ranges else None


def _shown(key: str, answers: dict, ranges: dict) -> str:
    if key in answers:
        v = answers[key]
        return str(v).lower() if isinstance(v, bool) else str(v)
    r = ranges[key]
    if r.hi == math.inf:
        return f"≥ {r.lo}"
    return f"≤ {r.hi}" if r.lo == 0 else f"{r.lo}-{r.hi}"


def cross_problems(answers: dict, ranges: dict | None = None) -> list[tuple[str, str]]:
    """Contradictions between answers: (key, message)."""
    ranges = ranges or {}
    out = []
    e = _lo("export_turnover_eur", answers, ranges)
    t = _hi("turnover_eur", answers, ranges)
    if e is not None and t is not None and e > t:
        shown_e = _shown("export_turnover_eur", answers, ranges)
        shown_t = _shown("turnover_eur", answers, ranges)
        out.append(
            (
                "export_turnover_eur",
                f"export turnover ({shown_e}) is more than turnover ({shown_t})",
            )
        )
    if "size_class" in answers or "size_class" in ranges:
        from .engine.rules import figures_size_domain, given_size

        p = Profile(answers, frozenset(), ranges)
        figures = figures_size_domain(p)
        if not figures & given_size(p):
            used = [
                f"{k} {_shown(k, answers, ranges)}"
                for k in ("headcount", "turnover_eur", "balance_sheet_total_eur", "independent")
                if k in answers or k in ranges
            ]
            allowed = ", ".join(c for c in SIZE_CLASSES if c in figures)
            given = (
                answers["size_class"]
                if "size_class" in answers
                else f"{{min: {ranges['size_class'].lo}, max: {ranges['size_class'].hi}}}"
            )
            out.append(
                (
                    "size_class",
                    f"size_class {given} contradicts the figures ({', '.join(used)}: {allowed})",
                )
            )
    dep, reg = answers.get("department"), answers.get("region")
    if dep is not None and reg is not None and geo.region_of(dep) != reg:
        out.append(("region", f"département {dep} is in {geo.region_of(dep)}, not {reg}"))
    return out


def parse(
    data: object, file: str = "<answers>", lines: dict | None = None
) -> tuple[Profile, list[str]]:
    """Validate an answers mapping. Returns the profile and warnings; raises AnswersError."""
    lines = lines or {}
    problems: list[Problem] = []
    warnings: list[str] = []
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise AnswersError(
            f"invalid answers file: {file}",
            [Problem(file, "expected a mapping of keys to answers (key: value)", 1)],
        )
    answers: dict = {}
    ranges: dict = {}
    skipped: set[str] = set()
    for key, value in data.items():
        line = lines.get((key,))
        if key not in KNOWN_KEYS:
            close = difflib.get_close_matches(str(key), KNOWN_KEYS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            warnings.append(
                f"{file}{':' + str(line) if line else ''}: unknown key {key!r} ignored{hint}"
            )
            continue
        if _is_unknown(value):
            skipped.add(key)
            continue
        if isinstance(value, dict) and (key in NUMBER_KEYS or key == "size_class"):
            canon, why = check_range(key, value)
        elif key == "size_class":
            canon, why = check_size(value)
        else:
            canon, why = check_value(key, value)
        if why:
            problems.append(Problem(file, why, line, key))
        elif isinstance(canon, Range):
            ranges[key] = canon
        else:
            answers[key] = canon
    for key, why in cross_problems(answers, ranges):
        problems.append(Problem(file, why, lines.get((key,)), key))
    if problems:
        raise AnswersError(f"invalid answers file: {file}", problems)
    if "department" in answers and "region" not in answers:
        answers["region"] = geo.region_of(answers["department"])
        skipped.discard("region")
    return Profile(answers, frozenset(skipped), ranges), warnings


def read_file(path: str) -> tuple[Profile, list[str]]:
    """Read an answers file (YAML or JSON)."""
    import json
    from pathlib import Path

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AnswersError(f"answers file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as e:
        raise AnswersError(f"cannot read answers file {path}: {e}") from None
    if p.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise AnswersError(
                f"invalid answers file: {path}", [Problem(path, f"invalid JSON: {e.msg}", e.lineno)]
            ) from None
        return parse(data, path)
    from .catalog.yamlio import load_text

    located, problems = load_text(text, path)
    if problems:
        raise AnswersError(f"invalid answers file: {path}", problems)
    return parse(located.data, path, located.lines)


def to_file_data(p: Profile) -> dict:
    """The answers as written by --save: known values, ranges as ``{min, max}`` mappings,
    and null for "je ne sais pas"."""
    out = {}
    for k in KNOWN_KEYS:
        if k in p.answers:
            out[k] = p.answers[k]
        elif k in p.ranges:
            out[k] = p.ranges[k].as_answer()
    if "projects" in out:
        out["projects"] = list(out["projects"])
    if "department" in out:
        out.pop("region", None)  # derived
    for k in KNOWN_KEYS:
        if k in p.skipped and k not in out:
            out[k] = None
    return out
