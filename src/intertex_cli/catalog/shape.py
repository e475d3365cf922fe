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

_SHAPES: dict | None = None


def _shapes() -> dict:
    global _SHAPES
    if _SHAPES is None:
        data = json.loads(FILE.read_text(encoding="utf-8"))
        defs = data["defs"]
        scheme = defs["Scheme"]
        raw = {
            "scheme": scheme,
            "agency": defs["Agency"],
            "summary": ["obj", {"id": "str", **_pruned(scheme, SUMMARY, defs)[1]}],
            "check": ["obj", {"id": "str", **_pruned(scheme, CHECK, defs)[1]}],
            "links": LINKS,
        }
        done: dict = {}
        _SHAPES = {k: _compiled(v, defs, done) for k, v in raw.items()}
    return _SHAPES


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


# compiled: a leaf is one of these classes' tuples (or ANY); the others are lists whose
# first item says the kind, references resolved (a rule node holds itself)
ANY = "any"
_LEAVES = {"str": (str,), "int": (int,), "num": (int, float), "bool": (bool,)}


def _compiled(shape, defs: dict, done: dict):
    if shape.__class__ is str:
        return _LEAVES.get(shape, ANY)
    kind, arg = shape
    if kind == "ref":
        if arg not in done:
            done[arg] = out = []  # filled below: a model that holds itself
            out.extend(_compiled(defs[arg], defs, done))
        return done[arg]
    if kind in ("obj", "part"):
        return [kind, [(k, _compiled(s, defs, done)) for k, s in arg.items()]]
    if kind == "enum":
        return ["enum", frozenset(arg), {type(a) for a in arg}]
    if kind == "union":
        return ["union", [_compiled(s, defs, done) for s in arg]]
    return [kind, _compiled(arg, defs, done)]  # opt, list, dict


def valid(kind: str, value) -> bool:
    """Whether ``value`` has the shape of a ``kind``: scheme, agency, summary, check, links."""
    try:
        return _ok(_shapes()[kind], value)
    except RecursionError:
        return False


def _ok(shape, v) -> bool:  # noqa: C901 - one branch per kind of shape
    if shape.__class__ is tuple:
        return v.__class__ in shape
    if shape is ANY:
        return _plain(v)
    kind = shape[0]
    if kind == "opt":
        return v is None or _ok(shape[1], v)
    if kind == "list":
        if v.__class__ is not list:
            return False
        sub = shape[1]
        if sub.__class__ is tuple:
            return all(x.__class__ in sub for x in v)
        return all(_ok(sub, x) for x in v)
    if kind == "obj" or kind == "part":
        if v.__class__ is not dict:
            return False
        fields = shape[1]
        if kind == "part":
            if len(v) != len(fields) + 1 or v.get(PARTIAL) is not True:
                return False
        elif len(v) != len(fields):
            return False
        for k, sub in fields:
            if k not in v:
                return False
            x = v[k]
            if sub.__class__ is tuple:
                if x.__class__ not in sub:
                    return False
            elif sub[0] == "opt" and sub[1].__class__ is tuple:
                if x is not None and x.__class__ not in sub[1]:
                    return False
            elif not _ok(sub, x):
                return False
        return True
    if kind == "enum":
        return v.__class__ in shape[2] and v in shape[1]
    if kind == "union":
        return any(_ok(s, v) for s in shape[1])
    if kind == "dict":
        return v.__class__ is dict and all(
            k.__class__ is str and _ok(shape[1], x) for k, x in v.items()
        )
    return False


def _plain(v) -> bool:
    """Plain JSON (what "any" holds: a dated change's values, checked when it was read)."""
    c = v.__class__
    if c in (str, int, float, bool) or v is None:
        return True
    if c is list:
        return all(_plain(x) for x in v)
    if c is dict:
        return all(k.__class__ is str and _plain(x) for k, x in v.items())
    return False


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
