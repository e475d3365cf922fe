"""Validate catalogue files, one card at a time, into what the cache keeps of each.

Each file is parsed by the fast reader (``yamlio.load_plain``: libyaml's parser, plain
data, no line numbers) and validated by the pydantic models; only a file with a
problem, or one the fast reader leaves to the careful one (aliases, duplicate keys,
odd values), is read again with the line of every key, so that each problem names its
file, line and field. A card that validates becomes plain parts (``Card``): its
record (the model dumped as JSON), what ``list`` reads of it (``records.SUMMARY``),
what ``check`` reads (``records.CHECK``) and the ids it names (``links``), for the
checks across cards (``cross_check``), which run on those parts: a cached card is
never validated again.

Measured at 5,000 synthetic cards (benchmarks/scale.py), a 2-core machine, per card in
one process without the cyclic collector: libyaml composing the nodes 0.7 ms (the
fast reader's own work beyond it is small), the models 0.33 ms (the dated changes'
check, which validates at each change's date the parts the change sets, a fifth of it;
it validated the whole card again, twice as long in all), dumping the model 0.14 ms,
the JSON parts 0.1 ms. A ``TypeAdapter``
over the list of cards validated no faster than ``model_validate`` card by card (within
the noise, 5 %), and holds every card at once: the cards go one by one.
"""

from __future__ import annotations

import os
from pathlib import Path

from intertex_cli.errors import Problem

from .cache import Card
from .records import CHECK, summary_of

_UNION_TAGS = ("fact", "all", "any", "not")  # pydantic's tags for rule nodes


def dumps(obj) -> bytes:
    """Compact JSON, UTF-8 as it is: what ``json.dumps(obj, ensure_ascii=False,
    separators=(",", ":"))`` gives (the same bytes on every card of benchmarks/scale.py),
    from pydantic's encoder, twice as fast. The models refuse NaN and infinities."""
    from pydantic_core import to_json

    return to_json(obj)


def links_of(record: dict) -> dict:
    """What the checks across cards read of a card (a scheme's record)."""
    succ = (record.get("status") or {}).get("successor") or {}
    return {
        "agency": record["agency"],
        "contacts_from_agency": bool(record.get("contacts_from_agency")),
        "groups": list(record.get("groups") or ()),
        "steps": [[i, s["scheme"]] for i, s in enumerate(record["steps"]) if s.get("scheme")],
        "successor": succ.get("id"),
        "cumulation": [
            [c.get("schemes") or [], c.get("groups") or []] for c in record["cumulation"]
        ],
    }


def card_of(record: dict, path: str, stamp: str) -> Card:
    summary = {"id": record["id"], **summary_of(record)}
    check = {"id": record["id"], **summary_of(record, CHECK)}
    return Card(
        record["id"], path, stamp, dumps(record), dumps(summary), dumps(check), links_of(record)
    )


# --------------------------------------------------------------------------- one file


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


def _place(message: str) -> tuple:
    """The place a check across fields names first in its message (``criteria[2].page:
    required``, ``status.changes[0].set (label): …``), as a location; () if none."""
    import re

    m = re.match(r"([a-z_]+(?:\[\d+\]|\.[a-z_]+)*)(?: \(.*?\))?: ", message)
    if m is None:
        return ()
    return tuple(int(p) if p.isdigit() else p for p in re.findall(r"[a-z_]+|\d+", m[1]))


def pydantic_problems(err, located) -> list[Problem]:
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
        if e["type"] == "value_error":  # a check across fields: its message says where
            line = located.find(loc + _place(msg))[0]
        # one problem per place: "int or float" unions report each branch
        found[(line, field)] = Problem(located.path, msg, line, field)
    return list(found.values())


def located(path: str):
    """The file read with the line of each key (None if it no longer reads)."""
    from .yamlio import load_file

    got, _ = load_file(Path(path))
    return got


def read_one(path: Path, model, problems: list[Problem]):
    """A file's validated model, or None with its problems added (located)."""
    from pydantic import ValidationError

    from intertex_cli.files.safeio import FileProblem, read_regular

    from .yamlio import MAX_SCHEME_BYTES, TOO_LARGE, _Slow, load_plain, load_text, safe_tree

    try:
        raw = read_regular(path, MAX_SCHEME_BYTES)
    except FileProblem as e:
        problems.append(Problem(str(path), f"cannot read: {e.reason}"))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        problems.append(Problem(str(path), "not UTF-8 text"))
        return None
    where = None
    try:
        data = load_plain(raw)  # (checked as UTF-8 above)
    except _Slow:
        where, probs = load_text(text, str(path))
        if probs:
            problems.extend(probs)
            return None
        data = where.data
        place = safe_tree(data)  # (the fast reader's data is safe as read)
        if place is not None:
            problems.append(
                Problem(str(path), TOO_LARGE, where.line_of(place), ".".join(map(str, place)))
            )
            return None
    if not isinstance(data, dict):
        problems.append(Problem(str(path), "a mapping of keys is expected", 1))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as err:
        if where is None:
            where, probs = load_text(text, str(path))
            if where is None:  # pragma: no cover - the two readers agree
                problems.extend(probs)
                return None
        problems.extend(pydantic_problems(err, where))
        return None


def read_many(paths, model, problems: list[Problem]) -> dict:
    """id -> (model, path) for the files that validate; problems for the others: an id
    defined by two files (x.yaml and x.yml), an id that is not the file's name."""
    out: dict = {}
    for path in paths:
        obj = read_one(path, model, problems)
        if obj is None:
            continue
        same = _same_id(obj.id, path, out.get(obj.id, (None, None))[1])
        if same is not None:
            problems.append(same)
            continue
        out[obj.id] = (obj, path)
    return out


def _same_id(card_id: str, path, other) -> Problem | None:
    """The problem with a card's id: another file defines it, or it is not the name."""
    if other is not None:
        return _at(
            str(path), ("id",), f"{other} defines {card_id!r} too; keep one of the two files"
        )
    if card_id != Path(path).stem:
        return _at(str(path), ("id",), f"id {card_id!r} differs from the file name")
    return None


def _at(path: str, loc: tuple, message: str) -> Problem:
    """A problem at a key of a file, its line read now (problems are few)."""
    where = located(path)
    line = where.line_of(loc) if where is not None else None
    return Problem(path, message, line, ".".join(map(str, loc)))


# --------------------------------------------------------------------------- the cards


def read_cards(files: list[tuple[str, str]], problems: list[Problem], keep=None) -> list:
    """``files``: (path, stamp). The cards that validate, in order; problems for the rest.
    ``keep(model, path, stamp)``: what is kept of a card (a module's function: processes
    are told it by name); by default its ``Card``, dumped. Many cards on a machine of
    several cores: read by as many processes (``_parallel``)."""
    workers = _workers(len(files))
    if workers > 1:
        got = _parallel(files, workers, keep)
        if got is not None:
            cards, probs = got
            problems.extend(probs)
            return cards
    return _read_cards(files, problems, keep)


def dumped(obj, path: str, stamp: str) -> Card:
    """A validated card as the cache keeps it."""
    return card_of(obj.model_dump(mode="json", by_alias=True), path, stamp)


def checked(obj, path: str, stamp: str) -> tuple:
    """(id, path, links, status): what ``validate`` with no cache keeps of a card."""
    return obj.id, path, links_of_model(obj), obj.status.model_dump(mode="json", by_alias=True)


def _read_cards(files: list[tuple[str, str]], problems: list[Problem], keep=None) -> list:
    import gc

    from .models import Scheme

    out = []
    collecting = gc.isenabled()
    gc.disable()  # reading a card makes no cycle, and each collection would go through
    try:  # every object the models and the cards read hold: a sixth of the time
        for path, stamp in files:
            obj = read_one(Path(path), Scheme, problems)
            if obj is not None:
                out.append((keep or dumped)(obj, path, stamp))
    finally:
        if collecting:
            gc.enable()
    return out


PARALLEL_FROM = 400  # cards: below, one process (starting others costs more than it saves)
SHARES = 4  # the parts of the cards each process reads


def workers(n: int) -> int:
    """The processes that read ``n`` cards (1: this one)."""
    return _workers(n)


def _workers(n: int) -> int:
    import sys

    if n < PARALLEL_FROM or not sys.platform.startswith("linux"):
        return 1  # fork is the cheap way (the models are built once, before)
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8, n // (PARALLEL_FROM // 2)))


def _chunk(job: tuple) -> tuple[list, list]:
    files, keep = job
    problems: list[Problem] = []
    return _read_cards(files, problems, keep), problems


def _parallel(files: list, workers: int, keep=None):
    """(cards, problems) read by ``workers`` forked processes, each a share of the
    files, in order; None if processes cannot be started (then one reads them all)."""
    import multiprocessing

    from . import models  # noqa: F401 - built once, before the fork

    # a few shares per process: each process's cards come back as they are read, in
    # parts of a few MB, not all at once (the peak memory of a cold build)
    size = -(-len(files) // (workers * SHARES))
    chunks = [(files[i : i + size], keep) for i in range(0, len(files), size)]
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_chunk, chunks, chunksize=1)
    except OSError:
        return None
    return [c for cards, _ in parts for c in cards], [p for _, probs in parts for p in probs]


def unique(cards: list[Card], problems: list[Problem]) -> list[Card]:
    """One card per id, named as its file (in order; x.yaml before x.yml)."""
    out: dict[str, Card] = {}
    for c in cards:
        same = _same_id(c.id, c.path, out[c.id].path if c.id in out else None)
        if same is not None:
            problems.append(same)
            continue
        out[c.id] = c
    return list(out.values())


def cross_check(cards: list[Card], agencies: dict) -> list[Problem]:
    """The checks across cards, on their links: the agency each names, the agency's
    contacts a card inherits, the ids one card names in another (steps, successors,
    cumulation rules). ``agencies``: id -> its record (a dict)."""
    ids = {c.id for c in cards}
    groups = {g for c in cards for g in c.links["groups"]}
    out: list[Problem] = []
    for c in cards:
        ln = c.links
        if ln["agency"] not in agencies:
            out.append(
                _at(
                    c.path,
                    ("agency",),
                    f"unknown agency {ln['agency']!r}; known: {', '.join(sorted(agencies))}",
                )
            )
        elif ln["contacts_from_agency"] and not agencies[ln["agency"]].get("contacts"):
            out.append(
                Problem(
                    c.path, "the agency has no contacts to inherit", None, "contacts_from_agency"
                )
            )
        for i, other in ln["steps"]:
            if other not in ids:
                out.append(_at(c.path, ("steps", i, "scheme"), f"unknown scheme {other!r}"))
        succ = ln["successor"]
        if succ and succ not in ids:
            out.append(_at(c.path, ("status", "successor", "id"), f"unknown scheme {succ!r}"))
        for i, (schemes, named_groups) in enumerate(ln["cumulation"]):
            for j, other in enumerate(schemes):
                if other not in ids:
                    out.append(
                        _at(c.path, ("cumulation", i, "schemes", j), f"unknown scheme {other!r}")
                    )
                elif other == c.id:
                    out.append(
                        _at(c.path, ("cumulation", i, "schemes", j), "a scheme names itself")
                    )
            for j, g in enumerate(named_groups):
                if g not in groups:
                    out.append(
                        _at(
                            c.path,
                            ("cumulation", i, "groups", j),
                            f"no scheme belongs to group {g!r} (a scheme's `groups:`)",
                        )
                    )
    return out


def read_agencies(paths, problems: list[Problem]) -> dict:
    """id -> the agency's record (a dict), for the files that validate."""
    from .models import Agency

    return {
        k: obj.model_dump(mode="json", by_alias=True)
        for k, (obj, _) in read_many(paths, Agency, problems).items()
    }


def links_of_model(s) -> dict:
    """links_of, read from a validated model."""
    succ = s.status.successor
    return {
        "agency": s.agency,
        "contacts_from_agency": bool(s.contacts_from_agency),
        "groups": list(s.groups),
        "steps": [[i, st.scheme] for i, st in enumerate(s.steps) if st.scheme],
        "successor": succ.id if succ is not None else None,
        "cumulation": [[list(c.schemes), list(c.groups)] for c in s.cumulation],
    }


# --------------------------------------------------------------------------- the cache


def _assemble(scheme_files: list, s_stamps: list, reuse: dict, agencies: dict):
    """(cards, problems): each card taken from ``reuse`` (stamp -> Card) or read from
    its file, in the files' order, one per id, then the checks across cards."""
    problems: list[Problem] = []
    fresh = [(p, s) for (p, _), s in zip(scheme_files, s_stamps) if s not in reuse]
    new = {c.path: c for c in read_cards(fresh, problems)}
    cards = []
    for (path, _), stamp in zip(scheme_files, s_stamps):
        c = reuse.get(stamp) or new.get(path)
        if c is not None:
            c.path = path
            cards.append(c)
    cards = unique(cards, problems)
    problems.extend(cross_check(cards, agencies))
    return cards, problems


def update(
    d: Path,
    scheme_files: list,
    agency_files: list,
    code: str,
    key: str,
    reread,
    fresh=False,
    store=True,
    marks=None,
):
    """The catalogue's cache made again: each card whose file kept its stat data taken
    from the previous cache as it is, the others validated; the checks across cards on
    all. Returns the new cache, opened (in memory if it could not be written).
    ``fresh``: every card validated (the previous cache proved bad). ``store`` False:
    no cache read nor written (INTERTEX_NO_CACHE), every card validated, in memory.
    ``marks``: the scheme files' and the agency files' stamps, if made already."""
    from intertex_cli.errors import CatalogError

    from . import cache

    old = None if fresh or not store else cache.open_previous(code, d)
    reuse: dict = {}
    old_agencies: dict = {}
    if old is not None:
        try:
            reuse = old.cards()
            old_agencies = old.agency_records()
        except cache.CacheError:
            old.discard()
            old, reuse = None, {}
    problems: list[Problem] = []
    s_stamps, a_stamps = marks or (cache.stamps(scheme_files), cache.stamps(agency_files))
    if a_stamps and all(s in old_agencies for s in a_stamps):
        agencies = {old_agencies[s]["id"]: old_agencies[s] for s in a_stamps}
    else:
        agencies = read_agencies([Path(p) for p, _ in agency_files], problems)
    cards, found = _assemble(scheme_files, s_stamps, reuse, agencies)
    cached = {c.path for c in cards if c.record is None}
    if reuse and any(p.file in cached for p in found):
        # A problem found on a card taken from the cache: its file says, not the cache
        # (a cache file whose links were forged would make a valid catalogue fail,
        # on every run). Those cards are read from their files, and all checked again.
        keep = {k: c for k, c in reuse.items() if c.path not in {p.file for p in found}}
        cards, found = _assemble(scheme_files, s_stamps, keep, agencies)
    problems.extend(found)
    if not scheme_files and not problems:
        problems.append(Problem(str(d), "no scheme file (*.yaml, *.yml) in this directory"))
    if problems:
        if old is not None:
            old.close()
        raise CatalogError(f"invalid catalogue: {d}", problems)
    files = scheme_files + agency_files if store else None
    try:
        made = cache.save(
            d, files, key, code, cards, list(agencies.values()), a_stamps, old, reread
        )
    except cache.CacheError:  # a card's part proved bad in the previous file
        if old is None:
            raise
        old.discard()
        old.close()
        again = (d, scheme_files, agency_files, code, key, reread)
        return update(*again, fresh=True, store=store, marks=(s_stamps, a_stamps))
    if old is not None:
        old.close()
    made.built = True
    return made
