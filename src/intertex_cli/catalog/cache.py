"""A cache of validated catalogues, so that a command starts without YAML or pydantic.

Keyed by every file's name, size and modification time, the package's own files and
the Python version; anything unreadable is ignored and rebuilt. Off with
INTERTEX_NO_CACHE=1. Lives in $XDG_CACHE_HOME/intertex (~/.cache/intertex).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path

FORMAT = 1


def directory() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "intertex"


def fingerprint(catalog_dir: Path, paths: list[Path]) -> str:
    h = hashlib.sha256()
    h.update(f"{FORMAT}|{sys.version_info[:2]}|{catalog_dir.resolve()}".encode())
    package = Path(__file__).resolve().parents[1]
    for p in [*sorted(package.rglob("*.py")), *paths]:
        try:
            st = p.stat()
        except OSError:
            continue
        h.update(f"|{p}|{st.st_size}|{st.st_mtime_ns}".encode())
    return h.hexdigest()


def _file(key: str) -> Path:
    return directory() / f"catalog-{key[:32]}.pickle"


def read(key: str):
    try:
        with open(_file(key), "rb") as f:
            stored_key, data = pickle.load(f)
    except Exception:  # noqa: BLE001 - a bad cache is no cache
        return None
    return data if stored_key == key else None


def write(key: str, data) -> None:
    path = _file(key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            pickle.dump((key, data), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass  # read-only home: no cache, still correct
