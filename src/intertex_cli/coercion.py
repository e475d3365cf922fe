"""Typer's parameter coercion, without pydantic, for the plain types this CLI uses.

Recent typer (0.2x) coerces every parameter through a pydantic ``TypeAdapter`` built
when the parameter is first processed: ``intertex show ID`` imported pydantic and
built five adapters (about 45 ms, more than the rest of the command) to turn strings
into strings. Typer builds a parameter's coercion lazily, in
``_TyperParameter.get_runtime_param``; the command classes below give the parameters
of type ``str``, ``Path`` and ``list[str]`` (without a custom parser) a coercion that
does what typer's adapters do for them (``_parse_cli_str``; ``coerce_cli_path`` with
the value already a ``Path``, so every check of ``typer.Option(exists=…,
readable=…)`` still runs; each item of a list; a flag's bool as it is), before typer
builds its own. Any other parameter, or value, keeps typer's. With a typer that has no such hook (older, click-based
versions coerce without pydantic anyway) nothing changes.

tests/test_startup.py compares these coercions with typer's own on the same values.
"""

from __future__ import annotations

import sys
from pathlib import Path

try:  # typer's internals: absent or different in other versions, then unused
    from typer._click import _compat
    from typer._coercion import RuntimeParam, build_runtime_param
    from typer._param_types import coerce_cli_path
    from typer.core import TyperCommand, TyperGroup, _TyperParameter
except ImportError:  # pragma: no cover - another typer
    RuntimeParam = None

PLAIN = (str, Path, list[str], bool)


def _text(value) -> str:
    """typer._adapters._parse_cli_str, then a str as pydantic (lax) keeps it."""
    if value is None:
        raise ValueError("None is not a valid string")
    if isinstance(value, bytes):
        enc = _compat._get_argv_encoding()
        try:
            return value.decode(enc)
        except UnicodeError:
            fs_enc = sys.getfilesystemencoding()
            if fs_enc != enc:
                try:
                    return value.decode(fs_enc)
                except UnicodeError:
                    return value.decode("utf-8", "replace")
            return value.decode("utf-8", "replace")
    return str(value)


if RuntimeParam is not None:

    class PlainParam(RuntimeParam):  # RuntimeParam's dataclass fields, no new one
        """Coercion of a ``str``, ``Path``, ``list[str]`` or ``bool`` parameter."""

        def _coerce_value(self, value, param, ctx):
            ann = self.annotation
            if ann is str and isinstance(value, (str, bytes)):
                return _text(value)
            if ann is Path and isinstance(value, (str, Path)):
                return coerce_cli_path(
                    Path(value), self.parameter_info, path_type=Path, param=param, ctx=ctx
                )
            if ann is bool and isinstance(value, bool):  # flags give bools
                return value
            if ann == list[str] and isinstance(value, (list, tuple)):
                if all(isinstance(v, (str, bytes)) for v in value):
                    return [_text(v) for v in value]
            # anything else (a command line gives none of it): as typer does it
            return build_runtime_param(param.type_descriptor)._coerce_value(value, param, ctx)

    def _plain(params) -> None:
        for p in params:
            if not isinstance(p, _TyperParameter) or p._runtime_param is not None:
                continue
            desc = p.type_descriptor
            info = desc.parameter_info
            if desc.annotation in PLAIN and info.parser is None and desc.file_annotation is None:
                p._runtime_param = PlainParam(parameter_info=info, annotation=desc.annotation)

    class _PlainParams:
        """A command whose plain parameters (and help option) get PlainParam."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            _plain(self.params)

        def get_help_option(self, ctx):
            opt = super().get_help_option(ctx)
            _plain([opt] if opt is not None else [])
            return opt

    class Command(_PlainParams, TyperCommand):
        pass

    class Group(_PlainParams, TyperGroup):
        pass

else:  # pragma: no cover
    Command = Group = None
