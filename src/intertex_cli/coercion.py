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

# click's and typer's own words in help and usage ("Usage: ", "Options", "[default: …]"),
# English as written; text/helptext.py puts the French ones here for a French interface.
WORDS: dict[str, str] = {}


def _word(text: str) -> str:
    return WORDS.get(text, text)


def _notes(text: str) -> str:
    """The bracketed notes typer adds after a help text ("[env var: X; default: Y]"),
    each in the interface's words."""
    if not WORDS or not text.endswith("]") or "[" not in text:
        return text
    head, _, notes = text[:-1].rpartition("[")
    parts = []
    for part in notes.split("; "):
        label, sep, value = part.partition(": ")
        parts.append(f"{_word(label + sep)}{value}" if sep else _word(part))
    return f"{head}[{'; '.join(parts)}]"


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
        """A command whose plain parameters (and help option) get PlainParam, and
        whose help is written with the interface's words (below)."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            _plain(self.params)

        def get_help_option(self, ctx):
            opt = super().get_help_option(ctx)
            if opt is not None:
                _plain([opt])
                opt.help = _word("Show this message and exit.")
            return opt

        # ----------------------------------------------------------------- help

        def format_usage(self, ctx, formatter):
            pieces = [_word(p) for p in self.collect_usage_pieces(ctx)]
            formatter.write_usage(ctx.command_path, " ".join(pieces), _word("Usage: "))

        def get_short_help_str(self, limit: int = 45) -> str:
            """The first paragraph of the help, whole: the list of commands wraps it
            rather than cutting it with "..."."""
            first = (self.short_help or self.help or "").strip().split("\n\n")[0]
            return " ".join(first.split())

        def format_options(self, ctx, formatter):
            """typer's, with each argument named as in the usage line (not by its Python
            type) and the bracketed notes ("[default: table]") in the interface's words."""
            args, opts = [], []
            for param in self.get_params(ctx):
                record = param.get_help_record(ctx)
                if record is None:
                    continue
                name, text = record[0], _notes(record[1])
                if param.param_type_name == "argument":
                    dots = "..." if param.nargs != 1 else ""
                    args.append(((param.metavar or param.name.upper()) + dots, text))
                else:
                    opts.append((name, text))
            for title, rows in (("Arguments", args), ("Options", opts)):
                if rows:
                    with formatter.section(_word(title)):
                        formatter.write_dl(rows)

    class Command(_PlainParams, TyperCommand):
        pass

    class Group(_PlainParams, TyperGroup):
        def format_options(self, ctx, formatter):
            super().format_options(ctx, formatter)
            self.format_commands(ctx, formatter)

        def format_commands(self, ctx, formatter):
            rows = []
            for name in self.list_commands(ctx):
                cmd = self.get_command(ctx, name)
                if cmd is not None and not cmd.hidden:
                    rows.append((name, cmd.get_short_help_str()))
            if rows:
                with formatter.section(_word("Commands")):
                    formatter.write_dl(rows)

else:  # pragma: no cover
    Command = Group = None
