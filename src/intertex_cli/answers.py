"""Answers: a company profile read from a file or the wizard, checked, and saved back.

Reading (contract §2): a regular file of at most 1 MB, YAML (YAML 1.2 scalars, no
anchors) or JSON (duplicate keys refused, every problem with its line). Text is
cleaned of terminal control characters as it is read, and values are shown back in
the person's words. Contradictions between answers name both keys.

Saving (``save``): the format of the extension (``.json`` writes JSON, anything else
YAML), written atomically; an existing answers file keeps its comments, its layout
and the keys intertex does not own, only the lines of the answers change.
"""

from __future__ import annotations

import difflib
import math
import re
from pathlib import Path

from .engine import geo
from .engine.profile import Range
from .engine.rules import Profile
from .engine.vocab import ANSWER_FACTS, PROJECT_IDS, SIZE_CLASSES
from .errors import AnswersError, Problem
from .record import Record
from .text.sanitize import clean_data, shown, shown_path

MAX_BYTES = 1_000_000  # an answers file is a few lines; over 1 MB it is something else

# Keys accepted beside the questions' keys: the size class, when the figures are unknown.
EXTRA_KEYS = ("size_class",)
NUMBER_KEYS = tuple(k for k, f in ANSWER_FACTS.items() if f.kind in ("int", "number"))
# Keys that no rule reads: what the company wants to do, and its name for reports.
OTHER_KEYS = ("projects", "company_name")
KNOWN_KEYS = (*ANSWER_FACTS, *EXTRA_KEYS, *OTHER_KEYS)

# An answer that means "je ne sais pas": the key stays unknown, and is not asked again.
UNKNOWN_WORDS = {"unknown", "?", "je ne sais pas", "ne sais pas", "nsp", "skip", "inconnu"}

# What an answers file may write for a yes/no answer (any case).
TRUE_WORDS = {"true", "yes", "oui", "vrai", "1"}
FALSE_WORDS = {"false", "no", "non", "faux", "0"}


def _is_unknown(v: object, key: str | None = None) -> bool:
    if isinstance(v, list) and not v and key == "projects":  # names none: unknown
        return True
    return v is None or (isinstance(v, str) and v.strip().lower() in UNKNOWN_WORDS)


def _leading_zero(v: object) -> bool:
    return isinstance(v, str) and re.fullmatch(r"[+-]?0[0-9a-zA-Z_]+", v.strip()) is not None


def check_value(key: str, value: object) -> tuple[object, str | None]:
    """Return (the value in canonical form, None) or (None, why it is invalid)."""
    if key == "projects":
        return _check_projects(value)
    if key == "company_name":
        if not isinstance(value, str) or not value.strip():
            return None, f"expected the company's name as text, got {shown(value)}"
        return " ".join(value.split())[:200], None
    spec = ANSWER_FACTS[key]
    if key == "department":
        code = geo.normalize_department(value)
        if code is None:
            hint = ""
            if isinstance(value, str) and value.strip().startswith("0"):
                close = geo.normalize_department(value.strip().lstrip("0"))
                if close:
                    hint = f'; did you mean "{close}"?'
            return None, (
                f'{shown(value)} is not a French département code ("31", "09", "2A", "971"){hint}'
            )
        return code, None
    if spec.kind == "bool":
        if isinstance(value, bool):
            return value, None
        word = str(value).strip().lower() if isinstance(value, (str, int)) else None
        if word in TRUE_WORDS:
            return True, None
        if word in FALSE_WORDS:
            return False, None
        return None, f"expected true or false (oui/non, yes/no), got {shown(value)}"
    if spec.kind in ("int", "number"):
        if _leading_zero(value):
            plain = value.strip().lstrip("+-").lstrip("0") or "0"
            hint = f" ({plain})" if plain.isdecimal() else ""  # 0x10 is not "x10"
            return None, (
                f"{shown(value)}: write the number in decimal without a leading zero"
                f"{hint}, not as octal or hexadecimal"
            )
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None, f"expected a plain number, got {shown(value)}"
        if isinstance(value, float) and not math.isfinite(value):
            return None, f"expected a finite number, got {shown(value)}"
        if value < 0:
            return None, f"must be ≥ 0, got {shown(value)}"
        if spec.max is not None and value > spec.max:
            return (
                None,
                f"{shown(value)} is not plausible: at most {_plain(spec.max)}{spec.max_why}",
            )
        if spec.kind == "int":
            if value != int(value):
                return None, f"expected a whole number, got {shown(value)}"
            value = int(value)
        elif float(value).is_integer():
            value = int(value)
        return value, None
    if not isinstance(value, str) or value not in spec.values:
        close = difflib.get_close_matches(str(value)[:100], spec.values, n=1)
        hint = f' (did you mean "{close[0]}"?)' if close else ""
        return None, f"{shown(value)} is not one of: {', '.join(spec.values)}{hint}"
    return value, None


def _check_projects(value: object) -> tuple[object, str | None]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
        return (
            None,
            f"expected a list of project ids ({', '.join(PROJECT_IDS)}), got {shown(value)}",
        )
    out = []
    for x in items:
        x = x.strip().lower()
        if x not in PROJECT_IDS:
            close = difflib.get_close_matches(x[:100], PROJECT_IDS, n=1)
            hint = f' (did you mean "{close[0]}"?)' if close else ""
            return None, f"{shown(x)} is not a project id; known: {', '.join(PROJECT_IDS)}{hint}"
        if x not in out:
            out.append(x)
    return tuple(out), None


def check_range(key: str, value: dict) -> tuple[object, str | None]:
    """``{min: 20, max: 49}`` for a number key (or the size class): (Range or the exact
    value when both bounds are equal, None) or (None, why it is invalid)."""
    extra = sorted(str(k) for k in value if k not in ("min", "max"))
    if extra:
        return None, f"a range has only min and max, not {shown(', '.join(extra))}"
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
        close = difflib.get_close_matches(str(value)[:100], SIZE_CLASSES, n=1)
        hint = f' (did you mean "{close[0]}"?)' if close else ""
        return None, f"{shown(value)} is not one of: {', '.join(SIZE_CLASSES)}{hint}"
    return value, None


def _lo(key: str, answers: dict, ranges: dict):
    if key in answers:
        return answers[key]
    return ranges[key].lo if key in ranges else None


def _hi(key: str, answers: dict, ranges: dict):
    if key in answers:
        return answers[key]
    return ranges[key].hi if key in ranges else None


def _shown_answer(key: str, answers: dict, ranges: dict) -> str:
    if key in answers:
        v = answers[key]
        return str(v).lower() if isinstance(v, bool) else str(v)
    r = ranges[key]
    if r.hi == math.inf:
        return f"≥ {r.lo}"
    return f"≤ {r.hi}" if r.lo == 0 else f"{r.lo}-{r.hi}"


def _plain(n: float) -> str:
    return f"{int(n):,}".replace(",", " ")


class Contradiction(Record):
    """Two answers that cannot both be true: the keys (the one to change first) and why."""

    __slots__ = ("keys", "code", "params", "message")

    def __init__(self, keys: tuple[str, ...], code: str, params: dict, message: str):
        self.keys = keys
        self.code = code  # an i18n key for the wizard
        self.params = params
        self.message = message  # English, for files


def contradictions(answers: dict, ranges: dict | None = None) -> list[Contradiction]:
    """What cannot all be true, ranges included (their bounds): each names both keys."""
    ranges = ranges or {}
    out = []
    e = _lo("export_turnover_eur", answers, ranges)
    t = _hi("turnover_eur", answers, ranges)
    if e is not None and t is not None and e > t:
        shown_e = _shown_answer("export_turnover_eur", answers, ranges)
        shown_t = _shown_answer("turnover_eur", answers, ranges)
        out.append(
            Contradiction(
                ("export_turnover_eur", "turnover_eur"),
                "export_gt_turnover",
                {"e": e, "t": t},
                f"export_turnover_eur ({shown_e}) is more than turnover_eur ({shown_t})",
            )
        )
    m = _hi("months_of_activity", answers, ranges)
    c = _lo("closed_fiscal_years", answers, ranges)
    if m is not None and c is not None and m != math.inf and c > max_closed_years(m):
        shown_m = _shown_answer("months_of_activity", answers, ranges)
        shown_c = _shown_answer("closed_fiscal_years", answers, ranges)
        out.append(
            Contradiction(
                ("closed_fiscal_years", "months_of_activity"),
                "closed_gt_months",
                {"c": shown_c, "m": shown_m, "n": max_closed_years(m)},
                f"closed_fiscal_years ({shown_c}) is more than a company can close in "
                f"months_of_activity ({shown_m}) months: at most {max_closed_years(m)} "
                "(one year per 12 months, plus a first short one)",
            )
        )
    if "size_class" in answers or "size_class" in ranges:
        from .engine.rules import figures_size_domain, given_size

        p = Profile(answers, frozenset(), ranges)
        figures = figures_size_domain(p)
        if not figures & given_size(p):
            used = [
                f"{k} {_shown_answer(k, answers, ranges)}"
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
                Contradiction(
                    ("size_class", "headcount"),
                    "size_contradicts",
                    {"given": given, "allowed": allowed},
                    f"size_class {given} contradicts the figures ({', '.join(used)}: {allowed})",
                )
            )
    dep, reg = answers.get("department"), answers.get("region")
    if dep is not None and reg is not None and geo.region_of(dep) != reg:
        out.append(
            Contradiction(
                ("region", "department"),
                "region_of_department",
                {"d": dep, "r": geo.region_of(dep)},
                f"département {dep} is in {geo.region_of(dep)}, not {reg}",
            )
        )
    return out


def max_closed_years(months: int) -> int:
    """The most fiscal years a company can have closed after ``months`` of activity:
    one per 12 months, plus a first year that may be short."""
    return months // 12 + 1


def _num(x) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def cross_problems(answers: dict, ranges: dict | None = None) -> list[tuple[str, str]]:
    """Contradictions between answers as (first key, message naming both keys)."""
    return [(c.keys[0], c.message) for c in contradictions(answers, ranges)]


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
    data = clean_data(data)
    answers: dict = {}
    ranges: dict = {}
    skipped: set[str] = set()
    for key, value in data.items():
        line = lines.get((key,))
        if key not in KNOWN_KEYS:
            close = (
                difflib.get_close_matches(key[:100], KNOWN_KEYS, n=1)
                if isinstance(key, str)
                else []
            )
            hint = f'; did you mean "{close[0]}"?' if close else ""
            warnings.append(
                f"{file}{':' + str(line) if line else ''}: unknown key {shown(key)} ignored{hint}"
            )
            continue
        if _is_unknown(value, key):
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
    for c in contradictions(answers, ranges):
        problems.append(Problem(file, c.message, lines.get((c.keys[0],)), c.keys[0]))
    if problems:
        raise AnswersError(f"invalid answers file: {file}", problems)
    if "department" in answers and "region" not in answers:
        answers["region"] = geo.region_of(answers["department"])
        skipped.discard("region")
    return Profile(answers, frozenset(skipped), ranges), warnings


# --------------------------------------------------------------------------- reading


def _read_text(path: str, what: str = "answers file") -> str:
    from .files.safeio import FileProblem, read_regular

    try:
        raw = read_regular(path, MAX_BYTES)
    except FileProblem as e:
        if e.reason == "no such file or folder":
            raise AnswersError(f"{what} not found: {shown_path(path)}") from None
        raise AnswersError(f"cannot read {what} {shown_path(path)}: {e.reason}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise AnswersError(
            f"invalid {what}: {shown_path(path)}",
            [Problem(shown_path(path), "not UTF-8 text (save it as UTF-8)", line)],
        ) from None


def load(path: str) -> tuple[object, dict]:
    """The data of an answers file and the line of each key path; AnswersError if it
    cannot be read as YAML or JSON."""
    text = _read_text(path)
    name = shown_path(path)
    if Path(path).suffix.lower() == ".json":
        data, lines, problems = load_json(text, name)
    else:
        from .files.flatyaml import read

        flat = read(text)  # flat key: value lines, without loading PyYAML
        if flat is not None:
            return flat
        from .catalog.yamlio import load_text

        located, problems = load_text(text, name, answers=True)
        data, lines = (located.data, located.lines) if located else (None, {})
    if problems:
        raise AnswersError(f"invalid answers file: {name}", problems)
    return data, lines


def read_file(path: str) -> tuple[Profile, list[str]]:
    """Read an answers file (YAML or JSON)."""
    data, lines = load(path)
    return parse(data, shown_path(path), lines)


def load_json(text: str, file: str) -> tuple[object, dict, list[Problem]]:
    """JSON with the line of each key and duplicate keys refused, as YAML does."""
    import json

    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        return None, {}, [Problem(file, f"invalid JSON: {e.msg}", e.lineno)]
    except RecursionError:
        return None, {}, [Problem(file, "invalid JSON: nested too deeply")]
    except ValueError as e:  # Python refuses integers of more than 4300 digits
        what = "a number of more than 4300 digits" if "digits" in str(e) else str(e)
        return None, {}, [Problem(file, f"invalid JSON: {what}", _first_long_number(text))]
    lines, problems = _json_lines(text, file)
    return data, lines, problems


def _first_long_number(text: str) -> int | None:
    m = re.search(r"\d{4301}", text)
    return text.count("\n", 0, m.start()) + 1 if m else None


_JSON_TOKEN = r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|\n'  # compiled when a JSON file is read


def _json_lines(text: str, file: str) -> tuple[dict, list[Problem]]:
    """The line of each key path of valid JSON, and its duplicate keys. One pass over
    strings and punctuation, no recursion."""
    import json

    lines: dict[tuple, int] = {(): 1}
    problems: list[Problem] = []
    line = 1
    # each open container: [path, is_object, seen keys, next index, pending key]
    stack: list[list] = []
    last_string: str | None = None
    for m in re.finditer(_JSON_TOKEN, text):
        tok = m.group()
        if tok == "\n":
            line += 1
            continue
        if tok[0] == '"':
            last_string = tok
            continue
        if tok == ":" and stack and stack[-1][1]:
            key = json.loads(last_string) if last_string else ""
            path, _, seen, _, _ = stack[-1]
            if key in seen:
                problems.append(
                    Problem(file, f"duplicate key (first at line {seen[key]})", line, shown(key))
                )
            else:
                seen[key] = line
            stack[-1][4] = key
            lines.setdefault(path + (key,), line)
        elif tok in "{[":
            if stack:
                parent = stack[-1]
                sub = parent[0] + ((parent[4],) if parent[1] else (parent[3],))
            else:
                sub = ()
            lines.setdefault(sub, line)
            stack.append([sub, tok == "{", {}, 0, None])
        elif tok in "}]":
            if stack:
                stack.pop()
        elif tok == "," and stack and not stack[-1][1]:
            stack[-1][3] += 1
        last_string = None if tok != ":" else last_string
    return lines, problems


# --------------------------------------------------------------------------- saving


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


def _same(key: str, old: object, new: object) -> bool:
    """Does the file's value already say ``new``? Then its line is kept as written."""
    if new is None:
        return _is_unknown(old, key)
    if _is_unknown(old, key):
        return False
    if isinstance(old, dict) and (key in NUMBER_KEYS or key == "size_class"):
        canon, why = check_range(key, old)
        canon = canon.as_answer() if isinstance(canon, Range) else canon
    elif key == "size_class":
        canon, why = check_size(old)
    else:
        canon, why = check_value(key, old)
    if isinstance(canon, tuple):  # projects
        canon = list(canon)
    return why is None and canon == new


def render(profile: Profile, path: Path, existing: str | None) -> str:
    """The text to save: the existing file with the answers' lines updated, or a new one."""
    data = to_file_data(profile)
    if path.suffix.lower() == ".json":
        return _render_json(data, existing)
    return _render_yaml(data, existing, path)


def _render_json(data: dict, existing: str | None) -> str:
    import json

    old = json.loads(existing) if existing and existing.strip() else {}
    out = {}
    for k, v in old.items():
        if k not in KNOWN_KEYS:
            out[k] = v
        elif k in data:
            out[k] = old[k] if _same(k, old[k], data[k]) else data[k]
    for k, v in data.items():
        out.setdefault(k, v)
    return json.dumps(out, ensure_ascii=False, indent=2) + "\n"


def _yaml_line(key: str, value: object) -> str:
    """``key: value`` on one line; a list or a range in flow style (``[a, b]``)."""
    import yaml

    text = yaml.safe_dump(
        value, allow_unicode=True, default_flow_style=True, width=10_000, sort_keys=False
    )
    text = "\n".join(x for x in text.splitlines() if x != "...")  # a scalar's document end
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", str(key)):
        key = yaml.safe_dump(str(key), default_flow_style=True, width=10_000).splitlines()[0]
    return f"{key}: {text.strip()}"


def _render_yaml(data: dict, existing: str | None, path: Path) -> str:
    from .catalog.yamlio import top_level_spans

    if not existing or not existing.strip():
        head = (
            f"# intertex answers: intertex check --answers {_one_line(path.name)} --ask-missing\n"
        )
        return head + "".join(_yaml_line(k, v) + "\n" for k, v in data.items())
    import yaml

    old = yaml.load(existing, Loader=_answers_loader()) or {}
    spans, block = top_level_spans(existing)
    if not block:  # a flow mapping on one line, {a: 1}: written again in block style
        merged = {k: v for k, v in old.items() if k not in KNOWN_KEYS}
        merged.update(data)
        return "".join(_yaml_line(str(k), v) + "\n" for k, v in merged.items())
    lines = existing.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    replace: dict[int, tuple[int, str | None]] = {}  # first line -> (last line, new text)
    for key, (start, end, col) in spans.items():
        if key not in KNOWN_KEYS:
            continue
        if key not in data:
            replace[start] = (end, None)
        elif not _same(key, old.get(key), data[key]):
            comment = ""
            if col is not None and start == end:
                rest = lines[end][col:].rstrip("\n")
                if re.match(r"\s+#", rest):
                    comment = rest
            replace[start] = (end, _yaml_line(key, data[key]) + comment + "\n")
    out, i = [], 0
    while i < len(lines):
        if i in replace:
            end, text = replace[i]
            if text is not None:
                out.append(text)
            i = end + 1
        else:
            out.append(lines[i])
            i += 1
    for key, value in data.items():
        if key not in spans:
            out.append(_yaml_line(key, value) + "\n")
    return "".join(out)


def _answers_loader():
    from .catalog.yamlio import AnswersLoader

    return AnswersLoader


def _one_line(text: str) -> str:
    return re.sub(r"[\x00-\x1f\x7f]", "?", text)


def _existing(path: Path) -> str | None:
    """The current text of the file --save will replace, if it is an answers file:
    None when there is no file; AnswersError when it exists but is something else."""
    from .files.safeio import FileProblem, check_target

    try:
        target = check_target(path)
    except FileProblem as e:
        raise AnswersError(
            f"cannot write the answers to {shown_path(path)}: {e.reason}; nothing was written"
        ) from None
    if not target.exists():
        return None
    try:
        data, _ = load(str(target))
    except AnswersError as e:
        why = "; ".join(p.message for p in e.problems[:2]) or e.message
        raise AnswersError(
            f"{shown_path(path)} exists and is not an answers file ({why}); "
            "it is left as it was: choose another name for --save"
        ) from None
    if data is not None and not isinstance(data, dict):
        raise AnswersError(
            f"{shown_path(path)} exists and is not an answers file (not a mapping of "
            "keys to answers); it is left as it was: choose another name for --save"
        )
    return _read_text(str(target))


def save(profile: Profile, path: str | Path) -> Path:
    """Write the answers to ``path`` (JSON for *.json, else YAML), keeping what an
    existing answers file holds besides them; atomically. Raises AnswersError."""
    from .files.safeio import FileProblem, write_atomic

    path = Path(path)
    existing = _existing(path)
    text = render(profile, path, existing)
    if text == existing:  # the file already says it all, as written
        return path
    try:
        return write_atomic(path, text)
    except FileProblem as e:
        kept = "; the old file is left as it was" if e.kept else "; nothing was written"
        raise AnswersError(
            f"cannot write the answers to {shown_path(path)}: {e.reason}{kept}"
        ) from None


def save_somewhere(
    profile: Profile, wanted: Path | None, default_name: str
) -> tuple[Path | None, list[str]]:
    """Save after an interruption, wherever it can be: ``wanted``, else
    ``default_name`` in the current folder, else in the home folder (a new file there,
    never another session's). Returns the file written (None if none could be) and why
    each place before it failed."""
    places: list[tuple[Path, bool]] = [(wanted, False)] if wanted is not None else []
    places.append((Path.cwd() / default_name, True))
    try:
        places.append((Path.home() / default_name, True))
    except (RuntimeError, KeyError, OSError):
        pass
    failures = []
    for place, fresh in places:
        try:
            return save(profile, _fresh(place) if fresh else place), failures
        except AnswersError as e:
            failures.append(e.message)
        except OSError as e:  # pragma: no cover - a path the checks did not foresee
            failures.append(f"cannot write the answers to {shown_path(place)}: {e}")
    return None, failures


def _fresh(path: Path) -> Path:
    """``path``, or ``name-2.yaml``, ``name-3.yaml``… if it exists."""
    n, candidate = 2, path
    try:
        while candidate.exists():
            candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
            n += 1
    except OSError:
        return path
    return candidate
