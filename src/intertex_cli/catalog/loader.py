"""Find, read and validate a catalogue directory: ``*.yaml`` schemes, ``agencies/*.yaml``."""

from __future__ import annotations

import os
from pathlib import Path

from intertex_cli.errors import CatalogError, Problem
from intertex_cli.record import Record

ENV_VAR = "INTERTEX_CATALOG"


def builtin_dir() -> Path:
    """The shipped catalogue: inside the wheel, or the repository's data/ (editable)."""
    package = Path(__file__).resolve().parents[1]
    packaged = package / "schemes"  # the wheel's copy (force-include), beside the code
    if packaged.is_dir():
        return packaged
    repo = package.parents[1] / "data" / "schemes"
    if repo.is_dir():
        return repo
    from importlib.resources import files  # an installation that is not plain files

    return Path(str(files("intertex_cli"))) / "schemes"


def resolve_dir(option: str | Path | None) -> Path:
    chosen = option or os.environ.get(ENV_VAR) or None
    return Path(chosen) if chosen else builtin_dir()


class Catalog(Record):
    __slots__ = ("directory", "schemes", "agencies", "source", "day")

    def __init__(self, directory: Path, schemes=None, agencies=None, source=None, day=None):
        self.directory = directory
        self.schemes: dict = {} if schemes is None else schemes  # id -> Scheme, file order
        self.agencies: dict = {} if agencies is None else agencies  # id -> Agency
        self.source = source  # the cache file the schemes are read from, if any
        self.day = day  # the day the schemes stand at (at), None: the cards as written

    def at(self, day) -> Catalog:
        """The catalogue as it stood on ``day``: each card's terms in force then (dated.py)."""
        from .dated import at

        schemes = {i: at(s, day) for i, s in self.schemes.items()}
        return Catalog(self.directory, schemes, self.agencies, self.source, day)

    def find(self, scheme_id: str):
        """The scheme with this id, or a UsageError naming the closest ids."""
        import difflib

        from intertex_cli.errors import UsageError
        from intertex_cli.text.sanitize import shown

        wanted = scheme_id.strip().lower()
        if wanted in self.schemes:
            found = self.schemes[wanted]
            load = getattr(found, "load", None)  # a cached scheme: read it whole, now
            return load() if load is not None else found
        close = difflib.get_close_matches(wanted[:100], list(self.schemes), n=3, cutoff=0.5)
        hint = f"Did you mean {', '.join(close)}?" if close else "See: intertex list"
        raise UsageError(f"unknown scheme id {shown(scheme_id)}. {hint}")

    def agency_name(self, agency_id: str) -> str:
        a = self.agencies.get(agency_id)
        return (a.short_name or a.name) if a else agency_id


_UNION_TAGS = ("fact", "all", "any", "not")  # pydantic's tags for rule nodes


def _strip_tags(loc: tuple) -> tuple:
    """An error location without the tags pydantic inserts where a rule node starts."""
    out: list = []
    expect_tag = False
    for part in loc:
        if expect_tag and part in _UNION_TAGS:
            expect_tag = False
            continue
        out.append(part)
        before = out[-2] if len(out) > 1 else None
        expect_tag = part in ("rule", "applies_if", "not") or (
            isinstance(part, int) and before in ("all", "any")
        )
    return tuple(out)


def _pydantic_problems(err, located) -> list[Problem]:
    found: dict[tuple, Problem] = {}
    for e in err.errors():
        loc = _strip_tags(tuple(e["loc"]))
        line, path = located.find(loc)
        if e["type"] == "missing":  # name the key the file lacks
            path = loc
        field = ".".join(str(p) for p in path)
        msg = {"extra_forbidden": "unknown key", "missing": "required key missing"}.get(
            e["type"], e["msg"].removeprefix("Value error, ")
        )
        # one problem per place: "int or float" unions report each branch
        found[(line, field)] = Problem(located.path, msg, line, field)
    return list(found.values())


def _load_models(paths, model, problems: list[Problem]) -> dict:
    from pydantic import ValidationError

    from .yamlio import load_file

    out = {}
    for path in paths:
        located, probs = load_file(path)
        if probs:
            problems.extend(probs)
            continue
        if not isinstance(located.data, dict):
            problems.append(Problem(str(path), "a mapping of keys is expected", 1))
            continue
        try:
            obj = model.model_validate(located.data)
        except ValidationError as err:
            problems.extend(_pydantic_problems(err, located))
            continue
        if obj.id in out:  # x.yaml and x.yml
            problems.append(
                Problem(
                    str(path),
                    f"{out[obj.id][1].path} defines {obj.id!r} too; keep one of the two files",
                    located.line_of(("id",)),
                    "id",
                )
            )
            continue
        if obj.id != path.stem:
            problems.append(
                Problem(
                    str(path),
                    f"id {obj.id!r} differs from the file name",
                    located.line_of(("id",)),
                    "id",
                )
            )
            continue
        out[obj.id] = (obj, located)
    return out


def _scan(folder: Path) -> list[tuple[str, os.stat_result]]:
    """The ``*.yaml`` and ``*.yml`` files of a folder (a scheme saved as .yml is read,
    not ignored), by name, with their stat data (one pass). An entry that is no regular
    file (a FIFO, a folder named x.yaml) is kept: reading it reports it, never blocks."""
    out = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return out
    for e in entries:
        if e.name.endswith((".yaml", ".yml")) and not e.name.startswith("."):
            try:
                out.append((e.path, e.stat()))
            except OSError:
                continue
    out.sort()
    return out


def _files(d: Path) -> tuple[list, list]:
    schemes = _scan(d)
    agency_dir = d / "agencies"
    if not agency_dir.is_dir():
        agency_dir = builtin_dir() / "agencies"
    return schemes, _scan(agency_dir)


def _paths(d: Path) -> tuple[list[Path], list[Path]]:
    schemes, agencies = _files(d)
    return [Path(p) for p, _ in schemes], [Path(p) for p, _ in agencies]


def load(directory: str | Path | None = None, use_cache: bool = True) -> Catalog:
    """Read and validate a catalogue; raise CatalogError listing every problem.

    A catalogue validated before and unchanged since (same files, same stat data, same
    intertex) is read from the cache (catalog/cache.py) as plain data: no YAML parsing,
    no pydantic, and each scheme only when it is used.
    """
    d = resolve_dir(directory)
    try:
        found = d.is_dir()
    except OSError as e:  # a path too long, a loop of links: the user's input
        from intertex_cli.files.safeio import reason
        from intertex_cli.text.sanitize import shown_path

        raise CatalogError(
            f"cannot use the catalogue directory {shown_path(d)}: {reason(e)}"
        ) from None
    if not found:
        from intertex_cli.text.sanitize import shown_path

        raise CatalogError(f"catalogue directory not found: {shown_path(d)}")
    scheme_files, agency_files = _files(d)
    scheme_paths = [Path(p) for p, _ in scheme_files]
    agency_paths = [Path(p) for p, _ in agency_files]
    if not use_cache or os.environ.get("INTERTEX_NO_CACHE") == "1":
        return _validate(d, scheme_paths, agency_paths)
    from . import cache

    files = scheme_files + agency_files
    key = cache.fingerprint(d, files)
    cached = cache.open_catalog(key, d)
    if cached is not None:
        from .records import LazyScheme, Record

        return Catalog(
            directory=d,
            schemes={i: LazyScheme(i, cached) for i in cached.ids},
            agencies={a["id"]: Record(a) for a in cached.agencies},
            source=cached,
        )
    cat = _validate(d, scheme_paths, agency_paths)
    from .search import index_of

    schemes = [s.model_dump(mode="json", by_alias=True) for s in cat.schemes.values()]
    agencies = [a.model_dump(mode="json", by_alias=True) for a in cat.agencies.values()]
    cache.write(key, d, files, schemes, agencies, search=index_of(cat), first_questions=_first(cat))
    return cat


def _first(cat: Catalog) -> dict:
    """The planner's first question with nothing answered, for the whole catalogue and
    for its current schemes (what the wizard weighs when the projects are not known):
    kept in the cache, so that a national catalogue's questionnaire starts at once."""
    from intertex_cli.engine.assess import question_schemes
    from intertex_cli.engine.planner import compute_next_question
    from intertex_cli.engine.profile import Profile

    from .cache import ids_digest

    schemes = tuple(cat.schemes.values())
    out = {}
    for group in (schemes, question_schemes(schemes, Profile({}))):
        out[ids_digest(s.id for s in group)] = compute_next_question(group, Profile({}))
    return out


def _validate(d: Path, scheme_paths: list[Path], agency_paths: list[Path]) -> Catalog:
    from .models import Agency, Scheme

    problems: list[Problem] = []
    agencies = _load_models(agency_paths, Agency, problems)
    schemes = _load_models(scheme_paths, Scheme, problems)
    for s, located in schemes.values():
        if s.agency not in agencies:
            problems.append(
                Problem(
                    str(located.path),
                    f"unknown agency {s.agency!r}; known: {', '.join(sorted(agencies))}",
                    located.line_of(("agency",)),
                    "agency",
                )
            )
        if s.contacts_from_agency and s.agency in agencies and not agencies[s.agency][0].contacts:
            problems.append(
                Problem(
                    str(located.path),
                    "the agency has no contacts to inherit",
                    None,
                    "contacts_from_agency",
                )
            )
    problems.extend(_cross_references(schemes))
    if not scheme_paths and not problems:
        problems.append(Problem(str(d), "no scheme file (*.yaml, *.yml) in this directory"))
    if problems:
        raise CatalogError(f"invalid catalogue: {d}", problems)
    return Catalog(
        directory=d,
        schemes={k: v[0] for k, v in schemes.items()},
        agencies={k: v[0] for k, v in agencies.items()},
    )


def _cross_references(schemes: dict) -> list[Problem]:
    """Ids that one scheme names in another: steps, successors, cumulation rules."""
    ids = set(schemes)
    groups = {g for s, _ in schemes.values() for g in s.groups}
    out: list[Problem] = []

    def bad(located, loc: tuple, msg: str) -> None:
        out.append(Problem(str(located.path), msg, located.line_of(loc), ".".join(map(str, loc))))

    for s, located in schemes.values():
        for i, step in enumerate(s.steps):
            if step.scheme and step.scheme not in ids:
                bad(located, ("steps", i, "scheme"), f"unknown scheme {step.scheme!r}")
        succ = s.status.successor
        if succ is not None and succ.id and succ.id not in ids:
            bad(located, ("status", "successor", "id"), f"unknown scheme {succ.id!r}")
        for i, c in enumerate(s.cumulation):
            for j, other in enumerate(c.schemes):
                if other not in ids:
                    bad(located, ("cumulation", i, "schemes", j), f"unknown scheme {other!r}")
                elif other == s.id:
                    bad(located, ("cumulation", i, "schemes", j), "a scheme names itself")
            for j, g in enumerate(c.groups):
                if g not in groups:
                    bad(
                        located,
                        ("cumulation", i, "groups", j),
                        f"no scheme belongs to group {g!r} (a scheme's `groups:`)",
                    )
    return out


def main(argv: list[str] | None = None) -> int:  # a contributor's quick check
    import sys

    args = sys.argv[1:] if argv is None else argv
    try:
        cat = load(args[0] if args else None)
    except CatalogError as e:
        print(e.message, file=sys.stderr)
        for p in e.problems:
            print(f"  {p}", file=sys.stderr)
        return 2
    print(f"{len(cat.schemes)} schemes, {len(cat.agencies)} agencies: valid")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
