"""Markdown from data: text that stays text.

Every string of the catalogue or the answers that goes into Markdown passes through
``md``: on one line (a newline in a table cell or a bullet would break the structure),
with the characters that Markdown or HTML would act on escaped — ``|`` (table cells),
``<`` and ``>`` (raw HTML, autolinks), ``[`` and ``]`` (links, so never a
``javascript:`` link), ``*``, ``_``, backticks and backslashes. Renderers show the
text as written; nothing from the data becomes markup.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"[\\`*_\[\]<>|]")


def md(text: object) -> str:
    """``text`` safe inline in Markdown: one line, markup characters escaped."""
    s = " ".join(str(text).split())
    return _SPECIAL.sub(lambda m: "\\" + m.group(), s)
