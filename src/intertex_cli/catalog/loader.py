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


SUFFIXES = (".yaml", ".yml")  # in any case: a card saved as X.YAML is read, not ignored


def _scan(folder: Path) -> list[tuple[str, os.stat_result]]:
    """The ``*.yaml`` and ``*.yml`` files of a folder, in any case, by name, with their
    stat data (one pass). An entry that is no regular file (a FIFO, a folder named
    x.yaml) is kept: reading it reports it, never blocks. So is a link that leads
    nowhere or to itself (its own stat data): reading it says why."""
    out = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return out
    for e in entries:
        if e.name.lower().endswith(SUFFIXES) and not e.name.startswith("."):
            try:
                st = e.stat()
            except OSError:
                try:
                    st = e.stat(follow_symlinks=False)
                except OSError:
                    continue
            out.append((e.path, st))
    out.sort()
    return out


def _agency_dir(d: Path) -> Path:
    """The catalogue's ``agencies/`` folder, or the shipped one if it has none. One
    that is there but cannot be used (a file, a link to nothing, unreadable, empty of
    agency files) is a CatalogError: never the shipped agencies in its place."""
    from intertex_cli.text.sanitize import shown_path

    folder = d / "agencies"
    if not os.path.lexists(folder):
        return builtin_dir() / "agencies"
    try:
        os.listdir(folder)
    except OSError as e:
        from intertex_cli.files.safeio import reason

        raise CatalogError(
            f"cannot use the agencies folder {shown_path(folder)}: {reason(e)}"
        ) from None
    if not _scan(folder):
        raise CatalogError(f"no agency file (*.yaml, *.yml) in {shown_path(folder)}")
    return folder


def _files(d: Path) -> tuple[list, list]:
    return _scan(d), _scan(_agency_dir(d))


def _paths(d: Path) -> tuple[list[Path], list[Path]]:
    schemes, agencies = _files(d)
    return [Path(p) for p, _ in schemes], [Path(p) for p, _ in agencies]


def _directory(directory) -> Path:
    """The catalogue's folder, or a CatalogError saying why it cannot be one."""
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

        if os.path.lexists(d):  # a file, a FIFO, a link to nothing: there, not a folder
            raise CatalogError(
                f"not a catalogue directory: {shown_path(d)} (a catalogue is a folder of"
                " *.yaml files)"
            )
        raise CatalogError(f"catalogue directory not found: {shown_path(d)}")
    return d


def load(directory: str | Path | None = None, use_cache: bool = True) -> Catalog:
    """Read and validate a catalogue; raise CatalogError listing every problem.

    A catalogue validated before and unchanged since (same files, same stat data, same
    intertex) is read from the cache (catalog/cache.py) as plain data: no YAML parsing,
    no pydantic, and each scheme only when it is used. A changed one is validated
    card by card: only the cards whose files changed (catalog/build.py).
    """
    d = _directory(directory)
    scheme_files, agency_files = _files(d)
    no_cache = not use_cache or os.environ.get("INTERTEX_NO_CACHE") == "1"
    if no_cache:
        from .build import workers

        if workers(len(scheme_files)) == 1:
            return _validate(
                d, [Path(p) for p, _ in scheme_files], [Path(p) for p, _ in agency_files]
            )
        # many cards and several cores: read by several processes, as a cold build
        # does, into a cache kept in memory (no file read nor written)
    from functools import partial

    from . import cache

    code = cache.code_key(d)
    marks = cache.stamps(scheme_files), cache.stamps(agency_files)
    key = cache.key_of(code, marks[0] + marks[1])
    reread = partial(_reread, d)
    source = None if no_cache else cache.open_catalog(key, d, reread)
    if source is None:
        from .build import update

        source = update(
            d, scheme_files, agency_files, code, key, reread, store=not no_cache, marks=marks
        )
    from .records import LazyScheme, Record

    return Catalog(
        directory=d,
        schemes={i: LazyScheme(i, source) for i in source.ids},
        agencies={a["id"]: Record(a) for a in source.agencies},
        source=source,
    )


def check_only(directory: str | Path | None = None) -> Catalog:
    """A catalogue's files validated and checked across cards, every problem located,
    as ``load`` does with no cache (``INTERTEX_NO_CACHE``), but keeping of each card
    only what ``validate`` reports (its id and status): none of the cache's parts is
    made (a fifth of a card's time), nothing read from or written to the cache. Many
    cards on several cores: read by as many processes."""
    from . import build
    from .records import Record

    d = _directory(directory)
    scheme_files, agency_files = _files(d)
    problems: list[Problem] = []
    agencies = build.read_agencies([Path(p) for p, _ in agency_files], problems)
    got = build.read_cards([(p, "") for p, _ in scheme_files], problems, keep=build.checked)
    cards = [build.Card(i, path, "", None, None, None, links) for i, path, links, _ in got]
    cards = build.unique(cards, problems)
    problems.extend(build.cross_check(cards, agencies))
    if not scheme_files and not problems:
        problems.append(Problem(str(d), "no scheme file (*.yaml, *.yml) in this directory"))
    if problems:
        raise CatalogError(f"invalid catalogue: {d}", problems)
    status: dict = {}
    for i, _, _, st in got:
        status.setdefault(i, st)  # the first file of an id: the one unique kept
    return Catalog(
        directory=d,
        schemes={c.id: Record({"id": c.id, "status": status[c.id]}) for c in cards},
        agencies={k: Record(a) for k, a in agencies.items()},
    )


def _reread(d: Path, scheme_id: str) -> dict:
    """A card read and validated from its file, for a record the cache was wrong about."""
    from . import build
    from .models import Scheme

    problems: list = []
    paths = [Path(p) for p, _ in _scan(d) if Path(p).stem == scheme_id]
    found = build.read_many(paths, Scheme, problems)
    if problems or scheme_id not in found:
        raise CatalogError(f"invalid catalogue: {d}", problems)
    return found[scheme_id][0].model_dump(mode="json", by_alias=True)


def _validate(d: Path, scheme_paths: list[Path], agency_paths: list[Path]) -> Catalog:
    """The catalogue validated from its files (no cache): the pydantic models."""
    from . import build
    from .models import Agency, Scheme

    problems: list[Problem] = []
    agencies = build.read_many(agency_paths, Agency, problems)
    schemes = build.read_many(scheme_paths, Scheme, problems)
    cards = [
        build.Card(k, str(path), "", None, None, None, build.links_of_model(s))
        for k, (s, path) in schemes.items()
    ]
    contacts = {k: {"contacts": a.contacts} for k, (a, _) in agencies.items()}
    problems.extend(build.cross_check(cards, contacts))
    if not scheme_paths and not problems:
        problems.append(Problem(str(d), "no scheme file (*.yaml, *.yml) in this directory"))
    if problems:
        raise CatalogError(f"invalid catalogue: {d}", problems)
    return Catalog(
        directory=d,
        schemes={k: v[0] for k, v in schemes.items()},
        agencies={k: v[0] for k, v in agencies.items()},
    )


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
