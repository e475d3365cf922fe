"""JSON for people and programs: indented near the top, each deeper value on one line.

``json.dumps(indent=2)`` runs Python's own encoder (the C one does not indent): 4 s
for the 40 MB that ``check --format json`` prints at 5,000 schemes. Here the first
``DEPTH`` levels are laid out as ``indent=2`` lays them out, and every value below is
written by the C encoder on one line (``, `` and ``: `` between items). With the
check's JSON that is one line per field of each result; with a list, one line per
field of each item. Written to a stream as it goes, never held as one string; a list
given as :class:`Items` is even made as it goes, item by item.

The same JSON for any parser; with a value no deeper than ``DEPTH`` the very text of
``json.dumps(obj, ensure_ascii=False, indent=2)`` (tests/test_jsonout.py).
"""

from __future__ import annotations

import json

DEPTH = 3


class Items:
    """A list written as it is made: ``make(x)`` for each of ``items``, one at a time,
    each dropped once written (a check of 5,000 schemes never holds its 5,000 results'
    objects at once). Read once."""

    __slots__ = ("items", "make")

    def __init__(self, items, make):
        self.items = items
        self.make = make

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        make = self.make
        for x in self.items:
            yield make(x)


def _default(obj):
    if obj.__class__ is Items:  # below the laid-out levels: on one line, as a list
        return list(obj)
    raise TypeError(f"Object of type {obj.__class__.__name__} is not JSON serializable")


_LEAF = json.JSONEncoder(ensure_ascii=False, default=_default)


def _key(k) -> str:
    """A mapping key as json.dumps writes it."""
    if isinstance(k, str):
        return k
    if k is True:
        return "true"
    if k is False:
        return "false"
    if k is None:
        return "null"
    if isinstance(k, int):
        return int.__repr__(k)
    if isinstance(k, float):
        return _LEAF.encode(k)
    raise TypeError(f"keys must be str, int, float, bool or None, not {k.__class__.__name__}")


def iterencode(obj, depth: int = DEPTH, level: int = 0):
    if level >= depth or not isinstance(obj, (dict, list, tuple, Items)) or not obj:
        yield _LEAF.encode(obj)
        return
    pad = "\n" + "  " * (level + 1)
    if isinstance(obj, dict):
        yield "{"
        sep = pad
        for k, v in obj.items():
            yield sep + _LEAF.encode(_key(k)) + ": "
            yield from iterencode(v, depth, level + 1)
            sep = "," + pad
        yield "\n" + "  " * level + "}"
    else:
        yield "["
        sep = pad
        for v in obj:
            yield sep
            yield from iterencode(v, depth, level + 1)
            sep = "," + pad
        yield "\n" + "  " * level + "]"


def dumps(obj, depth: int = DEPTH) -> str:
    return "".join(iterencode(obj, depth))


def write(obj, stream, depth: int = DEPTH) -> None:
    """``obj`` as JSON and a line feed, written in pieces of about 64 kB."""
    buf: list[str] = []
    size = 0
    for chunk in iterencode(obj, depth):
        buf.append(chunk)
        size += len(chunk)
        if size > 65536:
            stream.write("".join(buf))
            buf, size = [], 0
    buf.append("\n")
    stream.write("".join(buf))
