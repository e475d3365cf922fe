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
