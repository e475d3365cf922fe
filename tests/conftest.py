from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "schemes"


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory):
    """Each test session gets its own catalogue cache, never the user's."""
    import os

    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if old is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = old


@pytest.fixture(scope="session")
def catalog():
    from intertex_cli.catalog import loader as c

    return c.load(DATA, use_cache=False)  # the validated models, whatever ran before


@pytest.fixture(scope="session")
def schemes(catalog):
    return tuple(catalog.schemes.values())


@pytest.fixture(scope="session")
def cached_catalog(catalog):
    """The same catalogue read back from the cache: plain records, no pydantic."""
    from intertex_cli.catalog import loader as c

    c.load(DATA)  # writes the cache if no command did yet
    cached = c.load(DATA)
    assert type(next(iter(cached.schemes.values()))).__name__ == "LazyScheme"
    return cached
