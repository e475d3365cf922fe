"""Search with the cached inverted index finds, ranks and quotes as search did before.

tests/oracle/search_v0.py is search.py as it was (every text folded for every
query): the oracle. Queries: words of the catalogue, their beginnings, short words,
accents and case, several words, words found nowhere.
"""

from __future__ import annotations

import random
import re

import pytest

from intertex_cli.catalog import cache
from intertex_cli.catalog import loader as cat_mod
from intertex_cli.catalog.search import fold, search
from tests.oracle import search_v0

QUERIES = [
    "salons",
    "salon",
    "VIE",
    "V.I.E.",
    "change",
    "prêt",
    "PRET",
    "export",
    "ex",
    "de",
    "la",
    "a",
    "bpifrance garantie",
    "assurance prospection",
    "cci occitanie diagnostic",
    "zzzqqq",
    "salons zzzqqq",
    "é",
    "œuvre",
    "25 %",
    "2017",
    "l'export",
    "Région Nouvelle-Aquitaine",
]


def _words(catalog, n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    words = sorted(
        {
            w
            for s in catalog.schemes.values()
            for w in re.findall(r"\w+", " ".join([s.title, s.description, *s.objectives]))
        }
    )
    picks = rng.sample(words, min(n, len(words)))
    return picks + [w[: max(1, len(w) // 2)] for w in picks] + [w.upper() for w in picks[:10]]


def _hits(found) -> list:
    """What a search finds: ids, scores, terms and the fields of the excerpts (the
    excerpts' words differ from the first version's: they no longer start or end
    inside a word)."""
    return [(h.scheme.id, h.score, h.terms, [f for f, _ in h.snippets]) for h in found]


def test_excerpts_start_and_end_on_whole_words(catalog):
    for h in search(catalog, "salons prospection"):
        for _, snippet in h.snippets:
            inner = snippet.removeprefix("… ").removesuffix(" …")
            assert not inner.startswith(" ") and not inner.endswith(" "), snippet
            assert " ".join(inner.split()) == inner


@pytest.mark.parametrize("fresh", [False, True], ids=["cached", "validated"])
def test_search_finds_what_it_found_before(catalog, cached_catalog, fresh):
    cat = catalog if fresh else cached_catalog
    for q in QUERIES + _words(catalog, 60, seed=1):
        assert _hits(search(cat, q)) == _hits(search_v0.search(catalog, q)), q


def test_the_cache_holds_the_index(cached_catalog):
    assert cached_catalog.source is not None
    index = cached_catalog.source.search_index()
    assert index is not None and "salons" in index.tokens


def test_a_bad_posting_falls_back_to_the_texts(tmp_path, monkeypatch):
    import shutil

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(cache, "RACY_SECONDS", 0)
    d = tmp_path / "cat"
    shutil.copytree(cat_mod.builtin_dir(), d)
    expected = _hits(search(cat_mod.load(d), "salons"))
    cat = cat_mod.load(d)
    index = cat.source.search_index()
    j = index.tokens.index("salons")
    real = index._postings

    def corrupt(k):
        if k == j:
            raise cache.CacheError("a search posting does not validate")
        return real(k)

    index._postings = corrupt
    assert _hits(search(cat, "salons")) == expected


def test_fold_drops_every_combining_mark():
    import unicodedata

    text = "Été, œuvre, façade, naïve, Ångström, x\u0301\u0327, ṩ, ǅ"
    slow = "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    ).lower()
    assert fold(text) == slow.replace("’", "'").replace("œ", "oe")
