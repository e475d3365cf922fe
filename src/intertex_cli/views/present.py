"""Plain data views of schemes and results: JSON objects and Markdown. No rich here."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from intertex_cli.engine.rules import ELIGIBLE, INELIGIBLE, MET, UNDECIDED, UNMET
from intertex_cli.i18n import euros, percent, t

from .describe import describe, fact_label, value_label

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
    return json.dumps(obj, ensure_ascii=False, indent=2)


# --------------------------------------------------------------------------- markdown


def _contact_lines(c) -> list[str]:
    head = " — ".join(x for x in (c.name, c.role, c.organisation, c.area) if x)
    bits = [head] if head else []
    bits += [f"tél. {p}" for p in c.phones]
    if c.fax:
        bits.append(f"fax {c.fax}")
    bits += list(c.emails)
    if c.address:
        bits.append(c.address.replace("\n", ", "))
    bits += list(c.web)
    if c.note:
        bits.append(c.note)
    return bits


def funding_lines(scheme, lang: str) -> list[str]:
    f = scheme.funding
    out = []
    if f.rate is not None:
        out.append(
            f"{t('rate', lang)} : {percent(f.rate)}" if lang == "fr" else f"rate: {percent(f.rate)}"
        )
    for key, val in (
        ("cap", f.cap_eur),
        ("min_expense", f.min_expense_eur),
        ("max_expense", f.max_expense_eur),
    ):
        if val is not None:
            out.append(
                f"{t(key, lang)} : {euros(val)}"
                if lang == "fr"
                else f"{t(key, lang)}: {euros(val)}"
            )
    if f.duration_months is not None:
        out.append(f"{t('duration', lang)} : {f.duration_months} {t('months', lang)}")
    if f.equity_cap:
        out.append(t("equity_cap", lang))
    for c in f.components:
        bits = [c.label]
        if c.rate is not None:
            bits.append(percent(c.rate) + (f" ({c.base})" if c.base else ""))
        if c.cap_eur is not None:
            bits.append(f"{t('cap', lang)} {euros(c.cap_eur)}")
        if c.duration_months is not None:
            bits.append(f"{c.duration_months} {t('months', lang)}")
        out.append(" — ".join(bits))
    for fig in f.figures:
        out.append(f"{fig.label} : {figure_value(fig)}")
    return out


def figure_value(fig) -> str:
    if fig.unit == "eur":
        return euros(fig.value)
    if fig.unit == "rate":
        return percent(fig.value)
    if fig.unit == "eur-per-day":
        return euros(fig.value) + " / jour"
    v = int(fig.value) if float(fig.value).is_integer() else fig.value
    unit = {
        "months": "mois",
        "years": "an" if v == 1 else "ans",
        "days": "jour" if v == 1 else "jours",
        "count": "",
    }[fig.unit]
    return f"{v} {unit}".strip()


@dataclass
class Item:
    """One bullet of a card: its text, an emphasised head, the page, sub-lines."""

    text: str
    head: str = ""
    page: int | None = None
    subs: list = field(default_factory=list)
    quoted: bool = False


def card_sections(scheme, catalog, lang: str) -> list[tuple[str, list[Item]]]:
    """The card after its status: (section title, items), the same for every format."""
    out: list[tuple[str, list[Item]]] = []

    def add(key: str, items: list[Item]) -> None:
        if items:
            out.append((t(key, lang), items))

    add("sec.description", [Item(scheme.description.strip())])
    add("sec.objectives", [Item(o) for o in scheme.objectives])
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
                subs=[c.note.strip()] if c.note else [],
            )
            for c in scheme.criteria
        ],
    )
    add("sec.conditions", [Item(c.text, page=c.page) for c in scheme.conditions])
    add("sec.eligible", [Item(x) for x in scheme.expenses.eligible])
    add("sec.excluded", [Item(x) for x in scheme.expenses.excluded])
    add(
        "sec.funding",
        [Item(x) for x in funding_lines(scheme, lang)]
        + [Item(x, quoted=True) for x in scheme.funding.terms],
    )
    add("sec.payment", [Item(x) for x in scheme.payment])
    contacts, inherited = contacts_of(scheme, catalog)
    items = (
        [Item(t("via_agency", lang, agency=catalog.agency_name(scheme.agency)))]
        if inherited
        else []
    )
    items += [
        Item(" · ".join(_contact_lines(c)), head=t("region." + c.region, lang) if c.region else "")
        for c in contacts
    ]
    add("sec.contacts", items if contacts else [])
    notes = list(scheme.notes) + ([scheme.funding.note] if scheme.funding.note else [])
    add("sec.notes", [Item(n.strip()) for n in notes])
    return out


def show_markdown(scheme, catalog, lang: str) -> str:
    types = t("type." + scheme.support_type, lang)
    regions = ", ".join(t("region." + r, lang) for r in scheme.regions)
    L = [f"# {scheme.title} — {catalog.agency_name(scheme.agency)}", ""]
    L += [f"`{scheme.id}` · {types} · {regions}", ""]
    L.extend(_status_md(scheme, lang))
    for title, items in card_sections(scheme, catalog, lang):
        L.append(f"## {title}\n")
        for it in items:
            text = f"« {it.text} »" if it.quoted and it.text else it.text
            head = f"**{it.head}**" + (" — " if text else "") if it.head else ""
            page = f" (p. {it.page})" if it.page else ""
            L.append(f"- {head}{text}{page}")
            L.extend(f"  - _{sub}_" for sub in it.subs)
        L.append("")
    L.append("---\n")
    L.append(_source_line(scheme, lang))
    return "\n".join(L) + "\n"


def _source_line(scheme, lang: str) -> str:
    s = scheme.source
    pages = "-".join(str(p) for p in (s.pages[0], s.pages[-1])) if len(s.pages) > 1 else str(s.page)
    return (
        t("guide_date", lang, document=s.document, page=pages, date=s.date)
        + " "
        + t("confirm", lang, date=s.date)
    )


def _status_md(scheme, lang: str) -> list[str]:
    st = scheme.status
    out = []
    if st.value == "abolished":
        out.append(f"> **⚠ {t('ended_warning', lang)}**")
    elif st.value in ("changed", "renamed"):
        out.append(f"> **⚠ {t('changed_warning', lang)}**")
    head = (
        f"**{t('sec.status', lang)} :** {t('status.' + st.value, lang)}"
        if lang == "fr"
        else f"**Status:** {t('status.' + st.value, lang)}"
    )
    out.append(("> " if out else "") + head + (f" — {st.note}" if st.note else ""))
    out.append("")
    return out


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


def status_json(scheme) -> dict:
    """The contract's status object: the scheme today, beside the guide's data."""
    st = scheme.status
    data = st.model_dump(mode="json", exclude_none=True)
    out = {
        "value": st.value,
        "evidence_date": st.evidence_date,
        "confidence": st.confidence,
        "sources": data.get("sources", []),
        "successor": data.get("successor"),
    }
    for k in ("contact_today", "changes", "note", "note_en"):
        if data.get(k):
            out[k] = data[k]
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


def result_json(r, catalog, assessment, lang: str = "fr") -> dict:
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
        "status": status_json(s),
        "ended": s.status.value in ENDED,
        "in_plan": sid in assessment.plan.ids,
        "beneficiary": s.beneficiary,
        "page": s.source.page,
        "reasons": reasons_json(assessment, r, lang) if r.verdict == INELIGIBLE else [],
        "nearest_miss": assessment.nearest.get(sid) if r.verdict != ELIGIBLE else None,
        "ceiling_eur": assessment.ceilings.get(sid),
        "off_budget": assessment.off_budget.get(sid) or [],
        "cover": assessment.covers.get(sid),
        "criteria": [criterion_json(c) for c in r.criteria],
        "conditions": [
            {"id": c.id, "kind": c.kind, "text": c.text, "page": c.page} for c in r.conditions
        ],
        "steps": [
            {
                "id": st.id,
                "text": st.text,
                "text_en": st.text_en,
                "page": st.page,
                "scheme": st.scheme,
            }
            for st in s.steps
        ],
        "contacts": [
            c.model_dump(mode="json", exclude_none=True)
            for c in contacts_for(s, catalog, region, department)
        ],
    }
    if sid in assessment.nearest_amount:
        out["nearest_miss_estimate_eur"] = assessment.nearest_amount[sid]
        out["nearest_miss_instead_of"] = assessment.nearest_instead.get(sid, [])
    return out


def plan_json(assessment, catalog) -> dict:
    plan = assessment.plan
    p = assessment.profile
    region, department = p.answers.get("region"), p.answers.get("department")
    steps = []
    for item in plan.steps:
        st = item["step"]
        who = catalog.schemes.get(item["contact_scheme"])
        contact = contacts_for(who, catalog, region, department)[:1] if who else []
        steps.append(
            {
                "for": item["for"],
                "when": item["when"],
                "text": st.text,
                "text_en": st.text_en,
                "page": st.page,
                "scheme": st.scheme,
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
            }
            for e in plan.entries
        ],
        "steps": steps,
        "documents": [
            {
                "for": d["for"],
                "text": d["document"].text,
                "text_en": d["document"].text_en,
                "page": d["document"].page,
            }
            for d in plan.documents
        ],
    }


def check_json(
    assessment, catalog, asked: list[str], warnings: list[str], lang: str = "fr"
) -> dict:
    p = assessment.profile
    results = assessment.results
    answers = {k: (list(v) if isinstance(v, tuple) else v) for k, v in p.answers.items()}
    return {
        "results": [result_json(r, catalog, assessment, lang) for r in results],
        "plan": plan_json(assessment, catalog),
        "asked": asked,
        "answers": answers,
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


def _guide_date(catalog) -> str:
    dates = sorted({s.source.date for s in catalog.schemes.values()})
    return ", ".join(dates)


def group_results(results) -> dict:
    """Results in the order people read them: eligible, to check, not eligible, ended."""
    groups = {"eligible": [], "unknown": [], "ineligible": [], "ended": []}
    for r in results:
        if r.scheme.status.value in ENDED:
            groups["ended"].append(r)
        else:
            groups[r.verdict].append(r)
    for k in ("eligible", "unknown"):
        groups[k].sort(key=lambda r: -((r.estimate or {}).get("amount_eur") or 0))
    return groups


def reason_text(r, lang: str) -> str:
    """Why: the first unmet criterion in the guide's words, or what is missing."""
    if r.verdict == INELIGIBLE:
        c = r.unmet[0]
        return f"« {c.criterion.quote} » (p. {c.criterion.page})"
    if r.verdict == UNDECIDED:
        if r.missing:
            return t("missing", lang, keys=", ".join(fact_label(k, lang) for k in r.missing))
        return t("nothing_missing", lang)
    return ""


def check_markdown(results, catalog, profile, lang: str) -> str:
    L = ["# intertex — " + ("résultats" if lang == "fr" else "results"), ""]
    L.append(("## Vos réponses" if lang == "fr" else "## Your answers") + "\n")
    for k, v in profile.answers.items():
        L.append(f"- {fact_label(k, lang)} : {value_label(k, v, lang)}")
    for k in sorted(profile.skipped):
        L.append(f"- {fact_label(k, lang)} : {t('skipped', lang)}")
    L.append("")
    region = profile.answers.get("region")
    for name, rs in group_results(results).items():
        if not rs:
            continue
        L.append(f"## {t('group.' + name, lang)} ({len(rs)})\n")
        for r in rs:
            s = r.scheme
            line = f"- **{s.title}** ({catalog.agency_name(s.agency)}, `{s.id}`)"
            if r.estimate and name != "ended":
                line += " — " + t("estimate", lang, amount=euros(r.estimate["amount_eur"]))
            if s.beneficiary != "company":
                line += f" — {t('beneficiary.' + s.beneficiary, lang)}"
            L.append(line)
            why = reason_text(r, lang)
            if why:
                L.append(f"  - {why}")
            if r.verdict == ELIGIBLE and name != "ended":
                for c in r.conditions:
                    label = t("first" if c.kind == "prerequisite" else "condition", lang)
                    L.append(f"  - {label} : {c.text} (p. {c.page})")
                for c in contacts_for(s, catalog, region)[:2]:
                    L.append(f"  - {t('contact', lang)} : " + " · ".join(_contact_lines(c)))
            if s.status.value != "still-offered":
                L.append(f"  - {t('sec.status', lang)} : {t('status.' + s.status.value, lang)}")
        L.append("")
    L.append(t("confirm", lang, date=_guide_date(catalog)))
    return "\n".join(L) + "\n"


def explain_markdown(r, lang: str) -> str:
    s = r.scheme
    L = [f"# {t('explain_title', lang, title=s.title)}", "", f"**{t(r.verdict, lang)}**", ""]
    if not r.criteria:
        L.append(t("no_criteria", lang))
    for cr in r.criteria:
        mark = {MET: "✔", UNMET: "✘"}.get(cr.result, "?")
        used = ", ".join(
            f"{fact_label(k, lang)} = {value_label(k, v, lang)}" for k, v in cr.outcome.used.items()
        )
        L.append(
            f"- {mark} {describe(cr.criterion.rule, lang)} — « {cr.criterion.quote} » (p. {cr.criterion.page})"
        )
        if used:
            L.append(f"  - {t('answer_used', lang)} : {used}")
        if cr.outcome.missing:
            L.append(
                "  - "
                + t(
                    "missing", lang, keys=", ".join(fact_label(k, lang) for k in cr.outcome.missing)
                )
            )
    return "\n".join(L) + "\n"
