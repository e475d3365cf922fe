"""``list``, ``search`` and ``show`` as plain lines, at a terminal and in a pipe alike.

Lines wrapped at the width (``COLUMNS``, else 80) read at 80 columns where a table of
six columns cannot; they stream out one scheme after the other (5,000 schemes are not
laid out as one table), and the command does not import rich (a fifth of its
start-up). An amount, a percentage or a phone number never breaks across lines; long
words (ids, addresses, links) are never cut. Text from files is cleaned of control
characters.
"""

from __future__ import annotations

import os
import sys

from intertex_cli.i18n import _T as FIELDS
from intertex_cli.i18n import t

# the C0 and C1 control characters, but line feeds (and tabs, made spaces)
_CONTROLS = {c: None for c in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)) if c != 0x0A}
_CONTROLS[0x09] = " "


def clean(text) -> str:
    """A text from a file as it may reach a terminal: no escape sequences."""
    return str(text).translate(_CONTROLS)


def width() -> int:
    try:
        return max(40, int(os.environ.get("COLUMNS", "")))
    except ValueError:
        return 80


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
        from .words import wrap

        for para in clean(text).split("\n"):
            lines = wrap(para, self.width - len(lead)).split("\n") if para else [""]
            for i, body in enumerate(lines):
                self.stream.write(((lead if i == 0 else indent) + body).rstrip() + "\n")
            lead = indent


def write_list(schemes, catalog, lang: str, stream=None) -> None:
    from . import words as w
    from .present import headline

    out = _Out(stream or sys.stdout)
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
    out = _Out(stream or sys.stdout)
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

    out = _Out(stream or sys.stdout)
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
