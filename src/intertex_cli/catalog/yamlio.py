"""Safe YAML reading with line numbers and duplicate keys refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from intertex_cli.errors import Problem

try:  # the C loader is several times faster
    _Base = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Base = yaml.SafeLoader


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


def _walk(node: yaml.Node, path: tuple, lines: dict, problems: list, file: str) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in seen:
                problems.append(
                    Problem(file, f"duplicate key (first at line {seen[key]})", line, key)
                )
            seen[key] = line
            _walk(value_node, path + (key,), lines, problems, file)
            lines[path + (key,)] = line
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, path + (i,), lines, problems, file)


def load_text(text: str, file: str) -> tuple[Located | None, list[Problem]]:
    """Parse one YAML document; return it with its lines, or the problems found."""
    loader = _Base(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return Located(None, {}, file), []
        problems: list[Problem] = []
        lines: dict[tuple, int] = {}
        _walk(node, (), lines, problems, file)
        if problems:
            return None, problems
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        msg = " ".join(str(x) for x in (e.context, e.problem) if x)
        return None, [Problem(file, f"invalid YAML: {msg}", line)]
    except yaml.YAMLError as e:
        return None, [Problem(file, f"invalid YAML: {e}")]
    finally:
        loader.dispose()
    return Located(data, lines, file), []


def load_file(path: Path) -> tuple[Located | None, list[Problem]]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, [Problem(str(path), "not UTF-8 text")]
    except OSError as e:
        return None, [Problem(str(path), f"cannot read: {e.strerror}")]
    return load_text(text, str(path))
