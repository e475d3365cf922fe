"""Plain lines for pipes, files and long lists: no rich, written as they come.

``list``, ``search`` and ``show`` print with rich at a terminal (colours, tables,
panels). Piped or redirected, nothing needs rich: these write the same words as
plain lines wrapped at the width (``COLUMNS``, else 80), one scheme after the other,
so that 5,000 schemes stream out instead of being laid out as one table, and the
command does not import rich (a fifth of its start-up). Long words (ids, addresses,
links) are never cut. Text from files is cleaned of control characters.
"""

from __future__ import annotations

import os
import sys
import textwrap

from intertex_cli.i18n import t

# the C0 and C1 control characters, but line feeds (and tabs, made spaces)
_CONTROLS = {c: None for c in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)) if c != 0x0A}
_CONTROLS[0x09] = " "
TABLE_ROWS = 200  # more than this and a terminal gets lines too, not a table


def clean(text) -> str:
    """A text from a file as it may reach a terminal: no escape sequences."""
    return str(text).translate(_CONTROLS)


def width() -> int:
    try:
        return max(40, int(os.environ.get("COLUMNS", "")))
    except ValueError:
        return 80


def plain(stream=None, rows: int = 0) -> bool:
    """Lines rather than rich: not a terminal, or too many rows for a table."""
    stream = stream or sys.stdout
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    return not tty or rows > TABLE_ROWS


class _Out:
    def __init__(self, stream):
        self.stream = stream
        self.width = width()

    def line(self, text: str = "", indent: str = "", first: str | None = None) -> None:
        """One paragraph, wrapped; ``first`` starts its first line (else ``indent``)."""
        lead = indent if first is None else first
        if not text:
            self.stream.write(lead.rstrip() + "\n")
            return
        for para in clean(text).split("\n"):
            self.stream.write(
                textwrap.fill(
                    para,
                    self.width,
                    initial_indent=lead,
                    subsequent_indent=indent,
                    break_long_words=False,
                    break_on_hyphens=False,
                )
                + "\n"
            )
            lead = indent


def write_list(schemes, catalog, lang: str, stream=None) -> None:
    from .present import headline

    out = _Out(stream or sys.stdout)
    dates: set = set()
    for s in schemes:
        st = s.status.value
        out.line(f"{s.id} — {s.title}", indent="    ", first="")
        out.line(
            " · ".join(
                (
                    catalog.agency_name(s.agency),
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
    out = _Out(stream or sys.stdout)
    if not hits:
        out.line(t("no_match", lang, q=query))
        return
    for h in hits:
        s = h.scheme
        st = s.status.value
        status = "" if st == "still-offered" else f" ({t('status.' + st, lang)})"
        out.line(
            f"{s.id} — {s.title}{status} · {catalog.agency_name(s.agency)}",
            indent="    ",
            first="",
        )
        for label, snippet in h.snippets[:3]:
            out.line(f"{label}: {snippet}", indent="      ", first="    ")


def write_show(s, catalog, lang: str, stream=None) -> None:
    from .present import _source_line, card_sections

    out = _Out(stream or sys.stdout)
    st = s.status
    if st.value in ("abolished", "changed", "renamed"):
        warning = "ended_warning" if st.value == "abolished" else "changed_warning"
        out.line(f"⚠ {t(warning, lang)}", indent="  ", first="")
        if st.note:
            out.line(st.note, indent="  ")
        out.line()
    out.line(f"{s.title} — {catalog.agency_name(s.agency)}")
    sub = " · ".join(
        (
            s.id,
            t("type." + s.support_type, lang),
            ", ".join(t("region." + r, lang) for r in s.regions),
            t("status." + st.value, lang),
        )
    )
    if s.beneficiary != "company":
        sub += f"  {t('beneficiary.' + s.beneficiary, lang)}"
    out.line(sub)
    if st.value not in ("abolished", "changed", "renamed") and st.note:
        out.line(st.note)
    for title, items in card_sections(s, catalog, lang):
        out.line()
        out.line(title)
        for it in items:
            text = f"« {it.text} »" if it.quoted and it.text else it.text
            head = it.head + (" · " if text else "") if it.head else ""
            page = f" (p. {it.page})" if it.page else ""
            out.line(f"{head}{text}{page}", indent="   ", first=" • ")
            for sub_line in it.subs:
                out.line(sub_line, indent="   ")
    out.line()
    out.line(_source_line(s, lang))
