"""Plain lines (views/lines.py, views/results.py): the width, the box of the plan, the
colours only at a terminal."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intertex_cli.views import lines
from intertex_cli.views.lines import Out, cells

from .conftest import ROOT

EXAMPLE = ROOT / "examples" / "tissage-tarn.yaml"


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def _plain_env(monkeypatch):
    for name in ("NO_COLOR", "FORCE_COLOR", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm")


def test_colours_at_a_terminal_only(monkeypatch):
    assert lines.colour(_Tty()) and not lines.colour(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not lines.colour(_Tty())
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "dumb")
    assert not lines.colour(_Tty())
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert lines.colour(io.StringIO())


def test_the_width_is_columns_else_80_in_a_pipe(monkeypatch):
    assert lines.width(io.StringIO()) == 80
    monkeypatch.setenv("COLUMNS", "120")
    assert lines.width(io.StringIO()) == 120
    monkeypatch.setenv("COLUMNS", "12")
    assert lines.width() == 40  # never narrower than 40
    monkeypatch.setenv("COLUMNS", "wide")
    assert lines.width() == 80
    monkeypatch.setenv("COLUMNS", "50000000")  # a box of 50 M dashes took 360 MB
    assert lines.width() == lines.MAX_WIDTH


def test_a_styled_line_keeps_its_text_and_has_no_code_in_a_pipe():
    tty, pipe = Out(_Tty()), Out(io.StringIO())
    tty.line("Presque :", style="bold yellow")
    pipe.line("Presque :", style="bold yellow")
    assert tty.stream.getvalue() == "\x1b[1;33mPresque :\x1b[0m\n"
    assert pipe.stream.getvalue() == "Presque :\n"


def test_cells_counts_wide_characters_twice_and_combining_marks_not():
    assert cells("abc") == 3
    assert cells("Région — 15 000 €") == 17
    assert cells("日本") == 4
    assert cells("e\u0301") == 1


@given(
    width=st.integers(40, 130),
    title=st.text(st.sampled_from("abc défg—€ 0123456789"), min_size=1, max_size=160),
    right=st.sampled_from(["", "jusqu'à 15 000 €", "assurance / garantie"]),
)
def test_a_box_row_fills_the_width_exactly(width, title, right):
    """Every row of the plan's box is as wide as the box, the text wraps under itself,
    an amount on the right is flush with the border and never touches the text."""
    out = Out(io.StringIO())
    out.width = width
    out.box_top("Votre plan")
    out.box_row("1.", title, right=right)
    out.box_bottom()
    rows = out.stream.getvalue().splitlines()
    assert all(cells(r) == width for r in rows), rows
    assert rows[0].startswith("╭─ Votre plan ") and rows[-1].startswith("╰")
    body = rows[1:-1]
    assert all(r.startswith("│ ") and r.endswith(" │") for r in body)
    assert body[0].startswith("│ 1.  ")
    if right:
        assert body[0].endswith(f" {right} │")
    words = " ".join(r[6:-2].replace(right, "") if i == 0 else r[6:-2] for i, r in enumerate(body))
    if right and title.strip() and not body[0][6:-2].replace(right, "").strip():
        assert cells(right) + 1 + 20 > width - 8
    assert "".join(words.split()) == "".join(title.split())  # a long word folds, uncut
    if all(len(w) <= width - 8 - cells(right) - 1 for w in title.split()):
        assert words.split() == title.split()


def test_the_plan_reads_at_80_columns_with_its_box(monkeypatch, tmp_path):
    from typer.testing import CliRunner

    from intertex_cli import cli

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    r = CliRunner().invoke(cli.app, ["check", "--answers", str(EXAMPLE)])
    assert r.exit_code == 0, r.output
    out = r.stdout.splitlines()
    assert out[0].startswith("╭─ Votre plan ─") and out[0].endswith("╮")
    box = out[: out.index(next(x for x in out if x.startswith("╰"))) + 1]
    assert all(cells(x) == 80 for x in box)
    assert "\x1b[" not in r.stdout
    assert all(len(x) <= 80 for x in out if " " in x.strip())


@given(
    words=st.lists(
        st.text(st.sampled_from("abcdeé€%«»0123456789.-/"), min_size=1, max_size=14),
        min_size=1,
        max_size=40,
    ),
    spaces=st.lists(st.sampled_from([" ", " ", " ", "  "]), min_size=40, max_size=40),
    width=st.integers(20, 100),
)
def test_wrap_gives_textwraps_lines_without_breaking_amounts(words, spaces, width):
    """words.wrap slices at the last space where it can: the same lines as textwrap
    (with amounts and phone numbers glued), however the text is spaced."""
    import textwrap

    from intertex_cli.views.words import _GLUE, unbreakable, wrap

    text = "".join(w + s for w, s in zip(words, spaces)).strip()
    glued = unbreakable(text, _GLUE)
    expected = textwrap.wrap(glued, width=width, break_long_words=True, break_on_hyphens=False)
    assert wrap(text, width) == "\n".join(expected).replace(_GLUE, " ")


def test_a_warning_keeps_its_colour_and_loses_the_files_escapes():
    tty = Out(_Tty())
    tty.raw("unknown key 'x\x1b[2J'", lead="attention", lead_style="yellow")
    assert tty.stream.getvalue() == "\x1b[33mattention\x1b[0m unknown key 'x[2J'\n"
