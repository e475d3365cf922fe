"""A cache of validated catalogues, so that a command starts without YAML or pydantic.

What it trusts, and why:

- **Plain data.** One file per catalogue directory, JSON only (nothing in it can run):
  a header line, then sections (the agencies, the index of schemes, a summary for
  ``list``, what ``check`` reads, the planner's first question, the search index) and
  one line per scheme, each with its offset, length
  and CRC-32 in the header, so that ``show`` reads one scheme and not 5,000.
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
  and rebuilt. A scheme record found bad after the header was accepted is read from
  its YAML file instead (validated), and the cache file is removed.
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

from .records import CHECK, summary_of

FORMAT = 6  # 3: a "check" section beside the summary; 4: without steps and documents;
# 5: a "planner" section (the first question); 6: components' base_answer in the summary
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


def fingerprint(catalog_dir: Path, files: list[tuple[str, os.stat_result]]) -> str:
    """The key of a catalogue: every file's stat data, intertex's code, Python."""
    h = _hash()
    h.update(f"{FORMAT}|{sys.version_info[:2]}|{catalog_dir.resolve()}\n".encode())
    for line in _code_stamp():
        h.update(line.encode("utf-8", "surrogateescape") + b"\n")
    folders: dict[str, str] = {}  # however the folder was named (relative, a symlink…)
    for path, st in files:
        folder, name = os.path.split(path)
        real = folders.get(folder)
        if real is None:
            real = folders[folder] = os.path.realpath(folder)
        line = _stat_line(os.path.join(real, name), st)
        h.update(line.encode("utf-8", "surrogateescape") + b"\n")
    return h.hexdigest()


def racy(files: list[tuple[str, os.stat_result]], now_ns: int | None = None) -> bool:
    """A file changed so recently that a second change could keep its stat data."""
    now_ns = time.time_ns() if now_ns is None else now_ns
    limit = now_ns - int(RACY_SECONDS * 1e9)
    return any(max(st.st_mtime_ns, st.st_ctime_ns) > limit for _, st in files)


def _file(folder: Path, catalog_dir: Path) -> Path:
    name = _hash()
    name.update(str(catalog_dir.resolve()).encode("utf-8", "surrogateescape"))
    return folder / f"{PREFIX}{name.hexdigest()[:24]}{SUFFIX}"


# --------------------------------------------------------------------------- reading


def _crc(data: bytes) -> int:
    return zlib.crc32(data) & 0xFFFFFFFF


class CachedCatalog:
    """An open cache file: the header read and checked; the rest read when asked."""

    def __init__(self, path: Path, key: str, catalog_dir: Path):
        self.path = path
        self.catalog_dir = catalog_dir
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(path, flags)
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_uid != _uid() or st.st_mode & 0o022:
                raise CacheError("not a private file")
            self._fh = os.fdopen(fd, "rb")
        except BaseException:
            os.close(fd)
            raise
        try:
            line = self._fh.readline(HEADER_LIMIT)
            head = json.loads(line)
            if not isinstance(head, dict) or head.get("format") != FORMAT:
                raise CacheError("another format")
            if head.get("key") != key:
                raise CacheError("another key")
            self._body = len(line)
            if st.st_size != self._body + head["size"]:
                raise CacheError("truncated or extended")
            self._sections = head["sections"]
            index = self._section("index")
            self.ids: list[str] = index["ids"]
            self._spans = dict(zip(self.ids, index["spans"]))
            if len(self._spans) != len(index["spans"]):
                raise CacheError("index")
            self.agencies: list[dict] = self._section("agencies")
        except CacheError:
            self._fh.close()
            raise
        except (ValueError, KeyError, TypeError, OSError) as e:
            self._fh.close()
            raise CacheError(str(e)) from None
        self._summary: dict | None = None
        self._check: dict | None = None
        self._search: list | None = None
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
        try:
            return dict(zip(self.ids, self._section(section)))
        except (CacheError, ValueError, KeyError):
            self.discard()
            return {}

    def record(self, scheme_id: str) -> dict:
        """One scheme, whole. Read from its YAML file if the cache proves wrong."""
        try:
            data = json.loads(self._read(self._spans[scheme_id]))
            if not isinstance(data, dict) or data.get("id") != scheme_id:
                raise CacheError("record")
            return data
        except (CacheError, ValueError, KeyError, OSError):
            self.discard()
            return _validated_record(self.catalog_dir, scheme_id)

    def search_index(self):
        """The search index (catalog/search.py): tokens now, postings when asked."""
        if self._search is None:
            from .search import Index

            try:
                head = self._section("search")
                tokens, spans = head["tokens"], head["spans"]
                if len(tokens) != len(spans):
                    raise CacheError("search index")
            except (CacheError, ValueError, KeyError, TypeError):
                self.discard()
                return None

            def postings(j: int) -> list[int]:
                try:
                    p = json.loads(self._read(spans[j]))
                    if not isinstance(p, list) or len(p) % 3:
                        raise CacheError("postings")
                    return p
                except (CacheError, ValueError, OSError) as e:
                    self.discard()
                    raise CacheError("a search posting does not validate") from e

            self._search = Index(tokens, postings)
        return self._search

    def first_question(self, schemes) -> tuple[bool, str | None]:
        """(found, key): the planner's first question for these schemes of this file
        with nothing answered, as computed when the file was written (planner.py),
        for the whole catalogue and for its current schemes. (False, None) for any
        other set, or if the section proves bad."""
        if any(getattr(s, "_source", None) is not self for s in schemes):
            return False, None
        if self._first is None:
            from intertex_cli.engine.vocab import ANSWER_FACTS

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
        digest = ids_digest(s.id for s in schemes)
        return (True, self._first[digest]) if digest in self._first else (False, None)

    def discard(self) -> None:
        """This file proved bad: remove it, the next run writes a new one."""
        try:
            os.unlink(self.path)
        except OSError:
            pass


def ids_digest(ids) -> str:
    """A set of schemes named by its ids, in order (the planner section's keys)."""
    h = _hash()
    for i in ids:
        h.update(i.encode("utf-8", "surrogateescape") + b"\n")
    return h.hexdigest()


def _validated_record(catalog_dir: Path, scheme_id: str) -> dict:
    from intertex_cli.errors import CatalogError

    from .loader import _load_models
    from .models import Scheme

    problems: list = []
    found = _load_models([catalog_dir / f"{scheme_id}.yaml"], Scheme, problems)
    if problems or scheme_id not in found:
        raise CatalogError(f"invalid catalogue: {catalog_dir}", problems)
    return found[scheme_id][0].model_dump(mode="json", by_alias=True)


def open_catalog(key: str, catalog_dir: Path) -> CachedCatalog | None:
    folder = private_directory(create=False)
    if folder is None:
        return None
    path = _file(folder, catalog_dir)
    try:
        return CachedCatalog(path, key, catalog_dir)
    except FileNotFoundError:
        return None
    except (CacheError, OSError):
        return None


# --------------------------------------------------------------------------- writing


def _dumps(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def write(
    key: str,
    catalog_dir: Path,
    files: list[tuple[str, os.stat_result]],
    schemes: list[dict],
    agencies: list[dict],
    search=None,
    first_questions: dict | None = None,
) -> Path | None:
    """Store a validated catalogue (plain dumps). Returns the file, or None if not written.
    ``first_questions``: ids_digest of a set of schemes -> the planner's first question."""
    if racy(files):
        return None
    folder = private_directory(create=True)
    if folder is None:
        return None
    body: list[bytes] = []
    size = 0

    def put(data: bytes) -> list:
        nonlocal size
        span = [size, len(data), _crc(data)]
        body.append(data + b"\n")
        size += len(data) + 1
        return span

    try:
        sections = {"agencies": put(_dumps(agencies))}
        spans = [put(_dumps(s)) for s in schemes]
        sections["index"] = put(_dumps({"ids": [s["id"] for s in schemes], "spans": spans}))
        sections["summary"] = put(_dumps([summary_of(s) for s in schemes]))
        sections["check"] = put(_dumps([summary_of(s, CHECK) for s in schemes]))
        if first_questions is not None:
            sections["planner"] = put(_dumps(first_questions))
        if search is not None:  # each token's postings apart: read only when matched
            spans = [put(_dumps(p)) for p in search._postings]
            sections["search"] = put(_dumps({"tokens": search.tokens, "spans": spans}))
    except (TypeError, ValueError):
        return None  # not plain data: no cache
    head = _dumps({"format": FORMAT, "key": key, "size": size, "sections": sections})
    path = _file(folder, catalog_dir)
    try:
        _atomic_write(path, [head + b"\n", *body])
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
