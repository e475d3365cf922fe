"""A cache of validated catalogues, so that a command starts without YAML or pydantic.

What it trusts, and why:

- **Plain data.** One file per catalogue directory, JSON only (nothing in it can run):
  a header line, then one line per card (its record, as the models dump it) and
  sections: the agencies, the index of cards (each card's file stamp and the length
  of its part of each section), a summary for ``list``, what ``check`` reads, the ids
  each card names (``links``, for the checks across cards), and, once a command has
  needed them, the planner's first questions and the search index. Each has its
  offset, length and CRC-32 in the header or the index, so that ``show`` reads one
  card and not 5,000.
- **Per card.** A card whose file kept its stat data since the cache was written is
  taken from the cache as it is (its bytes copied, never parsed nor validated again);
  the others are validated (``build.py``), then the checks across cards run on every
  card's links, and the file is written again: editing, adding or removing one card
  of 5,000 costs that card, plus copying the rest (``build.update``). The per-card
  reuse needs the same format, Python, catalogue folder and intertex code (``code``
  in the header): another intertex validates everything again.
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
- **Checked on read.** A header that does not parse, another format, another key, a
  size that differs from the header's, a CRC that does not match: the file is ignored
  and rebuilt. What is read is checked against the shape of the models
  (``shape.py``: types, keys, words of a vocabulary) as well as its checksum: a record
  that passes its CRC but holds a list where a word goes is a cache miss like a bad
  CRC. A scheme record found bad after the header was accepted is read from its YAML
  file instead (validated), and the cache file is removed.
- **Never blocks.** The file is opened without following links and without waiting
  (``O_NONBLOCK``): a FIFO put in its place is not a regular file, and is ignored.
- **Old versions go.** One file per catalogue directory, replaced atomically (a
  temporary file in the same folder, then ``os.replace``); pickles of older versions
  are deleted; at most ``MAX_FILES`` catalogue directories are kept, the most recently
  written.

Off with INTERTEX_NO_CACHE=1.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import time
import zlib
from pathlib import Path

FORMAT = 10  # 3: a "check" section beside the summary; 4: without steps and documents;
# 5: a "planner" section (the first question); 6: per card (stamps, links, parts);
# 7: components' base_answer in the summary; 8: the notes in English (note_en, notes_en);
# 9: the conditions whole in the "check" section; 10: the status's changes, sources,
# successor and contacts and the funding's cover there, not in the summary
RACY_SECONDS = 2.0
MAX_FILES = 16
HEADER_LIMIT = 1 << 20
PREFIX = "catalog-"
SUFFIX = ".jsonl"


class CacheError(ValueError):
    """A cache file that does not validate."""


def directory() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "intertex"


def _uid() -> int:
    """The user's id (0 where there is none to compare: st_uid is 0 there too)."""
    geteuid = getattr(os, "geteuid", None)  # absent on Windows, whose stat says 0
    return geteuid() if geteuid is not None else 0


def private_directory(create: bool) -> Path | None:
    """The cache folder if it is the user's alone (made so if it is ours), else None."""
    d = directory()
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
    return _key(code or code_key(catalog_dir), stamps(files))


def _key(code: str, lines: list[str]) -> str:
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

    __slots__ = ("id", "path", "stamp", "record", "summary", "check", "links", "data")

    def __init__(self, card_id, path, stamp, record, summary, check, links, data=None):
        self.id = card_id
        self.path = path  # its file
        self.stamp = stamp  # its file's stat data, when read (cache.stat_line)
        self.record = record  # bytes: the whole card, as the models dump it (None: in
        # the previous cache file, at the span ``data``)
        self.summary = summary  # bytes: records.SUMMARY of it
        self.check = check  # bytes: records.CHECK of it
        self.links = links  # the ids it names (links_of), as data
        self.data = data  # the record's span in the previous cache file


# --------------------------------------------------------------------------- reading


def _crc(data: bytes) -> int:
    return zlib.crc32(data) & 0xFFFFFFFF


def _open_private(path: Path):
    """The cache file, opened read-only: a regular file of the user that nobody else
    may write, never through a link, never waiting (a FIFO in its place is refused)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags | getattr(os, "O_NONBLOCK", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != _uid() or st.st_mode & 0o022:
            raise CacheError("not a private file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb"), st
    except BaseException:
        os.close(fd)
        raise


def _is_span(x) -> bool:
    return x.__class__ is list and len(x) == 3 and all(v.__class__ is int and v >= 0 for v in x)


def _words(x) -> bool:
    return x.__class__ is list and all(v.__class__ is str for v in x)


class CachedCatalog:
    """An open cache file: the header read and checked; the rest read when asked.

    ``key`` None: any key, for the previous version of a catalogue's cache, whose
    unchanged cards a rebuild takes as they are. ``reread(scheme_id)``: the card read
    and validated from its file, for a record the cache proves wrong about.
    """

    def __init__(self, path, key, catalog_dir: Path, code=None, reread=None, blob=None):
        import io

        self.path = path  # None: a catalogue built in memory (no cache written)
        self.built = False  # made by this process (build.update), not read as it was
        self.catalog_dir = catalog_dir
        self._reread = reread
        if blob is not None:
            self._fh, size = io.BytesIO(blob), len(blob)
        else:
            self._fh, st = _open_private(path)
            size = st.st_size
        try:
            line = self._fh.readline(HEADER_LIMIT)
            head = json.loads(line)
            if not isinstance(head, dict) or head.get("format") != FORMAT:
                raise CacheError("another format")
            if key is not None and head.get("key") != key:
                raise CacheError("another key")
            if code is not None and head.get("code") != code:
                raise CacheError("another intertex or folder")
            self.key = head.get("key")
            self._body = len(line)
            if head["size"].__class__ is not int or size != self._body + head["size"]:
                raise CacheError("truncated or extended")
            self._sections = head["sections"]
            if not isinstance(self._sections, dict) or not all(
                _is_span(v) for v in self._sections.values()
            ):
                raise CacheError("sections")
            index = self._section("index")
            self.ids: list[str] = index["ids"]
            spans = index["spans"]
            self.stamps: list[str] = index["stamps"]
            self._parts: list = index["parts"]
            self._agency_stamps: list[str] = index["agency_stamps"]
            n = len(self.ids)
            if not (
                _words(self.ids)
                and _words(self.stamps)
                and _words(self._agency_stamps)
                and spans.__class__ is list
                and all(_is_span(s) for s in spans)
                and self._parts.__class__ is list
                and all(
                    p.__class__ is list and len(p) == 2 and all(v.__class__ is int for v in p)
                    for p in self._parts
                )
                and len(spans) == len(self.stamps) == len(self._parts) == n
            ):
                raise CacheError("index")
            self._spans = dict(zip(self.ids, spans))
            if len(self._spans) != n:
                raise CacheError("index")
            # The index is the files the key was made of, in their order, each card
            # under its file's name: else its CRCs prove its parts, not where they go.
            if key is not None and _key(head["code"], self.stamps + self._agency_stamps) != key:
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
        except CacheError:
            self._fh.close()
            raise
        except (ValueError, KeyError, TypeError, OSError, AttributeError) as e:
            self._fh.close()
            raise CacheError(str(e)) from None
        self._summary: dict | None = None
        self._check: dict | None = None
        self._search = None
        self._first: dict | None = None

    def _read(self, span) -> bytes:
        offset, length, crc = span
        self._fh.seek(self._body + offset)
        data = self._fh.read(length)
        if len(data) != length or _crc(data) != crc:
            raise CacheError("checksum")
        return data

    def _section(self, name: str):
        return json.loads(self._read(self._sections[name]))

    def summary(self, scheme_id: str) -> dict:
        """What records.SUMMARY keeps of a scheme ({} if the summary proves bad)."""
        if self._summary is None:
            self._summary = self._rows("summary")
        row = self._summary.get(scheme_id)
        return row if isinstance(row, dict) else {}

    def check_part(self, scheme_id: str) -> dict:
        """What records.CHECK keeps of a scheme ({} if the section proves bad)."""
        if self._check is None:
            self._check = self._rows("check")
        row = self._check.get(scheme_id)
        return row if isinstance(row, dict) else {}

    def _rows(self, section: str) -> dict:
        """A section's rows by id, each checked: its card's id, the shape of its part."""
        from .shape import valid

        try:
            rows = self._section(section)
            if rows.__class__ is not list or len(rows) != len(self.ids):
                raise CacheError(section)
            for i, row in zip(self.ids, rows):
                if row.__class__ is not dict or row.get("id") != i or not valid(section, row):
                    raise CacheError(section)
            return dict(zip(self.ids, rows))
        except (CacheError, ValueError, KeyError):
            self.discard()
            return {}

    def record(self, scheme_id: str) -> dict:
        """One scheme, whole. Read from its YAML file if the cache proves wrong."""
        from .shape import valid

        try:
            data = json.loads(self._read(self._spans[scheme_id]))
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
        from .search import Index, Merged, index_of

        if "search" not in self._sections:
            if catalog is None:
                return None
            self._search = index_of(catalog, transient=True)
            self.store(search=self._search)
            return self._search
        try:
            head = self._section("search")
            tokens, spans, base = head["tokens"], head["spans"], head["stamps"]
            if (
                not _words(tokens)
                or not _words(base)
                or len(tokens) != len(spans)
                or not all(map(_is_span, spans))
            ):
                raise CacheError("search index")
        except (CacheError, ValueError, KeyError, TypeError):
            self.discard()
            return None
        n = len(base)

        def postings(j: int) -> list[int]:
            try:
                p = json.loads(self._read(spans[j]))
                if (
                    p.__class__ is not list
                    or len(p) % 3
                    or not all(v.__class__ is int and v >= 0 for v in p)
                    or any(v >= n for v in p[0::3])
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
        """stamp -> Card: every card of this file, as its bytes (not parsed), for a
        rebuild. Raises CacheError if any part proves bad (then nothing is reused)."""
        try:
            summary = self._read(self._sections["summary"])
            check = self._read(self._sections["check"])
            links = self._section("links")
            if links.__class__ is not list or len(links) != len(self.ids):
                raise CacheError("links")
            out = {}
            s_at = c_at = 1
            for i, stamp, parts, ln in zip(self.ids, self.stamps, self._parts, links):
                if not _links(ln):
                    raise CacheError("links")
                s = _element(summary, s_at, parts[0], i)
                c = _element(check, c_at, parts[1], i)
                s_at += parts[0] + 1
                c_at += parts[1] + 1
                path = stamp.split("|", 1)[0]
                out[stamp] = Card(i, path, stamp, None, s, c, ln, self._spans[i])
            return out
        except (ValueError, KeyError, TypeError, OSError) as e:
            raise CacheError(str(e)) from None

    def agency_records(self) -> dict:
        """stamp -> an agency's record, for a rebuild."""
        return dict(zip(self._agency_stamps, self.agencies))

    def close(self) -> None:
        self._fh.close()

    def store(self, planner: dict | None = None, search=None) -> None:
        """Write this file again with the planner's first questions or the search
        index added (the cards as they are): the next command finds them."""
        if self.path is None or self.key is None:
            return
        try:
            self._fh.seek(0)
            line = self._fh.readline(HEADER_LIMIT)
            head = json.loads(line)
            body = self._fh.read()
            current = os.stat(self.path, follow_symlinks=False)
            mine = os.fstat(self._fh.fileno())
        except (OSError, ValueError):
            return
        if (current.st_ino, current.st_dev) != (mine.st_ino, mine.st_dev):
            return  # another process wrote a newer one meanwhile
        chunks = [body]
        size = head["size"]
        sections = dict(head["sections"])

        def put(data: bytes) -> list:
            nonlocal size
            span = [size, len(data), _crc(data)]
            chunks.append(data + b"\n")
            size += len(data) + 1
            return span

        try:
            if planner is not None:
                sections["planner"] = put(_dumps(planner))
            if search is not None:
                _put_search(put, sections, search, self.stamps)
        except (TypeError, ValueError):
            return
        head.update(size=size, sections=sections)
        try:
            _atomic_write(self.path, [_dumps(head) + b"\n", *chunks])
        except OSError:
            return
        self._sections = sections
        new = CachedCatalog(self.path, self.key, self.catalog_dir, reread=self._reread)
        self._fh.close()
        self._fh, self._body = new._fh, new._body


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


def _element(section: bytes, at: int, length: int, card_id: str) -> bytes:
    """One card's part of a section (a JSON array of parts), checked to be in its
    place: between the array's separators, and starting with the card's id."""
    end = at + length
    if section[at - 1 : at] not in (b"[", b",") or section[end : end + 1] not in (b",", b"]"):
        raise CacheError("parts")
    part = section[at:end]
    if not part.startswith(b'{"id":' + _dumps(card_id) + b","):
        raise CacheError("parts")
    return part


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


def _put_search(put, sections: dict, search, stamps: list) -> None:
    """Each token's postings apart (read only when matched), then the tokens and the
    cards they were computed for (their stamps, in the order of the postings)."""
    spans = [put(_dumps(p)) for p in search._postings]
    sections["search"] = put(_dumps({"tokens": search.tokens, "spans": spans, "stamps": stamps}))


SEARCH_DELTA = 0.2  # past this share of cards changed since, the index is made again


def _copy_search(put, sections: dict, old, cards: list, agencies_same: bool) -> None:
    """The previous file's search index, as it is, if it still serves: the same
    agencies (their names are indexed) and most cards unchanged. The postings are one
    run of bytes there: copied at once, each keeping its checksum (checked when read)."""
    if old is None or not agencies_same or "search" not in old._sections:
        return
    try:
        head = old._section("search")
        base = set(head["stamps"])
        changed = sum(1 for c in cards if c.stamp not in base)
        if changed > SEARCH_DELTA * max(len(cards), 1):
            return
        spans = head["spans"]
        start = spans[0][0] if spans else 0
        at = start
        for offset, length, _ in spans:
            if offset != at:
                return  # not one run: the index is made again when needed
            at += length + 1
        old._fh.seek(old._body + start)
        run = old._fh.read(at - start)
        if len(run) != at - start:
            return
    except (CacheError, ValueError, KeyError, TypeError, OSError, IndexError):
        return
    first = put(run[:-1]) if run else [0, 0, 0]  # the run's own span: only its offset
    head["spans"] = [[o - start + first[0], n, crc] for o, n, crc in spans]
    sections["search"] = put(_dumps(head))


def layout(key: str, code: str, cards: list, agencies: list, agency_stamps: list, old=None):
    """The file's lines: a header, then the body. ``cards``: build.Card, new (their
    record as bytes) or taken from ``old`` (their record's span there). The records
    of ``old`` that follow one another there are one ``_Run``, copied when the file is
    written (``_atomic_write``), each record's CRC checked as it passes; nothing here
    reads them: the header needs only their lengths and CRCs, which the index has."""
    body: list = []
    size = 0

    def put(data: bytes) -> list:
        nonlocal size
        span = [size, len(data), _crc(data)]
        body.append(data)
        body.append(b"\n")
        size += len(data) + 1
        return span

    sections = {"agencies": put(_dumps(agencies))}
    spans = []
    run = None
    for c in cards:
        if c.record is None:  # taken from the old file, as it is
            if run is None or not run.extend(c.data):
                run = _Run(old, c.data)
                body.append(run)
            spans.append([size, c.data[1], c.data[2]])
            size += c.data[1] + 1
        else:
            run = None
            spans.append(put(c.record))
    sections["summary"] = put(b"[" + b",".join(c.summary for c in cards) + b"]")
    sections["check"] = put(b"[" + b",".join(c.check for c in cards) + b"]")
    sections["links"] = put(_dumps([c.links for c in cards]))
    index = {
        "ids": [c.id for c in cards],
        "spans": spans,
        "stamps": [c.stamp for c in cards],
        "parts": [[len(c.summary), len(c.check)] for c in cards],
        "agency_stamps": agency_stamps,
    }
    sections["index"] = put(_dumps(index))
    same = old is not None and old._agency_stamps == agency_stamps
    _copy_search(put, sections, old, cards, same)
    head = _dumps({"format": FORMAT, "key": key, "code": code, "size": size, "sections": sections})
    return [head + b"\n", *body]


class _Run:
    """Records that follow one another in the previous cache file, each with the line
    break after it: copied in large reads, never parsed. Each record's CRC and the
    line break after it are checked as it passes (``CacheError`` if one proves bad)."""

    CHUNK = 8 << 20  # bytes read at once (at least one record)

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
        fd = self.old._fh.fileno()
        spans = self.spans
        i = 0
        while i < len(spans):
            start = spans[i][0]
            j = i + 1
            while j < len(spans) and spans[j][0] + spans[j][1] + 1 - start <= self.CHUNK:
                j += 1
            end = spans[j - 1][0] + spans[j - 1][1] + 1
            data = os.pread(fd, end - start, self.old._body + start)
            if len(data) != end - start:
                raise CacheError("truncated")
            view = memoryview(data)
            for offset, length, crc in spans[i:j]:
                at = offset - start
                if _crc(view[at : at + length]) != crc or view[at + length] != 10:
                    raise CacheError("checksum")
            yield data
            i = j


def joined(lines: list) -> bytes:
    """The whole file in memory (``layout``'s lines, the runs read)."""
    return b"".join(p for x in lines for p in (x.pieces() if x.__class__ is _Run else (x,)))


def write(catalog_dir: Path, files: list[tuple[str, os.stat_result]], lines: list[bytes]):
    """Store a validated catalogue. Returns the file, or None if not written (a file
    changed just now, no private folder, a full disk). CacheError: a record copied
    from the previous file proved bad (nothing written)."""
    if racy(files):
        return None
    folder = private_directory(create=True)
    if folder is None:
        return None
    path = _file(folder, catalog_dir)
    try:
        _atomic_write(path, lines)  # CacheError: a record of the previous file proved bad
    except OSError:
        return None  # a full disk, a read-only home: no cache, still correct
    _prune(folder, keep=path)
    return path


def _atomic_write(path: Path, chunks: list[bytes]) -> None:
    import tempfile

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=SUFFIX)
    try:
        with os.fdopen(fd, "wb") as f:
            for c in chunks:
                if c.__class__ is _Run:
                    for piece in c.pieces():
                        f.write(piece)
                else:
                    f.write(c)
            f.flush()
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


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
            elif e.name.startswith(".tmp-") and now - e.stat().st_mtime > 3600:
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
