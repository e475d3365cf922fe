"""The common answers file read without loading PyYAML: flat ``key: value`` lines.

An answers file, as intertex saves it and as people copy the examples, is a list of
``key: value`` lines with comments. Importing PyYAML costs more than the rest of
``check --answers`` together (8 ms: its Python modules compile regular expressions
for every scalar type). ``read`` accepts only a strict subset of YAML, line by line,
and gives exactly what ``yamlio.load_text(..., answers=True)`` gives for it, data and
line numbers alike (tests/test_flatyaml.py checks this on generated documents). Any
other text, or anything unusual in it, returns None: the YAML reader then reads it,
with its errors and their lines.

Accepted, each on a line of its own, at the first column:
- blank lines and ``# comments``;
- ``key: value`` or ``key:`` (null), the key a lower-case word, not a YAML keyword,
  each key once, with an optional ``  # comment`` after the value;
- values: a word (``manufacturing``, ``trade-fairs``), ``true``/``false``,
  ``null``/``~``, an integer without a leading zero (at most 15 digits), a decimal
  ``12.5``, a string in double quotes without backslash or in single quotes without
  quote, or a one-line ``[list, "of", 3]`` of those.
"""

from __future__ import annotations

import re

_KEY = r"[a-z_][a-z0-9_]*"
_WORD = r"[A-Za-z_][A-Za-z0-9_-]*"
_INT = r"-?(?:0|[1-9][0-9]{0,14})"
_FLOAT = r"-?(?:0|[1-9][0-9]{0,14})\.[0-9]{1,15}"
_SCALAR = rf"""(?:{_FLOAT}|{_INT}|{_WORD}|~|"[^"\\]*"|'[^']*')"""
_LINE = re.compile(
    rf"({_KEY}):(?: +({_SCALAR}|\[ *(?:{_SCALAR}(?: *, *{_SCALAR})*)? *\]))? *(?: #.*)?"
)
_ITEM = re.compile(_SCALAR)
_BLANK = re.compile(r" *(?:#.*)?")
_KEYWORDS = {"true", "false", "null", "y", "n", "yes", "no", "on", "off"}
_CONSTANTS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False}
_CONSTANTS.update({"FALSE": False, "null": None, "Null": None, "NULL": None, "~": None})


_ODD = object()  # a value the YAML reader should see (a control character in a string)


def _value(text: str):
    c = text[0]
    if c == '"' or c == "'":
        inner = text[1:-1]
        return inner if inner.isprintable() else _ODD
    if text in _CONSTANTS:
        return _CONSTANTS[text]
    if c == "-" or c.isdigit():
        return float(text) if "." in text else int(text)
    return text


def read(text: str) -> tuple[dict, dict] | None:
    """The data and the line of each key path (as yamlio gives them), or None when
    the text is not a flat list of ``key: value`` lines."""
    rows = text.replace("\r\n", "\n").split("\n")
    if not "".join(rows).isprintable():  # tabs, other line breaks, control characters
        return None
    data: dict = {}
    lines: dict[tuple, int] = {}
    for n, line in enumerate(rows, 1):
        m = _LINE.fullmatch(line)
        if m is None:
            if _BLANK.fullmatch(line):
                continue
            return None
        key, value = m.group(1), m.group(2)
        if key in data or key in _KEYWORDS:
            return None
        if not lines:
            lines[()] = n
        lines[(key,)] = n
        if value is None:
            data[key] = None
        elif value[0] == "[":
            items = [_value(x) for x in _ITEM.findall(value[1:-1])]
            if any(x is _ODD for x in items):
                return None
            data[key] = items
            for i in range(len(items)):
                lines[(key, i)] = n
        else:
            data[key] = _value(value)
            if data[key] is _ODD:
                return None
    return (data, lines) if data else None
