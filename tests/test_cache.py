"""The catalogue cache: same answers as the validated catalogue, never stale."""

from __future__ import annotations

import shutil
from pathlib import Path

from intertex_cli.answers import parse
from intertex_cli.catalog import cache
from intertex_cli.catalog import loader as cat_mod
from intertex_cli.engine.rules import evaluate
from intertex_cli.views.present import scheme_json


def test_cached_catalogue_equals_the_validated_one(catalog, cached_catalog):
    assert list(cached_catalog.schemes) == list(catalog.schemes)
    for sid, s in catalog.schemes.items():
        assert scheme_json(cached_catalog.schemes[sid], cached_catalog) == scheme_json(s, catalog)
    p, _ = parse(
        {"department": "81", "headcount": 20, "independent": True, "project_budget_eur": 30000}
    )
    a = [(r.id, r.verdict, r.missing, r.estimate) for r in evaluate(catalog.schemes.values(), p)]
    b = [
        (r.id, r.verdict, r.missing, r.estimate)
        for r in evaluate(cached_catalog.schemes.values(), p)
    ]
    assert a == b


def test_a_changed_file_is_validated_again(tmp_path):
    d = tmp_path / "cat"
    d.mkdir()
    shutil.copy(Path(cat_mod.builtin_dir()) / "vie-bf.yaml", d)
    assert cat_mod.load(d).schemes["vie-bf"].title.startswith("Volontariat")
    f = d / "vie-bf.yaml"
    f.write_text(
        f.read_text(encoding="utf-8").replace("support_type: advice", "support_type: nonsense"),
        encoding="utf-8",
    )
    import pytest

    with pytest.raises(cat_mod.CatalogError):
        cat_mod.load(d)


def test_a_broken_cache_is_ignored(tmp_path):
    d = tmp_path / "cat"
    d.mkdir()
    shutil.copy(Path(cat_mod.builtin_dir()) / "vie-bf.yaml", d)
    cat_mod.load(d)
    for f in cache.directory().glob("catalog-*.pickle"):
        f.write_bytes(b"not a pickle")
    assert "vie-bf" in cat_mod.load(d).schemes
