"""Markdown from data: text that stays text.

Every string of the catalogue or the answers that goes into Markdown passes through
``md``: on one line (a newline in a table cell or a bullet would break the structure),
with what Markdown or HTML would act on neutralised — ``<`` and ``>`` as entities (no
raw HTML, no autolink), ``|`` escaped (table cells), ``[`` and ``]`` escaped (no link,
so never a ``javascript:`` one), and backslashes. Renderers show the text as written.
"""

from __future__ import annotations

_ESCAPES = (("\\", "\\\\"), ("<", "&lt;"), (">", "&gt;"), ("|", "\\|"), ("[", "\\["), ("]", "\\]"))


def md(text: object) -> str:
    """``text`` safe inline in Markdown: one line, markup characters neutralised."""
    s = " ".join(str(text).split())
    for ch, rep in _ESCAPES:
        if ch in s:
            s = s.replace(ch, rep)
    return s
