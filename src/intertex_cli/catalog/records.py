"""Light read-only views of validated catalogue data, for the fast path.

A catalogue that was validated once is cached as plain data (JSON); loading it again
needs neither YAML nor pydantic. These views offer what the engine and the views read
from the pydantic models: attributes, ``kind`` and ``ops()`` on rule nodes,
``model_dump``. Nested values are wrapped when first read, then kept as ordinary
attributes: a command that reads three fields of a scheme pays for three.

A :class:`LazyScheme` starts with nothing but its id. The fields that ``list`` and
``search`` read for every scheme come from the catalogue's summary (``SUMMARY``: the
status's value, the funding's amounts, not their texts); anything else, at any
depth, from the scheme's own record, read from the cache when first needed.
"""

from __future__ import annotations

_RULE_KEYS = frozenset(("rule", "applies_if", "when"))
_OPS = ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in")
PARTIAL = "__partial__"  # a summary's mapping that holds only some of its keys

# What the summary keeps of a scheme: True keeps a value whole, a mapping keeps those
# keys of a mapping, a one-item list applies it to every item of a list.
SUMMARY: dict = {
    "title": True,
    "title_en": True,
    "agency": True,
    "regions": True,
    "support_type": True,
    "beneficiary": True,
    "source": True,
    "groups": True,  # a card names the members of the groups it does not combine with
    "projects": [{"id": True}],  # what the wizard asks about serves the projects
    "status": {  # the rest of it in CHECK: list reads the value of 5,000 statuses
        "value": True,
        "since": True,  # the card at a day (dated.py): when the status holds from
        "confidence": True,
        "evidence_date": True,
    },
    "funding": {
        "rate": True,
        "cap_eur": True,
        "min_expense_eur": True,
        "max_expense_eur": True,
        "duration_months": True,
        "equity_cap": True,
        "components": [
            {
                "id": True,
                "rate": True,
                "cap_eur": True,
                "max_expense_eur": True,
                "applies_to_budget": True,
                "base_answer": True,
                "projects": True,
            }
        ],
    },
}
SUMMARY_KEYS = frozenset(SUMMARY)

# What ``check`` reads of every scheme beyond the summary: the rules, the reasons'
# quotes, what the plan weighs and whom to call, without the card's long texts
# (objectives, expenses, terms, notes) nor its steps and documents: those are read,
# with the whole record, only for the schemes it shows in full and those of the plan.
#
# A mapping that both keep in part (the status, the funding) reads a key the summary
# lacks from CHECK's part, then from the whole record: ``list`` reads the summary
# alone, ``check`` both, and neither the record of a card it does not show.
CHECK: dict = {
    "criteria": [{"id": True, "page": True, "rule": True, "quote": True}],
    "status": {
        "changes": True,  # the terms dated since the guide (dated.py), shown beside
        "sources": True,
        "successor": True,
        "contact_today": True,
    },
    "funding": {"cover": True},  # what an insurance covers, for the plan
    "conditions": True,  # whole: short, and a dated change adds one (Impact Score)
    "cumulation": True,
    "contacts": True,
    "contacts_from_agency": True,
}
CHECK_KEYS = frozenset(CHECK)

# The keys of a scheme's record (the models' fields, by alias; tests/test_cache.py checks
# them against models.Scheme): a name outside them is no field of a lazy scheme, and is
# answered without reading the card (``getattr(s, "terms", ())`` on 5,000 schemes).
SCHEME_KEYS = frozenset(
    (
        "id title title_en summary_en agency regions support_type beneficiary objectives "
        "description beneficiaries_text projects criteria conditions steps documents groups "
        "cumulation expenses funding payment contacts contacts_from_agency keywords source "
        "status notes notes_en"
    ).split()
)


def summary_of(record: dict, spec: dict | None = None) -> dict:
    """The part of a scheme's record that ``SUMMARY`` (or ``spec``) keeps."""
    spec = SUMMARY if spec is None else spec
    return {k: _prune(record[k], sub) for k, sub in spec.items() if k in record}


def _prune(value, spec):
    if spec is True:
        return value
    if isinstance(spec, dict) and isinstance(value, dict):
        out = {k: _prune(value[k], sub) for k, sub in spec.items() if k in value}
        out[PARTIAL] = True
        return out
    if isinstance(spec, list) and isinstance(value, list):
        return [_prune(x, spec[0]) for x in value]
    return value


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

    def __init__(self, data: dict):
        self._data = data

    def __getattr__(self, name: str):  # only for what is not yet an attribute
        if name.startswith("__"):
            raise AttributeError(name)
        data = self._fields(name)
        try:
            raw = data[name]
        except KeyError:
            raise AttributeError(name) from None
        v = self.__dict__[name] = _value(name, raw)
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


class _Whole:
    """A scheme's whole record, read from the cache when first needed; shared by the
    scheme and the partial mappings of its summary. Nothing here points back at them:
    a catalogue of lazy schemes holds no reference cycle, so that it is freed by
    reference counting, and the interpreter's last collection at exit (the collector
    is off during a command) has nothing of it to walk (0.25 s at 5,000 schemes)."""

    __slots__ = ("id", "source", "data")

    def __init__(self, scheme_id: str, source):
        self.id = scheme_id
        self.source = source
        self.data: dict | None = None

    def get(self) -> dict:
        if self.data is None:
            self.data = self.source.record(self.id)
        return self.data


class LazyScheme(Record):
    """A scheme of a cached catalogue, read from the cache only as far as it is used.

    ``source`` is the cache: ``source.summary(id)`` gives what ``SUMMARY`` keeps,
    ``source.check_part(id)`` what ``CHECK`` keeps, ``source.record(id)`` the whole
    scheme. Once the whole scheme is read, everything comes from it.
    """

    def __init__(self, scheme_id: str, source):
        self.id = self._id = scheme_id  # never reads anything (read a million times)
        self._source = source
        self._whole = _Whole(scheme_id, source)

    @property
    def _full(self) -> bool:
        return self._whole.data is not None

    @property
    def _data(self) -> dict:
        data = self._whole.data
        return data if data is not None else {"id": self._id}

    def __getattr__(self, name: str):
        if name.startswith("__") or name not in SCHEME_KEYS:
            raise AttributeError(name)
        if self._whole.data is None:
            if name in SUMMARY_KEYS:
                summary = self._source.summary(self._id)
                if name in summary:
                    v = _part(summary[name], self._whole, (name,))
                    if name in CHECK_KEYS and v.__class__ is _Partial:
                        v._more = _Layer(self._source, self._id, name)
                    self.__dict__[name] = v
                    return v
            if name in CHECK_KEYS:
                part = self._source.check_part(self._id)
                if name in part:
                    v = self.__dict__[name] = _part(part[name], self._whole, (name,))
                    return v
        return Record.__getattr__(self, name)

    def _fields(self, name: str) -> dict:
        return self._whole.get()

    def load(self) -> LazyScheme:
        """Read the whole scheme now (``show`` does, for the one it prints)."""
        self._whole.get()
        return self

    def __repr__(self) -> str:
        return f"LazyScheme({self._id})"


class _Layer:
    """Where a mapping of the summary finds its other keys first: CHECK's part of it."""

    __slots__ = ("source", "id", "name")

    def __init__(self, source, scheme_id: str, name: str):
        self.source, self.id, self.name = source, scheme_id, name

    def get(self) -> dict:
        part = self.source.check_part(self.id).get(self.name)
        return part if part.__class__ is dict else {}


class _Partial(Record):
    """A mapping the summary holds in part: the rest from CHECK's part of it (``_more``,
    for a top-level mapping both keep in part), then from the whole scheme, by its path."""

    _more: _Layer | None = None

    def __init__(self, data: dict, whole: _Whole, path: tuple):
        self._data = data
        self._owner = whole
        self._path = path

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        data = self._data
        if name not in data and self._more is not None:
            data = self._more.get()  # CHECK's part, then (below) the whole record
        if name in data:
            v = data[name]
            if v.__class__ in _NESTED:
                v = _part(v, self._owner, (*self._path, name))
        else:
            try:
                raw = self._whole()[name]
            except KeyError:
                raise AttributeError(name) from None
            v = _value(name, raw)
        self.__dict__[name] = v
        return v

    def _whole(self) -> dict:
        v = self._owner.get()
        for step in self._path:
            v = v[step]
        return v

    def _fields(self, name: str) -> dict:
        return self._whole()


def _part(raw, owner: _Whole, path: tuple):
    """A value from the summary: partial mappings stay tied to the whole scheme."""
    cls = raw.__class__
    if cls is dict:
        return _Partial(raw, owner, path) if raw.get(PARTIAL) else _value(path[-1], raw)
    if cls is list:  # a path only for what may hold a partial mapping (words are many)
        return [
            _part(x, owner, (*path, i)) if x.__class__ in _NESTED else x for i, x in enumerate(raw)
        ]
    return raw


_NESTED = (dict, list)


def _value(name: str, raw):
    # a rule node is a mapping (cumulation's `rule` is a word)
    if name in _RULE_KEYS and isinstance(raw, dict):
        return RuleNode(raw)
    return _wrap(raw)


def _wrap(v):
    cls = v.__class__
    if cls is dict:
        return Record(v)
    if cls is list:
        return [_wrap(x) if x.__class__ in _NESTED else x for x in v]
    return v


def _strip_none(v):
    cls = v.__class__
    if cls is dict:
        return {
            k: (_strip_none(x) if x.__class__ in _NESTED else x)
            for k, x in v.items()
            if x is not None and k != PARTIAL
        }
    if cls is list:  # most lists hold words: copied as they are
        return [_strip_none(x) if x.__class__ in _NESTED else x for x in v]
    return v
