"""Safe YAML reading with line numbers; duplicate keys, bombs and odd values refused.

Two readers. Catalogue files may use anchors and aliases, but the values they expand
to are counted (without expanding them) and a file that expands beyond
``MAX_EXPANDED`` values, or refers to itself, is refused at once. Answers files use
no anchor or alias at all, and read scalars by the YAML 1.2 core schema: ``yes``,
``on`` and ``1:30`` stay text, and a number written with a leading zero (``031``,
``0x10``) stays the text typed rather than becoming octal. Both refuse integers of
more than 4,300 digits and impossible dates with the line where they are, and keys
that are lists or mappings.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.resolver import BaseResolver, Resolver

from intertex_cli.errors import Problem
from intertex_cli.text.sanitize import clean, has_control_utf8

try:  # the C parser is several times faster
    from yaml.cyaml import CParser as _Parser
except ImportError:  # pragma: no cover
    _Parser = None

MAX_EXPANDED = 100_000  # values a catalogue file may expand to through its aliases
MAX_SCHEME_BYTES = 2_000_000


class _Checked(SafeConstructor):
    """Constructors that turn Python's refusals into YAML errors with a line."""

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError, TypeError) as e:
            what = str(e)
            if "4300" in what or "digits" in what:
                what = "a number of more than 4300 digits"
            else:
                what = f"{_short(node)}: {what}"
            raise ConstructorError(None, None, what, node.start_mark) from None


def _short(node) -> str:
    value = node.value if isinstance(node.value, str) else node.tag
    return value if len(value) <= 40 else value[:40] + f"… ({len(value)} characters)"


def _loader(resolver: type, name: str) -> type:
    """A loader class: the C parser when there is one, our constructors, ``resolver``."""
    if _Parser is not None:

        def init(self, stream):
            _Parser.__init__(self, stream)
            _Checked.__init__(self)
            resolver.__init__(self)

        return type(name, (_Parser, _Checked, resolver), {"__init__": init})
    from yaml.composer import Composer  # pragma: no cover
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    def init_py(self, stream):  # pragma: no cover
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        _Checked.__init__(self)
        resolver.__init__(self)

    bases = (Reader, Scanner, Parser, Composer, _Checked, resolver)  # pragma: no cover
    return type(name, bases, {"__init__": init_py})  # pragma: no cover


class _CatalogResolver(Resolver):
    """YAML 1.1's resolver (PyYAML's), quicker: a scalar quoted, or whose first
    character starts no implicit type (most text), is text without a regex tried; the
    others are tried once per distinct value (keys, words of a vocabulary, numbers
    repeat); a mapping or a list has its default tag (there are no path resolvers) and
    nothing to descend into. Called for every node."""

    def resolve(self, kind, value, implicit):
        if kind is not _SCALAR:
            return _MAPPING_TAG if kind is _MAPPING else _SEQUENCE_TAG
        if not implicit[0] or (value and value[0] not in _FIRST):
            return _TEXT_TAG
        tag = _KNOWN.get(value)
        if tag is None:
            tag = Resolver.resolve(self, kind, value, implicit)
            if len(_KNOWN) < 50_000:
                _KNOWN[value] = tag
        return tag

    def descend_resolver(self, current_node, current_index):
        return None

    def ascend_resolver(self):
        return None


_SCALAR, _MAPPING = yaml.ScalarNode, yaml.MappingNode
_TEXT_TAG, _MAPPING_TAG, _SEQUENCE_TAG = (
    Resolver.DEFAULT_SCALAR_TAG,
    Resolver.DEFAULT_MAPPING_TAG,
    Resolver.DEFAULT_SEQUENCE_TAG,
)
_FIRST = frozenset(Resolver.yaml_implicit_resolvers)  # the characters a type starts with
_KNOWN: dict = {}  # plain scalar -> its tag (bounded)
assert None not in Resolver.yaml_implicit_resolvers and not Resolver.yaml_path_resolvers
CatalogLoader = _loader(_CatalogResolver, "CatalogLoader")


class CoreResolver(BaseResolver):
    """YAML 1.2 core schema, except that a number never starts with a zero."""


CoreResolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
CoreResolver.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
)
CoreResolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.[0-9]+(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)
CoreResolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)


AnswersLoader = _loader(CoreResolver, "AnswersLoader")


class Located:
    """Data read from a YAML file and where each path of it starts."""

    def __init__(self, data: Any, lines: dict[tuple, int], path: str):
        self.data = data
        self.lines = lines
        self.path = path

    def find(self, loc: tuple) -> tuple[int | None, tuple]:
        """Line and path of the deepest part of ``loc`` (a pydantic error location)
        that the file has; parts it lacks (union tags, aliases) are skipped."""
        line: int | None = self.lines.get(())
        cur: tuple = ()
        for part in loc:
            if cur + (part,) in self.lines:
                cur += (part,)
                line = self.lines[cur]
        return line, cur

    def line_of(self, loc: tuple) -> int | None:
        return self.find(loc)[0]


class _Refused(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem


def _expanded_size(root: yaml.Node, file: str) -> int:
    """How many values the document expands to, aliases counted each time they are
    used, computed without expanding (each node once); a node that contains itself
    is refused. Iterative: no recursion limit."""
    size: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            total = 1
            for child in _children(node):
                total += size[id(child)]
            size[key] = min(total, MAX_EXPANDED + 1)
            continue
        if key in size:
            continue
        if key in on_path:
            raise _Refused(
                Problem(
                    file,
                    "a recursive YAML alias (a value that contains itself)",
                    node.start_mark.line + 1,
                )
            )
        on_path.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in on_path:
                raise _Refused(
                    Problem(
                        file,
                        "a recursive YAML alias (a value that contains itself)",
                        child.start_mark.line + 1,
                    )
                )
            if id(child) not in size:
                stack.append((child, False))
    return size[id(root)]


def _children(node: yaml.Node) -> list:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _walk(root: yaml.Node, lines: dict, problems: list, file: str, aliases: bool) -> None:
    """Record the line of every path; report duplicate keys and keys that are not
    plain scalars, and (``aliases`` False) any node used twice: an alias. Iterative:
    deep nesting cannot exhaust Python's stack."""
    stack: list[tuple[yaml.Node, tuple]] = [(root, ())]
    seen_nodes: set[int] = {id(root)}
    while stack:
        node, path = stack.pop()
        lines.setdefault(path, node.start_mark.line + 1)
        children: list[tuple[yaml.Node, tuple, int]] = []
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                line = key_node.start_mark.line + 1
                if not isinstance(key_node, yaml.ScalarNode):
                    problems.append(
                        Problem(file, "a key must be a word, not a list or a mapping", line)
                    )
                    continue
                key = key_node.value
                if key in seen:
                    problems.append(
                        Problem(file, f"duplicate key (first at line {seen[key]})", line, key)
                    )
                    continue
                seen[key] = line
                lines[path + (key,)] = line
                children.append((value_node, path + (key,), line))
        elif isinstance(node, yaml.SequenceNode):
            line = node.start_mark.line + 1  # an alias's own place is not kept: its list's
            for i, item in enumerate(node.value):
                children.append((item, path + (i,), line))
        for child, child_path, line in children:  # checked in the order of the file
            if not aliases:
                if id(child) in seen_nodes:
                    field = ".".join(str(p) for p in child_path) or None
                    problems.append(
                        Problem(file, "a YAML alias (*name): an answers file has none", line, field)
                    )
                    return
                seen_nodes.add(id(child))
        stack.extend((c, p) for c, p, _ in reversed(children))  # depth first, in order


_ANCHOR_HINT = re.compile(r"(?:^|[\s\[{,:-])&[^\s\[\]{},]")


def _anchors(text: str, file: str) -> list[Problem]:
    """Anchors (&name) of a document that uses no alias, from its tokens. Only read
    when the text may hold one: token by token is slow on large files."""
    if _ANCHOR_HINT.search(text) is None:
        return []
    loader = AnswersLoader(text)
    try:
        while loader.check_token():
            token = loader.get_token()
            if isinstance(token, yaml.AnchorToken):
                line = token.start_mark.line + 1
                return [Problem(file, "a YAML anchor (&name): an answers file has none", line)]
    finally:
        loader.dispose()
    return []


def _problem_of(e: yaml.YAMLError, file: str) -> Problem:
    if isinstance(e, yaml.MarkedYAMLError):
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        msg = " ".join(str(x) for x in (e.context, e.problem) if x)
        return Problem(file, f"invalid YAML: {msg}", line)
    return Problem(file, f"invalid YAML: {e}")


def load_text(text: str, file: str, answers: bool = False) -> tuple[Located | None, list[Problem]]:
    """Parse one YAML document; return it with its lines, or the problems found.

    ``answers``: the answers-file reader (no anchors, YAML 1.2 scalars).
    """
    try:
        loader = (AnswersLoader if answers else CatalogLoader)(text)  # may refuse the text
        try:
            node = loader.get_single_node()
            if node is None:
                return Located(None, {}, file), []
            # an alias is written *name: without a "*" the file has none to expand
            if not answers and "*" in text and _expanded_size(node, file) > MAX_EXPANDED:
                return None, [
                    Problem(
                        file,
                        f"the file expands to more than {MAX_EXPANDED} values through its "
                        "YAML aliases (*name); write the values out",
                        node.start_mark.line + 1,
                    )
                ]
            problems: list[Problem] = []
            lines: dict[tuple, int] = {}
            _walk(node, lines, problems, file, aliases=not answers)
            if not problems and answers:
                problems = _anchors(text, file)
            if problems:
                return None, problems
            try:
                data = loader.construct_document(node)
            except ConstructorError as e:  # name the key where the value is
                problem = _problem_of(e, file)
                at = [p for p, n in lines.items() if n == problem.line and p]
                field = ".".join(map(str, max(at, key=len))) if at else None
                message = problem.message.removeprefix("invalid YAML: ")
                return None, [Problem(file, message, problem.line, field)]
        finally:
            loader.dispose()
    except _Refused as r:
        return None, [r.problem]
    except yaml.YAMLError as e:
        return None, [_problem_of(e, file)]
    except RecursionError:
        return None, [Problem(file, "invalid YAML: nested too deeply")]
    return Located(data, lines, file), []


NUMBER_MAX = 10**15  # no amount, threshold or figure of a catalogue comes near
TOO_LARGE = f"a number above {NUMBER_MAX:.0e} (a typing error?)".replace("e+", "e")


def too_large(v) -> bool:
    """A number the engine's arithmetic and the views should not take (not inf: the
    models refuse it, and NaN, by name)."""
    return v.__class__ in (int, float) and v == v and NUMBER_MAX < abs(v) != float("inf")


def safe_tree(data) -> tuple | None:
    """Make plain data safe for every view, in place: text without terminal control
    sequences (``sanitize.clean``). Returns the place of the first number too large
    (``too_large``), or None. The fast reader does the same as it reads."""
    if data.__class__ is not dict and data.__class__ is not list:
        return None
    stack = [((), data)]
    while stack:
        loc, node = stack.pop()
        for k, v in node.items() if node.__class__ is dict else enumerate(node):
            if isinstance(v, str):
                safe = clean(v)  # (the same text when it holds no control)
                if safe is not v:
                    node[k] = safe
            elif v.__class__ is dict or v.__class__ is list:
                stack.append(((*loc, k), v))
            elif too_large(v):
                return (*loc, k)
    return None


_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


def load_plain(raw: bytes) -> Any:
    """The data of a catalogue file (its bytes, UTF-8), fast: no line numbers kept.
    Raises ``_Slow`` for anything the careful reader (``load_text``) must look at: an
    alias or a merge key, a duplicate key, a key that is not a word, a value Python
    refuses, a number too large, invalid YAML. What it returns is what ``load_text`` would (the same
    constructors), made safe as ``safe_tree`` makes it."""
    if b"<<" in raw:
        raise _Slow
    loader = CatalogLoader(raw)
    try:
        try:
            root = loader.get_single_node()
        except (yaml.YAMLError, RecursionError):
            raise _Slow from None
        if root is None:
            return None
        # Only a control character in the file, or an escape in a double-quoted
        # scalar (``"\e"``), can put one in a text: most files need no cleaning.
        dirty = b"\\" in raw or has_control_utf8(raw)
        return _plain(root, loader, shared=b"*" in raw, dirty=dirty)
    except (ConstructorError, RecursionError):
        raise _Slow from None
    finally:
        loader.dispose()


class _Slow(Exception):
    """The file needs the careful reader."""


# (tag, text) -> the value of a scalar that is not text: the constructors depend on
# nothing else, and the same numbers, booleans and dates recur from card to card
_SCALARS: dict = {}
_SCALARS_MAX, _SCALAR_TEXT_MAX = 50_000, 40
_MISSING = object()


def _plain(root, loader, shared: bool, dirty: bool = True) -> Any:
    """Plain data from composed nodes: mappings, lists and text built here, other
    scalars by the checked constructors. Iterative: no recursion limit. ``shared``:
    the text may hold an alias: a list or mapping met twice goes to the careful reader
    (which counts what aliases expand to). ``dirty``: texts may need cleaning."""
    scalar, mapping = yaml.ScalarNode, yaml.MappingNode
    known = _SCALARS
    seen: set[int] = set()

    def value(node):
        if node.__class__ is scalar:
            tag, text = node.tag, node.value
            if tag == _STR:  # every text made safe (safe_tree), as it is read
                return clean(text) if dirty else text
            v = known.get((tag, text), _MISSING)
            if v is _MISSING:
                v = loader.construct_object(node)
                if too_large(v):
                    raise _Slow  # the careful reader names its line
                if len(text) <= _SCALAR_TEXT_MAX and len(known) < _SCALARS_MAX:
                    known[tag, text] = v
            return v
        if node.tag != (_MAP if node.__class__ is mapping else _SEQ):
            raise _Slow  # !!set, !!omap, a tag the careful reader refuses
        return {} if node.__class__ is mapping else []

    out = value(root)
    stack = [(root, out)] if root.__class__ is not scalar else []
    while stack:
        node, into = stack.pop()
        if shared:
            if id(node) in seen:
                raise _Slow
            seen.add(id(node))
        if node.__class__ is mapping:
            for k, v in node.value:
                if k.__class__ is not scalar or k.tag != _STR:
                    raise _Slow
                x = into[k.value] = value(v)
                if v.__class__ is not scalar:
                    stack.append((v, x))
            if len(into) != len(node.value):
                raise _Slow  # a duplicate key
        else:
            for v in node.value:
                x = value(v)
                into.append(x)
                if v.__class__ is not scalar:
                    stack.append((v, x))
    return out


def load_file(path: Path, limit: int = MAX_SCHEME_BYTES) -> tuple[Located | None, list[Problem]]:
    from intertex_cli.files.safeio import FileProblem, read_regular

    try:
        raw = read_regular(path, limit)
    except FileProblem as e:
        return None, [Problem(str(path), f"cannot read: {e.reason}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, [Problem(str(path), "not UTF-8 text")]
    return load_text(text, str(path))


def top_level_spans(text: str) -> tuple[dict, bool] | None:
    """For rewriting an answers file line by line: each top-level key's first and last
    line (0-based) and the column where its value ends on its last line, and whether
    the mapping is in block style. None if the text is no mapping."""
    loader = AnswersLoader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    if node is None:
        return {}, True
    if not isinstance(node, yaml.MappingNode):
        return None
    spans = {}
    for key_node, value_node in node.value:
        start = key_node.start_mark.line
        last = value_node
        while _children(last) and not last.flow_style:  # a block value: its last scalar
            last = _children(last)[-1]
        end, col = last.end_mark.line, last.end_mark.column
        if end > start and col == 0:  # a block scalar ends at the start of the next line
            end, col = end - 1, None
        elif last is not value_node:
            col = None  # a comment after a block value belongs to what follows
        spans[key_node.value] = (start, end, col)
    return spans, not node.flow_style
