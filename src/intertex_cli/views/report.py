"""The plan as a report to keep or send: Markdown, or one self-contained HTML page.

One document, built once from the assessment (sections of paragraphs, lists, tables,
a checklist, a chart), rendered two ways. The HTML needs no network: inline CSS that
prints on A4, an inline SVG chart of the plan's amounts. Text from files is escaped in
both (Markdown: no raw HTML, no `|` breaking a table; HTML: html.escape).
"""

from __future__ import annotations

import html
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
    blocks: list = field(default_factory=list)  # (kind, payload)


@dataclass
class Document:
    title: str
    subtitle: str
    warning: str
    sections: list[Section]
    footer: str


# ----------------------------------------------------------------------------- content


def _answers_rows(p, lang: str) -> list[list[str]]:
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
        rows.append([_key_label(k, lang), shown])
    for k, r in p.ranges.items():  # a range as given: "20 à 49"
        rows.append([_key_label(k, lang), value_label(k, r.as_answer(), lang)])
    for k in sorted(p.skipped):
        rows.append([_key_label(k, lang), w.tr(lang, "je ne sais pas", "don't know")])
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


def build(assessment, catalog, lang: str, today: date | None = None) -> Document:
    a = assessment
    p = a.profile
    plan = a.plan
    schemes = catalog.schemes
    today = today or date.today()
    name = p.answers.get("company_name")
    projects = p.answers.get("projects")
    title = w.tr(lang, "Plan export", "Export plan") + (f" — {name}" if name else "")
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
    sections: list[Section] = []

    sec = Section(w.tr(lang, "Vos réponses", "Your answers"))
    sec.blocks.append(
        (
            "table",
            [w.tr(lang, "Question", "Question"), w.tr(lang, "Réponse", "Answer")],
            _answers_rows(p, lang),
        )
    )
    sections.append(sec)

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
                chart.append((w.title(s, lang), e.amount))
            elif e.cover:
                amount = t("type." + s.support_type, lang)
                how = " ; ".join(w.cover_lines(e.cover, s, lang))
            else:
                amount = t("type." + s.support_type, lang)
                how = w.summary(s, lang)
            rows.append(
                [str(i), w.title(s, lang), w.agency_label(catalog, s.agency, lang), amount, how]
            )
        sec.blocks.append(
            (
                "table",
                [
                    "#",
                    w.tr(lang, "Dispositif", "Scheme"),
                    w.tr(lang, "Organisme", "Agency"),
                    w.tr(lang, "Montant", "Amount"),
                    w.tr(lang, "Calcul, ce que c'est", "Computation, what it is"),
                ],
                rows,
            )
        )
        sec.blocks.append(
            (
                "p",
                w.tr(
                    lang,
                    f"Total des aides chiffrées : {euros(plan.total, lang)} (sans compter deux fois une même dépense).",
                    f"Total of the amounts computed: {euros(plan.total, lang)} (no expense counted twice).",
                ),
            )
        )
        if chart:
            sec.blocks.append(("chart", chart))
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
    if plan.left_out:
        sec.blocks.append(("p", w.tr(lang, "Laissés de côté :", "Left out:")))
        sec.blocks.append(("list", [w.left_out_text(x, schemes, lang) for x in plan.left_out]))
    for e in plan.entries:
        extra = w.off_budget_text(a.off_budget.get(e.scheme.id) or [], e.scheme, lang)
        if extra:
            sec.blocks.append(("list", [f"{w.title(e.scheme, lang)} — {x}" for x in extra]))
    sections.append(sec)

    if plan.steps:
        sec = Section(w.tr(lang, "Les étapes, dans l'ordre", "The steps, in order"))
        items = []
        for item in plan.steps:
            st = item["step"]
            when = (
                w.tr(lang, "Cette semaine", "This week")
                if item["when"] == "now"
                else w.tr(lang, "Ensuite", "Then")
            )
            who = _contact(item["contact_scheme"], catalog, p, lang)
            text = f"{when} — {w.text_of(st, lang)} ({w.ref(st, lang)})"
            if who:
                text += w.tr(lang, f" Contact : {who[0]}", f" Contact: {who[0]}")
            items.append(text)
        sec.blocks.append(("olist", items))
        sections.append(sec)

    if plan.documents:
        sec = Section(w.tr(lang, "Documents à préparer", "Documents to prepare"))
        sec.blocks.append(
            (
                "checklist",
                [
                    f"{w.text_of(d['document'], lang)} ({w.title(schemes[d['for']], lang)}, {w.ref(d['document'], lang)})"
                    for d in plan.documents
                ],
            )
        )
        sections.append(sec)

    if plan.entries:
        sec = Section(w.tr(lang, "Contacts (le plus proche d'abord)", "Contacts (nearest first)"))
        for e in plan.entries:
            lines = _contact(e.scheme.id, catalog, p, lang, n=None)
            today_c = w.today_text(e.scheme, lang)
            if today_c:
                lines.append(w.tr(lang, f"Aujourd'hui : {today_c}", f"Today: {today_c}"))
            if lines:
                sec.blocks.append(("p", w.title(e.scheme, lang)))
                sec.blocks.append(("list", lines))
        sections.append(sec)

    changed = [e.scheme for e in plan.entries if e.scheme.status.changes]
    if changed:
        sec = Section(w.tr(lang, "Ce qui a changé depuis le guide", "What changed since the guide"))
        for sch in changed:
            sec.blocks.append(("p", w.title(sch, lang)))
            sec.blocks.append(("list", w.changes_text(sch, lang, most=len(sch.status.changes))))
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
            text = f"{w.title(r.scheme, lang)} ({w.agency_label(catalog, r.scheme.agency, lang)})"
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
                "list",
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
            items.append(f"{w.title(r.scheme, lang)} — {why}")
        sec.blocks.append(("list", items))
        sections.append(sec)

    gone = [r for r in a.results if ended(r.scheme)]
    if gone:
        sec = Section(
            w.tr(
                lang, "Supprimés ou remplacés depuis le guide", "Ended or replaced since the guide"
            )
        )
        items = []
        for r in gone:
            bits = [
                w.status_text(r.scheme, lang),
                w.successor_text(r.scheme, lang, catalog.schemes),
            ]
            note = (
                r.scheme.status.note_en
                if lang == "en" and r.scheme.status.note_en
                else r.scheme.status.note
            )
            if note:
                bits.append(" ".join(note.split()))
            items.append(f"{w.title(r.scheme, lang)} — " + " ; ".join(b for b in bits if b))
        sec.blocks.append(("list", items))
        sections.append(sec)

    sec = Section(
        w.tr(lang, "Le statut de chaque dispositif aujourd'hui", "Each scheme's status today")
    )
    rows = []
    for r in a.results:
        s = r.scheme
        srcs = ", ".join(
            x.url + (f" ({x.date})" if x.date else w.tr(lang, " (non datée)", " (undated)"))
            for x in s.status.sources
        )
        rows.append(
            [
                w.title(s, lang),
                w.status_text(s, lang),
                srcs
                or w.tr(
                    lang,
                    "aucune source plus récente que le guide",
                    "no source newer than the guide",
                ),
                "; ".join(
                    x
                    for x in (w.successor_text(s, lang, catalog.schemes), w.today_text(s, lang))
                    if x
                )
                or "—",
            ]
        )
    sec.blocks.append(
        (
            "table",
            [
                w.tr(lang, "Dispositif", "Scheme"),
                w.tr(lang, "Statut", "Status"),
                w.tr(lang, "Sources", "Sources"),
                w.tr(lang, "Successeur, contact aujourd'hui", "Successor, contact today"),
            ],
            rows,
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
    return Document(title, " · ".join(sub), warning, sections, footer)


# ----------------------------------------------------------------------------- Markdown


md_text = md  # text from data, safe in Markdown (views/md.py, shared with every view)


def to_markdown(doc: Document) -> str:
    L = [
        f"# {md_text(doc.title)}",
        "",
        f"_{md_text(doc.subtitle)}_",
        "",
        f"> **⚠ {md_text(doc.warning)}**",
        "",
    ]
    for sec in doc.sections:
        L += [f"## {md_text(sec.title)}", ""]
        for kind, *payload in sec.blocks:
            if kind == "p":
                L += [md_text(payload[0]), ""]
            elif kind in ("list", "olist", "checklist"):
                for i, item in enumerate(payload[0], 1):
                    mark = {"list": "-", "olist": f"{i}.", "checklist": "- [ ]"}[kind]
                    L.append(f"{mark} {md_text(item)}")
                L.append("")
            elif kind == "table":
                head, rows = payload
                L.append("| " + " | ".join(md_text(h) for h in head) + " |")
                L.append("|" + "---|" * len(head))
                for row in rows:
                    L.append("| " + " | ".join(md_text(c) for c in row) + " |")
                L.append("")
            elif kind == "chart":
                pass  # the table above holds the same amounts
    L += ["---", "", md_text(doc.footer), ""]
    return "\n".join(L)


# ----------------------------------------------------------------------------- HTML

_CSS = """
@page { size: A4; margin: 16mm 14mm; }
* { box-sizing: border-box; }
body { font: 10.5pt/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
       color: #1d2327; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6em; margin: 0 0 .2em; }
h2 { font-size: 1.15em; margin: 1.6em 0 .5em; border-bottom: 2px solid #2b6cb0; padding-bottom: .15em;
     break-after: avoid; }
.sub { color: #4a5568; margin: 0 0 1em; }
.warning { background: #fff8e1; border-left: 4px solid #d69e2e; padding: .6em .9em; margin: 1em 0; }
table { border-collapse: collapse; width: 100%; margin: .4em 0 .8em; font-size: .95em; }
th, td { border: 1px solid #cbd5e0; padding: .35em .5em; text-align: left; vertical-align: top;
         overflow-wrap: anywhere; }
th { background: #edf2f7; }
tr { break-inside: avoid; }
ul.check { list-style: none; padding-left: 1em; }
ul.check li::before { content: "☐ "; }
li { margin: .2em 0; }
svg { max-width: 100%; height: auto; }
footer { margin-top: 2em; color: #4a5568; font-size: .9em; border-top: 1px solid #cbd5e0; padding-top: .6em; }
@media print { body { margin: 0; max-width: none; } a { color: inherit; } }
"""


def _h(text) -> str:
    return html.escape(" ".join(str(text).split()), quote=True)


def chart_svg(items: list[tuple[str, int]], lang: str = "fr") -> str:
    """A horizontal bar chart of the plan's amounts by scheme, as inline SVG."""
    width, label_w, bar_h, gap = 640, 250, 22, 8
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
            f'<text x="0" y="{y + 15}" font-size="12" fill="#1d2327">{_h(name[:38])}</text>'
            f'<rect x="{label_w}" y="{y}" width="{bar}" height="{bar_h}" fill="#2b6cb0" rx="3"/>'
            f'<text x="{label_w + bar + 6}" y="{y + 15}" font-size="12" fill="#1d2327">{_h(euros(value, lang))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def to_html(doc: Document, lang: str) -> str:
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_h(doc.title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_h(doc.title)}</h1>",
        f'<p class="sub">{_h(doc.subtitle)}</p>',
        f'<p class="warning"><strong>⚠</strong> {_h(doc.warning)}</p>',
    ]
    for sec in doc.sections:
        out.append(f"<section><h2>{_h(sec.title)}</h2>")
        for kind, *payload in sec.blocks:
            if kind == "p":
                out.append(f"<p>{_h(payload[0])}</p>")
            elif kind in ("list", "olist", "checklist"):
                tag = "ol" if kind == "olist" else "ul"
                cls = ' class="check"' if kind == "checklist" else ""
                out.append(
                    f"<{tag}{cls}>" + "".join(f"<li>{_h(x)}</li>" for x in payload[0]) + f"</{tag}>"
                )
            elif kind == "table":
                head, rows = payload
                out.append(
                    "<table><thead><tr>"
                    + "".join(f"<th>{_h(x)}</th>" for x in head)
                    + "</tr></thead><tbody>"
                    + "".join(
                        "<tr>" + "".join(f"<td>{_h(c)}</td>" for c in row) + "</tr>" for row in rows
                    )
                    + "</tbody></table>"
                )
            elif kind == "chart":
                out.append(f'<figure class="chart">{chart_svg(payload[0], lang)}</figure>')
        out.append("</section>")
    out.append(f"<footer>{_h(doc.footer)}</footer></body></html>")
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------------- files


def markdown_report(assessment, catalog, lang: str) -> str:
    return to_markdown(build(assessment, catalog, lang))


def write_report(path: Path, assessment, catalog, lang: str) -> None:
    """Markdown or HTML by the extension, written atomically (temp file, then rename)."""
    from intertex_cli.errors import UsageError

    ext = path.suffix.lower()
    if ext not in (".md", ".markdown", ".html", ".htm"):
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
