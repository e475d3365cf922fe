"""JSON as people and programs read it, fast: indented near the top, one line below."""

from __future__ import annotations

import io
import json

from hypothesis import given
from hypothesis import strategies as st

from intertex_cli.views import jsonout

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text() | st.integers() | st.booleans() | st.none(), inner, max_size=4)
    ),
    max_leaves=30,
)


@given(values)
def test_the_same_json_and_the_same_text_as_json_dumps_down_to_its_depth(obj):
    text = jsonout.dumps(obj)
    assert json.loads(text) == json.loads(json.dumps(obj))
    assert jsonout.dumps(obj, depth=99) == json.dumps(obj, ensure_ascii=False, indent=2)


@given(values)
def test_written_in_pieces_as_dumped(obj):
    out = io.StringIO()
    jsonout.write(obj, out)
    assert out.getvalue() == jsonout.dumps(obj) + "\n"


def test_deeper_values_on_one_line():
    obj = {"results": [{"id": "a", "criteria": [{"rule": {"fact": "headcount", "lt": 250}}]}]}
    assert jsonout.dumps(obj).splitlines() == [
        "{",
        '  "results": [',
        "    {",
        '      "id": "a",',
        '      "criteria": [{"rule": {"fact": "headcount", "lt": 250}}]',
        "    }",
        "  ]",
        "}",
    ]


@given(st.lists(values, max_size=5), st.integers(0, 4))
def test_items_are_written_as_the_list_they_make(xs, depth):
    made: list = []

    def make(x):
        made.append(x)
        return x

    out = io.StringIO()
    jsonout.write({"results": jsonout.Items(xs, make), "n": 1}, out, depth=depth)
    assert out.getvalue() == jsonout.dumps({"results": xs, "n": 1}, depth=depth) + "\n"
    assert len(made) == len(xs)  # each item made once


def test_the_streamed_check_is_the_check_dict(catalog):
    from pathlib import Path

    from intertex_cli.answers import read_file
    from intertex_cli.engine.assess import assess
    from intertex_cli.views.present import check_json

    example = Path(__file__).resolve().parents[1] / "examples" / "tissage-tarn.yaml"
    p, _ = read_file(str(example))
    schemes = tuple(catalog.schemes.values())
    a = assess(schemes, p, catalog.schemes)
    whole = check_json(a, catalog, ["projects"], ["a warning"])
    for depth in (2, 3):
        out = io.StringIO()
        jsonout.write(check_json(a, catalog, ["projects"], ["a warning"], lazy=True), out, depth)
        assert out.getvalue() == jsonout.dumps(whole, depth) + "\n"
