"""The shape of what the cache keeps, checked when it is read: types, keys, vocabularies.

A cache file that passes its checksums may still hold what no card holds (another
intertex wrote it, a tool edited it): a list where a word goes, a number in a
region's place. What the cache gives the engine and the views is first checked
against the shape of the models (``shape.json``, made from them by ``generate``):
every key of a record and nothing else, each value of its type, each word of its
vocabulary. Values the models bound further (a rate within 0 and 1, an id's pattern)
were checked when the card was validated; the cache only keeps what passed.

``shape.json`` is made from the models, so that reading the cache needs no pydantic:
``python -m intertex_cli.catalog.shape`` writes it again (tests/test_cache.py checks
that it matches the models).

A shape is ``"str"``, ``"int"``, ``"num"`` (an int or a float), ``"bool"``, ``"any"``
(plain JSON), or a list: ``["opt", s]`` (None or s), ``["list", s]``, ``["dict", s]``
(words to s), ``["enum", [values]]``, ``["union", [s, …]]``, ``["obj", {key: s}]`` (these
keys exactly), ``["part", {key: s}]`` (a summary's mapping: these keys and the
``__partial__`` mark) and ``["ref", name]`` (a model, by its name in ``defs``).
"""

from __future__ import annotations

import json
from pathlib import Path

from .records import CHECK, PARTIAL, SUMMARY

HERE = Path(__file__).resolve().parent
FILE = HERE / "shape.json"

LINKS = [
    "obj",
    {
        "agency": "str",
        "contacts_from_agency": "bool",
        "groups": ["list", "str"],
        "steps": ["list", ["list", "any"]],
        "successor": ["opt", "str"],
        "cumulation": ["list", ["list", ["list", "str"]]],
    },
]

_RAW: dict | None = None  # kind -> its shape, as data (shape.json, read once)
_DEFS: dict = {}
_DONE: dict = {}  # a model's name -> its check, compiled (shared by the kinds)
_SHAPES: dict = {}  # kind -> its check, compiled when a value of that kind is first read


def _shapes(kind: str):
    """The check of a kind, compiled the first time it is needed: ``list`` reads
    summaries and agencies, never a whole record, and compiles only their shapes."""
    global _RAW
    ok = _SHAPES.get(kind)
    if ok is None:
        if _RAW is None:
            _DEFS.update(json.loads(FILE.read_text(encoding="utf-8"))["defs"])
            scheme = _DEFS["Scheme"]
            _RAW = {
                "scheme": scheme,
                "agency": _DEFS["Agency"],
                "summary": ["obj", {"id": "str", **_pruned(scheme, SUMMARY, _DEFS)[1]}],
                "check": ["obj", {"id": "str", **_pruned(scheme, CHECK, _DEFS)[1]}],
                "links": LINKS,
            }
        ok = _SHAPES[kind] = _compiled(_RAW[kind], _DEFS, _DONE)
    return ok


def _pruned(shape, spec, defs):
    """The shape of what records.summary_of keeps of a value of ``shape``."""
    if spec is True:
        return shape
    if shape[0] == "ref":
        return _pruned(defs[shape[1]], spec, defs)
    if shape[0] == "opt":
        return ["opt", _pruned(shape[1], spec, defs)]
    if isinstance(spec, dict) and shape[0] == "obj":
        fields = shape[1]
        return ["part", {k: _pruned(fields[k], sub, defs) for k, sub in spec.items()}]
    if isinstance(spec, list) and shape[0] == "list":
        return ["list", _pruned(shape[1], spec[0], defs)]
    return shape


# compiled: each shape becomes a function of a value that says whether it fits (a
# plain value's classes are compared at once; references resolved, a rule node holds
# itself). The checks of a 5,000-card summary run in a third of an interpreter's walk.
_LEAVES = {"str": (str,), "int": (int,), "num": (int, float), "bool": (bool,)}
_NONE = type(None)


def _classes(shape) -> tuple | None:
    """The classes a plain shape admits (None: not plain): a leaf, an optional one, a
    union of leaves (an ``eq`` of a rule: a word, a number or a yes/no)."""
    if shape.__class__ is str:
        return _LEAVES.get(shape)
    kind, arg = shape
    if kind == "opt":
        inner = _classes(arg)
        return None if inner is None else (*inner, _NONE)
    if kind == "union":
        options = [_classes(s) for s in arg]
        return None if None in options else tuple({c for o in options for c in o})
    return None


def _tags(options: list, defs: dict) -> list | None:
    """For a union of models, a key of each that none of the others has (a rule's
    ``all``, ``any``, ``not`` or ``fact``), or None if one lacks such a key."""
    keys = []
    for s in options:
        while s.__class__ is list and s[0] == "ref":
            s = defs[s[1]]
        if s.__class__ is not list or s[0] != "obj":
            return None
        keys.append(list(s[1]))
    tags = []
    for i, own in enumerate(keys):
        others = {k for j, ks in enumerate(keys) if j != i for k in ks}
        tag = next((k for k in own if k not in others), None)
        if tag is None:
            return None
        tags.append(tag)
    return tags


def _compiled(shape, defs: dict, done: dict):  # noqa: C901 - one branch per kind of shape
    if shape.__class__ is str and shape not in _LEAVES:
        return _plain  # "any"
    classes = _classes(shape)
    if classes is not None:
        return lambda v: v.__class__ in classes
    kind, arg = shape
    if kind == "ref":
        if arg not in done:
            cell: list = []
            done[arg] = lambda v: cell[0](v)  # for a model that holds itself
            cell.append(_compiled(defs[arg], defs, done))
            done[arg] = cell[0]
        return done[arg]
    if kind in ("obj", "part"):
        return _object(arg, kind == "part", defs, done)
    if kind == "enum":
        values, types = frozenset(arg), tuple({type(a) for a in arg})
        return lambda v: v.__class__ in types and v in values
    if kind == "union":
        options = [_compiled(s, defs, done) for s in arg]
        tags = _tags(arg, defs)
        if tags is None:
            return lambda v: any(ok(v) for ok in options)
        by_tag = list(zip(tags, options))

        def one_of(v) -> bool:  # the one model whose own key it holds: that one alone
            if v.__class__ is dict:
                for tag, ok in by_tag:
                    if tag in v:
                        return ok(v)
            return False

        return one_of
    sub = _classes(arg)
    inner = _compiled(arg, defs, done)
    if kind == "opt":
        return lambda v: v is None or inner(v)
    if kind == "list":
        if inner is _plain:
            return lambda v: v.__class__ is list
        if sub is not None:
            allowed = frozenset(sub)
            return lambda v: v.__class__ is list and {*map(type, v)} <= allowed
        return lambda v: v.__class__ is list and all(map(inner, v))
    if kind == "dict":  # (JSON's keys are words)
        if inner is _plain:
            return lambda v: v.__class__ is dict
        return lambda v: v.__class__ is dict and all(map(inner, v.values()))
    raise ValueError(f"no shape kind {kind!r}")


def _object(fields: dict, partial: bool, defs: dict, done: dict):
    """A mapping with these keys exactly (and the partial mark, for a summary's part)."""
    plain, nested = [], []
    for k, s in fields.items():
        classes = _classes(s)
        if classes is not None:
            plain.append((k, classes))
        else:
            nested.append((k, _compiled(s, defs, done)))
    size = len(fields) + partial

    def ok(v) -> bool:
        if v.__class__ is not dict or len(v) != size:
            return False
        if partial and v.get(PARTIAL) is not True:
            return False
        try:
            for k, classes in plain:
                if v[k].__class__ not in classes:
                    return False
            for k, inner in nested:
                if not inner(v[k]):
                    return False
        except KeyError:
            return False
        return True

    return ok


def valid(kind: str, value) -> bool:
    """Whether ``value`` has the shape of a ``kind``: scheme, agency, summary, check, links."""
    try:
        return _shapes(kind)(value)
    except RecursionError:
        return False


def _plain(v) -> bool:
    """Plain JSON ("any": a dated change's values, checked when its card was read):
    every value the cache gives is made by ``json.loads``, which makes nothing else
    (a nesting too deep to parse is refused there, ``cache._loads``)."""
    return True


# --------------------------------------------------------------------------- generating


def generate() -> dict:
    """The shapes of the models, as data (pydantic is imported here only)."""
    from .models import Agency, Scheme

    defs: dict = {}
    _model(Scheme, defs)
    _model(Agency, defs)
    return {"defs": dict(sorted(defs.items()))}


def _model(cls, defs: dict) -> list:
    name = cls.__name__
    if name not in defs:
        defs[name] = None  # a model that holds itself (rule nodes)
        fields = {}
        for fname, f in cls.model_fields.items():
            fields[f.alias or fname] = _type(f.annotation, defs)
        defs[name] = ["obj", fields]
    return ["ref", name]


def _type(t, defs: dict):
    import types
    import typing

    from pydantic import BaseModel

    origin = typing.get_origin(t)
    args = typing.get_args(t)
    if origin is typing.Annotated:
        return _type(args[0], defs)
    if isinstance(t, type) and issubclass(t, BaseModel):
        return _model(t, defs)
    if t is str:
        return "str"
    if t is bool:
        return "bool"
    if t is int:
        return "int"
    if t is float:
        return "num"  # JSON writes 2.0 as 2.0, but a float field may hold an int
    if t is typing.Any or t is object:
        return "any"
    if origin is typing.Literal:
        return ["enum", list(args)]
    if origin is list:
        return ["list", _type(args[0], defs)]
    if origin is dict:
        return ["dict", _type(args[1], defs)]
    if origin in (typing.Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        inner = _type(rest[0], defs) if len(rest) == 1 else _union(rest, defs)
        return ["opt", inner] if len(rest) < len(args) else inner
    raise TypeError(f"no shape for {t!r}")


def _union(args, defs: dict):
    shapes = [_type(a, defs) for a in args]
    if all(s in ("int", "num") for s in shapes):
        return "num"
    return ["union", shapes]


def dump(shapes: dict) -> str:
    """shape.json's text: one model a line."""
    lines = [
        f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in shapes["defs"].items()
    ]
    return '{"defs": {\n' + ",\n".join(lines) + "\n}}\n"


def main() -> None:  # pragma: no cover - run by hand when the models change
    FILE.write_text(dump(generate()), encoding="utf-8")
    print(f"written: {FILE}")


if __name__ == "__main__":  # pragma: no cover
    main()
