"""Light read-only views of validated catalogue data, for the fast path.

A catalogue that was validated once is cached as plain data (JSON); loading it again
needs neither YAML nor pydantic. These views offer what the engine and the views read
from the pydantic models: attributes, ``kind`` and ``ops()`` on rule nodes,
``model_dump``. Nested values are wrapped when first read, not before: a command that
reads three fields of a scheme pays for three.

A :class:`LazyScheme` starts with nothing but its id: the fields that ``list`` and
``search`` read come from the catalogue's summary, everything else from the scheme's
own record, read from the cache when first needed.
"""

from __future__ import annotations

_RULE_KEYS = frozenset(("rule", "applies_if", "when"))
PARTIAL = "__partial__"  # a summary's value that holds only some of its keys
_OPS = ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in")


class RuleNode:
    """A rule as the engine reads it: ``kind``, ``fact``, ``all``/``any``/``not_``, ``ops()``."""

    __slots__ = ("kind", "fact", "all", "any", "not_", "_ops", "_data")

    def __init__(self, data: dict):
        self._data = data
        self.fact = None
        self.all = self.any = self.not_ = None
        self._ops: list = []
        if "all" in data:
            self.kind, self.all = "all", [RuleNode(d) for d in data["all"]]
        elif "any" in data:
            self.kind, self.any = "any", [RuleNode(d) for d in data["any"]]
        elif "not" in data:
            self.kind, self.not_ = "not", RuleNode(data["not"])
        else:
            self.kind, self.fact = "fact", data["fact"]
            self._ops = [(op, data[op]) for op in _OPS if data.get(op) is not None]

    def ops(self) -> list:
        return list(self._ops)

    def model_dump(
        self, mode: str | None = None, by_alias: bool = True, exclude_none: bool = False
    ):
        return _strip_none(self._data) if exclude_none else self._data


class Record:
    """Attribute access over a dict of validated data (as pydantic dumped it)."""

    __slots__ = ("_data", "_seen")

    def __init__(self, data: dict):
        self._data = data
        self._seen: dict = {}

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        seen = self._seen
        if name in seen:
            return seen[name]
        data = self._fields(name)
        try:
            raw = data[name]
        except KeyError:
            raise AttributeError(name) from None
        # a rule node is a mapping (cumulation's `rule` is a word)
        v = RuleNode(raw) if name in _RULE_KEYS and isinstance(raw, dict) else _wrap(raw)
        seen[name] = v
        return v

    def _fields(self, name: str) -> dict:
        return self._data

    def model_dump(
        self, mode: str | None = None, by_alias: bool = True, exclude_none: bool = False
    ):
        data = self._fields("")
        return _strip_none(data) if exclude_none else data

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._data.get('id', '?')})"


class LazyScheme(Record):
    """A scheme of a cached catalogue, read from the cache only as far as it is used.

    ``source`` is the cache: ``source.summary(id)`` gives the small fields that
    listing and searching read for every scheme, ``source.record(id)`` the whole
    scheme. Once the whole scheme is read, everything comes from it.
    """

    __slots__ = ("_id", "_source", "_full")

    def __init__(self, scheme_id: str, source):
        super().__init__({"id": scheme_id})
        self._id = scheme_id
        self._source = source
        self._full = False

    @property
    def id(self) -> str:  # never reads anything
        return self._id

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        seen = self._seen
        if name in seen:
            return seen[name]
        if not self._full and name in self._source.summary_keys:
            raw = self._source.summary(self._id).get(name)
            if isinstance(raw, dict) and raw.get(PARTIAL):
                v = _Partial(raw, self, name)
                seen[name] = v
                return v
        return Record.__getattr__(self, name)

    def _fields(self, name: str) -> dict:
        if self._full:
            return self._data
        if name and name in self._source.summary_keys:
            return self._source.summary(self._id)
        self.load()
        return self._data

    def load(self) -> LazyScheme:
        """Read the whole scheme now (``show`` does, for the one it prints)."""
        if not self._full:
            self._data = self._source.record(self._id)
            self._full = True
        return self

    def __repr__(self) -> str:
        return f"LazyScheme({self._id})"


class _Partial(Record):
    """Part of a value that the summary holds (its amounts); the rest from the scheme."""

    __slots__ = ("_owner", "_name")

    def __init__(self, data: dict, owner: LazyScheme, name: str):
        super().__init__(data)
        self._owner, self._name = owner, name

    def _fields(self, name: str) -> dict:
        if name and name in self._data:
            return self._data
        return self._owner.load()._data[self._name]


def _wrap(v):
    if isinstance(v, dict):
        return Record(v)
    if isinstance(v, list):
        return [_wrap(x) for x in v]
    return v


def _strip_none(v):
    if isinstance(v, dict):
        return {k: _strip_none(x) for k, x in v.items() if x is not None}
    if isinstance(v, list):
        return [_strip_none(x) for x in v]
    return v
