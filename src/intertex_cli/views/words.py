"""Words for the plan, in French and English: amounts with their computation, covers,
reasons with the failing value, nearest misses, steps, contacts. Plain text (no markup):
the terminal, Markdown and HTML views all use these sentences."""

from __future__ import annotations

import re

from intertex_cli.engine import geo
from intertex_cli.text.i18n import euros, months, percent
from intertex_cli.views.describe import fact_label, value_label


def tr(lang: str, fr: str, en: str) -> str:
    return en if lang == "en" else fr


def title(scheme, lang: str) -> str:
    return (scheme.title_en or scheme.title) if lang == "en" else scheme.title


def summary(scheme, lang: str) -> str:
    text = scheme.summary_en if lang == "en" and scheme.summary_en else scheme.description
    return " ".join(text.split())


def label(obj, lang: str) -> str:
    """A component's or a figure's label in the language, French when not translated."""
    return (getattr(obj, "label_en", None) or obj.label) if lang == "en" else obj.label


def text_of(obj, lang: str) -> str:
    return (getattr(obj, "text_en", None) or obj.text) if lang == "en" else obj.text


def _component(scheme, cid):
    return next((c for c in scheme.funding.components if c.id == cid), None)


# ----------------------------------------------------------------------------- amounts


def amount_text(est: dict, scheme, lang: str) -> str:
    """ "50 % × 30 000 € = 15 000 € (plafond 20 000 € non atteint)"."""
    e = lambda x: euros(x, lang)  # noqa: E731
    kinds = {x["kind"]: x for x in est.get("limited_by", [])}
    if "min_expense" in kinds:
        return tr(
            lang,
            f"budget de {e(est['base_eur'])} sous le minimum de dépenses de "
            f"{e(kinds['min_expense']['amount_eur'])}",
            f"a budget of {e(est['base_eur'])} is under the minimum spending of "
            f"{e(kinds['min_expense']['amount_eur'])}",
        )
    parts = est.get("parts") or []
    bits = []
    for x in parts:
        comp = _component(scheme, x["component"]) if x["component"] else None
        bit = f"{percent(x['rate'], lang)} × {e(x['expense_eur'])}"
        if comp is not None and len(parts) > 1:
            bit = f"{label(comp, lang)} : {bit}" if lang == "fr" else f"{label(comp, lang)}: {bit}"
        if x.get("limited_by") == "max_expense":
            bit += tr(
                lang, " (dépenses retenues au plus)", " (expenses taken into account at most)"
            )
        bits.append(bit)
    raw = sum(x["amount_eur"] for x in parts)
    text = " + ".join(bits) if bits else e(0)
    if "max_expense" in kinds:
        text = tr(
            lang,
            f"{text} (dépenses retenues au plus {e(kinds['max_expense']['amount_eur'])})",
            f"{text} (expenses taken into account at most {e(kinds['max_expense']['amount_eur'])})",
        )
    text += f" = {e(raw)}"
    cap = est.get("cap_eur")
    if "cap" in kinds:
        text += tr(lang, f", plafonné à {e(cap)}", f", capped at {e(cap)}")
    elif cap is not None:
        text += tr(lang, f" (plafond {e(cap)} non atteint)", f" (cap {e(cap)} not reached)")
    if "equity" in kinds:
        text += tr(
            lang,
            f", ramené à vos fonds propres ({e(kinds['equity']['amount_eur'])})",
            f", limited to your equity ({e(kinds['equity']['amount_eur'])})",
        )
    elif est.get("equity_cap_unchecked"):
        text += tr(
            lang,
            " ; ne peut pas dépasser vos fonds propres",
            "; it may not exceed your equity",
        )
    return text


def ceiling_text(ceiling: float | None, scheme, lang: str) -> str:
    """Where the budget is unknown: the range the guide allows."""
    f = scheme.funding
    if ceiling is not None:
        text = tr(lang, f"jusqu'à {euros(ceiling, lang)}", f"up to {euros(ceiling, lang)}")
        rate = f.rate
        if rate is None:
            rates = {c.rate for c in f.components if c.applies_to_budget and c.rate is not None}
            rate = rates.pop() if len(rates) == 1 else None
        if rate is not None:
            text += tr(
                lang,
                f" ({percent(rate, lang)} des dépenses)",
                f" ({percent(rate, lang)} of spending)",
            )
        return text
    if f.rate is not None:
        return tr(
            lang,
            f"{percent(f.rate, lang)} des dépenses éligibles",
            f"{percent(f.rate, lang)} of eligible spending",
        )
    return ""


def off_budget_text(items: list[dict], scheme, lang: str) -> list[str]:
    """Ceilings not paid from the budget: "recrutement d'un cadre export : jusqu'à 50 000 €"."""
    out = []
    for x in items:
        comp = _component(scheme, x["component"])
        if comp is None or x.get("ceiling_eur") is None and x.get("rate") is None:
            continue
        bits = []
        if x.get("rate") is not None:
            bits.append(percent(x["rate"], lang))
        if x.get("ceiling_eur") is not None:
            bits.append(tr(lang, "jusqu'à ", "up to ") + euros(x["ceiling_eur"], lang))
        note = tr(
            lang, "selon le salaire, hors budget du projet", "by salary, outside the project budget"
        )
        out.append(
            f"{label(comp, lang)} : {', '.join(bits)} ({note})"
            if lang == "fr"
            else f"{label(comp, lang)}: {', '.join(bits)} ({note})"
        )
    return out


# ----------------------------------------------------------------------------- covers

_KIND = {
    "insurance": ("assurance", "insurance"),
    "guarantee": ("garantie", "guarantee"),
    "loan": ("prêt", "loan"),
    "export-credit": ("crédit export", "export credit"),
}


def cover_lines(c: dict, scheme, lang: str) -> list[str]:
    """What an insurance, a guarantee or a loan is, for this company, in numbers."""
    e = lambda x: euros(x, lang)  # noqa: E731
    kind = tr(lang, *_KIND[c["kind"]])
    lines = []
    quota = c.get("quota")
    upto = tr(lang, "jusqu'à ", "up to ") if c.get("quota_is_max") else ""
    if c.get("covered_eur") is not None and quota is not None:
        lines.append(
            tr(
                lang,
                f"{kind} : indemnité {upto}{percent(quota, lang)} de {e(c['covered_eur'])} de dépenses"
                f" = {e(c['indemnity_max_eur'])} au plus (ce n'est pas une subvention)",
                f"{kind}: indemnity {upto}{percent(quota, lang)} of {e(c['covered_eur'])} of spending"
                f" = {e(c['indemnity_max_eur'])} at most (not a grant)",
            )
        )
    elif quota is not None:
        lines.append(
            tr(
                lang,
                f"{kind} : quotité garantie {upto}{percent(quota, lang)}",
                f"{kind}: share guaranteed {upto}{percent(quota, lang)}",
            )
        )
    elif c.get("quota_options"):
        opts = tr(lang, " ou ", " or ").join(percent(q, lang) for q in c["quota_options"])
        lines.append(
            tr(
                lang,
                f"{kind} : quotité garantie {opts} selon votre chiffre d'affaires",
                f"{kind}: share guaranteed {opts} depending on your turnover",
            )
        )
    else:
        lines.append(kind)
    if c.get("budget_limit_eur") is not None and c.get("covered_eur") is None:
        lines.append(
            tr(
                lang,
                f"budget garanti au plus {e(c['budget_limit_eur'])}",
                f"guaranteed budget at most {e(c['budget_limit_eur'])}",
            )
        )
    if c.get("loan_min_eur") is not None or c.get("loan_max_eur") is not None:
        lo, hi = c.get("loan_min_eur"), c.get("loan_max_eur")
        text = tr(lang, "montant du prêt", "loan amount")
        if lo is not None and hi is not None:
            text += tr(lang, f" : de {e(lo)} à {e(hi)}", f": {e(lo)} to {e(hi)}")
        elif hi is not None:
            text += tr(lang, f" : jusqu'à {e(hi)}", f": up to {e(hi)}")
        else:
            text += tr(lang, f" : au moins {e(lo)}", f": at least {e(lo)}")
        if scheme.funding.cover.equity_limit:
            text += tr(
                lang,
                ", dans la limite de vos fonds propres et quasi-fonds propres",
                ", within your equity and quasi-equity",
            )
            if c.get("loan_within_equity_eur") is not None:
                text += tr(
                    lang,
                    f" : vos fonds propres seuls permettent au moins {e(c['loan_within_equity_eur'])}",
                    f": your equity alone allows at least {e(c['loan_within_equity_eur'])}",
                )
        lines.append(text)
    elif c.get("max_eur") is not None:
        lines.append(
            tr(
                lang,
                f"montant garanti au plus {e(c['max_eur'])}",
                f"amount guaranteed at most {e(c['max_eur'])}",
            )
        )
    pr = scheme.funding.cover.premium
    if pr is not None:
        if pr.rate is not None:
            text = tr(lang, f"prime {percent(pr.rate, lang)}", f"premium {percent(pr.rate, lang)}")
            if c.get("premium_eur") is not None:
                text += f" ({e(c['premium_eur'])})"
            if pr.min_eur is not None:
                text += tr(lang, f", minimum {e(pr.min_eur)}", f", minimum {e(pr.min_eur)}")
            if pr.deducted_from_indemnity:
                text += tr(lang, ", déduite de l'indemnité", ", deducted from the indemnity")
        elif pr.paid_by == "nobody":
            text = tr(lang, "aucune prime pour l'entreprise", "no premium for the company")
        else:
            text = tr(lang, "prime", "premium")
            if pr.min_eur is not None:
                text += tr(lang, f" : minimum {e(pr.min_eur)}", f": minimum {e(pr.min_eur)}")
        if pr.paid_by in ("bank", "issuer"):
            text += tr(
                lang,
                " (payée par la banque)" if pr.paid_by == "bank" else " (payée par l'émetteur)",
                " (paid by the bank)" if pr.paid_by == "bank" else " (paid by the issuer)",
            )
        lines.append(text)
    return lines


# ----------------------------------------------------------------------------- reasons


def _value(f: dict, lang: str) -> str:
    fact, answer, key = f["fact"], f["answer"], f["key"]
    if fact in ("region", "former_region") and key == "department" and answer in geo.DEPARTMENTS:
        derived = geo.region_of(answer) if fact == "region" else geo.former_region_of(answer)
        return f"{value_label(fact, derived, lang)} ({tr(lang, 'département', 'département')} {value_label('department', answer, lang)})"
    if isinstance(answer, list):
        return ", ".join(value_label(fact, v, lang) for v in answer)
    if answer is None:
        return "?"
    return value_label(fact, answer, lang)


def failure_text(f: dict, lang: str) -> str:
    """ "budget du projet 30 000 € < minimum 40 000 €"."""
    name = fact_label(f["fact"], lang)
    value = _value(f, lang)
    limit = f["limit"]
    op = f["op"]
    if f.get("negated"):
        return tr(lang, f"{name} : {value} (exclu)", f"{name}: {value} (excluded)")
    if op in ("lt", "le", "gt", "ge"):
        shown = value_label(f["fact"], limit, lang)
        if op == "ge":
            return f"{name} {value} < minimum {shown}"
        if op == "le":
            return f"{name} {value} > maximum {shown}"
        need = {
            "lt": tr(lang, f"il faut moins de {shown}", f"must be under {shown}"),
            "gt": tr(lang, f"il faut plus de {shown}", f"must be over {shown}"),
        }[op]
        return f"{name} {value} : {need}" if lang == "fr" else f"{name} {value}: {need}"
    if isinstance(limit, bool):
        return f"{name} : {value}" if lang == "fr" else f"{name}: {value}"
    if op == "eq":
        return f"{name} {value} ≠ {value_label(f['fact'], limit, lang)}"
    if op == "ne":
        return tr(lang, f"{name} {value} (exclu)", f"{name} {value} (excluded)")
    allowed = ", ".join(value_label(f["fact"], v, lang) for v in limit)
    if op == "in":
        return tr(
            lang, f"{name} {value} hors de : {allowed}", f"{name} {value} not among: {allowed}"
        )
    return tr(lang, f"{name} {value} (exclu)", f"{name} {value} (excluded)")


def reason_text(cr, fails: list[dict], lang: str) -> str:
    """The failing values and the guide's words: "budget … < minimum 40 000 € (p. 8)"."""
    c = cr.criterion
    values = tr(lang, " et ", " and ").join(dict.fromkeys(failure_text(f, lang) for f in fails))
    quote = f"« {c.quote} »"
    return f"{values} — {quote} (p. {c.page})" if values else f"{quote} (p. {c.page})"


# ----------------------------------------------------------------------------- nearest miss


def change_text(change: dict, p_answers: dict, lang: str) -> str:
    key, value = change["key"], change["value"]
    current = p_answers.get(key)
    if key == "project_budget_eur":
        if isinstance(current, (int, float)) and value < current:
            return tr(
                lang,
                f"avec un budget d'au plus {euros(value, lang)}",
                f"with a budget of at most {euros(value, lang)}",
            )
        return tr(
            lang,
            f"avec un budget d'au moins {euros(value, lang)}",
            f"with a budget of at least {euros(value, lang)}",
        )
    if key == "months_of_activity":
        if isinstance(current, int):
            return tr(
                lang,
                f"dans {months(value - current, lang)} ({value} mois d'activité)",
                f"in {months(value - current, lang)} ({value} months of activity)",
            )
        return tr(lang, f"à {value} mois d'activité", f"at {value} months of activity")
    if key == "closed_fiscal_years":
        return tr(
            lang, f"après {value} exercice(s) clos", f"after {value} closed financial year(s)"
        )
    if key == "has_export_strategy":
        return tr(
            lang,
            "avec une stratégie export formalisée" if value else "sans stratégie export formalisée",
            "with a formal export strategy" if value else "without a formal export strategy",
        )
    if key == "has_export_team":
        return tr(
            lang,
            "avec une équipe export" if value else "sans équipe export",
            "with an export team" if value else "without an export team",
        )
    return f"{fact_label(key, lang)} = {value_label(key, value, lang)}"


def nearest_text(
    changes: list[dict], amount, scheme, p_answers: dict, lang: str, instead_of=None
) -> str:
    """ "avec un budget d'au moins 40 000 €, le Contrat Export devient possible (jusqu'à 20 000 €)"."""
    how = tr(lang, " et ", " and ").join(change_text(c, p_answers, lang) for c in changes)
    text = tr(
        lang,
        f"{how}, {title(scheme, lang)} devient possible",
        f"{how}, {title(scheme, lang)} becomes possible",
    )
    if amount:
        text += tr(lang, f" (jusqu'à {euros(amount, lang)})", f" (up to {euros(amount, lang)})")
    if instead_of:
        names = tr(lang, " et ", " and ").join(title(x, lang) for x in instead_of)
        text += tr(lang, f", à la place de « {names} »", f", instead of “{names}”")
    return text


# ----------------------------------------------------------------------------- contacts


def contact_line(c, lang: str) -> str:
    """Name, organisation, phones and e-mails first: the whole number, never cut."""
    head = " — ".join(x for x in (c.name, c.organisation, c.area) if x)
    bits = [head] if head else []
    bits += list(c.phones)
    bits += list(c.emails)
    if not c.phones and not c.emails:
        bits += list(c.web)
    return " · ".join(bits)


def contacts_nearest(contacts: list, region: str | None, department: str | None) -> list:
    """Contacts in order of nearness: serving the département, the region, everyone, others."""

    def rank(c) -> int:
        if department and department in (c.departments or []):
            return 0
        if region and c.region == region:
            return 1
        if c.region is None:
            return 2
        return 3

    return sorted(contacts, key=rank)


# ----------------------------------------------------------------------------- plan


def left_out_text(item: dict, schemes_by_id: dict, lang: str) -> str:
    """Why a scheme with an amount is not in the plan, in words."""
    s = schemes_by_id[item["id"]]
    other = schemes_by_id.get(item.get("instead_of") or "")
    other_t = title(other, lang) if other is not None else ""
    page = f", p. {item['page']}" if item.get("page") else ""
    why = {
        "non-cumulation": tr(
            lang,
            f"non cumulable avec « {other_t} »{page}",
            f"cannot be combined with “{other_t}”{page}",
        ),
        "same-expenses": tr(
            lang,
            f"mêmes dépenses que « {other_t} » (deux aides sur un même budget ne s'additionnent pas)",
            f"same expenses as “{other_t}” (two grants on one budget do not add up)",
        ),
        "abolished": tr(lang, "supprimé depuis le guide", "ended since the guide"),
        "replaced": tr(lang, "remplacé depuis le guide", "replaced since the guide"),
        "not-relevant": tr(lang, "sans rapport avec vos projets", "unrelated to your projects"),
        "undecided": tr(lang, "à vérifier", "to check"),
    }.get(item["reason"], item["reason"])
    amount = item.get("amount_eur")
    money = f" ({tr(lang, 'jusqu’à', 'up to')} {euros(amount, lang)})" if amount else ""
    return f"{title(s, lang)}{money} : {why}" if lang == "fr" else f"{title(s, lang)}{money}: {why}"


_STATUS = {
    "still-offered": ("toujours proposé", "still offered"),
    "changed": ("modifié depuis le guide", "changed since the guide"),
    "renamed": ("renommé depuis le guide", "renamed since the guide"),
    "replaced": ("remplacé depuis le guide", "replaced since the guide"),
    "abolished": ("supprimé depuis le guide", "ended since the guide"),
    "not-checked": ("non vérifié depuis le guide", "not checked since the guide"),
}
_CONFIDENCE = {
    "confirmed": ("confirmé", "confirmed"),
    "probable": ("probable", "probable"),
    "unknown": ("inconnu", "unknown"),
}


def status_text(scheme, lang: str) -> str:
    """ "modifié depuis le guide (confirmé, 2018-05-02)"; an ending that is only probable
    says so: "probablement supprimé depuis le guide"."""
    st = scheme.status
    bits = [tr(lang, *_CONFIDENCE[st.confidence])]
    if st.evidence_date:
        bits.append(st.evidence_date)
    value = tr(lang, *_STATUS[st.value])
    if st.confidence != "confirmed" and st.value in ("abolished", "replaced"):
        value = tr(lang, "probablement ", "probably ") + value
    return f"{value} ({', '.join(bits)})"


def successor_text(scheme, lang: str, schemes_by_id: dict | None = None) -> str:
    succ = scheme.status.successor
    if succ is None:
        return ""
    other = (schemes_by_id or {}).get(succ.id or "")
    name = succ.name or (title(other, lang) if other is not None else succ.id) or ""
    url = f" ({succ.url})" if succ.url else ""
    return tr(lang, f"successeur : {name}{url}", f"successor: {name}{url}")


def today_text(scheme, lang: str) -> str:
    """Whom to contact today, from newer evidence (apart from the guide's contacts)."""
    items = []
    for c in scheme.status.contact_today:
        items.append(c.name + (f" ({c.url})" if c.url else ""))
    return "; ".join(items)


# ----------------------------------------------------------------------------- wrapping

_GLUE = "\x00"  # a space that must not break a line: inside an amount or a phone number
_AMOUNT = re.compile(
    r"(?<=\d) (?=\d{3}\b)|(?<=\d) (?=€)|(?<=€) (?=\d)|(?<=\d) (?=%)"
    r"|(?<=«) | (?=»)|(?<=\bp\.) (?=\d)|(?<=\bpp\.) (?=\d)"
    r"|(?<=\S) (?=[:;?!](?:\s|$))"  # French spacing: "Contact :", "passer : ?]"
)
_PHONE = re.compile(r"\b\d{2}(?: \d{2}){4}\b|\b0 ?8\d{2}(?: \d{3}){2}\b|\+33 \(0\)\d(?: \d{2}){4}")


_GLUE_NEEDED = re.compile(r"[0-9«»]| [:;?!]")  # else nothing to glue


def wrap(text: str, width: int) -> str:
    """Lines of at most ``width`` characters, never breaking an amount ("20 000 €"), a
    percentage or a phone number; a word longer than the line is folded, not cut.

    textwrap's result; for the common text (printable, no word longer than the line)
    found by slicing at the last space, and without the gluing patterns when there is
    no digit to glue: 3 µs for a paragraph of words, 33 µs with amounts (textwrap's
    way: 40 and 52 µs)."""
    simple = text.isprintable() and text == text.strip()
    if simple and len(text) <= width:
        return text  # one line already: most of them
    width = max(width, 20)
    glued = text
    if _GLUE_NEEDED.search(text):
        glued = _PHONE.sub(lambda m: m.group(0).replace(" ", _GLUE), text)
        glued = _AMOUNT.sub(_GLUE, glued)
    if simple and max(map(len, glued.split(" "))) <= width:
        lines = []
        while len(glued) > width:
            cut = glued.rfind(" ", 0, width + 1)
            lines.append(glued[:cut].rstrip(" "))
            glued = glued[cut:].lstrip(" ")
        lines.append(glued)
    else:
        import textwrap

        lines = textwrap.wrap(
            glued,
            width=width,
            break_long_words=True,
            break_on_hyphens=False,
            replace_whitespace=True,
        )
    return "\n".join(lines).replace(_GLUE, " ")


def agency_label(catalog, agency_id: str, lang: str) -> str:
    """The agency as the guide names it, and its name today where it was renamed or
    replaced: "DIRECCTE → DREETS"."""
    name = catalog.agency_name(agency_id)
    agency = catalog.agencies.get(agency_id)
    st = getattr(agency, "status", None)
    if st is not None and st.value in ("renamed", "replaced") and st.successor is not None:
        now = st.successor.name or st.successor.id
        if now and now != name:
            return f"{name} → {now}"
    return name


def pages_of(r) -> str:
    """(p. 8): the pages of the criteria a result does not meet yet."""
    pages = sorted({c.criterion.page for c in r.criteria if c.result != "met"})
    return f" (p. {', '.join(map(str, pages))})" if pages else ""


def changes_text(scheme, lang: str, most: int = 1) -> list[str]:
    """What changed since the guide, newer figure beside the guide's, dated and sourced:
    the first ``most`` changes in full, then how many more (intertex show ID)."""
    changes = list(scheme.status.changes)
    out = []
    for ch in changes[:most]:
        now = ch.now_en if lang == "en" and ch.now_en else ch.now
        src = ", ".join(x.url for x in ch.sources)
        label = ch.label_en if lang == "en" else ch.label
        out.append(
            tr(
                lang,
                f"Depuis le guide — {label} : {now} (depuis {ch.date}"
                + (f", {src}" if src else "")
                + f") ; le guide : {ch.guide}",
                f"Since the guide — {label}: {now} (since {ch.date}"
                + (f", {src}" if src else "")
                + f"); the guide: {ch.guide}",
            )
        )
    if len(changes) > most:
        more = len(changes) - most
        out.append(
            tr(
                lang,
                f"et {more} autre(s) changement(s) : intertex show {scheme.id}",
                f"and {more} more change(s): intertex show {scheme.id}",
            )
        )
    return out
