"""A card as it stood on a day: the guide's terms, then each dated change from its date.

OpenFisca keeps every figure with the dates its values hold from, and the engine asks
for a parameter *at* an instant. intertex does the same for a scheme's card: the card
holds the guide's terms (true up to ``source.as_of``), and ``status.changes`` the
newer ones, each from its ``date`` on (``set``: the card's values from then, by
dotted path). A status is a term like the others (``status.since``).

:func:`at` is the one function that reads a card at a day; everything downstream —
verdicts, amounts, covers, steps, documents, questions, views — receives the card as
it stood that day, and can still reach the guide's card (``scheme.guide``) to show
its figure beside. Pure: plain data in, plain data out; no pydantic, no YAML.
"""

from __future__ import annotations

from datetime import date

FAR_FUTURE = date(9999, 12, 31)
LISTS_BY_ID = ("criteria", "conditions", "steps", "documents", "components", "projects")
# the parts of a card a change may set, read by the engine as attributes of the scheme
TOP_LEVEL = (
    "criteria",
    "conditions",
    "steps",
    "documents",
    "funding",
    "cumulation",
    "groups",
    "projects",
    "contacts",
    "expenses",
    "payment",
    "beneficiary",
    "support_type",
)


class PathError(ValueError):
    """A dotted path that does not name a place in the card."""


def day_of(text: str | None, end: bool = False) -> date | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as a day: the first of the period (its
    last with ``end``); None for None."""
    if not text:
        return None
    parts = [int(x) for x in str(text).split("-")]
    if len(parts) == 3:
        return date(*parts)
    if len(parts) == 2:
        y, m = parts
        if not end:
            return date(y, m, 1)
        nxt = date(y + (m == 12), m % 12 + 1, 1)
        return date.fromordinal(nxt.toordinal() - 1)
    return date(parts[0], 12, 31) if end else date(parts[0], 1, 1)


def parse_day(text: str | None, option: str = "--date") -> date:
    """A ``--date`` option: YYYY-MM-DD, default today. A UsageError otherwise."""
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        from intertex_cli.errors import UsageError
        from intertex_cli.text.sanitize import shown

        raise UsageError(
            f"{option} {shown(text)}: expected a date as YYYY-MM-DD, e.g. 2017-12-31"
        ) from None


# --------------------------------------------------------------------------- paths


def apply(data: dict, path: str, value) -> None:
    """Set ``path`` (dotted, list items by id) to ``value`` in ``data``, in place.

    A missing mapping on the way is made; a list item that is not there is added
    (with ``id`` set to the path's key); ``None`` removes an item, and sets a key to
    none (what the card then holds, as its validated model does: a key removed would
    be missing from the card read from the cache).
    """
    keys = path.split(".")
    node = data
    for i, key in enumerate(keys):
        last = i == len(keys) - 1
        if isinstance(node, list):
            idx = next(
                (j for j, x in enumerate(node) if isinstance(x, dict) and x.get("id") == key),
                None,
            )
            if last:
                if value is None:
                    if idx is not None:
                        del node[idx]
                    return
                item = dict(value) if isinstance(value, dict) else value
                if isinstance(item, dict):
                    item.setdefault("id", key)
                if idx is None:
                    node.append(item)
                else:
                    node[idx] = item
                return
            if idx is None:
                node.append({"id": key})
                idx = len(node) - 1
            node = node[idx]
            continue
        if not isinstance(node, dict):
            raise PathError(f"{'.'.join(keys[:i])} is a value, not a part of the card")
        if last:
            node[key] = value
            return
        nxt = node.get(key)
        if nxt is None:
            nxt = node[key] = [] if key in LISTS_BY_ID else {}
        node = nxt


def applied(card: dict, changes) -> dict:
    """A copy of ``card`` (plain data) with the ``set`` of each change applied, in order."""
    out = _copy({k: v for k, v in card.items() if k != "status"})
    out["status"] = card.get("status")
    for ch in changes:
        for path, value in (values_of(ch) or {}).items():
            apply(out, path, _copy(value))
    return out


def _plain(v):
    """A part of a card as plain data (a model's or a cached record's dump)."""
    if v.__class__ is list or v.__class__ is tuple:
        return [_plain(x) for x in v]
    dump = getattr(v, "model_dump", None)
    return dump(mode="json", by_alias=True) if dump is not None else v


def _copy(v):
    """A copy of plain data (what copy.deepcopy gives, a fifth of its time)."""
    cls = v.__class__
    if cls is dict:
        return {k: _copy(x) for k, x in v.items()}
    if cls is list:
        return [_copy(x) for x in v]
    return v


def values_of(change) -> dict:
    """A change's ``set`` (path -> value), whatever holds it: a model, a cached record, a dict."""
    if isinstance(change, dict):
        return change.get("set") or {}
    if hasattr(type(change), "model_fields"):  # the pydantic model
        return change.set_ or {}
    data = getattr(change, "_data", None)  # a cached record
    return (data.get("set") if isinstance(data, dict) else None) or {}


# --------------------------------------------------------------------------- a day


def as_of(scheme) -> date:
    """The last day the card's own terms are known to describe (the guide: 2017-12-31)."""
    got = getattr(scheme.source, "as_of", None)
    return day_of(got) or date(1900, 1, 1)


def status_since(scheme) -> date:
    """The day the card's status holds from."""
    st = scheme.status
    d = day_of(st.since) or day_of(st.evidence_date)
    if d is None:
        return date.fromordinal(as_of(scheme).toordinal() + 1)
    return d


def changes_at(scheme, day: date) -> list:
    """The changes in force on ``day``: dated on or before it (undated ones: after the
    card's date, as information only)."""
    out = []
    limit = as_of(scheme)
    for ch in scheme.status.changes:
        d = day_of(ch.date)
        if (d is not None and d <= day) or (d is None and day > limit):
            out.append(ch)
    return out


class GuideStatus:
    """The status a card gives itself before its status's date: as the guide says."""

    __slots__ = ("evidence_date", "sources", "note", "note_en", "as_of")
    value = "still-offered"
    since = None
    confidence = "confirmed"
    successor = None
    contact_today: tuple = ()
    changes: tuple = ()

    def __init__(self, scheme):
        src = scheme.source
        self.evidence_date = src.as_of
        self.as_of = src.as_of
        self.sources = ()
        self.note = f"Tel que le décrit le guide ({src.date})."
        self.note_en = f"As the guide describes it ({src.date})."

    def model_dump(self, **_) -> dict:
        return {
            "value": self.value,
            "since": None,
            "evidence_date": self.evidence_date,
            "confidence": self.confidence,
            "sources": [],
            "successor": None,
            "contact_today": [],
            "changes": [],
            "note": self.note,
            "note_en": self.note_en,
        }


class UncheckedStatus(GuideStatus):
    """Between the guide and the first evidence of the card's status: the guide's terms,
    not checked at that day."""

    __slots__ = ()
    value = "not-checked"
    confidence = "unknown"

    def __init__(self, scheme):
        super().__init__(scheme)
        self.evidence_date = None
        self.note = (
            f"Le guide ({scheme.source.date}) le décrit ; rien ne le vérifie à cette date "
            "(la première preuve plus récente est postérieure)."
        )
        self.note_en = (
            f"The guide ({scheme.source.date}) describes it; nothing checks it at this date "
            "(the first newer evidence is later)."
        )


def status_at(scheme, day: date):
    """The scheme's status on ``day``."""
    if day >= status_since(scheme):
        return scheme.status
    if day <= as_of(scheme):
        return GuideStatus(scheme)
    return UncheckedStatus(scheme)


class Dated:
    """A scheme as it stood on ``day``: what differs is set on it, the rest is the
    card's. ``guide`` is the card itself (the guide's terms); ``terms`` the changes in
    force that day; ``changed`` the paths a change set, with the guide's value.

    The changes' values are applied when a part they set is first read (``computed``:
    the changes that set values): a check of 5,000 cards reads the criteria of each,
    not its steps, and a card is read whole only for the parts that differ."""

    def __init__(self, base, day: date, status, changes: list, computed: list):
        self.guide = base
        self.day = day
        self.status = status
        self.terms = changes
        self._source = None  # not the cache's stored answers: the card's rules may differ
        self._computed = computed
        # the parts of the card the changes set, each applied when first read
        self._todo = {path.split(".")[0] for ch in computed for path in values_of(ch)}
        self._data: dict = {}  # those parts, applied
        self._changed: dict = {}  # path -> (the guide's value, the change)

    @property
    def changed(self) -> dict:
        self._apply(self._todo)
        return self._changed

    def _apply(self, names) -> None:
        """Apply the changes' values to these parts (each once): the parts that differ
        from the guide's become attributes."""
        todo = self._todo & set(names)
        if not todo:
            return
        self._todo -= todo
        from .records import _value

        base = {n: _plain(getattr(self.guide, n, None)) for n in sorted(todo)}
        base = {n: v for n, v in base.items() if v is not None}
        data = _copy(base)
        for ch in self._computed:
            for path, value in values_of(ch).items():
                if path.split(".", 1)[0] in todo:
                    apply(data, path, _copy(value))
                    self._changed[path] = (lookup(base, path), ch)
        for name in TOP_LEVEL:
            if name in data and data.get(name) != base.get(name):
                data[name] = _stamp(name, data[name], self.terms)
                setattr(self, name, _value(name, data[name]))
        self._data.update(data)

    @property
    def id(self) -> str:
        return self.guide.id

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        if name in self.__dict__.get("_todo", ()):
            self._apply((name,))
            if name in self.__dict__:
                return self.__dict__[name]
        return getattr(self.guide, name)

    def load(self):
        load = getattr(self.guide, "load", None)
        if load is not None:
            load()
        return self

    def model_dump(self, mode: str | None = None, by_alias: bool = True, exclude_none=False):
        computed = bool(self._computed)
        self._apply(self._todo)
        out = dict(self.guide.model_dump(mode="json", by_alias=True))
        out.update(self._data)
        if computed:  # the status after the parts, as a card at a day always had it
            out.pop("status", None)
        out["status"] = self.status.model_dump(mode="json", by_alias=True)
        if exclude_none:
            from .records import _strip_none

            out = _strip_none(out)
        return out

    def __repr__(self) -> str:
        return f"Dated({self.id}, {self.day})"


def card_data(scheme) -> dict:
    """A card's whole data as plain data, its dated changes' values in it (their
    ``set``, whatever their dates), not kept by the card: a cached card's record is read
    for this and let go (a screening at 5,000 schemes does not hold every record)."""
    base = getattr(scheme, "guide", scheme)  # a card at a day: the card itself
    whole = getattr(base, "_whole", None)  # a cached card (records.LazyScheme)
    if whole is not None:
        return whole.data if whole.data is not None else whole.source.record(whole.id)
    return base.model_dump(mode="json", by_alias=True)


def lookup(data, path: str):
    node = data
    for key in path.split("."):
        if isinstance(node, list):
            node = next((x for x in node if isinstance(x, dict) and x.get("id") == key), None)
        elif isinstance(node, dict):
            node = node.get(key)
        else:
            return None
        if node is None:
            return None
    return node


def _stamp(name: str, value, changes: list):
    """Items a change added or reworded carry ``since``: the change's date and sources."""
    if name not in ("criteria", "conditions", "steps", "documents") or not isinstance(value, list):
        return value
    by_item: dict = {}
    for ch in changes:
        for path in values_of(ch) or {}:
            parts = path.split(".")
            if parts[0] == name and len(parts) >= 2:
                by_item[parts[1]] = ch
    out = []
    for item in value:
        ch = by_item.get(item.get("id")) if isinstance(item, dict) else None
        if ch is not None and not item.get("since"):
            sources = [s.model_dump() if hasattr(s, "model_dump") else s for s in ch.sources]
            since = {"date": ch.date, "confidence": ch.confidence, "sources": sources}
            item = {**item, "since": since}
        out.append(item)
    return out


def at(scheme, day: date):
    """The scheme as it stood on ``day`` (the scheme itself when nothing differs)."""
    status = status_at(scheme, day)
    changes = changes_at(scheme, day)
    if status is scheme.status and not changes:
        return scheme
    return Dated(scheme, day, status, changes, [ch for ch in changes if values_of(ch)])
