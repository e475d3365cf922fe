"""Start typer without the standard modules it imports for features intertex leaves off.

``import typer`` is most of a command's start-up (5.6 times a bare interpreter). Part
of it is modules loaded at the top of typer's chain for paths intertex never takes:
shutil's archive formats (bz2, lzma), subprocess's signal names, gettext's locale,
urllib.parse's IP address parsing, and the shell detection of completion (off here).
While typer is imported, these few are created as lazy modules
(``importlib.util.LazyLoader``, the importlib documentation's recipe): each runs the
first time one of its attributes is used, and is then the ordinary module. Nothing
else changes: typer is the same, its modules run as they are.

Measured by ``benchmarks/startup.py``: about 3 ms of the 38 ms of ``import typer``.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager

# modules imported at the top of typer's chain, used by no intertex command unless it
# calls them (then they load): every name here must stay lazy through typer's import,
# which tests/test_startup.py checks
DEFERRED = frozenset({"bz2", "lzma", "locale", "signal", "ipaddress", "shellingham"})


class _Finder:
    """A meta path finder for DEFERRED: the spec the other finders give, made lazy."""

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name not in DEFERRED:
            return None
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            if finder is cls or find is None:
                continue
            spec = find(name, path, target)
            if spec is not None:
                break
        else:
            return None
        if spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        from importlib.util import LazyLoader

        spec.loader = LazyLoader(spec.loader)
        return spec


@contextmanager
def deferring():
    """Inside: the DEFERRED modules imported for the first time are lazy."""
    sys.meta_path.insert(0, _Finder)
    try:
        yield
    finally:
        try:
            sys.meta_path.remove(_Finder)
        except ValueError:  # pragma: no cover - removed by someone else
            pass
