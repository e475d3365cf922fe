"""Plain records: the few classes a command creates at start-up, without dataclasses.

``@dataclass`` writes and compiles each class's methods when its module is imported:
0.15 to 0.3 ms a class, a tenth of ``check``'s start-up for twenty classes. A record
names its fields in ``__slots__`` and writes its ``__init__``; equality, hashing (of
those that are never changed), ``repr`` and ``replace`` come from here.
"""

from __future__ import annotations


class Record:
    __slots__ = ()

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in _fields(type(self)))

    def __eq__(self, other) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        inside = ", ".join(f"{n}={getattr(self, n)!r}" for n in _fields(type(self)))
        return f"{type(self).__name__}({inside})"

    def replace(self, **changes):
        """A copy with some fields changed (dataclasses.replace)."""
        values = {name: getattr(self, name) for name in _fields(type(self))}
        values.update(changes)
        return type(self)(**values)


def _fields(cls) -> tuple:
    """The fields of a record class: its ``__slots__`` but ``__dict__`` (a class with
    cached properties keeps one)."""
    return tuple(n for n in cls.__slots__ if not n.startswith("__"))
