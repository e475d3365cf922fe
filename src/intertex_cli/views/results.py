"""``check``'s results for people, as lines (lines.py): the plan first, in a box; then
what is almost possible, what is left to check, the rest.

The same text at a terminal (with colours) and in a pipe or a file, at any width from
40 columns; no rich: the whole command starts in a third less time.
"""

from __future__ import annotations

from functools import partial

from intertex_cli.engine.profile import budget_nil
from intertex_cli.engine.verdicts import ELIGIBLE, INELIGIBLE, UNDECIDED
from intertex_cli.text.i18n import euros, t

from . import words as w
from .describe import fact_label
from .lines import Out
from .present import contacts_for

SHOWN = 8  # plan entries in full, lines per group, before "--all"
NAMES = 12  # names in a one-line list


class _Results(Out):
    def heading(self, text: str, style: str = "bold") -> None:
        self.stream.write("\n")
        self.line(text, style=style)

    def item(self, mark: str, text: str, style: str = "") -> None:
        """A bullet whose continuation lines stay indented under its text."""
        self.line(" ".join(text.split()), indent="    ", first=f"{mark:>3} ", style=style)

    def capped(self, items: list, show_all: bool, lang: str, announce: bool = True) -> list:
        """The first SHOWN items (all with --all); says how many more there are."""
        if show_all or len(items) <= SHOWN:
            return items
        if announce:
            more = len(items) - SHOWN
            text = w.tr(
                lang,
                f"(les {SHOWN} premiers ; {more} de plus avec --all)",
                f"(the first {SHOWN}; {more} more with --all)",
            )
            self.line(text, indent="  ", first="  ", style="dim")
        return items[:SHOWN]


def write_results(a, catalog, lang: str, answers_file=None, show_all=False, stream=None):
    """The plan first, in a box; then what is almost possible, to check, the rest."""
    import sys

    from intertex_cli.engine.plan import ended

    out = _Results(stream or sys.stdout)
    p = a.profile
    plan = a.plan
    tr = partial(w.tr, lang)
    out.box_top(tr("Votre plan", "Your plan"), "green")
    _plan_body(out, a, catalog, lang, show_all)
    out.box_bottom("green")
    shown = {e.scheme.id for e in _detailed(plan, a, show_all)}
    later = [x for x in plan.steps if x["when"] != "now" and x["for"] in shown]
    if later:
        out.heading(tr("Ensuite :", "Then:"))
        for x in later:
            st = x["step"]
            who = w.title(catalog.schemes[x["for"]], lang)
            out.item("•", f"{w.text_of(st, lang)} ({who}, {w.ref(st, lang)})")
    documents = [d for d in plan.documents if d["for"] in shown]
    if documents:
        out.heading(tr("À préparer :", "To prepare:"))
        for d in documents:
            out.item("☐", f"{w.text_of(d['document'], lang)} ({w.ref(d['document'], lang)})")

    current = [r for r in a.results if not ended(r.scheme)]
    mine = [r for r in current if a.relevant[r.scheme.id] is not False]
    amounts = {e.scheme.id: e.amount for e in plan.entries}

    def raises_gain(sid: str) -> bool:
        """A near miss worth telling: it adds to the plan, or pays more than the plan
        schemes it would displace."""
        instead = a.nearest_instead.get(sid) or []
        more = a.nearest_amount.get(sid)
        if not instead:
            return True
        return bool(more) and more > sum(amounts.get(x, 0) for x in instead)

    near = [r for r in mine if a.nearest.get(r.scheme.id) and raises_gain(r.scheme.id)]
    near.sort(key=lambda r: -(a.nearest_amount.get(r.scheme.id) or 0))
    if near:
        out.heading(tr("Presque :", "Almost:"), "bold yellow")
        for r in out.capped(near, show_all, lang):
            sid = r.scheme.id
            instead = [catalog.schemes[x] for x in a.nearest_instead.get(sid, [])]
            text = w.nearest_text(
                a.nearest[sid], a.nearest_amount.get(sid), r.scheme, p.answers, lang, instead
            )
            out.item("•", f"{text}{w.pages_of(r)}.")
    undecided = [r for r in mine if r.verdict == UNDECIDED]
    if undecided:
        n = len(undecided)
        out.heading(tr(f"À vérifier ({n}) :", f"To check ({n}):"), "bold yellow")
        for r in out.capped(undecided, show_all, lang):
            miss = ", ".join(fact_label(k, lang) for k in r.missing)
            miss = miss or tr("à voir avec l'organisme", "ask the agency")
            out.item(
                "?",
                f"{w.title(r.scheme, lang)} ({_mark(r.scheme, lang)}) — "
                + tr("manque : ", "missing: ")
                + miss,
            )
    unknown_projects = p.answers.get("projects") is None
    others = [
        r
        for r in current
        if r.verdict == ELIGIBLE
        and (
            a.relevant[r.scheme.id] is False
            or (unknown_projects and r.scheme.id not in plan.id_set)
        )
    ]
    if others:
        what = (
            tr("selon vos projets", "depending on your projects")
            if unknown_projects
            else tr("sans rapport avec vos projets", "unrelated to your projects")
        )
        n = len(others)
        out.heading(tr(f"Aussi ouverts à vous ({n}, {what}) :", f"Also open to you ({n}, {what}):"))
        if show_all:
            for r in others:
                amount = (r.estimate or {}).get("amount_eur")
                extra = " — " + tr("jusqu'à ", "up to ") + euros(amount, lang) if amount else ""
                agency = w.agency_label(catalog, r.scheme.agency, lang)
                mark = _mark(r.scheme, lang)
                out.item("✔", f"{w.title(r.scheme, lang)} ({agency}, {mark}){extra}")
        else:
            names = [w.title(r.scheme, lang) for r in others[:NAMES]]
            more = len(others) - len(names)
            tail = tr(f" et {more} autres", f" and {more} more") if more > 0 else ""
            out.item("", ", ".join(names) + tail + ".")
            out.item("", tr("Le détail : ajoutez --all.", "Details: add --all."), "dim")
    refused = [r for r in current if r.verdict == INELIGIBLE]
    if refused:
        n = len(refused)
        out.heading(tr(f"Non éligibles ({n}) :", f"Not eligible ({n}):"), "bold red")
        mine_refused = [r for r in refused if a.relevant[r.scheme.id] is not False]
        listed = out.capped(refused if show_all else mine_refused, show_all, lang, announce=False)
        for r in listed:
            reason = short_reason(a.reasons.get(r.scheme.id) or [], lang)
            out.item("✘", f"{w.title(r.scheme, lang)} ({_mark(r.scheme, lang)}) — {reason}")
        rest = len(refused) - len(listed)
        if rest:
            lead = tr("et ", "and ") if listed else ""
            text = tr(
                f"{lead}{rest} autres (--all pour le détail).",
                f"{lead}{rest} more (--all for details).",
            )
            out.item("", text, "dim")
    gone = [r for r in a.results if ended(r.scheme)]
    if gone:
        out.heading(
            tr("Supprimés ou remplacés depuis le guide :", "Ended or replaced since the guide:")
        )
        for r in out.capped(gone, show_all, lang):
            bits = [
                w.status_text(r.scheme, lang),
                w.successor_text(r.scheme, lang, catalog.schemes),
            ]
            text = (
                w.title(r.scheme, lang)
                + tr(" : ", ": ")
                + tr(" ; ", "; ").join(b for b in bits if b)
            )
            out.item("–", text, "dim")
    out.stream.write("\n")
    if answers_file is not None:
        out.line(tr("Le détail d'un dispositif :", "One scheme in detail:"), style="dim")
        out.line(f"  intertex why ID --answers {answers_file}", style="dim")
    dates = ", ".join(sorted({r.scheme.source.date for r in a.results})) or "?"
    out.line(t("confirm", lang, date=dates), style="dim")
    recap(out, a, catalog, lang)


def recap(out: Out, a, catalog, lang: str) -> None:
    """The plan in a few lines at the very end, where the eye is when the results stop
    (a terminal of 40 rows shows the tail, not the box): the total, what to do first
    and whom to call."""
    plan = a.plan
    tr = partial(w.tr, lang)
    out.stream.write("\n")
    out.line("── " + tr("Votre plan en bref", "Your plan in short") + " ──", style="bold green")
    if not plan.entries:
        text = tr(
            "Aucun dispositif n'est encore certain : voir « À vérifier » ci-dessus.",
            "No scheme is certain yet: see “To check” above.",
        )
        out.line(text, indent="  ")
        return
    budget = a.profile.answers.get("project_budget_eur")
    names = []
    for e in plan.entries[:SHOWN]:
        amount = e.amount or (a.ceilings.get(e.scheme.id) if budget is None else None)
        what = euros(amount, lang) if amount else t("type." + e.scheme.support_type, lang)
        names.append(w.title(e.scheme, lang) + tr(" : ", ": ") + what)
    more = len(plan.entries) - len(names)
    if more > 0:
        names.append(tr(f"et {more} autres", f"and {more} more"))
    if isinstance(budget, (int, float)):
        head = tr("Total : ", "Total: ") + euros(plan.total, lang)
    else:
        head = tr("Budget non renseigné, plafonds", "Budget not given, ceilings")
    out.line(f"{head} — " + tr(" ; ", "; ").join(names) + ".", indent="  ", style="bold")
    step = next((x for x in plan.steps if x["when"] == "now"), None)
    if step is None:
        return
    st = step["step"]
    sch = catalog.schemes[step["for"]]
    first = tr("D'abord : ", "First: ")
    out.line(f"{first}{w.text_of(st, lang)} ({w.title(sch, lang)}, p. {st.page})", indent="  ")
    who = catalog.schemes.get(step["contact_scheme"])
    p = a.profile
    cs = contacts_for(who, catalog, p.answers.get("region"), p.answers.get("department"))
    if cs:
        out.line(tr("Contact : ", "Contact: ") + w.contact_line(cs[0], lang), indent="  ")


def _plan_body(out: _Results, a, catalog, lang: str, show_all: bool = False) -> None:
    """Inside the plan's box: each scheme with its amount and computation, what to do
    first and whom to call; the total; what was left out and why."""
    from intertex_cli.engine.vocab import PROJECTS

    p, plan = a.profile, a.plan
    tr = partial(w.tr, lang)
    row = partial(out.box_row, border="green")
    region, department = p.answers.get("region"), p.answers.get("department")
    head = []
    if p.answers.get("projects"):
        head.append(", ".join(PROJECTS[x][lang == "en"] for x in p.answers["projects"]))
    budget = p.answers.get("project_budget_eur")
    if isinstance(budget, (int, float)):
        head.append(
            tr(f"budget {euros(budget, lang)} HT", f"budget {euros(budget, lang)} excl. VAT")
        )
    if head:
        row("", " · ".join(head), "bold")
    first = plan.first
    no_budget = not isinstance(budget, (int, float)) and not budget_nil(p)
    ceilings = {e.scheme.id: a.ceilings.get(e.scheme.id) for e in plan.entries if no_budget}
    detailed = _detailed(plan, a, show_all)
    hidden = plan.entries[len(detailed) :]
    for i, e in enumerate(detailed, 1):
        sch = e.scheme
        top_amount = e.amount or ceilings.get(sch.id)
        if top_amount:
            right, right_style = tr("jusqu'à ", "up to ") + euros(top_amount, lang), "bold green"
        else:
            right, right_style = t("type." + sch.support_type, lang), "cyan"
        title = f"{w.title(sch, lang)} — {w.agency_label(catalog, sch.agency, lang)}"
        row(f"{i}.", title, "bold", right=right, right_style=right_style)
        lines = []
        if e.amount:
            lines.append(w.amount_text(e.result.estimate, sch, lang))
            if e.shared:
                lines.append(w.shared_text(e.shared, sch, lang))
            if e.reduced_from is not None:
                lines.append(
                    tr(
                        f"base réduite des autres aides du plan : {euros(e.amount, lang)}",
                        f"base reduced by the plan's other aid: {euros(e.amount, lang)}",
                    )
                )
        elif ceilings.get(sch.id):
            lines.append(
                w.ceiling_text(ceilings[sch.id], sch, lang)
                + tr(
                    " : donnez votre budget pour le calcul",
                    ": give your budget for the computation",
                )
            )
        if e.cover:
            lines.extend(w.cover_lines(e.cover, sch, lang, e.cover_reduced_from))
        lines.extend(w.off_budget_text(a.off_budget.get(sch.id) or [], sch, lang))
        step = first.get(sch.id)
        if step:
            st = step["step"]
            lines.append(tr("À faire : ", "To do: ") + f"{w.text_of(st, lang)} ({w.ref(st, lang)})")
            who = catalog.schemes.get(step["contact_scheme"])
            cs = contacts_for(who, catalog, region, department) if who else []
            if cs:
                lines.append(tr("Contact : ", "Contact: ") + w.contact_line(cs[0], lang))
        lines.append(tr("Statut : ", "Status: ") + w.status_text(sch, lang))
        today = w.today_text(sch, lang)
        if today:
            lines.append(tr("À contacter aujourd'hui : ", "Contact today: ") + today)
        lines.extend(w.terms_text(sch, lang))
        for line in lines:
            row("", line)
    if hidden:
        n = len(hidden)
        names = ", ".join(w.title(e.scheme, lang) for e in hidden[:NAMES])
        more = tr(f" et {n - NAMES} autres", f" and {n - NAMES} more") if n > NAMES else ""
        row(
            "",
            tr(
                f"Aussi dans votre plan : {names}{more} (--all ou --report plan.md pour le détail).",
                f"Also in your plan: {names}{more} (--all or --report plan.md for details).",
            ),
        )
    if plan.entries and no_budget:
        text = tr(
            "Budget non renseigné : les montants ci-dessus sont des plafonds.",
            "Budget not given: the amounts above are ceilings.",
        )
        row("", text, "bold")
    elif plan.entries:
        total = tr("Total des aides chiffrées : ", "Total of the amounts computed: ")
        most = tr("au plus ", "at most ") if any(e.shared for e in plan.entries) else ""
        row("", total + most + euros(plan.total, lang), "bold")
    else:
        text = tr(
            "Aucun dispositif n'est encore certain : voir ci-dessous.",
            "No scheme is certain yet: see below.",
        )
        row("", text)
    clashes = [x for x in plan.left_out if x["reason"] in ("non-cumulation", "same-expenses")]
    for x in clashes if show_all else clashes[:SHOWN]:
        row(
            "",
            tr("Laissé de côté : ", "Left out: ") + w.left_out_text(x, catalog.schemes, lang),
            "dim",
        )
    if len(clashes) > SHOWN and not show_all:
        more = len(clashes) - SHOWN
        row(
            "",
            tr(f"Et {more} autres laissés de côté (--all).", f"And {more} more left out (--all)."),
            "dim",
        )


def _detailed(plan, a, show_all: bool) -> list:
    """The plan's entries shown in full, each with its first step and whom to call: the
    first SHOWN of them unless --all."""
    return plan.entries if show_all else plan.entries[:SHOWN]


def _mark(scheme, lang: str) -> str:
    """The scheme's status today, in two words: "? non vérifié", "⚠ modifié"."""
    return t("mark." + scheme.status.value, lang)


def short_reason(reasons, lang: str) -> str:
    """The failing values with their pages, without the whole quote (see intertex why)."""
    bits = []
    for cr, fails in reasons:
        joined = " et " if lang == "fr" else " and "
        text = (
            joined.join(dict.fromkeys(w.failure_text(f, lang) for f in fails)) or cr.criterion.quote
        )
        bits.append(f"{text} ({w.ref(cr.criterion, lang)})")
    return " ; ".join(bits)
