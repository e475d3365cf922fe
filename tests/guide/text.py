"""The guide's text, as tests read it: whitespace-normalised, page by page.

``pages_of(quote)`` tells on which pages a quote may stand: the guide's text lost most
page breaks, so a quote between two known page starts may claim any page in between
(tests/guide/pages.yaml says which starts are known and why).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

HERE = Path(__file__).parent
BULLETS = re.compile(r"(^|\n)\s*(?:[•\-o]|\d+\.)\s+")


def normalise(text: str) -> str:
    """Whitespace collapsed, apostrophes and quotes unified, list bullets dropped."""
    text = BULLETS.sub(r"\1", text)
    text = text.replace("'", "’").replace("‘", "’").replace("\u00a0", " ")
    return " ".join(text.split())


@lru_cache(maxsize=1)
def full_text() -> str:
    raw = (HERE / "guide-intertex-e1.6.1b.txt").read_text(encoding="utf-8")
    return normalise(raw)


@lru_cache(maxsize=1)
def page_starts() -> list[tuple[int, int]]:
    """(offset in full_text, page) for every known page start, in order."""
    text = full_text()
    anchors = yaml.safe_load((HERE / "pages.yaml").read_text(encoding="utf-8"))
    out = []
    for page, words in sorted(anchors.items()):
        i = text.find(normalise(words))
        assert i >= 0, (page, words)
        out.append((i, page))
    return out


def pages_at(offset: int) -> range:
    """The pages the text at this offset may stand on."""
    starts = page_starts()
    page, nxt = 1, 49
    for i, (off, p) in enumerate(starts):
        if off <= offset:
            page = p
            nxt = starts[i + 1][1] if i + 1 < len(starts) else 49
    return range(page, nxt)


def find(quote: str, first_letter_any_case: bool = True) -> list[range]:
    """Every place the quote stands verbatim, as the pages it may be on."""
    text, q = full_text(), normalise(quote)
    if first_letter_any_case and q:
        pattern = re.compile("[" + re.escape(q[0].lower() + q[0].upper()) + "]" + re.escape(q[1:]))
    else:
        pattern = re.compile(re.escape(q))
    return [pages_at(m.start()) for m in pattern.finditer(text)]


def on_page(quote: str, page: int) -> bool:
    return any(page in r for r in find(quote))
