"""The plan as a report to keep or send: Markdown, or one self-contained HTML page.

One document, built once from the assessment (sections of paragraphs, lists, tables,
a checklist, a chart), rendered two ways. The HTML needs no network: inline CSS that
prints on A4, an inline SVG chart of the plan's amounts. Text from files is escaped in
both (Markdown: no raw HTML, no `|` breaking a table; HTML: html.escape).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from intertex_cli.engine.plan import ended
from intertex_cli.engine.verdicts import ELIGIBLE, INELIGIBLE, UNDECIDED
from intertex_cli.engine.vocab import PROJECTS
from intertex_cli.text.i18n import euros, t

from . import words as w
from .describe import fact_label, value_label
from .md import md
from .present import contacts_for


@dataclass
class Section:
    title: str
    blocks: list = field(default_factory=list)  # (kind, *payload)


@dataclass
class Document:
    """``first``: the plan, its first steps and whom to call, on the first printed page;
    ``sections``: the details after it (later steps, answers, every scheme's status)."""

    title: str
    subtitle: str
    first: list[Section]
    sections: list[Section]
    footer: str


# Blocks: ("p", text), ("total", text), ("name", a scheme's name over its list), ("warning", text), ("list", items),
# ("olist", items, start), ("checklist", items), ("inline", items) — a list shown as
# one paragraph in HTML —, ("pairs", head, [(key, value)]), ("table", head, rows, css
# class), ("plan", head, rows of (n, scheme, agency, amount, computation)), ("contacts",
# head, rows of (scheme, contacts, today's contact), "Aujourd'hui : "),
# ("chart", [(name, €)]).
# An item or a cell is a string, or a tuple of lines.


# ----------------------------------------------------------------------------- content


def _answers_rows(p, lang: str) -> list[tuple[str, str]]:
    rows = []
    for k, v in p.answers.items():
        if k == "region" and "department" in p.answers:
            continue
        if k == "projects":
            shown = "; ".join(PROJECTS[x][lang == "en"] for x in v)
        elif k == "company_name":
            continue
        else:
            shown = value_label(k, v, lang)
        rows.append((_key_label(k, lang), shown))
    for k, r in p.ranges.items():  # a range as given: "20 à 49"
        rows.append((_key_label(k, lang), value_label(k, r.as_answer(), lang)))
    for k in sorted(p.skipped):
        rows.append((_key_label(k, lang), w.tr(lang, "je ne sais pas", "don't know")))
    return rows


def _key_label(k: str, lang: str) -> str:
    if k == "projects":
        return w.tr(lang, "projets", "projects")
    return fact_label(k, lang)


def _contact(scheme_id: str, catalog, p, lang: str, n: int | None = 1) -> list[str]:
    s = catalog.schemes.get(scheme_id)
    if s is None:
        return []
    cs = contacts_for(s, catalog, p.answers.get("region"), p.answers.get("department"))
    return [w.contact_line(c, lang) for c in (cs if n is None else cs[:n])]


def _names(results, catalog, lang: str) -> dict[str, str]:
    """Each scheme's title, with its agency where two schemes share the title (two
    regions' Pass Export)."""
    by_title: dict[str, list] = {}
    for r in results:
        by_title.setdefault(w.title(r.scheme, lang), []).append(r.scheme)
    out = {}
    for name, same in by_title.items():
        for s in same:
            out[s.id] = (
                name if len(same) == 1 else f"{name} ({w.agency_label(catalog, s.agency, lang)})"
            )
    return out


def _where(item, lang: str) -> str:
    """ "p. 6" for the guide's page; "depuis 2023-04" for what a newer source added."""
    if item.page is not None:
        return f"p. {item.page}"
    since = getattr(item, "since", None)
    if since is not None:
        return w.tr(lang, f"depuis {since.date}", f"since {since.date}")
    return ""


def _changes(scheme, lang: str) -> tuple[list[str], str]:
    """What changed since the guide, each change with its date and its sources as
    numbers — "Prime : 3 % du budget garanti (depuis 2018-05-02 [1, 2]) ; le guide :
    2 %" —, and the sources once: "Sources : 1 = rplusplus.com ; 2 = …"."""
    numbers: dict[str, int] = {}
    items = []
    for ch in scheme.status.changes:
        now = ch.now_en if lang == "en" and ch.now_en else ch.now
        label = ch.label_en if lang == "en" and ch.label_en else ch.label
        refs = ", ".join(str(numbers.setdefault(x.url, len(numbers) + 1)) for x in ch.sources)
        guide = ch.guide_en if lang == "en" and ch.guide_en else ch.guide
        when = (
            w.tr(lang, f"depuis {ch.date}", f"since {ch.date}")
            if ch.date
            else w.tr(lang, "date inconnue", "date unknown")
        )
        items.append(
            w.tr(
                lang,
                f"{label} : {now} ({when}"
                + (f" ; sources {refs}" if refs else "")
                + f") ; le guide : {guide}",
                f"{label}: {now} ({when}"
                + (f"; sources {refs}" if refs else "")
                + f"); the guide: {guide}",
            )
        )
    cited = " ; ".join(f"{n} = {url}" for url, n in numbers.items())
    return items, (w.tr(lang, f"Sources : {cited}", f"Sources: {cited}") if cited else "")


def build(assessment, catalog, lang: str, today: date | None = None) -> Document:
    a = assessment
    p = a.profile
    plan = a.plan
    schemes = catalog.schemes
    today = today or date.today()
    names = _names(a.results, catalog, lang)

    def name(s) -> str:
        return names.get(s.id) or w.title(s, lang)

    company = p.answers.get("company_name")
    projects = p.answers.get("projects")
    title = w.tr(lang, "Plan export", "Export plan") + (f" — {company}" if company else "")
    sub = []
    if projects:
        sub.append(", ".join(PROJECTS[x][lang == "en"] for x in projects))
    budget = p.answers.get("project_budget_eur")
    if isinstance(budget, (int, float)):
        sub.append(
            w.tr(
                lang, f"budget {euros(budget, lang)} HT", f"budget {euros(budget, lang)} excl. VAT"
            )
        )
    day = getattr(catalog, "day", None)
    if day is not None and day != today:
        sub.append(w.tr(lang, f"conditions du {day.isoformat()}", f"terms of {day.isoformat()}"))
    sub.append(w.tr(lang, f"établi le {today.isoformat()}", f"made on {today.isoformat()}"))
    dates = ", ".join(sorted({s.source.date for s in schemes.values()}))
    warning = w.tr(
        lang,
        f"Les données viennent du guide INTER-TEX ({dates}). Beaucoup de dispositifs ont changé "
        "depuis : le statut de chacun est donné plus bas, avec ses sources. Confirmez auprès de "
        "chaque organisme avant d'agir.",
        f"The data come from the INTER-TEX guide ({dates}). Many schemes have changed since: "
        "each one's status is given below, with its sources. Confirm with each agency before "
        "acting.",
    )
    first: list[Section] = []
    sections: list[Section] = []

    # ---- the first page: the plan, this week's steps, whom to call

    sec = Section(w.tr(lang, "Votre plan", "Your plan"))
    if plan.entries:
        rows, chart = [], []
        for i, e in enumerate(plan.entries, 1):
            s = e.scheme
            if e.amount:
                amount = euros(e.amount, lang)
                how = w.amount_text(e.result.estimate, s, lang)
                if e.reduced_from is not None:
                    how += w.tr(
                        lang,
                        f" ; base réduite des autres aides : {euros(e.amount, lang)}",
                        f"; base reduced by the other aid: {euros(e.amount, lang)}",
                    )
                chart.append((name(s), e.amount))
            elif e.cover:
                amount = t("type." + s.support_type, lang)
                how = w.tr(lang, " ; ", "; ").join(w.cover_lines(e.cover, s, lang))
            else:
                amount = t("type." + s.support_type, lang)
                how = w.summary(s, lang)
            agency = w.agency_label(catalog, s.agency, lang)
            rows.append((str(i), w.title(s, lang), agency, amount, how))
        head = [
            "#",
            w.tr(lang, "Dispositif", "Scheme"),
            w.tr(lang, "Organisme", "Agency"),
            w.tr(lang, "Montant", "Amount"),
            w.tr(lang, "Calcul, ce que c'est", "Computation, what it is"),
        ]
        sec.blocks.append(("plan", head, rows))
        sec.blocks.append(
            (
                "total",
                w.tr(
                    lang,
                    f"Total des aides chiffrées : {euros(plan.total, lang)} (sans compter deux fois une même dépense).",
                    f"Total of the amounts computed: {euros(plan.total, lang)} (no expense counted twice).",
                ),
            )
        )
        if chart:
            sec.blocks.append(("chart", chart))
        for e in plan.entries:
            extra = w.off_budget_text(a.off_budget.get(e.scheme.id) or [], e.scheme, lang)
            if extra:
                sec.blocks.append(("list", [f"{name(e.scheme)} — {x}" for x in extra]))
    else:
        sec.blocks.append(
            (
                "p",
                w.tr(
                    lang,
                    "Aucun dispositif n'est certain pour l'instant : voir « À vérifier » et « Presque ».",
                    "No scheme is certain yet: see “To check” and “Almost”.",
                ),
            )
        )
    sec.blocks.append(("warning", warning))
    first.append(sec)

    now = [x for x in plan.steps if x["when"] == "now"]
    later = [x for x in plan.steps if x["when"] != "now"]
    if now:
        sec = Section(w.tr(lang, "Cette semaine", "This week"))
        items = []
        for item in now:
            st = item["step"]
            where = _where(st, lang)
            text = w.text_of(st, lang) + (f" ({where})" if where else "")
            who = _contact(item["contact_scheme"], catalog, p, lang)
            items.append(
                (text, w.tr(lang, f"Contact : {who[0]}", f"Contact: {who[0]}")) if who else text
            )
        sec.blocks.append(("olist", items, 1))
        first.append(sec)

    if plan.entries:
        sec = Section(w.tr(lang, "Contacts (le plus proche d'abord)", "Contacts (nearest first)"))
        rows = []
        for e in plan.entries:
            lines = tuple(_contact(e.scheme.id, catalog, p, lang, n=None))
            today_c = w.today_text(e.scheme, lang)
            if lines or today_c:
                rows.append((name(e.scheme), lines or "—", today_c or "—"))
        if rows:
            head = [
                w.tr(lang, "Dispositif", "Scheme"),
                w.tr(lang, "Contacts dans le guide", "Contacts in the guide"),
                w.tr(lang, "Aujourd'hui", "Today"),
            ]
            today_is = w.tr(lang, "Aujourd'hui : ", "Today: ")
            sec.blocks.append(("contacts", head, rows, today_is))
            first.append(sec)

    if plan.documents:
        sec = Section(w.tr(lang, "Documents à préparer", "Documents to prepare"))
        items = []
        for d in plan.documents:
            doc = d["document"]
            ref = ", ".join(x for x in (name(schemes[d["for"]]), _where(doc, lang)) if x)
            items.append(f"{w.text_of(doc, lang)} ({ref})")
        sec.blocks.append(("checklist", items))
        first.append(sec)

    # ---- the details

    if later:
        sec = Section(w.tr(lang, "Ensuite", "Then"))
        items = []
        for item in later:
            st = item["step"]
            by = schemes.get(item["contact_scheme"])
            ref = ", ".join(x for x in (name(by) if by else "", _where(st, lang)) if x)
            items.append(w.text_of(st, lang) + (f" ({ref})" if ref else ""))
        sec.blocks.append(("olist", items, len(now) + 1))
        sections.append(sec)

    if plan.left_out:
        sec = Section(w.tr(lang, "Laissés hors du plan", "Left out of the plan"))
        sec.blocks.append(("list", [w.left_out_text(x, schemes, lang) for x in plan.left_out]))
        sections.append(sec)

    changed = [e.scheme for e in plan.entries if e.scheme.status.changes]
    if changed:
        sec = Section(w.tr(lang, "Ce qui a changé depuis le guide", "What changed since the guide"))
        for sch in changed:
            sec.blocks.append(("name", name(sch)))
            items, cited = _changes(sch, lang)
            sec.blocks.append(("list", items))
            if cited:
                sec.blocks.append(("p", cited))
        sections.append(sec)

    current = [r for r in a.results if not ended(r.scheme)]
    undecided = [
        r for r in current if r.verdict == UNDECIDED and a.relevant[r.scheme.id] is not False
    ]
    if undecided:
        from intertex_cli.questions import QUESTIONS

        sec = Section(w.tr(lang, "À vérifier auprès de l'organisme", "To check with the agency"))
        items = []
        for r in undecided:
            qs = [QUESTIONS[k].text[lang] for k in r.missing if k in QUESTIONS]
            text = f"{name(r.scheme)} ({w.agency_label(catalog, r.scheme.agency, lang)})"
            if qs:
                text += w.tr(lang, " — questions à poser : ", " — questions to ask: ") + " ".join(
                    qs
                )
            items.append(text)
        sec.blocks.append(("list", items))
        sections.append(sec)

    near = [
        r for r in current if a.nearest.get(r.scheme.id) and a.relevant[r.scheme.id] is not False
    ]
    if near:
        sec = Section(w.tr(lang, "Presque", "Almost"))
        sec.blocks.append(
            (
                "list",
                [
                    w.nearest_text(
                        a.nearest[r.scheme.id],
                        a.nearest_amount.get(r.scheme.id),
                        r.scheme,
                        p.answers,
                        lang,
                        [schemes[x] for x in a.nearest_instead.get(r.scheme.id, [])],
                    )
                    + w.pages_of(r)
                    for r in near
                ],
            )
        )
        sections.append(sec)

    sec = Section(w.tr(lang, "Vos réponses", "Your answers"))
    sec.blocks.append(
        (
            "pairs",
            [w.tr(lang, "Question", "Question"), w.tr(lang, "Réponse", "Answer")],
            _answers_rows(p, lang),
        )
    )
    sections.append(sec)

    others = [r for r in current if r.verdict == ELIGIBLE and a.relevant[r.scheme.id] is False]
    if others:
        sec = Section(
            w.tr(
                lang,
                "Aussi ouverts à vous (sans rapport avec vos projets)",
                "Also open to you (unrelated to your projects)",
            )
        )
        sec.blocks.append(
            (
                "inline",
                [
                    f"{w.title(r.scheme, lang)} ({w.agency_label(catalog, r.scheme.agency, lang)})"
                    for r in others
                ],
            )
        )
        sections.append(sec)

    refused = [r for r in current if r.verdict == INELIGIBLE]
    if refused:
        sec = Section(w.tr(lang, "Non éligibles", "Not eligible"))
        items = []
        for r in refused:
            reasons = a.reasons.get(r.scheme.id) or []
            why = w.reason_text(*reasons[0], lang) if reasons else ""
            items.append(f"{name(r.scheme)} — {why}")
        sec.blocks.append(("list", items))
        sections.append(sec)

    # ended, for this company: another region's ended schemes are in the status table only
    gone = [r for r in a.results if ended(r.scheme) and r.verdict != INELIGIBLE]
    if gone:
        sec = Section(
            w.tr(
                lang, "Supprimés ou remplacés depuis le guide", "Ended or replaced since the guide"
            )
        )
        items = []
        for r in gone:  # the successor and the sources: in the status table below
            st = r.scheme.status
            note = st.note_en if lang == "en" and st.note_en else st.note
            text = f"{name(r.scheme)} — {w.status_text(r.scheme, lang, short=True)}"
            items.append(text + (f". {' '.join(note.split())}" if note else ""))
        sec.blocks.append(("list", items))
        sections.append(sec)

    if day is not None and day != today:
        heading = w.tr(
            lang,
            f"Le statut de chaque dispositif au {day.isoformat()}",
            f"Each scheme's status on {day.isoformat()}",
        )
    else:
        heading = w.tr(
            lang, "Le statut de chaque dispositif aujourd'hui", "Each scheme's status today"
        )
    sec = Section(heading)
    rows = []
    # the schemes this company's report is about: those of its projects (or all when
    # they are unknown) and those named above; the rest of the catalogue is one command
    # away (intertex list), not pages of paper
    shown = [r for r in a.results if a.relevant.get(r.scheme.id) is not False]
    for r in shown:
        s = r.scheme
        # one site a source, with its date: the whole addresses are in `intertex show`
        srcs = ", ".join(
            dict.fromkeys(
                w.site(x.url)
                + (f" ({x.date})" if x.date else w.tr(lang, " (non datée)", " (undated)"))
                for x in s.status.sources
            )
        )
        status = w.status_text(s, lang, short=True)
        succ = w.successor_text(s, lang, catalog.schemes)
        rows.append(
            (
                name(s),
                status + (w.tr(lang, f" ; {succ}", f"; {succ}") if succ else ""),
                srcs
                or w.tr(
                    lang,
                    "le guide seul",
                    "the guide only",
                ),
            )
        )
    sec.blocks.append(
        (
            "table",
            [
                w.tr(lang, "Dispositif", "Scheme"),
                w.tr(lang, "Statut depuis le guide", "Status since the guide"),
                w.tr(lang, "Sources", "Sources"),
            ],
            rows,
            "status",
        )
    )
    rest = len(a.results) - len(shown)
    if rest:
        sec.blocks.append(
            (
                "p",
                w.tr(
                    lang,
                    f"Les {rest} autres dispositifs, sans rapport avec vos projets : intertex list.",
                    f"The {rest} other schemes, unrelated to your projects: intertex list.",
                ),
            )
        )
    sections.append(sec)

    footer = w.tr(
        lang,
        f"Établi par intertex le {today.isoformat()} à partir du guide INTER-TEX « Internationalisation "
        f"des TPE/PME textile-habillement » (livrable E1.6.1.b, {dates}). Le guide est la source des "
        "règles et des montants ; les statuts viennent de pages publiques plus récentes, citées.",
        f"Made by intertex on {today.isoformat()} from the INTER-TEX guide “Internationalisation des "
        f"TPE/PME textile-habillement” (deliverable E1.6.1.b, {dates}). The guide is the source of the "
        "rules and amounts; the statuses come from newer public pages, cited.",
    )
    return Document(title, " · ".join(sub), first, sections, footer)


# ----------------------------------------------------------------------------- Markdown


md_text = md  # text from data, safe in Markdown (views/md.py, shared with every view)

_MD_WIDTH = 100  # a table whose aligned lines fit this many columns is aligned


def _cell(c) -> str:
    return md_text("; ".join(c) if isinstance(c, tuple) else c)


def _md_table(head: list[str], rows: list) -> list[str]:
    """A Markdown table, its columns aligned when the lines stay short: it then reads
    as a table in a plain-text e-mail too."""
    cells = [[md_text(h) for h in head]] + [[_cell(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(head))]
    if sum(widths) + 3 * len(widths) + 1 > _MD_WIDTH:
        widths = [0] * len(head)

    def line(r: list[str]) -> str:
        return "| " + " | ".join(c.ljust(n) for c, n in zip(r, widths)) + " |"

    sep = "|" + "|".join("-" * max(n + 2, 3) for n in widths) + "|"
    return [line(cells[0]), sep, *(line(r) for r in cells[1:]), ""]


def _md_blocks(blocks: list) -> list[str]:
    L: list[str] = []
    for kind, *payload in blocks:
        if kind == "p":
            L += [md_text(payload[0]), ""]
        elif kind in ("total", "name"):
            L += [f"**{md_text(payload[0])}**", ""]
        elif kind == "warning":
            L += [f"> **⚠ {md_text(payload[0])}**", ""]
        elif kind in ("list", "olist", "checklist", "inline"):
            start = payload[1] if kind == "olist" else 1
            for i, item in enumerate(payload[0], start):
                mark = {"olist": f"{i}.", "checklist": "- [ ]"}.get(kind, "-")
                text = " ".join(item) if isinstance(item, tuple) else item
                L.append(f"{mark} {md_text(text)}")
            L.append("")
        elif kind == "pairs":
            head, rows = payload
            L += _md_table(head, rows) if rows else []
        elif kind == "table":
            head, rows, _cls = payload
            L += _md_table(head, rows)
        elif kind == "contacts":  # a list per scheme: long lines read badly in a table
            _head, rows, today_is = payload
            for scheme, lines, today_c in rows:
                L += [f"**{md_text(scheme)}**", ""]
                L += [f"- {md_text(x)}" for x in (lines if isinstance(lines, tuple) else ())]
                L += [f"- {md_text(today_is + today_c)}"] if today_c != "—" else []
                L.append("")
        elif kind == "plan":
            # the table short enough for an e-mail; each computation in a list below
            head, rows = payload
            L += _md_table(head[:4], [r[:4] for r in rows])
            L += [f"{r[0]}. {md_text(r[1])} — {md_text(r[4])}" for r in rows] + [""]
        # "chart": the plan's table holds the same amounts
    return L


def to_markdown(doc: Document) -> str:
    L = [f"# {md_text(doc.title)}", "", f"_{md_text(doc.subtitle)}_", ""]
    for sec in doc.first + doc.sections:
        L += [f"## {md_text(sec.title)}", ""]
        L += _md_blocks(sec.blocks)
    L += ["---", "", md_text(doc.footer), ""]
    return "\n".join(L)


# ----------------------------------------------------------------------------- HTML

# Printed: A4, the plan on the first page, the details after it in a smaller type.
# Amounts, phone numbers and e-mails never break across lines (no-break spaces, a
# nowrap span); a word is never cut to fit a column (columns are as wide as their
# longest word; a web address may break after a "/").
_CSS = """
@page { size: A4; margin: 10mm 12mm 11mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font: 10pt/1.4 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
       color: #1d2327; max-width: 56rem; margin: 1.5rem auto; padding: 0 1rem; }
h1 { font-size: 1.5em; margin: 0 0 .15em; }
h2 { font-size: 1.12em; margin: 1em 0 .35em; border-bottom: 2px solid #2b6cb0;
     padding-bottom: .1em; break-after: avoid; }
.sub { color: #4a5568; margin: 0 0 .6em; }
.warning { background: #fff8e1; border-left: 4px solid #d69e2e; padding: .4em .8em;
           margin: .6em 0; font-size: .92em; }
.total { font-weight: 600; margin: .4em 0; }
table { border-collapse: collapse; width: 100%; margin: .3em 0 .6em; }
th, td { border: 1px solid #cbd5e0; padding: .25em .45em; text-align: left;
         vertical-align: top; }
th { background: #edf2f7; }
.nw { white-space: nowrap; }
tr, li { break-inside: avoid; }
ol, ul { margin: .3em 0; padding-left: 1.5em; }
li { margin: .15em 0; }
li .contact { display: block; color: #2d3748; }
ul.check { list-style: none; padding-left: .4em; }
ul.check li::before { content: "☐ "; }
ul.pairs { list-style: none; padding: 0; columns: 3; column-gap: 1.5em; }
ul.pairs li { break-inside: avoid; margin: 0 0 .1em; }
.key { color: #4a5568; }
p.scheme { font-weight: 600; margin: .5em 0 0; }
svg { max-width: 100%; height: auto; }
.details { font-size: .82em; line-height: 1.24; }
@media screen { .details { border-top: 1px dashed #cbd5e0; margin-top: 1.5em; } }
.details p { margin: .3em 0; }
.details h2 { margin: .8em 0 .3em; }
.details ul, .details ol { margin: .2em 0; }
.details td, .details th { padding: .12em .4em; }
table.status td:first-child { width: 34%; }
table.status td:nth-child(2) { width: 37%; }
footer { margin-top: 1em; color: #4a5568; font-size: .8em; border-top: 1px solid #cbd5e0;
         padding-top: .4em; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 9.5pt; }
  .first { break-after: page; }
  a { color: inherit; }
}
"""

# an e-mail, a date (2018-05-17: not cut at a hyphen)
_WHOLE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b\d{4}-\d{2}(?:-\d{2})?\b")
_SLASH = re.compile(r"(?<=[\w.-])/(?=\w)")  # inside a web address: may break after it


def _h(text) -> str:
    """Text escaped for HTML, on one line, its amounts, phone numbers and e-mails whole."""
    s = html.escape(w.unbreakable(" ".join(str(text).split())), quote=True)
    s = _SLASH.sub("/<wbr>", s)
    return _WHOLE.sub(lambda m: f'<span class="nw">{m.group(0)}</span>', s)


def _lines(c) -> str:
    return "<br>".join(_h(x) for x in c) if isinstance(c, tuple) else _h(c)


def chart_svg(items: list[tuple[str, int]], lang: str = "fr") -> str:
    """A horizontal bar chart of the plan's amounts by scheme, as inline SVG."""
    # each name whole: the label column as wide as the longest (about 7 px a character
    # at 12 px); the figure scales down to the page (max-width: 100%)
    label_w = max(250, 7 * max(len(name) for name, _ in items) + 10)
    width, bar_h, gap = label_w + 390, 22, 8
    top = max(v for _, v in items) or 1
    height = len(items) * (bar_h + gap) + gap
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}"><title>{_h(w.tr(lang, "Montants du plan", "Plan amounts"))}</title>'
    ]
    for i, (name, value) in enumerate(items):
        y = gap + i * (bar_h + gap)
        bar = max(2, int((width - label_w - 110) * value / top))
        parts.append(
            f'<text x="0" y="{y + 15}" font-size="12" fill="#1d2327">{html.escape(name)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{bar}" height="{bar_h}" fill="#2b6cb0" rx="3"/>'
            f'<text x="{label_w + bar + 6}" y="{y + 15}" font-size="12" fill="#1d2327">{html.escape(euros(value, lang))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _table(head: list[str], rows: list, cls: str = "", num: tuple[int, ...] = ()) -> str:
    def td(i: int, c) -> str:
        return f'<td class="nw">{_lines(c)}</td>' if i in num else f"<td>{_lines(c)}</td>"

    return (
        (f'<table class="{cls}">' if cls else "<table>")
        + "<thead><tr>"
        + "".join(f"<th>{_h(x)}</th>" for x in head)
        + "</tr></thead><tbody>"
        + "".join("<tr>" + "".join(td(i, c) for i, c in enumerate(row)) + "</tr>" for row in rows)
        + "</tbody></table>"
    )


def _html_blocks(blocks: list, lang: str) -> list[str]:
    out = []
    for kind, *payload in blocks:
        if kind == "p":
            out.append(f"<p>{_h(payload[0])}</p>")
        elif kind == "name":
            out.append(f'<p class="scheme">{_h(payload[0])}</p>')
        elif kind == "total":
            out.append(f'<p class="total">{_h(payload[0])}</p>')
        elif kind == "warning":
            out.append(f'<p class="warning"><strong>⚠</strong> {_h(payload[0])}</p>')
        elif kind == "inline":
            out.append("<p>" + " · ".join(_h(x) for x in payload[0]) + "</p>")
        elif kind in ("list", "olist", "checklist"):
            tag = "ol" if kind == "olist" else "ul"
            attrs = ' class="check"' if kind == "checklist" else ""
            if kind == "olist" and payload[1] != 1:
                attrs = f' start="{payload[1]}"'
            items = []
            for x in payload[0]:
                if isinstance(x, tuple):  # the step, then whom to call
                    x = _h(x[0]) + "".join(f'<span class="contact">{_h(y)}</span>' for y in x[1:])
                else:
                    x = _h(x)
                items.append(f"<li>{x}</li>")
            out.append(f"<{tag}{attrs}>" + "".join(items) + f"</{tag}>")
        elif kind == "pairs":
            sep = ":" if lang == "en" else " :"
            out.append(
                '<ul class="pairs">'
                + "".join(
                    f'<li><span class="key">{_h(k)}{sep}</span> {_h(v)}</li>' for k, v in payload[1]
                )
                + "</ul>"
            )
        elif kind == "table":
            head, rows, cls = payload
            out.append(_table(head, rows, cls))
        elif kind == "contacts":
            head, rows, _today_is = payload
            out.append(_table(head, rows, "contacts"))
        elif kind == "plan":
            head, rows = payload
            out.append(_table(head, rows, "plan", num=(0,)))
        elif kind == "chart":
            out.append(f'<figure class="chart">{chart_svg(payload[0], lang)}</figure>')
    return out


def to_html(doc: Document, lang: str) -> str:
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_h(doc.title)}</title><style>{_CSS}</style></head><body>",
        '<div class="first">',
        f"<h1>{_h(doc.title)}</h1>",
        f'<p class="sub">{_h(doc.subtitle)}</p>',
    ]
    for group, cls in ((doc.first, None), (doc.sections, "details")):
        if cls:
            out.append(f'</div><div class="{cls}">')
        for sec in group:
            out.append(f"<section><h2>{_h(sec.title)}</h2>")
            out += _html_blocks(sec.blocks, lang)
            out.append("</section>")
    out.append(f"</div><footer>{_h(doc.footer)}</footer></body></html>")
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------------- files


def markdown_report(assessment, catalog, lang: str) -> str:
    return to_markdown(build(assessment, catalog, lang))


def write_report(path: Path, assessment, catalog, lang: str) -> None:
    """Markdown or HTML by the extension, written atomically (temp file, then rename)."""
    from intertex_cli.check import REPORT_SUFFIXES
    from intertex_cli.errors import UsageError

    ext = path.suffix.lower()
    if ext not in REPORT_SUFFIXES:
        raise UsageError(f"--report {path}: the extension says the format: .md or .html")
    doc = build(assessment, catalog, lang)
    text = to_html(doc, lang) if ext in (".html", ".htm") else to_markdown(doc)
    from intertex_cli.files.safeio import FileProblem, write_atomic
    from intertex_cli.text.sanitize import shown_path

    try:
        write_atomic(path, text)
    except FileProblem as e:
        kept = "; the old file is left as it was" if e.kept else "; nothing was written"
        raise UsageError(
            f"cannot write the report to {shown_path(path)}: {e.reason}{kept}"
        ) from None
