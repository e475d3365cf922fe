"""``list``, ``search``, ``show`` and ``check``'s results as plain lines, at a terminal
and in a pipe alike.

Lines wrapped at the width (``COLUMNS``, else the terminal's, else 80) read at 80
columns where a table of six columns cannot; they stream out one scheme after the
other (5,000 schemes are not laid out as one table), and the command does not import
rich (a fifth of its start-up). An amount, a percentage or a phone number never breaks
across lines; long words (ids, addresses, links) are never cut. Text from files is
cleaned of control characters. At a terminal, styles are ANSI codes (none with
``NO_COLOR``, or ``TERM=dumb``; ``FORCE_COLOR`` forces them in a pipe), never inside
the text a pipe receives.
"""

from __future__ import annotations

import os
import sys

from intertex_cli.text.i18n import _T as FIELDS
from intertex_cli.text.i18n import t

# the C0 and C1 control characters, but line feeds (and tabs, made spaces)
_CONTROLS = {c: None for c in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)) if c != 0x0A}
_CONTROLS[0x09] = " "


def clean(text) -> str:
    """A text from a file as it may reach a terminal: no escape sequences."""
    return str(text).translate(_CONTROLS)


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


MAX_WIDTH = 1000  # COLUMNS=10^20 overflowed "─" * width; 5 * 10^7 took 360 MB


def width(stream=None) -> int:
    """``COLUMNS``; else the terminal's width; else 80. At least 40, at most MAX_WIDTH."""
    try:
        return min(max(40, int(os.environ.get("COLUMNS", ""))), MAX_WIDTH)
    except ValueError:
        pass
    if stream is not None and _isatty(stream):
        try:
            return min(max(40, os.get_terminal_size(stream.fileno()).columns), MAX_WIDTH)
        except (AttributeError, ValueError, OSError):
            pass
    return 80


def colour(stream) -> bool:
    """ANSI styles: at a terminal unless NO_COLOR or TERM=dumb; anywhere with FORCE_COLOR."""
    env = os.environ
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    return _isatty(stream) and env.get("TERM") != "dumb"


_SGR = {"bold": "1", "dim": "2", "underline": "4", "red": "31", "green": "32", "yellow": "33"}
_SGR["cyan"] = "36"


def cells(text: str) -> int:
    """Columns a text takes at a terminal: wide East Asian characters take two,
    combining marks none."""
    if text.isascii():
        return len(text)
    import unicodedata

    n = 0
    for c in text:
        if ord(c) < 0x300:
            n += 1
        elif unicodedata.combining(c):
            continue
        else:
            n += 2 if unicodedata.east_asian_width(c) in "WF" else 1
    return n


class Out:
    def __init__(self, stream):
        self.stream = stream
        self.width = width(stream)
        self.colour = colour(stream)

    def paint(self, text: str, style: str = "") -> str:
        if not (self.colour and style and text):
            return text
        codes = ";".join(_SGR[s] for s in style.split() if s in _SGR)
        return f"\x1b[{codes}m{text}\x1b[0m" if codes else text

    def line(
        self, text: str = "", indent: str = "", first: str | None = None, style: str = ""
    ) -> None:
        """One paragraph, wrapped; ``first`` starts its first line (else ``indent``)."""
        lead = indent if first is None else first
        if not text:
            self.stream.write(lead.rstrip() + "\n")
            return
        from .words import wrap

        for para in clean(text).split("\n"):
            lines = wrap(para, self.width - len(lead)).split("\n") if para else [""]
            for i, body in enumerate(lines):
                body = body.rstrip()
                head = lead if i == 0 else indent
                self.stream.write((head + self.paint(body, style)).rstrip() + "\n")
            lead = indent

    def raw(self, text: str, style: str = "", lead: str = "", lead_style: str = "") -> None:
        """One line as it is (a path, a command), cleaned, never wrapped; ``lead``
        (a label: "attention") before it in its own style."""
        head = self.paint(clean(lead), lead_style) + " " if lead else ""
        self.stream.write(head + self.paint(clean(text).replace("\n", " "), style) + "\n")

    def box_top(self, title: str, style: str = "") -> None:
        """╭─ Title ───╮ across the width."""
        title = clean(title)
        dashes = "─" * max(1, self.width - 5 - cells(title))
        self.stream.write(self.paint(f"╭─ {title} {dashes}╮", style) + "\n")

    def box_bottom(self, style: str = "") -> None:
        self.stream.write(self.paint("╰" + "─" * (self.width - 2) + "╯", style) + "\n")

    def box_row(
        self,
        mark: str,
        text: str,
        style: str = "",
        right: str = "",
        right_style: str = "",
        border: str = "",
    ) -> None:
        """A row of a box: a mark column of 3, the text wrapped under itself; ``right``
        is flush with the right border on the first line."""
        from .words import wrap

        inner = self.width - 8  # "│ " + mark (3) + " " … " │"
        room = inner - (cells(right) + 1 if right else 0)
        text = " ".join(clean(text).split())
        if room < 20:  # too narrow to share its line: the right part alone, first
            lines = ["", *wrap(text, inner).split("\n")]
        else:
            lines = wrap(text, room).split("\n")
        edge = self.paint("│", border)
        for i, body in enumerate(lines):
            tail = right if i == 0 else ""
            pad = inner - cells(body) - (cells(tail) + 1 if tail else 0)
            tail = " " + self.paint(tail, right_style) if tail else ""
            m = f"{mark:<3}" if i == 0 else "   "
            self.stream.write(
                f"{edge} {m} {self.paint(body, style)}{' ' * max(0, pad)}{tail} {edge}\n"
            )


def write_list(schemes, catalog, lang: str, stream=None) -> None:
    from . import words as w
    from .present import headline

    out = Out(stream or sys.stdout)
    dates: set = set()
    for s in schemes:
        st = s.status.value
        out.line(f"{s.id} — {w.title(s, lang)}", indent="    ", first="")
        out.line(
            " · ".join(
                (
                    w.agency_label(catalog, s.agency, lang),
                    t("type." + s.support_type, lang),
                    headline(s, lang),
                    t("mark." + st, lang),
                )
            ),
            indent="    ",
        )
        dates.add(s.source.date)
    out.line(
        f"{t('n_schemes', lang, n=len(schemes))} · "
        f"{t('confirm', lang, date=', '.join(sorted(dates)) or '?')}"
    )


def write_search(hits, catalog, lang: str, query: str, stream=None) -> None:
    out = Out(stream or sys.stdout)
    if not hits:
        out.line(t("no_match", lang, q=query))
        return
    from . import words as w

    for h in hits:
        s = h.scheme
        st = s.status.value
        out.line(
            f"{s.id} — {w.title(s, lang)} · {w.agency_label(catalog, s.agency, lang)} · "
            f"{t('mark.' + st, lang)}",
            indent="    ",
            first="",
        )
        for label, snippet in h.snippets[:3]:
            name = t("field." + label, lang) if ("field." + label) in FIELDS else label
            sep = " : " if lang == "fr" else ": "
            out.line(f"{name}{sep}{snippet}", indent="      ", first="    ")


def write_show(s, catalog, lang: str, stream=None) -> None:
    from . import words as w
    from .present import ENDED, _source_line, card_sections, item_suffix

    out = Out(stream or sys.stdout)
    st = s.status
    if st.value in ENDED or st.value in ("changed", "renamed"):
        warning = "ended_warning" if st.value in ENDED else "changed_warning"
        if st.value in ENDED and st.confidence != "confirmed":
            warning = "ended_probable_warning"
        out.line(f"⚠ {t(warning, lang)}", indent="  ", first="")
        out.line()
    out.line(f"{w.title(s, lang)} — {w.agency_label(catalog, s.agency, lang)}")
    sub = " · ".join(
        (
            s.id,
            t("type." + s.support_type, lang),
            ", ".join(t("region." + r, lang) for r in s.regions),
        )
    )
    if s.beneficiary != "company":
        sub += f" · {t('beneficiary.' + s.beneficiary, lang)}"
    out.line(sub)
    for title, items in card_sections(s, catalog, lang):
        out.line()
        out.line(title)
        for it in items:
            text = f"« {it.text} »" if it.quoted and it.text else it.text
            head = it.head + (" · " if text else "") if it.head else ""
            out.line(f"{head}{text}{item_suffix(it, lang)}", indent="   ", first=" • ")
            for sub_line in it.subs:
                out.line(sub_line, indent="   ")
    out.line()
    out.line(_source_line(s, lang))
