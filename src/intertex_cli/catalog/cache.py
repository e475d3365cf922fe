"""A cache of validated catalogues, so that a command starts without YAML or pydantic.

What it trusts, and why:

- **Plain data.** One file per catalogue directory, JSON only (nothing in it can run):
  a header line in a slot of ``HEAD`` bytes, then the body, one JSON part per line:
  each card's record (as the models dump it), what ``list`` reads of it
  (``records.SUMMARY``) and what ``check`` reads (``records.CHECK``), each part with
  its offset, length and CRC-32 in the index; then sections: the ids each card names
  (``links``, for the checks across cards), the index, the agencies, and, once a
  command has needed them, the planner's first questions and the search index. The
  header gives each section's span, and its own CRC: ``show`` reads one card and not
  5,000, ``list`` the summaries alone (after a cold build, one run of bytes).
- **Per card, appended.** A card whose file kept its stat data since the cache was
  written keeps its parts where they are (never read, parsed nor validated again);
  the others are validated (``build.py``), then the checks across cards run on every
  card's links. The new parts and sections are appended to the file and the header
  is rewritten in its slot, under a lock (``flock``) that writers take: editing,
  adding or removing one card of 5,000 costs that card and the index, not the file.
  When more of the file is parts no longer used than parts used, the file is made
  anew. The reuse needs the same format, Python, catalogue folder and intertex code
  (``code`` in the header): another intertex validates everything again.
- **A private folder.** ``$XDG_CACHE_HOME/intertex`` (``~/.cache/intertex``) must be a
  real directory owned by the user and writable by nobody else; it is made 0700 (an
  older intertex made it 0755: still private to write, so it is tightened). Anything
  else (a symlink, another owner, group- or world-writable) and the cache is not used,
  neither read nor written. Cache files must be regular files of the user, not
  writable by others, opened without following symlinks.
- **A key that sees every edit.** The key hashes, for every scheme and agency file,
  what git's index keeps: name, inode, size, mtime and ctime in nanoseconds (``cp -p``,
  ``rsync -a`` and ``touch -r`` keep mtime and size but not ctime or the inode), and
  the same for intertex's own code. A file changed less than ``RACY_SECONDS`` before
  the cache would be written could change again within the same clock tick unseen
  (git's "racy" files): then nothing is written, and the next run writes it.
- **Checked on read.** A header that does not parse or fails its CRC (read again if a
  writer was rewriting it), another format, another key, a file shorter than the
  header says, a CRC that does not match: the file is ignored and rebuilt. What is read is checked against the shape of the models
  (``shape.py``: types, keys, words of a vocabulary) as well as its checksum: a record
  that passes its CRC but holds a list where a word goes is a cache miss like a bad
  CRC. A scheme record found bad after the header was accepted is read from its YAML
  file instead (validated), and the cache file is removed.
- **Never blocks.** The file is opened without following links and without waiting
  (``O_NONBLOCK``): a FIFO put in its place is not a regular file, and is ignored.
- **Old versions go.** One file per catalogue directory, made anew atomically (a
  temporary file in the same folder, then ``os.replace``); pickles of older versions
  are deleted; at most ``MAX_FILES`` catalogue directories are kept, the most recently
  written.

Off with INTERTEX_NO_CACHE=1.
"""

from __future__ import annotations

import json
import operator
import os
import stat
import sys
import time
import zlib
from pathlib import Path

FORMAT = 12  # 3: a "check" section beside the summary; 4: without steps and documents;
# 5: a "planner" section (the first question); 6: per card (stamps, links, parts);
# 7: components' base_answer in the summary; 8: the notes in English (note_en, notes_en);
# 9: the conditions whole in the "check" section; 10: the status's changes, sources,
# successor and contacts and the funding's cover there, not in the summary; 11: a
# header slot rewritten in place, each card's parts apart, appended to; 12: the search
# index's spans flat, as the index's (checked at C speed: a list per token was 5 ms)
RACY_SECONDS = 2.0
MAX_FILES = 16
HEAD = 4096  # bytes of the header's slot, at the start of the file
PREFIX = "catalog-"
SUFFIX = ".jsonl"


class CacheError(ValueError):
    """A cache file that does not validate."""


def directory() -> Path | None:
    """``$XDG_CACHE_HOME/intertex``, else ``~/.cache/intertex``; None without an absolute
    path for either: a relative one (the XDG spec says to ignore it), or no home (no
    HOME and no passwd entry, a container's arbitrary uid: ``~`` stays ``~``) made a
    cache of megabytes in every folder intertex ran in."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "intertex" if os.path.isabs(base) else None


def _uid() -> int:
    """The user's id (0 where there is none to compare: st_uid is 0 there too)."""
    geteuid = getattr(os, "geteuid", None)  # absent on Windows, whose stat says 0
    return geteuid() if geteuid is not None else 0


def private_directory(create: bool) -> Path | None:
    """The cache folder if it is the user's alone (made so if it is ours), else None."""
    d = directory()
    if d is None:
        return None
    if create:
        try:
            d.parent.mkdir(parents=True, exist_ok=True)
            os.mkdir(d, 0o700)
        except FileExistsError:
            pass
        except OSError:
            return None
    try:
        st = os.lstat(d)
    except OSError:
        return None
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != _uid():
        return None
    if st.st_mode & 0o022:  # others could have written into it: nothing in it is ours
        return None
    if st.st_mode & 0o077:
        try:
            os.chmod(d, 0o700)
        except OSError:
            return None
    return d


# --------------------------------------------------------------------------- the key


def _code_stamp() -> list[str]:
    """intertex's own code: the cache holds what this code validated and indexed."""
    package = Path(__file__).resolve().parents[1]
    out = []
    stack = [str(package)]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for e in entries:
            if e.is_dir(follow_symlinks=False) and not e.name.startswith((".", "__")):
                stack.append(e.path)
            elif e.name.endswith(".py"):
                out.append(_stat_line(e.path, e.stat()))
    return out


def _stat_line(path: str, st: os.stat_result) -> str:
    return f"{path}|{st.st_ino}|{st.st_size}|{st.st_mtime_ns}|{st.st_ctime_ns}"


def _hash():
    try:  # the C module behind hashlib.blake2b: hashlib itself loads OpenSSL (2 ms)
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - another Python
        from hashlib import blake2b
    return blake2b(digest_size=32)


def code_key(catalog_dir: Path) -> str:
    """What a cached card was validated by: the format, Python, intertex's code, and
    the catalogue's folder (a card's id is its file's name there)."""
    h = _hash()
    h.update(f"{FORMAT}|{sys.version_info[:2]}|{catalog_dir.resolve()}\n".encode())
    for line in _code_stamp():
        h.update(line.encode("utf-8", "surrogateescape") + b"\n")
    return h.hexdigest()


def stamps(files: list[tuple[str, os.stat_result]]) -> list[str]:
    """Each file's stat data as git's index keeps it, under its real folder's name."""
    folders: dict[str, str] = {}  # however the folder was named (relative, a symlink…)
    out = []
    for path, st in files:
        folder, name = os.path.split(path)
        real = folders.get(folder)
        if real is None:
            real = folders[folder] = os.path.realpath(folder)
        out.append(_stat_line(os.path.join(real, name), st))
    return out


def fingerprint(
    catalog_dir: Path, files: list[tuple[str, os.stat_result]], code: str | None = None
) -> str:
    """The key of a catalogue: every file's stat data, intertex's code, Python."""
    return key_of(code or code_key(catalog_dir), stamps(files))


def key_of(code: str, lines: list[str]) -> str:
    """The key of a catalogue from its files' stamps (``stamps``) and its code key."""
    h = _hash()
    h.update(code.encode() + b"\n")
    for line in lines:
        h.update(line.encode("utf-8", "surrogateescape") + b"\n")
    return h.hexdigest()


def _stem(stamp: str) -> str:
    """The name of a stamp's file without its suffix: its card's id (build.py)."""
    return os.path.splitext(os.path.basename(stamp.rsplit("|", 4)[0]))[0]


def racy(files: list[tuple[str, os.stat_result]], now_ns: int | None = None) -> bool:
    """A file changed so recently that a second change could keep its stat data."""
    now_ns = time.time_ns() if now_ns is None else now_ns
    limit = now_ns - int(RACY_SECONDS * 1e9)
    return any(max(st.st_mtime_ns, st.st_ctime_ns) > limit for _, st in files)


def _file(folder: Path, catalog_dir: Path) -> Path:
    name = _hash()
    name.update(str(catalog_dir.resolve()).encode("utf-8", "surrogateescape"))
    return folder / f"{PREFIX}{name.hexdigest()[:24]}{SUFFIX}"


class Card:
    """A validated card as the cache keeps it: JSON parts, and its links as data."""

    __slots__ = ("id", "path", "stamp", "record", "summary", "check", "links", "spans")

    def __init__(self, card_id, path, stamp, record, summary, check, links, spans=None):
        self.id = card_id
        self.path = path  # its file
        self.stamp = stamp  # its file's stat data, when read (cache.stat_line)
        self.record = record  # bytes: the whole card, as the models dump it
        self.summary = summary  # bytes: records.SUMMARY of it
        self.check = check  # bytes: records.CHECK of it
        self.links = links  # the ids it names (links_of), as data
        self.spans = spans  # (record, summary, check): its parts' spans in the cache
        # file it was read from; then record, summary and check are None


# --------------------------------------------------------------------------- reading


def _crc(data) -> int:
    return zlib.crc32(data) & 0xFFFFFFFF


def _open_private(path: Path):
    """The cache file, opened read-only: a regular file of the user that nobody else
    may write, never through a link, never waiting (a FIFO in its place is refused)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags | getattr(os, "O_NONBLOCK", 0))
    try:
        st = os.fstat(fd)
        if not _private(st):
            raise CacheError("not a private file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb"), st
    except BaseException:
        os.close(fd)
        raise


def _private(st: os.stat_result) -> bool:
    return stat.S_ISREG(st.st_mode) and st.st_uid == _uid() and not st.st_mode & 0o022


def _is_span(x) -> bool:
    return x.__class__ is list and len(x) == 3 and all(v.__class__ is int and v >= 0 for v in x)


def _spans(x, n: int, size: int) -> bool:
    """``n`` spans, flat (offset, length, CRC, offset…), each within a body of ``size``
    bytes and all of them no longer than it (parts of a kind never share bytes: the
    same 20 MB span given to 28 cards was read 28 times, 1.2 GB), 15,000 numbers at
    5,000 cards checked at C speed (a bool is no int here)."""
    return (
        x.__class__ is list
        and len(x) == 3 * n
        and (
            not x
            or (
                {*map(type, x)} == {int}
                and min(x) >= 0
                and max(map(int.__add__, x[0::3], x[1::3])) <= size
                and sum(x[1::3]) <= size
            )
        )
    )


def _loads(data):
    """JSON of the cache file; CacheError if nested too deep to parse (``[`` × 4,095
    in the header's slot raised RecursionError, before any CRC could be checked)."""
    try:
        return json.loads(data)
    except RecursionError:
        raise CacheError("nested too deep") from None


def _nth(spans: list, i: int) -> list:
    return spans[3 * i : 3 * i + 3]


def _words(x) -> bool:
    return x.__class__ is list and {*map(type, x)} <= {str}  # at C speed


def header(head: dict) -> bytes:
    """The header's slot: the header as a JSON line with its own checksum, padded."""
    line = _dumps({**head, "crc": _crc(_dumps(head))})
    if len(line) >= HEAD:
        raise CacheError("a header too large for its slot")
    return line.ljust(HEAD - 1) + b"\n"


def _parse_header(slot: bytes) -> dict:
    """The header of a slot (CacheError: not whole, or written while it was read)."""
    if len(slot) != HEAD or slot[-1:] != b"\n":
        raise CacheError("no header")
    head = _loads(slot)
    if head.__class__ is not dict or head.pop("crc", None) != _crc(_dumps(head)):
        raise CacheError("header checksum")
    return head


class CachedCatalog:
    """An open cache file: the header read and checked; the rest read when asked.

    ``key`` None: any key, for the previous version of a catalogue's cache, whose
    unchanged cards a rebuild takes as they are. ``reread(scheme_id)``: the card read
    and validated from its file, for a record the cache proves wrong about.
    ``memory``: a catalogue made by this process, not read from ``path``: (its
    header, the file the body starts in (None: none), where that file's part ends,
    the rest of the body, in memory).
    """

    def __init__(self, path, key, catalog_dir: Path, code=None, reread=None, memory=None):
        self.path = path  # None: a catalogue built in memory (no cache written)
        self.built = False  # made by this process (build.update), not read as it was
        self.catalog_dir = catalog_dir
        self._reread = reread
        self._tail_at, self._tail = 1 << 62, b""  # the body's bytes kept in memory
        self._fh = None
        try:
            if memory is not None:
                head, self._fh, self._tail_at, self._tail = memory
                size = self._tail_at + len(self._tail)
            else:
                self._fh, st = _open_private(path)
                head = self._read_header()
                size = st.st_size - HEAD
            self._take(head, key, code, size)
        except CacheError:
            self.close()
            raise
        except (ValueError, KeyError, TypeError, OSError, AttributeError) as e:
            self.close()
            raise CacheError(str(e)) from None
        self._summary: dict | None = None
        self._check: dict | None = None
        self._search = None
        self._first: dict | None = None

    def _read_header(self) -> dict:
        """The header, read again if a writer was rewriting it at that moment."""
        for attempt in range(3):
            try:
                return _parse_header(os.pread(self._fh.fileno(), HEAD, 0))
            except (CacheError, ValueError):
                if attempt == 2:
                    raise
                time.sleep(0.002)
        raise CacheError("header")  # pragma: no cover

    def _take(self, head, key, code, size: int) -> None:
        """The header and the index checked: the file is this catalogue's cache."""
        if head.get("format") != FORMAT:
            raise CacheError("another format")
        if key is not None and head.get("key") != key:
            raise CacheError("another key")
        if code is not None and head.get("code") != code:
            raise CacheError("another intertex or folder")
        # The body only grows (a rebuild appends), up to the next file made anew.
        if head["size"].__class__ is not int or not 0 <= head["size"] <= size:
            raise CacheError("truncated")
        self.key = head.get("key")
        self._head = head
        self._sections = head["sections"]
        if not isinstance(self._sections, dict) or not all(
            _is_span(v) and v[0] + v[1] <= head["size"] for v in self._sections.values()
        ):
            raise CacheError("sections")  # (a span past the end would be read whole)
        index = self._section("index")
        self.ids: list[str] = index["ids"]
        self.stamps: list[str] = index["stamps"]
        self._agency_stamps: list[str] = index["agency_stamps"]
        n = len(self.ids)
        self._parts = [index[k] for k in ("records", "summaries", "checks")]
        if not (
            _words(self.ids)
            and _words(self.stamps)
            and _words(self._agency_stamps)
            and len(self.stamps) == n
            and all(_spans(p, n, head["size"]) for p in self._parts)
        ):
            raise CacheError("index")
        self._at = dict(zip(self.ids, range(n)))
        if len(self._at) != n:
            raise CacheError("index")
        # The index is the files the key was made of, in their order, each card
        # under its file's name: else its CRCs prove its parts, not where they go.
        if key is not None and key_of(head["code"], self.stamps + self._agency_stamps) != key:
            raise CacheError("index")
        if any(_stem(s) != i for i, s in zip(self.ids, self.stamps)):
            raise CacheError("index")
        from .shape import valid

        self.agencies: list[dict] = self._section("agencies")
        if (
            self.agencies.__class__ is not list
            or len(self.agencies) != len(self._agency_stamps)
            or not all(valid("agency", a) for a in self.agencies)
        ):
            raise CacheError("agencies")

    def _pread(self, offset: int, length: int) -> bytes:
        """``length`` bytes of the body at ``offset``: from memory or from the file."""
        at = offset - self._tail_at
        if 0 <= at < len(self._tail):
            return self._tail[at : at + length]
        if self._fh is None:
            return b""
        return os.pread(self._fh.fileno(), length, HEAD + offset)

    def _read(self, span) -> bytes:
        offset, length, crc = span
        data = self._pread(offset, length)
        if len(data) != length or _crc(data) != crc:
            raise CacheError("checksum")
        return data

    def _section(self, name: str):
        span = self._sections[name]
        if name == "planner" and span[1] > PLANNER_MAX:
            raise CacheError("planner")  # (a forged one would take its size many times)
        return _loads(self._read(span))

    def _many(self, spans: list) -> list:
        """The parts at these spans (flat), each checked, those that follow one another
        in the file read at once (after a cold build, every card's part of a kind)."""
        out: list = []
        i, n = 0, len(spans)
        while i < n:
            start = end = spans[i]
            j = i
            while j < n and spans[j] == end and end - start < _Run.CHUNK:
                end = spans[j] + spans[j + 1] + 1
                j += 3
            data = memoryview(self._pread(start, end - start - 1))
            if len(data) != end - start - 1:
                raise CacheError("truncated")
            for k in range(i, j, 3):
                at = spans[k] - start
                part = data[at : at + spans[k + 1]]
                if len(part) != spans[k + 1] or _crc(part) != spans[k + 2]:
                    raise CacheError("checksum")
                out.append(part)
            i = j
        return out

    def summary(self, scheme_id: str) -> dict:
        """What records.SUMMARY keeps of a scheme ({} if the summary proves bad)."""
        if self._summary is None:
            self._summary = self._rows("summary", self._parts[1])
        row = self._summary.get(scheme_id)
        return row if isinstance(row, dict) else {}

    def check_part(self, scheme_id: str) -> dict:
        """What records.CHECK keeps of a scheme ({} if the section proves bad)."""
        if self._check is None:
            self._check = self._rows("check", self._parts[2])
        row = self._check.get(scheme_id)
        return row if isinstance(row, dict) else {}

    def _rows(self, shape: str, spans: list) -> dict:
        """Every card's part of a kind, by id, each checked: its card's id, its shape."""
        from .shape import valid

        try:
            rows = _loads(b"[" + b",".join(self._many(spans)) + b"]")
            if rows.__class__ is not list or len(rows) != len(self.ids):
                raise CacheError(shape)
            for i, row in zip(self.ids, rows):
                if row.__class__ is not dict or row.get("id") != i or not valid(shape, row):
                    raise CacheError(shape)
            return dict(zip(self.ids, rows))
        except (CacheError, ValueError, KeyError, OSError):
            self.discard()
            return {}

    def record(self, scheme_id: str) -> dict:
        """One scheme, whole. Read from its YAML file if the cache proves wrong."""
        from .shape import valid

        try:
            data = _loads(self._read(_nth(self._parts[0], self._at[scheme_id])))
            if not isinstance(data, dict) or data.get("id") != scheme_id:
                raise CacheError("record")
            if not valid("scheme", data):
                raise CacheError("record")
            return data
        except (CacheError, ValueError, KeyError, OSError):
            self.discard()
            if self._reread is None:
                raise CacheError(f"the cached record of {scheme_id} does not validate") from None
            return self._reread(scheme_id)

    def search_index(self, catalog=None):
        """The search index (catalog/search.py): tokens now, postings when asked.

        Computed from the records, and kept, the first time a search needs it. Kept
        across rebuilds for the cards that did not change (``stamps``: the cards it
        was computed for): the cards edited or added since are indexed when a search
        needs them, and a card's old postings are left out (search.Merged)."""
        if self._search is not None:
            return self._search
        from .search import FIELDS, Index, Merged, index_of

        if "search" not in self._sections or "postings" not in self._sections:
            if catalog is None:
                return None
            self._search = index_of(catalog, transient=True)
            self.store(search=self._search)
            return self._search
        at, size = self._sections["postings"][:2]
        try:
            head = self._section("search")
            tokens, spans, base = head["tokens"], head["spans"], head["stamps"]
            if (
                not _words(tokens)
                or not _words(base)
                or not _spans(spans, len(tokens), size)  # within the postings, flat
                or any(map(operator.ge, tokens, tokens[1:]))  # bisect needs them sorted
            ):
                raise CacheError("search index")
        except (CacheError, ValueError, KeyError, TypeError):
            self.discard()
            return None
        n = len(base)

        def postings(j: int) -> list[int]:
            try:
                offset, length, crc = _nth(spans, j)
                p = _loads(self._read([at + offset, length, crc]))
                if (
                    p.__class__ is not list
                    or len(p) % 3
                    or not all(v.__class__ is int and v >= 0 for v in p)
                    or any(v >= n for v in p[0::3])
                    or any(v >= len(FIELDS) for v in p[1::3])
                ):
                    raise CacheError("postings")
                return p
            except (CacheError, ValueError, OSError) as e:
                self.discard()
                raise CacheError("a search posting does not validate") from e

        index = Index(tokens, postings)
        if base != self.stamps:
            now = {st: i for i, st in enumerate(self.stamps)}
            old = set(base)
            added = [i for i, st in enumerate(self.stamps) if st not in old]
            if catalog is None and added:
                return None
            index = Merged(index, [now.get(st, -1) for st in base], catalog, added)
        self._search = index
        return self._search

    def first_question(self, schemes) -> tuple[bool, str | None]:
        """(found, key): the planner's first question for these schemes of this file
        with nothing answered (planner.py), for the whole catalogue and for its
        current schemes (what the wizard weighs when the projects are not known).
        Computed the first time either is asked for, from the cached cards, and kept
        in the file. (False, None) for any other set, or if the section proves bad."""
        if not schemes or any(getattr(s, "_source", None) is not self for s in schemes):
            return False, None
        from intertex_cli.engine.vocab import ANSWER_FACTS

        if self._first is None and "planner" in self._sections:
            try:
                first = self._section("planner")
                if not isinstance(first, dict) or not all(
                    isinstance(k, str) and (v is None or v in ANSWER_FACTS)
                    for k, v in first.items()
                ):
                    raise CacheError("planner")
            except (CacheError, ValueError, KeyError, TypeError):
                self.discard()
                first = {}
            self._first = first
        elif self._first is None and self.path is not None:
            self._first = self._first_questions()
            self.store(planner=self._first)
        digest = ids_digest(s.id for s in schemes)
        first = self._first or {}
        return (True, first[digest]) if digest in first else (False, None)

    def _first_questions(self) -> dict:
        from intertex_cli.engine.assess import question_schemes
        from intertex_cli.engine.planner import compute_next_question
        from intertex_cli.engine.profile import Profile

        from .records import LazyScheme

        schemes = tuple(LazyScheme(i, self) for i in self.ids)
        out = {}
        for group in (schemes, question_schemes(schemes, Profile({}))):
            out[ids_digest(s.id for s in group)] = compute_next_question(group, Profile({}))
        return out

    def discard(self) -> None:
        """This file proved bad: remove it, the next run writes a new one."""
        if self.path is None:
            return
        try:
            os.unlink(self.path)
        except OSError:
            pass
        self.path = None  # never written again by this process

    # ------------------------------------------------------------------ rebuilding

    def cards(self) -> dict:
        """stamp -> Card: every card of this file, as the spans of its parts (nothing
        of them read), for a rebuild. CacheError if the links prove bad."""
        try:
            links = self._section("links")
            if links.__class__ is not list or len(links) != len(self.ids):
                raise CacheError("links")
            out = {}
            for n, (i, stamp, ln) in enumerate(zip(self.ids, self.stamps, links)):
                if not _links(ln):
                    raise CacheError("links")
                path = stamp.split("|", 1)[0]
                spans = [_nth(p, n) for p in self._parts]
                out[stamp] = Card(i, path, stamp, None, None, None, ln, spans)
            return out
        except (ValueError, KeyError, TypeError, OSError) as e:
            raise CacheError(str(e)) from None

    def agency_records(self) -> dict:
        """stamp -> an agency's record, for a rebuild."""
        return dict(zip(self._agency_stamps, self.agencies))

    def detach(self):
        """The open file, now the caller's (a catalogue made from this one reads it)."""
        fh, self._fh = self._fh, None
        return fh

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def store(self, planner: dict | None = None, search=None) -> None:
        """Append the planner's first questions or the search index to this file (the
        cards as they are), if it is still the one this process read: the next
        command finds them."""
        if self.path is None or self.key is None or self._fh is None:
            return
        mine = os.fstat(self._fh.fileno())
        fd = _locked(self.path, (mine.st_ino, mine.st_dev))
        if fd is None:
            return
        try:
            if _parse_header(os.pread(fd, HEAD, 0)) != self._head:
                return  # another process wrote it meanwhile
            out = _Out(os.fstat(fd).st_size - HEAD)
            sections = dict(self._sections)
            if planner is not None:
                sections["planner"] = out.put(_dumps(planner))
            if search is not None:
                _put_search(out, sections, search, self.stamps)
            head = {**self._head, "size": out.at, "sections": sections}
            _append(fd, out, head)
        except (OSError, ValueError, TypeError, CacheError):
            return
        finally:
            os.close(fd)
        self._head, self._sections = head, sections


def _links(ln) -> bool:
    """A card's links as build.links_of makes them: steps (position, id), cumulation
    rules (ids, groups)."""
    from .shape import valid

    return (
        valid("links", ln)
        and all(
            len(x) == 2 and x[0].__class__ is int and x[1].__class__ is str for x in ln["steps"]
        )
        and all(len(x) == 2 for x in ln["cumulation"])
    )


def ids_digest(ids) -> str:
    """A set of schemes named by its ids, in order (the planner section's keys)."""
    h = _hash()
    for i in ids:
        h.update(i.encode("utf-8", "surrogateescape") + b"\n")
    return h.hexdigest()


def open_catalog(key: str, catalog_dir: Path, reread=None) -> CachedCatalog | None:
    """The cache of this catalogue if its key is ``key``, else None."""
    return _open(key, None, catalog_dir, reread)


def open_previous(code: str, catalog_dir: Path) -> CachedCatalog | None:
    """The cache of this catalogue as the same intertex wrote it, whatever its key:
    the cards whose files did not change are taken from it."""
    return _open(None, code, catalog_dir, None)


def _open(key, code, catalog_dir: Path, reread) -> CachedCatalog | None:
    folder = private_directory(create=False)
    if folder is None:
        return None
    path = _file(folder, catalog_dir)
    try:
        return CachedCatalog(path, key, catalog_dir, code=code, reread=reread)
    except (CacheError, OSError):
        return None


# --------------------------------------------------------------------------- writing


def _dumps(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


class _Out:
    """The parts put after a body's first ``at`` bytes, each on its line, with their
    spans; parts of the previous file copied as they are (``_Run``)."""

    def __init__(self, at: int = 0, old=None):
        self.start = self.at = at
        self.old = old
        self.chunks: list = []
        self._run = None

    def put(self, data: bytes) -> list:
        span = [self.at, len(data), _crc(data)]
        self.chunks += (data, b"\n")
        self.at += len(data) + 1
        self._run = None
        return span

    def copy(self, span) -> list:
        """A part of ``old`` (checked as it is copied, when the file is written)."""
        if self._run is None or not self._run.extend(span):
            self._run = _Run(self.old, span)
            self.chunks.append(self._run)
        new = [self.at, span[1], span[2]]
        self.at += span[1] + 1
        return new

    def pieces(self):
        for c in self.chunks:
            if c.__class__ is _Run:
                yield from c.pieces()
            else:
                yield c


def _put_search(out: _Out, sections: dict, search, stamps: list) -> None:
    """Each token's postings on its line, all of them one part (``postings``, each read
    only where its token matches, by its span there), then the tokens with those spans
    and the cards they were computed for (their stamps, in the order of the postings)."""
    lines = [_dumps(p) for p in search._postings]
    spans, at = [], 0  # flat, as the index's: offset, length, CRC, offset…
    for data in lines:
        spans += (at, len(data), _crc(data))
        at += len(data) + 1
    sections["postings"] = out.put(b"\n".join(lines))
    sections["search"] = out.put(
        _dumps({"tokens": search.tokens, "spans": spans, "stamps": stamps})
    )


SEARCH_DELTA = 0.2  # past this share of cards changed since, the index is made again


def _keep_search(out: _Out, sections: dict, old, cards: list, agencies_same: bool, copy) -> None:
    """The previous file's search index, if it still serves: the same agencies (their
    names are indexed) and most cards unchanged. Kept where it is, or copied."""
    if old is None or not agencies_same or not {"search", "postings"} <= old._sections.keys():
        return
    try:
        base = set(old._section("search")["stamps"])
    except (CacheError, ValueError, KeyError, TypeError, OSError):
        return
    changed = sum(1 for c in cards if c.stamp not in base)
    if changed > SEARCH_DELTA * max(len(cards), 1):
        return
    for name in ("postings", "search"):
        span = old._sections[name]
        sections[name] = out.copy(span) if copy else span


def body(cards: list, agencies: list, agency_stamps: list, out: _Out, old, copy: bool):
    """(sections, live): the body's sections, the cards' parts put in ``out``: each new
    part (bytes), and each part of ``old`` copied (``copy``, a file made anew: each kind
    of part in one run) or left where it is (a file appended to); ``live``: the bytes
    of the body they take (the rest of an appended file: parts no longer used)."""

    def parts(k: int) -> list:
        got = []
        for c in cards:
            data = (c.record, c.summary, c.check)[k]
            if data is not None:
                got += out.put(data)
            else:
                got += out.copy(c.spans[k]) if copy else c.spans[k]
        return got

    spans = [parts(k) for k in range(3)]  # flat: offset, length, CRC, offset…
    sections = {"links": out.put(_dumps([c.links for c in cards]))}
    sections["index"] = out.put(
        _dumps(
            {
                "ids": [c.id for c in cards],
                "stamps": [c.stamp for c in cards],
                "agency_stamps": agency_stamps,
                "records": spans[0],
                "summaries": spans[1],
                "checks": spans[2],
            }
        )
    )
    sections["agencies"] = out.put(_dumps(agencies))
    same = old is not None and old._agency_stamps == agency_stamps
    _keep_search(out, sections, old, cards, same, copy)
    live = sum(s[1] + 1 for s in sections.values()) + sum(sum(k[1::3]) + len(k) // 3 for k in spans)
    return sections, live


COMPACT_FROM = 4 << 20  # an appended file is made anew when more than this and than
# the parts it uses are parts no longer used


class _Run:
    """Parts that follow one another in the previous cache file, each with the line
    break after it: copied in large reads, never parsed. Each part's CRC and the
    line break after it are checked as it passes (``CacheError`` if one proves bad)."""

    CHUNK = 8 << 20  # bytes read at once (at least one part)

    __slots__ = ("old", "spans")

    def __init__(self, old, span):
        self.old = old
        self.spans = [span]

    def extend(self, span) -> bool:
        """Take ``span`` if it starts where the run ends."""
        last = self.spans[-1]
        if span[0] != last[0] + last[1] + 1:
            return False
        self.spans.append(span)
        return True

    def pieces(self):
        spans = self.spans
        i = 0
        while i < len(spans):
            start = spans[i][0]
            j = i + 1
            while j < len(spans) and spans[j][0] + spans[j][1] + 1 - start <= self.CHUNK:
                j += 1
            end = spans[j - 1][0] + spans[j - 1][1] + 1
            data = self.old._pread(start, end - start)
            if len(data) != end - start:
                raise CacheError("truncated")
            view = memoryview(data)
            for offset, length, crc in spans[i:j]:
                at = offset - start
                if _crc(view[at : at + length]) != crc or view[at + length] != 10:
                    raise CacheError("checksum")
            yield data
            i = j


def save(
    catalog_dir: Path, files, key: str, code: str, cards, agencies, agency_stamps, old, reread
):
    """Store a validated catalogue, and give it, opened.
    ``files``: its files and their stat data (None: nothing written, INTERTEX_NO_CACHE).

    With ``old``, the previous file: its unchanged cards' parts stay where they are,
    the new ones are appended to it, and its header rewritten in place (``_append``),
    unless most of it would be parts no longer used: then, or without ``old``, the
    file is made anew (a temporary file, then ``os.replace``). Nothing is written if
    a file changed just now (``racy``), without a private folder, or on a full disk:
    then the catalogue is held in memory, over ``old``'s file. CacheError: a part
    copied from ``old`` proved bad (nothing written)."""
    head = {"format": FORMAT, "key": key, "code": code}
    folder = None if files is None or racy(files) else private_directory(create=True)
    path = None if folder is None else _file(folder, catalog_dir)
    if old is not None and old._fh is not None:
        made = _appended(path, old, head, cards, agencies, agency_stamps, reread)
        if made is not None:
            return made
    out = _Out(0, old)
    sections, _ = body(cards, agencies, agency_stamps, out, old, copy=old is not None)
    whole = {**head, "size": out.at, "sections": sections}
    if path is not None:
        _clear(path)
        try:
            _atomic_write(path, [header(whole), *out.pieces()])
        except OSError:
            path = None  # a full disk, a read-only home: no cache, still correct
        else:
            _prune(folder, keep=path)
            try:
                return CachedCatalog(path, key, catalog_dir, reread=reread)
            except (CacheError, OSError):
                pass  # replaced meanwhile by another process: this one's, from memory
    if old is not None and old._fh is not None:  # over the old file, not a copy of it
        made = _appended(None, old, head, cards, agencies, agency_stamps, reread)
        if made is not None:
            return made
    tail = b"".join(out.pieces())
    return CachedCatalog(None, None, catalog_dir, reread=reread, memory=(whole, None, 0, tail))


def _appended(path, old, head, cards, agencies, agency_stamps, reread):
    """The catalogue as ``old``'s file with the new parts after it: appended to the
    file when ``path`` is it (locked, ``_locked``), else held in memory, as it is when
    another process made the file anew meanwhile (eight processes each made a file of
    5,000 cards anew, 100 MB, after one had). None if the file should be made anew
    instead (most of it unused, or locked beyond ``LOCK_WAIT``, or gone)."""
    mine = os.fstat(old._fh.fileno())
    fd = None
    if path is not None:
        if old.path != path:
            return None
        fd = _locked(path, (mine.st_ino, mine.st_dev))
        if fd is None:
            if not _replaced(path, mine):
                return None
            path = None
    try:
        base = (os.fstat(fd).st_size if fd is not None else mine.st_size) - HEAD
        out = _Out(base)
        sections, live = body(cards, agencies, agency_stamps, out, old, copy=False)
        whole = {**head, "size": out.at, "sections": sections}
        if fd is not None:
            if out.at - live > max(COMPACT_FROM, live):
                return None
            _append(fd, out, whole)
    except OSError:
        return None
    finally:
        if fd is not None:
            os.close(fd)
    memory = (whole, old.detach(), base, b"".join(out.chunks))
    return CachedCatalog(path, None, old.catalog_dir, reread=reread, memory=memory)


def _replaced(path: Path, mine: os.stat_result) -> bool:
    """Another regular file than ``mine`` at ``path``: made anew by another process."""
    try:
        st = os.stat(path, follow_symlinks=False)
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode) and (st.st_ino, st.st_dev) != (mine.st_ino, mine.st_dev)


def _append(fd: int, out: _Out, head: dict) -> None:
    """``out``'s parts written at the end of the locked file, then its header."""
    slot = header(head)
    at = HEAD + out.start
    for c in out.chunks:
        view = memoryview(c)
        while view:
            n = os.pwrite(fd, view, at)
            view, at = view[n:], at + n
    if os.pwrite(fd, slot, 0) != HEAD:
        raise OSError("short write")


PLANNER_MAX = 1 << 16  # bytes of the planner section: two digests and their questions
LOCK_WAIT = 2.0  # seconds a rebuild waits for another process writing the same file


def _locked(path: Path, ino: tuple):
    """A descriptor of the cache file, for writing, locked (``flock``), if it is still
    the file ``ino`` (device, inode) and no other process keeps it locked beyond
    ``LOCK_WAIT``; else None (the file is made anew, or not written)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - no flock: made anew each time
        return None
    flags = os.O_RDWR | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if (st.st_ino, st.st_dev) != ino or not _private(st):
            raise OSError("another file")
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.005)
        st = os.stat(path, follow_symlinks=False)
        if (st.st_ino, st.st_dev) != ino:
            raise OSError("replaced meanwhile")
        return fd
    except OSError:
        os.close(fd)
        return None


def _clear(path: Path) -> None:
    """An empty folder in the file's place (made by hand) is removed: else no file
    could replace it, and every command would validate every card again. Anything
    else stays (a file replaces a link or a FIFO; a folder with files in it is kept,
    and the catalogue is held in memory)."""
    try:
        if stat.S_ISDIR(os.lstat(path).st_mode):
            os.rmdir(path)
    except OSError:
        pass


def _atomic_write(path: Path, chunks) -> None:
    import tempfile

    # the writer's pid in the name: one killed while writing leaves a file removed at
    # once by the next (``_prune``), not after an hour
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".tmp-{os.getpid()}-", suffix=SUFFIX)
    try:
        with os.fdopen(fd, "wb") as f:
            for c in chunks:
                f.write(c)
            f.flush()
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _alive(tmp_name: str) -> bool:
    """Whether the process that names a temporary file (``.tmp-PID-…``) still runs
    (True when it cannot be told: an older name, another user's process)."""
    pid = tmp_name.split("-")[1]
    if not pid.isdigit() or os.name != "posix":  # (Windows' kill would end it)
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError, ValueError):
        return True
    return True


def _prune(folder: Path, keep: Path) -> None:
    """Remove older intertex caches: pickles, stale temporaries, the least recent files."""
    now = time.time()
    mine = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for e in entries:
        try:
            if e.name.startswith(PREFIX) and e.name.endswith(".pickle"):
                os.unlink(e.path)  # format 1: a pickle
            elif e.name.startswith(".tmp-") and (
                not _alive(e.name) or now - e.stat().st_mtime > 3600
            ):
                os.unlink(e.path)
            elif e.name.startswith(PREFIX) and e.name.endswith(SUFFIX) and e.path != str(keep):
                mine.append((e.stat().st_mtime, e.path))
        except OSError:
            continue
    mine.sort(reverse=True)
    for _, p in mine[MAX_FILES - 1 :]:
        try:
            os.unlink(p)
        except OSError:
            pass
