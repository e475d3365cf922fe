"""Fuzzers: hypothesis writes answers files and scheme files; intertex answers 0 or 2.

Never 1 (an internal error), never a traceback, never a hang (a deadline per run),
never a terminal control character in the output. Bounded for CI: a few seconds each;
INTERTEX_FUZZ_EXAMPLES=2000 for a longer run.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from intertex_cli.cli import app
from intertex_cli.engine.vocab import ANSWER_FACTS
from tests.test_attack import deadline

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "schemes"
EXAMPLE = ROOT / "examples" / "tissage-tarn.yaml"
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def examples(default: int) -> int:
    return int(os.environ.get("INTERTEX_FUZZ_EXAMPLES", default))


def run(args: list[str]):
    with deadline(15):
        r = CliRunner().invoke(app, args)
    out = r.stdout + r.stderr
    assert r.exit_code in (0, 2), f"exit {r.exit_code} for {args}:\n{out[-3000:]}"
    assert "Traceback" not in out and "internal error" not in out, out[-3000:]
    assert CONTROL.search(out) is None, "a control character reached the output"
    return r


# --------------------------------------------------------------------------- answers

NASTY_SCALARS = [
    "031",
    "017",
    "0x10",
    "0o17",
    "1_000",
    "1:30",
    "yes",
    "no",
    "on",
    "off",
    "oui",
    "non",
    "y",
    "n",
    "~",
    "null",
    "true",
    "True",
    "FALSE",
    ".nan",
    ".inf",
    "-.inf",
    "1e400",
    "-1",
    "-0",
    "0",
    "1e15",
    "9" * 30,
    "9" * 4400,
    "2020-01-01",
    "2023-13-45",
    "'81'",
    '"2A"',
    "2a",
    "971",
    "99",
    "&a x",
    "*a",
    "*b",
    "!!binary aGVsbG8=",
    "!!str 12",
    "!!python/object/apply:os.system [echo]",
    "!!timestamp 2020-99-99",
    "[]",
    "{}",
    "[1, 2",
    "{a: 1",
    "? [a]",
    "'\\e[2J'",
    '"\\e]0;x\\a"',
    '"\\x9b31m"',
    '"\\u202e"',
    "x" * 300,
    "é",
    "Tarn",
    "je ne sais pas",
    "?",
    "manufacturing",
    "company",
    "trading",
    "|\n  bloc",
    ">-\n  plié",
    "- a\n- b",
    "{min: 20, max: 49}",
    "[20, 49]",
]
KEYS = list(ANSWER_FACTS) + ["company_name", "projects", "x", "'quoted key'", "1", "<<", "? [a]"]


@st.composite
def yaml_texts(draw):
    lines = []
    for _ in range(draw(st.integers(0, 8))):
        key = draw(st.sampled_from(KEYS) | st.text(max_size=12))
        value = draw(st.sampled_from(NASTY_SCALARS) | st.text(max_size=20))
        lines.append(f"{key}: {value}")
    if draw(st.booleans()):
        lines.insert(draw(st.integers(0, len(lines))), draw(st.text(max_size=30)))
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\n...\n", "\n---\nb: 1\n"]))


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.sampled_from(NASTY_SCALARS),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def json_texts(draw):
    data = draw(
        st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=10), json_values, max_size=8)
        | json_values
    )
    text = json.dumps(data)  # NaN and Infinity included: not JSON, must be refused
    if draw(st.booleans()) and len(text) > 2:  # and a cut or a doubled key
        cut = draw(st.integers(1, len(text) - 1))
        text = draw(st.sampled_from([text[:cut], text[:cut] + text[cut - 1 :]]))
    return text


@settings(
    max_examples=examples(50),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    st.one_of(
        yaml_texts().map(lambda t: ("yaml", t)),
        json_texts().map(lambda t: ("json", t)),
        st.binary(max_size=200).map(lambda b: ("yaml", b)),
    )
)
def test_any_answers_file_gives_0_or_2(monkeypatch, kind_text):
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("INTERTEX_INTERACTIVE", raising=False)
    kind, text = kind_text
    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / f"answers.{kind}"
        if isinstance(text, bytes):
            f.write_bytes(text)
        else:
            f.write_text(text, encoding="utf-8", errors="surrogatepass")
        r = run(["check", "--answers", str(f), "--format", "json"])
        if r.exit_code == 0:
            json.loads(r.stdout)
            run(["check", "--answers", str(f), "--format", "markdown"])
            run(["check", "--answers", str(f)])
            saved = Path(d) / "saved.yaml"
            run(["check", "--answers", str(f), "--save", str(saved)])
            if saved.exists():  # what was saved is read back the same
                again = run(["check", "--answers", str(saved), "--format", "json"])
                assert json.loads(again.stdout)["answers"] == json.loads(r.stdout)["answers"]


# --------------------------------------------------------------------------- scheme files

NASTY_VALUES = [
    None,
    True,
    False,
    0,
    -1,
    1.5,
    float("nan"),
    float("inf"),
    -float("inf"),
    10**400,
    10**15 + 1,
    "",
    "x",
    "\x1b[2J\x1b]0;t\x07",
    "a | b <script>x</script> [l](javascript:x)",
    "\u202eevil",
    "x" * 5000,
    [],
    [None],
    [1, "a"],
    {},
    {"fact": "headcount"},
    {"fact": "headcount", "lt": float("nan")},
    {"all": []},
    {"not": {"not": {}}},
    "2023-13",
    "not-checked",
    "subsidy",
    "national",
    "occitanie",
    48,
    49,
]


def _paths(obj, prefix=()):
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, prefix + (i,))


def _set(obj, path, value):
    if not path:
        return value
    parent = obj
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = value
    return obj


def _delete(obj, path):
    if not path:
        return obj
    parent = obj
    for part in path[:-1]:
        parent = parent[part]
    del parent[path[-1]]
    return obj


SCHEMES = sorted(p.name for p in DATA.glob("*.yaml"))


@st.composite
def mutated_schemes(draw):
    name = draw(st.sampled_from(SCHEMES))
    data = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    for _ in range(draw(st.integers(1, 3))):
        paths = list(_paths(data))
        path = draw(st.sampled_from(paths[1:]))
        action = draw(st.sampled_from(["set", "set", "set", "delete", "add"]))
        if action == "set":
            data = _set(data, path, copy.deepcopy(draw(st.sampled_from(NASTY_VALUES))))
        elif action == "delete":
            data = _delete(data, path)
        elif isinstance(data, dict):
            key = draw(st.text(min_size=1, max_size=10))
            data[key] = copy.deepcopy(draw(st.sampled_from(NASTY_VALUES)))
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    if draw(st.integers(0, 4)) == 0:  # sometimes broken as text
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] + draw(st.sampled_from(["\n  - *x\n", ": : :", "\t", "&a [*a]", "\n"]))
    return name, text


@pytest.fixture(scope="module")
def catalogue_copy():
    with tempfile.TemporaryDirectory() as d:
        target = Path(d) / "catalogue"
        shutil.copytree(DATA, target)
        yield target


@settings(
    max_examples=examples(10),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(mutated_schemes())
def test_any_scheme_file_gives_0_or_2(monkeypatch, catalogue_copy, name_text):
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("INTERTEX_NO_CACHE", "1")
    name, text = name_text
    target = catalogue_copy / name
    original = (DATA / name).read_text(encoding="utf-8")
    target.write_text(text, encoding="utf-8")
    try:
        r = run(["validate", str(catalogue_copy)])
        if r.exit_code == 0:  # a valid catalogue: every view of it works
            sid = name.removesuffix(".yaml")
            json.loads(
                run(["show", sid, "--catalog", str(catalogue_copy), "--format", "json"]).stdout
            )
            run(["show", sid, "--catalog", str(catalogue_copy), "--format", "markdown"])
            run(["show", sid, "--catalog", str(catalogue_copy)])
            run(["list", "--catalog", str(catalogue_copy), "--format", "markdown"])
            args = ["check", "--answers", str(EXAMPLE), "--catalog", str(catalogue_copy)]
            json.loads(run([*args, "--format", "json"]).stdout)
            run(args)
            run(["why", sid, "--answers", str(EXAMPLE), "--catalog", str(catalogue_copy)])
    finally:
        target.write_text(original, encoding="utf-8")
