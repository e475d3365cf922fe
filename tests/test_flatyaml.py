"""flatyaml.py: flat answers files read without PyYAML give exactly what the YAML
reader gives (data and line numbers), and anything else is left to it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intertex_cli.catalog.yamlio import load_text
from intertex_cli.files.flatyaml import read

from .conftest import ROOT


def _yaml(text: str):
    located, problems = load_text(text, "a.yaml", answers=True)
    assert not problems, problems
    return located.data, located.lines


def _same(text: str) -> None:
    flat = read(text)
    assert flat is not None, text
    data, lines = _yaml(text)
    assert flat[0] == data and [type(v) for v in flat[0].values()] == [
        type(v) for v in data.values()
    ]
    assert flat[1] == lines


def test_the_shipped_example_and_a_saved_file_are_flat(tmp_path):
    _same((ROOT / "examples" / "tissage-tarn.yaml").read_text(encoding="utf-8"))
    _same('# saved\nprojects: [trade-fairs, prospection]\ndepartment: "81"\nheadcount: 20\n')


words = st.from_regex(r"[A-Za-z_][A-Za-z0-9_-]{0,12}", fullmatch=True)
scalars = st.one_of(
    words,
    st.integers(-(10**15) + 1, 10**15 - 1).map(str),
    st.decimals(-(10**6), 10**6, places=3, allow_nan=False, allow_infinity=False).map(str),
    st.sampled_from(["true", "false", "True", "FALSE", "null", "~", "NULL", "yes", "on"]),
    st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=20)
    .filter(lambda s: '"' not in s and "\\" not in s)
    .map(lambda s: f'"{s}"'),
    st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=20)
    .filter(lambda s: "'" not in s)
    .map(lambda s: f"'{s}'"),
)
values = st.one_of(
    scalars,
    st.just(""),
    st.lists(scalars, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
)
keys = st.from_regex(r"[a-z_][a-z0-9_]{0,15}", fullmatch=True).filter(
    lambda k: k not in {"true", "false", "null", "y", "n", "yes", "no", "on", "off"}
)
lines = st.one_of(
    st.tuples(keys, values, st.sampled_from(["", "  # note", " #x"])).map(
        lambda t: f"{t[0]}:{' ' + t[1] if t[1] else ''}{t[2]}"
    ),
    st.sampled_from(["", "# comment", "   ", "  # indented comment"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(lines, min_size=1, max_size=12), st.sampled_from(["\n", "\r\n"]))
def test_flat_documents_read_as_the_yaml_reader_reads_them(rows, newline):
    text = newline.join(rows)
    keys_ = [r.split(":")[0] for r in rows if r and not r.lstrip().startswith("#") and r.strip()]
    if not keys_ or len(set(keys_)) != len(keys_):
        assert read(text) is None
        return
    if any(x in text for x in ("-.", ".e")):  # decimals hypothesis writes oddly
        return
    flat = read(text)
    if flat is None:  # a form the subset leaves to YAML (exponents, -0E+3…)
        return
    _same(text)


odd = st.text(st.sampled_from("ab_19-0.:#\"' []{},&*!|>~\t\r-yéE\\"), max_size=16)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.tuples(keys, odd), min_size=1, max_size=4), odd)
def test_whatever_it_accepts_the_yaml_reader_reads_the_same(rows, tail):
    text = "\n".join(f"{k}:{v}" for k, v in rows) + "\n" + tail
    if read(text) is not None:
        _same(text)


@pytest.mark.parametrize(
    "text",
    [
        "department: 031\n",  # a leading zero: YAML 1.2 keeps the text, with its line
        "a: 1\na: 2\n",  # duplicate keys: the YAML reader names them
        "a:\n  - x\n",  # a block list
        "a: &x 1\nb: *x\n",  # anchors and aliases
        "a:\t1\n",
        "  a: 1\n",
        "---\na: 1\n",
        "a: 1e3\n",
        "a: .inf\n",
        "a: Tissage du Tarn\n",  # words with spaces: plain scalars are for YAML
        'a: "back\\\\slash"\n',
        "a: 1 #\x1b[2J\n",
        "yes: 1\n",
        "# only a comment\n",
        "",
        "a: [x, [y]]\n",
        "a: {b: 1}\n",
        "a: 5#c\n",
        "a\u2028: 1\n",
    ],
)
def test_anything_else_is_left_to_the_yaml_reader(text):
    assert read(text) is None


def test_a_flat_file_is_read_without_pyyaml(tmp_path):
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from intertex_cli.answers import read_file\n"
        f"profile, _ = read_file({str(ROOT / 'examples' / 'tissage-tarn.yaml')!r})\n"
        "assert profile.answers['headcount'] == 20\n"
        "print('yaml' in sys.modules)\n"
    )
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "False"
