from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "schemes"


@pytest.fixture(scope="session")
def catalog():
    from intertex_cli import catalog as c

    return c.load(DATA)


@pytest.fixture(scope="session")
def schemes(catalog):
    return tuple(catalog.schemes.values())
