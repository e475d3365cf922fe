"""Light read-only views of validated catalogue data, for the fast path.

A catalogue that was validated once is cached as plain data; loading it again needs
neither YAML nor pydantic. These views offer what the engine and the views read from
the pydantic models: attributes, ``kind`` and ``ops()`` on rule nodes, ``model_dump``.
"""

from __future__ import annotations

_RULE_KEYS = ("rule", "applies_if", "when")
_OPS = ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in")


class RuleNode:
    __slots__ = ("kind", "fact", "all", "any", "not_", "_ops")

    def __init__(self, data: dict):
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


class Record:
    """Attribute access over a dict of validated data (as pydantic dumped it)."""

    def __init__(self, data: dict):
        self._data = data
        for k, v in data.items():
            if k in _RULE_KEYS and isinstance(v, dict):  # cumulation's `rule` is a word
                v = RuleNode(v)
            else:
                v = _wrap(v)
            setattr(self, k, v)

    def model_dump(
        self, mode: str | None = None, by_alias: bool = True, exclude_none: bool = False
    ):
        return _strip_none(self._data) if exclude_none else self._data

    def __repr__(self) -> str:
        return f"Record({getattr(self, 'id', '?')})"


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
