"""A sample of facts per scheme, checked against the guide's page (tests/facts/*.yaml)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

FACTS = sorted((Path(__file__).parent / "facts").glob("*.yaml"))
_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]|\[(\w+)=([^\]]+)\]")


def resolve(obj, path: str):
    for name, index, key, value in _PART.findall(path):
        if name:
            obj = getattr(obj, name) if not isinstance(obj, dict) else obj[name]
        elif index:
            obj = obj[int(index)]
        else:
            matches = [x for x in obj if str(getattr(x, key)) == value]
            assert len(matches) == 1, f"{key}={value} selects {len(matches)} items"
            obj = matches[0]
    return obj


def _facts():
    for path in FACTS:
        for i, fact in enumerate(yaml.safe_load(path.read_text(encoding="utf-8"))):
            yield pytest.param(fact, id=f"{path.stem}:{i}:{fact['scheme']}:{fact['path']}")


@pytest.mark.parametrize("fact", list(_facts()))
def test_fact(catalog, fact):
    scheme = catalog.schemes[fact["scheme"]]
    assert resolve(scheme, fact["path"]) == fact["value"]
    assert (
        fact["page"] in (scheme.source.pages or [scheme.source.page])
        or fact["page"] == scheme.source.page
    )


def test_every_scheme_has_facts(catalog):
    covered = {f["scheme"] for p in FACTS for f in yaml.safe_load(p.read_text(encoding="utf-8"))}
    assert covered == set(catalog.schemes)
