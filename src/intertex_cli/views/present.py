"""Plain data views of schemes and results: JSON objects and Markdown. No rich here."""

from __future__ import annotations

import json

from intertex_cli.catalog.dated import values_of
from intertex_cli.engine.verdicts import ELIGIBLE, INELIGIBLE, MET, UNDECIDED, UNMET
from intertex_cli.record import Record
from intertex_cli.text.i18n import euros, months, percent, t

from . import jsonout
from . import words as w
from .describe import describe, fact_label, value_label
from .md import md

ENDED = ("abolished", "replaced")
WARN = ("abolished", "changed", "renamed")


def contacts_of(scheme, catalog) -> tuple[list, bool]:
    """The scheme's contacts, or its agency's when the card says 'Voir fiche …'."""
    if scheme.contacts:
        return list(scheme.contacts), False
    agency = catalog.agencies.get(scheme.agency)
    if agency is not None and (scheme.contacts_from_agency or not scheme.contacts):
        return list(agency.contacts), True
    return [], False


def contacts_for(scheme, catalog, region: str | None, department: str | None = None) -> list:
    """Contacts for a company of ``region``, the nearest office first (a contact's
    ``departments``); its region's if it has any, else those for everyone, else all."""
    from .words import contacts_nearest

    contacts, _ = contacts_of(scheme, catalog)
    mine = [c for c in contacts if c.region == region] if region else []
    chosen = mine or [c for c in contacts if c.region is None] or contacts
    return contacts_nearest(chosen, region, department)


def headline(scheme, lang: str) -> str:
    f = scheme.funding
    caps = [c.cap_eur for c in f.components if c.cap_eur is not None]
    if f.cap_eur is not None:
        return ("≤ " if lang == "fr" else "≤ ") + euros(f.cap_eur)
    comp = next((c for c in f.components if c.applies_to_budget), None)
    if comp is not None and comp.cap_eur is not None:
        return "≤ " + euros(comp.cap_eur)
    if caps:
        return "≤ " + euros(max(caps))
    if f.rate is not None:
        return percent(f.rate)
    return "—"


def scheme_json(scheme, catalog) -> dict:
    data = scheme.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["status"] = status_json(scheme)
    agency = catalog.agencies.get(scheme.agency)
    data["agency_name"] = agency.name if agency else scheme.agency
    contacts, inherited = contacts_of(scheme, catalog)
    data["effective_contacts"] = [c.model_dump(mode="json", exclude_none=True) for c in contacts]
    data["contacts_inherited"] = inherited
    data["ended"] = scheme.status.value in ENDED
    return data


def list_item(scheme, catalog) -> dict:
    return {
        "id": scheme.id,
        "title": scheme.title,
        "agency": scheme.agency,
        "agency_name": catalog.agency_name(scheme.agency),
        "regions": list(scheme.regions),
        "support_type": scheme.support_type,
        "beneficiary": scheme.beneficiary,
        "cap_eur": scheme.funding.cap_eur,
        "status": scheme.status.value,
        "page": scheme.source.page,
    }


def dumps(obj) -> str:
    from intertex_cli.text.sanitize import stdout_is_utf8

    if not stdout_is_utf8():  # \u escapes keep the JSON exact on an ASCII or Latin-1 stdout
        return json.dumps(obj, ensure_ascii=True, indent=2)
    return jsonout.dumps(obj)  # indent=2 near the top, deeper values on one line


# --------------------------------------------------------------------------- markdown


def _contact_lines(c, lang: str = "fr") -> list[str]:
    head = " — ".join(x for x in (c.name, c.role, c.organisation, c.area) if x)
    bits = [head] if head else []
    bits += [f"tél. {p}" for p in c.phones]
    if c.fax:
        bits.append(f"fax {c.fax}")
    bits += list(c.emails)
    if c.address:
        bits.append(c.address.replace("\n", ", "))
    bits += list(c.web)
    note = w.note_of(c, lang)
    if note:
        bits.append(note)
    return bits


def _kv(lang: str, key: str, value: str) -> str:
    return f"{key} : {value}" if lang == "fr" else f"{key}: {value}"


def funding_lines(scheme, lang: str) -> list[str]:
    """Every amount of the card, labelled, in the language."""
    f = scheme.funding
    e = lambda x: euros(x, lang)  # noqa: E731
    out = []
    if f.rate is not None:
        out.append(_kv(lang, t("rate", lang), percent(f.rate, lang)))
    for key, val in (
        ("cap", f.cap_eur),
        ("min_expense", f.min_expense_eur),
        ("max_expense", f.max_expense_eur),
    ):
        if val is not None:
            out.append(_kv(lang, t(key, lang), e(val)))
    if f.duration_months is not None:
        out.append(_kv(lang, t("duration", lang), months(f.duration_months, lang)))
    if f.equity_cap:
        out.append(t("equity_cap", lang))
    for c in f.components:
        bits = [w.label(c, lang)]
        if c.rate is not None:
            bits.append(percent(c.rate, lang))
        if c.max_expense_eur is not None:
            bits.append(_kv(lang, t("max_expense_taken", lang), e(c.max_expense_eur)))
        if c.cap_eur is not None:
            bits.append(_kv(lang, t("cap", lang), e(c.cap_eur)))
        if c.duration_months is not None:
            bits.append(months(c.duration_months, lang))
        if getattr(c, "base_answer", None):
            bits.append(t("base_answer", lang, label=fact_label(c.base_answer, lang)))
        elif not c.applies_to_budget and (c.rate is not None or c.cap_eur is not None):
            bits.append(t("off_budget", lang))
        out.append(" — ".join(bits))
    if f.cover is not None:
        out.extend(w.cover_lines(_generic_cover(f.cover), scheme, lang))
    for fig in f.figures:
        out.append(_kv(lang, w.label(fig, lang), figure_value(fig, lang)))
    return out


def _generic_cover(c) -> dict:
    """A cover's numbers for anyone (the card), as the engine gives them for a company."""
    rates = [q.rate for q in c.quota]
    return {
        "kind": c.kind,
        "quota_is_max": c.quota_is_max,
        "quota": rates[0] if len(rates) == 1 else None,
        "quota_options": rates,
        "quota_rules": list(range(len(rates))),
        "budget_limit_eur": c.budget_max_eur,
        "covered_eur": None,
        "indemnity_max_eur": None,
        "premium_eur": None,
        "max_eur": c.max_eur,
        "loan_min_eur": c.loan_min_eur,
        "loan_max_eur": c.loan_max_eur,
    }


def figure_value(fig, lang: str = "fr") -> str:
    if fig.unit == "eur":
        return euros(fig.value, lang)
    if fig.unit == "rate":
        return percent(fig.value, lang)
    if fig.unit == "eur-per-day":
        return euros(fig.value, lang) + (" / jour" if lang == "fr" else " a day")
    v = int(fig.value) if float(fig.value).is_integer() else fig.value
    if fig.unit == "months":
        return months(v, lang)
    one = v == 1
    unit = {
        "years": ("an" if one else "ans", "year" if one else "years"),
        "days": ("jour" if one else "jours", "day" if one else "days"),
        "count": ("", ""),
    }[fig.unit][lang == "en"]
    return f"{v} {unit}".strip()


class Item(Record):
    """One bullet of a card: its text, an emphasised head, the page, sub-lines."""

    __slots__ = ("text", "head", "page", "subs", "quoted", "since")

    def __init__(self, text: str, head="", page=None, subs=None, quoted=False, since=None):
        self.text = text
        self.head = head
        self.page: int | None = page
        self.subs: list = [] if subs is None else subs
        self.quoted = quoted
        self.since: str | None = since  # a fact that appeared after the guide: its date


def source_text(src, lang: str) -> str:
    """A page of newer evidence: its address and the date it shows (or "non datée")."""
    return src.url + (f" ({src.date})" if src.date else f" ({t('undated', lang)})")


def status_items(scheme, catalog, lang: str) -> list[Item]:
    """The scheme today, beside the guide's data: status, evidence, successor, whom to
    contact today, what changed (the guide's figure, dated, and the newer one)."""
    st = scheme.status
    items = [Item(w.status_text(scheme, lang))]
    note = st.note_en if lang == "en" and st.note_en else st.note
    if note:
        items.append(Item(" ".join(note.split())))
    if st.sources:
        for x in st.sources:
            items.append(Item(source_text(x, lang), head=t("source", lang)))
    elif not any(ch.sources for ch in st.changes):
        items.append(Item(t("no_newer_source", lang), head=t("sources", lang)))
    if st.successor is not None:
        succ = st.successor
        name = w.name_of(succ, lang) or (
            w.title(catalog.schemes[succ.id], lang) if succ.id in catalog.schemes else succ.id
        )
        text = (
            name
            + (f" ({succ.url})" if succ.url else "")
            + (f" — intertex show {succ.id}" if succ.id else "")
        )
        items.append(Item(text, head=t("successor", lang)))
    for c in st.contact_today:
        cn = c.note_en if lang == "en" and c.note_en else c.note
        items.append(
            Item(
                w.name_of(c, lang) + (f" ({c.url})" if c.url else "") + (f" — {cn}" if cn else ""),
                head=t("today", lang),
            )
        )
    for ch in st.changes:
        now = ch.now_en if lang == "en" and ch.now_en else ch.now
        guide = ch.guide_en if lang == "en" and ch.guide_en else ch.guide
        label = ch.label_en if lang == "en" else ch.label
        key = "change_line" if ch.date else "change_line_undated"
        text = t(key, lang, guide=guide, now=now, date=ch.date)
        srcs = [source_text(x, lang) for x in ch.sources]
        items.append(Item(text, head=label, subs=srcs))
    items.append(
        Item(t("guide_of", lang, date=scheme.source.date), head=t("guide_date_head", lang))
    )
    return items


def card_sections(scheme, catalog, lang: str) -> list[tuple[str, list[Item]]]:
    """The card after its title: (section title, items), the same for every format."""
    from intertex_cli.engine.vocab import PROJECTS

    out: list[tuple[str, list[Item]]] = []

    def add(key: str, items: list[Item]) -> None:
        if items:
            out.append((t(key, lang), items))

    add("sec.status", status_items(scheme, catalog, lang))
    if lang == "en" and scheme.summary_en:
        add(
            "sec.summary", [Item(" ".join(scheme.summary_en.split()) + " " + t("translated", lang))]
        )
    else:
        add("sec.description", [Item(" ".join(scheme.description.split()))])
    add(
        "sec.projects",
        [
            Item(link.quote, head=PROJECTS[link.id][lang == "en"], page=link.page, quoted=True)
            for link in scheme.projects
        ],
    )
    add("sec.objectives", [Item(o, quoted=True) for o in scheme.objectives])
    benef = [Item(scheme.beneficiaries_text.strip(), quoted=True)]
    if scheme.beneficiary != "company":
        benef.append(Item("", head=t("beneficiary." + scheme.beneficiary, lang)))
    add("sec.beneficiaries", benef)
    add(
        "sec.criteria",
        [
            Item(
                c.quote,
                head=describe(c.rule, lang),
                page=c.page,
                quoted=True,
                subs=[w.note_of(c, lang).strip()] if c.note else [],
            )
            for c in scheme.criteria
        ],
    )
    add(
        "sec.conditions",
        [
            Item(
                w.text_of(c, lang) if c.since else c.text,
                page=c.page,
                quoted=c.since is None,
                since=c.since.date if c.since else None,
            )
            for c in scheme.conditions
        ],
    )
    add("sec.steps", [Item(w.text_of(st, lang), page=st.page) for st in scheme.steps])
    add("sec.documents", [Item(w.text_of(d, lang), page=d.page) for d in scheme.documents])
    add("sec.eligible", [Item(x, quoted=True) for x in scheme.expenses.eligible])
    add("sec.excluded", [Item(x, quoted=True) for x in scheme.expenses.excluded])
    add(
        "sec.funding",
        [Item(x) for x in funding_lines(scheme, lang)]
        + [Item(x, quoted=True) for x in scheme.funding.terms],
    )
    add(
        "sec.cumulation",
        [
            Item(
                c.quote,
                head=_cumulation_head(c, catalog, lang, scheme.id),
                page=c.page,
                quoted=True,
            )
            for c in scheme.cumulation
        ],
    )
    add("sec.payment", [Item(x, quoted=True) for x in scheme.payment])
    contacts, inherited = contacts_of(scheme, catalog)
    items = (
        [Item(t("via_agency", lang, agency=w.agency_label(catalog, scheme.agency, lang)))]
        if inherited
        else []
    )
    items += [
        Item(
            " · ".join(_contact_lines(c, lang)),
            head=t("region." + c.region, lang) if c.region else "",
        )
        for c in contacts
    ]
    add("sec.contacts", items if contacts else [])
    notes = w.notes_of(scheme, lang)
    funding_note = w.note_of(scheme.funding, lang)
    notes += [funding_note] if funding_note else []
    add("sec.notes", [Item(" ".join(n.split())) for n in notes])
    return out


def _cumulation_head(c, catalog, lang: str, own: str = "") -> str:
    """The schemes a clause names; a group's members without the card itself (a Pass
    Export is not "non cumulable avec … Pass Export")."""
    names = [w.title(catalog.schemes[x], lang) for x in c.schemes if x in catalog.schemes]
    for g in c.groups:
        members = [
            w.title(s, lang) for s in catalog.schemes.values() if g in s.groups and s.id != own
        ]
        names.extend(m for m in members if m not in names)
    listed = ", ".join(names)
    if c.rule == "not-with":
        return t("cumul.not_with", lang, names=listed)
    if c.rule == "combines-with":
        return t("cumul.combines", lang, names=listed)
    if c.rule == "after":
        return t("cumul.after", lang, names=listed)
    return t("cumul.reduced", lang)


def item_suffix(it: Item, lang: str) -> str:
    """(p. 6) for the guide's words, (depuis le guide, 2023-04) for newer facts."""
    if it.since:
        return f" ({t('since_guide', lang, date=it.since)})"
    return f" (p. {it.page})" if it.page else ""


def show_markdown(scheme, catalog, lang: str) -> str:
    types = t("type." + scheme.support_type, lang)
    regions = ", ".join(t("region." + r, lang) for r in scheme.regions)
    L = [f"# {md(w.title(scheme, lang))} — {md(w.agency_label(catalog, scheme.agency, lang))}", ""]
    L += [f"`{scheme.id}` · {types} · {regions}", ""]
    if scheme.status.value in ENDED:
        sure = scheme.status.confidence == "confirmed"
        L += [f"> **⚠ {t('ended_warning' if sure else 'ended_probable_warning', lang)}**", ""]
    elif scheme.status.value in ("changed", "renamed"):
        L += [f"> **⚠ {t('changed_warning', lang)}**", ""]
    for title, items in card_sections(scheme, catalog, lang):
        L.append(f"## {title}\n")
        for it in items:
            text = f"« {md(it.text)} »" if it.quoted and it.text else md(it.text)
            head = f"**{md(it.head)}**" + (" — " if text else "") if it.head else ""
            L.append(f"- {head}{text}{item_suffix(it, lang)}")
            L.extend(f"  - _{md(sub)}_" for sub in it.subs)
        L.append("")
    L.append("---\n")
    L.append(md(_source_line(scheme, lang)))
    return "\n".join(L) + "\n"


def _source_line(scheme, lang: str) -> str:
    s = scheme.source
    pages = "-".join(str(p) for p in (s.pages[0], s.pages[-1])) if len(s.pages) > 1 else str(s.page)
    return (
        t("guide_date", lang, document=s.document, page=pages, date=s.date)
        + " "
        + t("confirm", lang, date=s.date)
    )


# --------------------------------------------------------------------------- check results


def criterion_json(cr) -> dict:
    c = cr.criterion
    return {
        "id": c.id,
        "result": cr.result,
        "quote": c.quote,
        "page": c.page,
        "rule": describe(c.rule, "fr"),
        "answers_used": cr.outcome.used,
        "missing": list(cr.outcome.missing),
        **({"note": c.note} if c.note else {}),
    }


def status_json(scheme, full: bool = True) -> dict:
    """The contract's status object: the scheme today, beside the guide's data. In
    ``check`` results (``full`` false), the notes and the list of changes stay in
    ``show``: a check of a national catalogue would otherwise repeat them thousands of
    times (and read every card whole)."""
    st = scheme.status

    def plain(x):
        from intertex_cli.catalog.records import _strip_none  # nested too (a change's set)

        return _strip_none(x.model_dump(mode="json", by_alias=True)) if x is not None else None

    out = {
        "value": st.value,
        "since": st.since,
        "evidence_date": st.evidence_date,
        "confidence": st.confidence,
        "sources": [plain(x) for x in st.sources],
        "successor": plain(st.successor),
    }
    if st.contact_today:
        out["contact_today"] = [plain(x) for x in st.contact_today]
    if full:
        for k in ("changes", "note", "note_en"):
            v = getattr(st, k)
            if v:
                out[k] = [plain(x) for x in v] if k == "changes" else v
    out["guide_date"] = scheme.source.date
    return out


def reasons_json(assessment, r, lang: str = "fr") -> list[dict]:
    from .words import failure_text

    out = []
    for cr, fails in assessment.reasons.get(r.scheme.id, []):
        first = fails[0] if fails else {}
        out.append(
            {
                "criterion": cr.criterion.id,
                "quote": cr.criterion.quote,
                "page": cr.criterion.page,
                "key": first.get("key"),
                "answer": first.get("answer"),
                "failing": [
                    {
                        **{k: v for k, v in f.items() if k != "answers"},
                        "text": failure_text(f, lang),
                    }
                    for f in fails
                ],
            }
        )
    return out


def result_json(r, catalog, assessment, lang: str = "fr", detail: bool = False) -> dict:
    """One result. ``detail`` adds every criterion, condition and step (``why``); the
    contacts, nearest first, come with every result a company can act on."""
    s = r.scheme
    p = assessment.profile
    region, department = p.answers.get("region"), p.answers.get("department")
    sid = s.id
    est = r.estimate
    if est is not None:
        from .words import amount_text

        est = {**est, "text": amount_text(est, s, lang)}
    out = {
        "id": sid,
        "title": s.title,
        "title_en": s.title_en,
        "agency": s.agency,
        "support_type": s.support_type,
        "verdict": r.verdict,
        "missing": list(r.missing) if r.verdict == UNDECIDED else [],
        "estimate": est,
        "relevant": assessment.relevant[sid],
        "projects": [link.id for link in s.projects],
        "status": status_json(s, full=detail),
        "ended": s.status.value in ENDED,
        "in_plan": sid in assessment.plan.id_set,
        "beneficiary": s.beneficiary,
        "page": s.source.page,
        "reasons": reasons_json(assessment, r, lang) if r.verdict == INELIGIBLE else [],
        "nearest_miss": assessment.nearest.get(sid) if r.verdict != ELIGIBLE else None,
        "ceiling_eur": assessment.ceilings.get(sid),
        "off_budget": assessment.off_budget.get(sid) or [],
        "cover": assessment.covers.get(sid),
        "terms": terms_json(s),
    }
    if r.verdict != INELIGIBLE and s.status.value not in ENDED:
        out["contacts"] = [
            c.model_dump(mode="json", exclude_none=True)
            for c in contacts_for(s, catalog, region, department)
        ]
    if detail:
        out["criteria"] = [criterion_json(c) for c in r.criteria]
        out["conditions"] = [
            {
                "id": c.id,
                "kind": c.kind,
                "text": c.text,
                "page": c.page,
                **({"since": c.since.date, "text_en": c.text_en} if c.since else {}),
            }
            for c in r.conditions
        ]
        out["steps"] = [
            {
                "id": st.id,
                "text": st.text,
                "text_en": st.text_en,
                "page": st.page,
                "scheme": st.scheme,
            }
            for st in s.steps
        ]
    if sid in assessment.nearest_amount:
        out["nearest_miss_estimate_eur"] = assessment.nearest_amount[sid]
        out["nearest_miss_instead_of"] = assessment.nearest_instead.get(sid, [])
    return out


def terms_json(s) -> list[dict]:
    """The terms in force on the day of the assessment that differ from the guide's:
    ``[{label, guide, now, since}]`` (``since`` null: the evidence is undated)."""
    return [
        {
            "label": ch.label,
            "label_en": ch.label_en,
            "guide": ch.guide,
            "now": ch.now,
            "now_en": ch.now_en,
            "since": ch.date,
            "computed": bool(values_of(ch)),
            "confidence": ch.confidence,
            "sources": [x.model_dump(mode="json", exclude_none=True) for x in ch.sources],
        }
        for ch in getattr(s, "terms", ())
    ]


def plan_json(assessment, catalog) -> dict:
    return plan_data(assessment.plan, assessment.profile, catalog)


def plan_data(plan, p, catalog) -> dict:
    """The contract's ``plan`` object of one company (check's, and each of screen's)."""
    region, department = p.answers.get("region"), p.answers.get("department")
    steps = []
    for item in plan.steps:
        st = item["step"]
        who = catalog.schemes.get(item["contact_scheme"])
        # whom to call for the first step; later steps: the same scheme's contacts
        first = item["when"] == "now" or bool(st.scheme)
        contact = contacts_for(who, catalog, region, department)[:1] if who and first else []
        steps.append(
            {
                "for": item["for"],
                "when": item["when"],
                "id": st.id,
                "text": st.text,
                "text_en": st.text_en,
                "page": st.page,
                "scheme": st.scheme,
                "contact_scheme": item["contact_scheme"],
                "contact": contact[0].model_dump(mode="json", exclude_none=True)
                if contact
                else None,
            }
        )
    return {
        "schemes": plan.ids,
        "total_eur": plan.total,
        "left_out": plan.left_out,
        "amounts": [
            {
                "id": e.scheme.id,
                "amount_eur": e.amount,
                **({"before_reduction_eur": e.reduced_from} if e.reduced_from is not None else {}),
                # it pays for only some of the budget's projects: the amount is at most
                **({"base_shared_with": e.shared} if e.shared else {}),
                # an insurance in the plan covers what stays at the company's charge
                **({"cover": e.cover} if e.cover else {}),
                **(
                    {"cover_before_subsidies_eur": e.cover_reduced_from}
                    if e.cover_reduced_from is not None
                    else {}
                ),
            }
            for e in plan.entries
        ],
        "first_steps": {
            sid: {"step": x["step"].id, "contact_scheme": x["contact_scheme"]}
            for sid, x in plan.first.items()
        },
        "steps": steps,
        "documents": [
            {
                "for": d["for"],
                "text": d["document"].text,
                "text_en": d["document"].text_en,
                "page": d["document"].page,
                **({"id": d["document"].id} if getattr(d["document"], "id", None) else {}),
            }
            for d in plan.documents
        ],
    }


def check_json(
    assessment, catalog, asked: list[str], warnings: list[str], lang: str = "fr", lazy=False
) -> dict:
    """The contract's check object. ``lazy``: its results as a :class:`jsonout.Items`,
    each made as ``jsonout.write`` writes it (the same JSON, never all held at once)."""
    p = assessment.profile
    results = assessment.results
    answers = {k: (list(v) if isinstance(v, tuple) else v) for k, v in p.answers.items()}

    def one(r) -> dict:
        return result_json(r, catalog, assessment, lang)

    day = getattr(catalog, "day", None)
    return {
        "date": day.isoformat() if day is not None else None,
        "results": jsonout.Items(results, one) if lazy else [one(r) for r in results],
        "plan": plan_json(assessment, catalog),
        "asked": asked,
        "answers": {**answers, **{k: r.as_answer() for k, r in p.ranges.items()}},
        "unknown_answers": sorted(p.skipped),
        "summary": {
            v: sum(1 for r in results if r.verdict == v and r.scheme.status.value not in ENDED)
            for v in (ELIGIBLE, UNDECIDED, INELIGIBLE)
        },
        "ended": [r.scheme.id for r in results if r.scheme.status.value in ENDED],
        "warnings": warnings,
        "source": _sources(catalog),
    }


def _sources(catalog) -> list[dict]:
    """The documents the catalogue comes from, with their dates (from the data)."""
    seen = {(s.source.document, s.source.date) for s in catalog.schemes.values()}
    return [{"document": d, "date": date} for d, date in sorted(seen)]


def explain_items(r, a, catalog, lang: str) -> dict:
    """One scheme criterion by criterion, the same for Markdown and the terminal."""
    s = r.scheme
    fails = {cr.criterion.id: f for cr, f in a.reasons.get(s.id, [])}
    items = []
    for cr in r.criteria:
        subs = []
        if cr.result == UNMET and fails.get(cr.criterion.id):
            subs.append(
                " ; ".join(dict.fromkeys(w.failure_text(f, lang) for f in fails[cr.criterion.id]))
            )
        elif cr.outcome.used:
            used = ", ".join(
                f"{fact_label(k, lang)} = {value_label(k, v, lang)}"
                for k, v in cr.outcome.used.items()
            )
            subs.append(f"{t('answer_used', lang)} : {used}")
        if cr.outcome.missing:
            subs.append(
                t("missing", lang, keys=", ".join(fact_label(k, lang) for k in cr.outcome.missing))
            )
        items.append(
            {
                "mark": {MET: "✔", UNMET: "✘"}.get(cr.result, "?"),
                "result": cr.result,
                "rule": describe(cr.criterion.rule, lang),
                "quote": cr.criterion.quote,
                "page": cr.criterion.page,
                "ref": w.ref(cr.criterion, lang),  # p. 25, or since when and whose words
                "subs": subs,
            }
        )
    near = a.nearest.get(s.id)
    nearest = None
    if near:
        instead = [catalog.schemes[x] for x in a.nearest_instead.get(s.id, [])]
        nearest = w.nearest_text(
            near, a.nearest_amount.get(s.id), s, a.profile.answers, lang, instead
        )
    amount = None
    if r.estimate and r.estimate.get("amount_eur"):
        amount = w.amount_text(r.estimate, s, lang)
    return {
        "title": t("explain_title", lang, title=w.title(s, lang)),
        "verdict": t(r.verdict, lang),
        "criteria": items,
        "nearest": nearest,
        "amount": amount,
        "cover": w.cover_lines(a.covers[s.id], s, lang) if a.covers.get(s.id) else [],
        "status": w.status_text(s, lang),
        "conditions": [
            (
                c.text if not c.since else w.text_of(c, lang),
                item_suffix(Item("", page=c.page, since=c.since.date if c.since else None), lang),
            )
            for c in r.conditions
        ],
    }


def explain_markdown(r, a, catalog, lang: str) -> str:
    x = explain_items(r, a, catalog, lang)
    status = md(x["status"])
    L = [f"# {md(x['title'])}", "", f"**{x['verdict']}** — {t('sec.status', lang)} : {status}", ""]
    if not x["criteria"]:
        L.append(t("no_criteria", lang))
    for it in x["criteria"]:
        L.append(f"- {it['mark']} {md(it['rule'])} — « {md(it['quote'])} » ({it['ref']})")
        L.extend(f"  - {md(sub)}" for sub in it["subs"])
    for line in [x["amount"], *x["cover"], x["nearest"]]:
        if line:
            L += ["", md(line)]
    if x["conditions"]:
        L += ["", f"## {t('sec.conditions', lang)}", ""]
        L.extend(f"- {md(text)}{ref}" for text, ref in x["conditions"])
    return "\n".join(L) + "\n"
