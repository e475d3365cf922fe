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


def name_of(obj, lang: str) -> str:
    """A contact's or a successor's name in the language, French when not translated."""
    name = obj.name or ""
    return (getattr(obj, "name_en", None) or name) if lang == "en" else name


def summary(scheme, lang: str) -> str:
    text = scheme.summary_en if lang == "en" and scheme.summary_en else scheme.description
    return " ".join(text.split())


def label(obj, lang: str) -> str:
    """A component's or a figure's label in the language, French when not translated."""
    return (getattr(obj, "label_en", None) or obj.label) if lang == "en" else obj.label


def text_of(obj, lang: str) -> str:
    return (getattr(obj, "text_en", None) or obj.text) if lang == "en" else obj.text


def note_of(obj, lang: str) -> str | None:
    """An item's reading note in the language (``note_en``), French when not translated."""
    return (getattr(obj, "note_en", None) or obj.note) if lang == "en" else obj.note


def notes_of(card, lang: str) -> list[str]:
    """A card's reading notes in the language (``notes_en``), French when not translated."""
    return list((getattr(card, "notes_en", None) or card.notes) if lang == "en" else card.notes)


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


def _quota_labels(c: dict, scheme, lang: str) -> list[str]:
    """What each share that may apply is of, where the card says so in a rule's
    ``label`` (the Assurance-Crédit's 100 % is for two products only, p. 31); a
    label that only says "Quotité garantie" adds nothing and is left out."""
    cover = scheme.funding.cover
    rules = list(getattr(cover, "quota", None) or [])
    out = []
    for i in c.get("quota_rules") or []:
        rule = rules[i] if i < len(rules) else None
        lab = label(rule, lang) if rule is not None and rule.label else ""
        if lab.lower().rstrip(".") in ("quotité garantie", "share guaranteed"):
            lab = ""
        out.append(lab[:1].lower() + lab[1:] if lab[1:2].islower() else lab)
    return out


def cover_lines(c: dict, scheme, lang: str, budget_before=None) -> list[str]:
    """What an insurance, a guarantee or a loan is, for this company, in numbers.
    ``budget_before``: what it would cover without the plan's subsidies (it covers only
    what stays at the company's charge)."""
    e = lambda x: euros(x, lang)  # noqa: E731
    kind = tr(lang, *_KIND[c["kind"]])
    lines = []
    if budget_before is not None and c.get("covered_eur") is not None:
        paid = budget_before - c["covered_eur"]
        lines.append(
            tr(
                lang,
                f"sur ce qui reste à votre charge : {e(budget_before)} de dépenses moins "
                f"{e(paid)} de subventions du plan = {e(c['covered_eur'])}",
                f"on what stays at your charge: {e(budget_before)} of spending less "
                f"{e(paid)} of the plan's grants = {e(c['covered_eur'])}",
            )
        )
    quota = c.get("quota")
    upto = tr(lang, "jusqu'à ", "up to ") if c.get("quota_is_max") else ""
    labels = _quota_labels(c, scheme, lang)
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
    elif labels and all(labels):
        # each share says what it is of (the card's words): "100 % for supplier credits"
        for q, lab in zip(c["quota_options"], labels):
            pct = upto + percent(q, lang)
            lines.append(tr(lang, f"{kind} : {lab} : {pct}", f"{kind}: {lab}: {pct}"))
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
            text += guide_was(
                scheme, "funding.cover.premium.rate", lang, lambda v: percent(v, lang)
            )
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
    return f"{values} — {quote} ({ref(c, lang)})" if values else f"{quote} ({ref(c, lang)})"


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


def status_text(scheme, lang: str, short: bool = False) -> str:
    """ "modifié depuis le guide (confirmé, 2018-05-02)"; an ending that is only probable
    says so: "probablement supprimé depuis le guide". ``short``: without "depuis le
    guide", for a column that says it."""
    st = scheme.status
    bits = [tr(lang, *_CONFIDENCE[st.confidence])]
    if st.evidence_date:
        bits.append(st.evidence_date)
    value = tr(lang, *_STATUS[st.value])
    if short:
        value = value.removesuffix(" depuis le guide").removesuffix(" since the guide")
    if st.confidence != "confirmed" and st.value in ("abolished", "replaced"):
        value = tr(lang, "probablement ", "probably ") + value
    return f"{value} ({', '.join(bits)})"


def successor_text(scheme, lang: str, schemes_by_id: dict | None = None) -> str:
    succ = scheme.status.successor
    if succ is None:
        return ""
    other = (schemes_by_id or {}).get(succ.id or "")
    name = name_of(succ, lang) or (title(other, lang) if other is not None else succ.id) or ""
    url = f" ({succ.url})" if succ.url else ""
    return tr(lang, f"successeur : {name}{url}", f"successor: {name}{url}")


def today_text(scheme, lang: str) -> str:
    """Whom to contact today, from newer evidence (apart from the guide's contacts)."""
    items = []
    for c in scheme.status.contact_today:
        items.append(name_of(c, lang) + (f" ({c.url})" if c.url else ""))
    return "; ".join(items)


# ----------------------------------------------------------------------------- wrapping

_GLUE = "\x00"  # a space that must not break a line: inside an amount or a phone number
# Each pattern starts with the one character its every match starts with (a space; a
# digit or "+"), what precedes it looked behind: the regular expression engine then
# skips to that character, where a look-behind first was tried at every place of the
# text (a sixth of the time for the amounts, a third for the phones).
_AMOUNT = (
    r" (?:(?<=\d )(?=\d{3}\b|[kM]?€|%)|(?<=€ )(?=\d)|(?<=« )|(?=»)"
    r"|(?<=\bp\. )(?=\d)|(?<=\bpp\. )(?=\d)"
    r"|(?<=\S )(?=[:;?!](?:\s|$)))"  # French spacing: "Contact :", "passer : ?]"
)
_PHONE = (  # 05 61 11 52 00, 0 800 123 456, +33 (0)5 61 11 52 00
    r"[\d+](?:(?<=\b\d)\d(?: \d{2}){4}\b|(?<=\b0) ?8\d{2}(?: \d{3}){2}\b"
    r"|(?<=\+)33 \(0\)\d(?: \d{2}){4})"
)
_GLUE_NEEDED = "[0-9«»]| [:;?!]"  # else nothing to glue
_compiled: list = []


def glue_patterns() -> list:
    """(glue needed, phone, amount), compiled on first use (3 million instructions: a
    command that wraps no text compiles none)."""
    if not _compiled:
        _compiled.extend(re.compile(p) for p in (_GLUE_NEEDED, _PHONE, _AMOUNT))
    return _compiled


def unbreakable(text: str, glue: str = "\u00a0") -> str:
    """``text`` with ``glue`` (a no-break space) for each space that must not break a
    line: inside an amount ("20 000 €"), a percentage, a page ("p. 6"), a phone number,
    after « and before »."""
    needed, phone, amount = glue_patterns()
    if not needed.search(text):
        return text
    glued = phone.sub(lambda m: m.group(0).replace(" ", glue), text)
    return amount.sub(glue, glued)


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
    glued = unbreakable(text, _GLUE)
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
        now = name_of(st.successor, lang) or st.successor.id
        if now and now != name:
            return f"{name} → {now}"
    return name


def shared_text(projects: list[str], scheme, lang: str) -> str:
    """A subsidy that pays for only some of the company's projects: its amount is at
    most, on the part of the budget it covers (how the budget splits is not known)."""
    from intertex_cli.engine.vocab import PROJECTS

    paid = {x for c in scheme.funding.components if c.applies_to_budget for x in c.projects}
    paid = paid or {link.id for link in scheme.projects}

    def short(x: str) -> str:
        return PROJECTS[x][lang == "en"].split(",")[0].split(" (")[0].lower()

    yes = ", ".join(short(x) for x in sorted(paid) if x in PROJECTS)
    no = ", ".join(short(x) for x in projects if x in PROJECTS)
    return tr(
        lang,
        f"au plus : sur la seule part du budget consacrée à : {yes} (pas : {no})",
        f"at most: on the part of the budget spent on: {yes} only (not: {no})",
    )


def pages_of(r) -> str:
    """(p. 8): the pages of the criteria a result does not meet yet (a criterion added
    since the guide has none: its date is in the reason)."""
    pages = sorted({c.criterion.page for c in r.criteria if c.result != "met"} - {None})
    return f" (p. {', '.join(map(str, pages))})" if pages else ""


def site(url: str) -> str:
    """terres-du-lauragais.fr for http://www.terres-du-lauragais.fr/fr/entreprise/…"""
    host = url.split("://", 1)[-1].split("/", 1)[0]
    return host.removeprefix("www.") or url


def ref(item, lang: str) -> str:
    """Where a step, document, condition or criterion comes from: the guide's page, or
    for a term added since the guide, the date its evidence gives ("depuis 2023-04")."""
    page = getattr(item, "page", None)
    if page:
        return f"p. {page}"
    since = getattr(item, "since", None)
    day = getattr(since, "date", None) if since is not None else None
    sources = getattr(since, "sources", None) or []
    # the site, not the whole address: a reference that reads in a sentence (show has it)
    src = "".join(f", {site(x.url)}" for x in sources[:1] if getattr(x, "url", None))
    if day:
        return tr(lang, f"depuis {day}{src}", f"since {day}{src}")
    return tr(lang, f"après le guide{src}", f"since the guide{src}")


def guide_was(scheme, path: str, lang: str, shown) -> str:
    """ " — le guide : 2 %" when the term at ``path`` is not the guide's that day."""
    changed = getattr(scheme, "changed", None) or {}
    if path not in changed:
        return ""
    old = changed[path][0]
    was = shown(old) if old is not None else tr(lang, "aucun", "none")
    return tr(lang, f" — le guide : {was}", f" — the guide: {was}")


def changes_text(scheme, lang: str, most: int = 1) -> list[str]:
    """What changed since the guide, newer figure beside the guide's, dated and sourced:
    the first ``most`` changes in full, then how many more (intertex show ID)."""
    changes = list(scheme.status.changes)
    out = []
    for ch in changes[:most]:
        now = ch.now_en if lang == "en" and ch.now_en else ch.now
        guide = ch.guide_en if lang == "en" and ch.guide_en else ch.guide
        src = ", ".join(x.url for x in ch.sources)
        label = ch.label_en if lang == "en" else ch.label
        when = tr(lang, f"depuis {ch.date}", f"since {ch.date}") if ch.date else ""
        when = when or tr(lang, "date inconnue", "date unknown")
        out.append(
            tr(
                lang,
                f"Depuis le guide — {label} : {now} ({when}"
                + (f", {src}" if src else "")
                + f") ; le guide : {guide}",
                f"Since the guide — {label}: {now} ({when}"
                + (f", {src}" if src else "")
                + f"); the guide: {guide}",
            )
        )
    if len(changes) > most:
        more = len(changes) - most
        out.append(
            tr(
                lang,
                f"et {more} autre{'s' if more > 1 else ''} changement{'s' if more > 1 else ''}"
                f" : intertex show {scheme.id}",
                f"and {more} more change{'s' if more > 1 else ''}: intertex show {scheme.id}",
            )
        )
    return out


def terms_text(scheme, lang: str) -> list[str]:
    """In a plan entry: the terms of the day that replace the guide's (already in the
    figures above, the guide's beside them), the other changes since the guide, and
    those whose date is unknown (told, never computed with); the detail in ``show``."""
    from intertex_cli.catalog.dated import values_of

    day = getattr(scheme, "day", None)
    dated = [ch for ch in getattr(scheme, "terms", ()) if ch.date]
    applied = [ch for ch in dated if values_of(ch)]
    told = [ch for ch in dated if not values_of(ch)]
    undated = [ch for ch in scheme.status.changes if not ch.date]

    def names(changes) -> str:
        by_date: dict = {}
        for ch in changes:
            by_date.setdefault(str(ch.date), []).append(ch.label_en if lang == "en" else ch.label)
        return tr(lang, " ; ", "; ").join(
            tr(lang, f"depuis {d} : ", f"since {d}: ") + ", ".join(labels)
            for d, labels in sorted(by_date.items())
        )

    out = []
    if applied:
        out.append(
            tr(
                lang,
                f"Conditions en vigueur le {day}, appliquées ci-dessus : {names(applied)}",
                f"Terms in force on {day}, applied above: {names(applied)}",
            )
        )
    if told:
        out.append(
            tr(
                lang,
                f"Changé aussi depuis le guide : {names(told)}",
                f"Also changed since the guide: {names(told)}",
            )
        )
    for ch in undated:
        now = ch.now_en if lang == "en" and ch.now_en else ch.now
        label = ch.label_en if lang == "en" else ch.label
        out.append(
            tr(
                lang,
                f"À confirmer (date inconnue) — {label} : {now}",
                f"To confirm (date unknown) — {label}: {now}",
            )
        )
    if out:
        out.append(tr(lang, "Le détail : ", "Details: ") + f"intertex show {scheme.id}")
    return out
