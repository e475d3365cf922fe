"""Rich rendering for people at a terminal. Text from data files is always escaped."""

from __future__ import annotations

from functools import partial

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from intertex_cli.engine.verdicts import ELIGIBLE, INELIGIBLE, UNDECIDED
from intertex_cli.i18n import euros, t

from . import words as w
from .describe import fact_label
from .present import (
    contacts_for,
)

STATUS_STYLE = {
    "abolished": "bold red",
    "changed": "yellow",
    "renamed": "yellow",
    "replaced": "yellow",
    "still-offered": "green",
    "not-checked": "dim",
}
VERDICT_STYLE = {"eligible": "bold green", "unknown": "bold yellow", "ineligible": "bold red"}


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """The reader went away (``intertex list | head -1``): rich would exit 1; the
        command's error handler ends normally instead (exit 0)."""
        self.quiet = True
        raise BrokenPipeError(32, "Broken pipe")


def console(stderr: bool = False) -> Console:
    return _Console(stderr=stderr, highlight=False, soft_wrap=stderr)


def _e(s) -> str:
    return escape(str(s))


def _date(schemes) -> str:
    return ", ".join(sorted({s.source.date for s in schemes})) or "?"


def _section(title: str) -> Text:
    return Text(title, style="bold underline")


def print_results(
    con: Console, a, catalog, lang: str, answers_file=None, show_all: bool = False
) -> None:
    """The plan first, in a panel; then what is almost possible, to check, the rest."""
    from intertex_cli.engine.plan import ended

    p = a.profile
    plan = a.plan
    tr = partial(w.tr, lang)
    con.print(
        Panel(
            _plan_body(a, catalog, lang, con.width, show_all),
            title=tr("Votre plan", "Your plan"),
            title_align="left",
            border_style="green",
        )
    )
    shown = {e.scheme.id for e in _detailed(plan, a, show_all)}
    later = [x for x in plan.steps if x["when"] != "now" and x["for"] in shown]
    if later:
        _heading(con, tr("Ensuite :", "Then:"))
        for x in later:
            st = x["step"]
            who = w.title(catalog.schemes[x["for"]], lang)
            _item(con, "•", f"{w.text_of(st, lang)} ({who}, p. {st.page})")
    documents = [d for d in plan.documents if d["for"] in shown]
    if documents:
        _heading(con, tr("À préparer :", "To prepare:"))
        for d in documents:
            _item(con, "☐", f"{w.text_of(d['document'], lang)} (p. {d['document'].page})")

    current = [r for r in a.results if not ended(r.scheme)]
    mine = [r for r in current if a.relevant[r.scheme.id] is not False]
    near = [r for r in mine if a.nearest.get(r.scheme.id)]
    near.sort(key=lambda r: -(a.nearest_amount.get(r.scheme.id) or 0))
    if near:
        _heading(con, tr("Presque :", "Almost:"), "bold yellow")
        for r in _capped(con, near, show_all, lang):
            sid = r.scheme.id
            instead = [catalog.schemes[x] for x in a.nearest_instead.get(sid, [])]
            text = w.nearest_text(
                a.nearest[sid], a.nearest_amount.get(sid), r.scheme, p.answers, lang, instead
            )
            _item(con, "•", f"{text}{w.pages_of(r)}.")
    undecided = [r for r in mine if r.verdict == UNDECIDED]
    if undecided:
        _heading(
            con,
            tr(f"À vérifier ({len(undecided)}) :", f"To check ({len(undecided)}):"),
            "bold yellow",
        )
        for r in _capped(con, undecided, show_all, lang):
            miss = ", ".join(fact_label(k, lang) for k in r.missing)
            miss = miss or tr("à voir avec l'organisme", "ask the agency")
            _item(
                con,
                "?",
                f"{w.title(r.scheme, lang)} ({_mark(r.scheme, lang)}) — "
                + tr("manque : ", "missing: ")
                + miss,
            )
    others = [r for r in current if r.verdict == ELIGIBLE and a.relevant[r.scheme.id] is False]
    if others:
        what = tr("sans rapport avec vos projets", "unrelated to your projects")
        _heading(
            con,
            tr(
                f"Aussi ouverts à vous ({len(others)}, {what}) :",
                f"Also open to you ({len(others)}, {what}):",
            ),
        )
        if show_all:
            for r in others:
                amount = (r.estimate or {}).get("amount_eur")
                extra = " — " + tr("jusqu'à ", "up to ") + euros(amount, lang) if amount else ""
                _item(
                    con,
                    "✔",
                    f"{w.title(r.scheme, lang)} ({w.agency_label(catalog, r.scheme.agency, lang)}, "
                    f"{_mark(r.scheme, lang)}){extra}",
                )
        else:
            names = [w.title(r.scheme, lang) for r in others[:NAMES]]
            more = len(others) - len(names)
            tail = tr(f" et {more} autres", f" and {more} more") if more > 0 else ""
            _item(con, "", ", ".join(names) + tail + ".")
            _item(con, "", tr("Le détail : ajoutez --all.", "Details: add --all."), "dim")
    refused = [r for r in current if r.verdict == INELIGIBLE]
    if refused:
        _heading(
            con,
            tr(f"Non éligibles ({len(refused)}) :", f"Not eligible ({len(refused)}):"),
            "bold red",
        )
        listed = (
            refused if show_all else [r for r in refused if a.relevant[r.scheme.id] is not False]
        )
        shown = _capped(con, listed, show_all, lang, announce=False)
        listed = shown
        for r in shown:
            _item(
                con,
                "✘",
                f"{w.title(r.scheme, lang)} ({_mark(r.scheme, lang)}) — "
                f"{_short_reason(a.reasons.get(r.scheme.id) or [], lang)}",
            )
        rest = len(refused) - len(listed)
        if rest:
            _item(
                con,
                "",
                tr(
                    f"{'et ' if listed else ''}{rest} autres (--all pour le détail).",
                    f"{'and ' if listed else ''}{rest} more (--all for details).",
                ),
                "dim",
            )
    gone = [r for r in a.results if ended(r.scheme)]
    if gone:
        _heading(
            con,
            tr("Supprimés ou remplacés depuis le guide :", "Ended or replaced since the guide:"),
        )
        for r in _capped(con, gone, show_all, lang):
            bits = [
                w.status_text(r.scheme, lang),
                w.successor_text(r.scheme, lang, catalog.schemes),
            ]
            _item(
                con, "–", f"{w.title(r.scheme, lang)} : " + " ; ".join(b for b in bits if b), "dim"
            )
    con.print()
    if answers_file is not None:
        _say(con, tr("Le détail d'un dispositif :", "One scheme in detail:"), "dim")
        _say(con, f"  intertex why ID --answers {answers_file}", "dim")
    _say(con, t("confirm", lang, date=_date([r.scheme for r in a.results])), "dim")


def _say(con: Console, text: str, style: str = "") -> None:
    """A plain line, wrapped without breaking amounts, no trailing spaces."""
    from .words import wrap

    con.print(Text(wrap(text, con.width), style=style), no_wrap=True, overflow="ignore")


def _plan_body(a, catalog, lang: str, width: int, show_all: bool = False) -> Table:
    """Inside the plan's panel: each scheme with its amount and computation, what to do
    first and whom to call; the total; what was left out and why."""
    from intertex_cli.engine.vocab import PROJECTS

    p, plan = a.profile, a.plan
    tr = partial(w.tr, lang)
    region, department = p.answers.get("region"), p.answers.get("department")
    body = _Lines()
    head = []
    if p.answers.get("projects"):
        head.append(", ".join(PROJECTS[x][lang == "en"] for x in p.answers["projects"]))
    budget = p.answers.get("project_budget_eur")
    if isinstance(budget, (int, float)):
        head.append(
            tr(f"budget {euros(budget, lang)} HT", f"budget {euros(budget, lang)} excl. VAT")
        )
    if head:
        body.line(" · ".join(head), width, "bold")
    first = {x["for"]: x for x in plan.steps if x["when"] == "now"}
    no_budget = not isinstance(budget, (int, float))
    ceilings = {e.scheme.id: a.ceilings.get(e.scheme.id) for e in plan.entries if no_budget}
    major = [e for e in plan.entries if e.amount or e.cover or ceilings.get(e.scheme.id)]
    detailed = _detailed(plan, a, show_all)
    hidden = major[len(detailed) :]
    for i, e in enumerate(detailed, 1):
        sch = e.scheme
        top_amount = e.amount or ceilings.get(sch.id)
        if top_amount:
            right = Text(tr("jusqu'à ", "up to ") + euros(top_amount, lang), style="bold green")
        else:
            right = Text(t("type." + sch.support_type, lang), style="cyan")
        top = Table.grid(expand=True)
        top.add_column(ratio=1, overflow="fold")
        top.add_column(no_wrap=True, justify="right")
        top.add_row(
            Text(
                f"{w.title(sch, lang)} — {w.agency_label(catalog, sch.agency, lang)}", style="bold"
            ),
            right,
        )
        body.add(f"{i}.", top)
        lines = []
        if e.amount:
            lines.append(w.amount_text(e.result.estimate, sch, lang))
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
            lines.extend(w.cover_lines(e.cover, sch, lang))
        lines.extend(w.off_budget_text(a.off_budget.get(sch.id) or [], sch, lang))
        step = first.get(sch.id)
        if step:
            st = step["step"]
            lines.append(tr("À faire : ", "To do: ") + f"{w.text_of(st, lang)} (p. {st.page})")
            who = catalog.schemes.get(step["contact_scheme"])
            cs = contacts_for(who, catalog, region, department) if who else []
            if cs:
                lines.append(tr("Contact : ", "Contact: ") + w.contact_line(cs[0], lang))
        lines.append(tr("Statut : ", "Status: ") + w.status_text(sch, lang))
        today = w.today_text(sch, lang)
        if today:
            lines.append(tr("À contacter aujourd'hui : ", "Contact today: ") + today)
        lines.extend(w.changes_text(sch, lang))
        for line in lines:
            body.line(line, width)
    if hidden:
        text = tr(
            f"Et {len(hidden)} autres dispositifs du plan : --all ou --report plan.md pour le détail.",
            f"And {len(hidden)} more schemes in the plan: --all or --report plan.md for details.",
        )
        body.line(text, width)
    in_major = {id(e) for e in major}
    minor = [e for e in plan.entries if id(e) not in in_major]
    if minor and len(minor) > NAMES and not show_all:
        names = ", ".join(w.title(e.scheme, lang) for e in minor[:NAMES])
        more = tr(f" et {len(minor) - NAMES} autres", f" and {len(minor) - NAMES} more")
        body.line(tr("Aussi dans votre plan : ", "Also in your plan: ") + names + more + ".", width)
    elif minor:
        names = ", ".join(w.title(e.scheme, lang) for e in minor)
        body.line(tr("Aussi dans votre plan : ", "Also in your plan: ") + names + ".", width)
    if plan.entries and no_budget:
        text = tr(
            "Budget non renseigné : les montants ci-dessus sont des plafonds.",
            "Budget not given: the amounts above are ceilings.",
        )
        body.line(text, width, "bold")
    elif plan.entries:
        total = tr("Total des aides chiffrées : ", "Total of the amounts computed: ")
        body.line(total + euros(plan.total, lang), width, "bold")
    else:
        text = tr(
            "Aucun dispositif n'est encore certain : voir ci-dessous.",
            "No scheme is certain yet: see below.",
        )
        body.line(text, width)
    clashes = [x for x in plan.left_out if x["reason"] in ("non-cumulation", "same-expenses")]
    for x in clashes if show_all else clashes[:SHOWN]:
        text = tr("Laissé de côté : ", "Left out: ") + w.left_out_text(x, catalog.schemes, lang)
        body.line(text, width, "dim")
    if len(clashes) > SHOWN and not show_all:
        more = len(clashes) - SHOWN
        body.line(
            tr(f"Et {more} autres laissés de côté (--all).", f"And {more} more left out (--all)."),
            width,
            "dim",
        )
    return body.grid


def _detailed(plan, a, show_all: bool) -> list:
    """The plan's entries shown in full: those with an amount, a cover or a ceiling,
    the first SHOWN of them unless --all."""
    budget = a.profile.answers.get("project_budget_eur")
    no_budget = not isinstance(budget, (int, float))
    major = [
        e
        for e in plan.entries
        if e.amount or e.cover or (no_budget and a.ceilings.get(e.scheme.id))
    ]
    return major if show_all else major[:SHOWN]


SHOWN = 8  # plan entries in full, lines per group, before "--all"
NAMES = 12  # names in a one-line list


def _capped(con: Console, items: list, show_all: bool, lang: str, announce: bool = True) -> list:
    """The first SHOWN items (all with --all); says how many more there are."""
    if show_all or len(items) <= SHOWN:
        return items
    if announce:
        more = len(items) - SHOWN
        con.print(
            Text(
                w.tr(
                    lang,
                    f"  (les {SHOWN} premiers ; {more} de plus avec --all)",
                    f"  (the first {SHOWN}; {more} more with --all)",
                ),
                style="dim",
            )
        )
    return items[:SHOWN]


def _mark(scheme, lang: str) -> str:
    """The scheme's status today, in two words: "? non vérifié", "⚠ modifié"."""
    return t("mark." + scheme.status.value, lang)


def _heading(con: Console, text: str, style: str = "bold") -> None:
    con.print()
    con.print(Text(text, style=style))


class _Lines:
    """Rows of a panel: a narrow mark column, the text wrapping under itself."""

    def __init__(self) -> None:
        self.grid = Table.grid(padding=(0, 1), expand=True)
        self.grid.add_column(width=3, no_wrap=True)
        self.grid.add_column(ratio=1, overflow="fold")

    def add(self, mark: str, content) -> None:
        self.grid.add_row(mark, content)

    def line(self, text: str, width: int, style: str = "") -> None:
        """A line of the panel, wrapped so that no amount or phone number breaks."""
        from .words import wrap

        self.grid.add_row("", Text(wrap(" ".join(text.split()), width - 8), style=style))


def _item(con: Console, mark: str, text, style: str = "", spans=()) -> None:
    """A bullet whose continuation lines stay indented under its text, wrapped by
    ``words.wrap`` so that no amount or phone number is broken, with no trailing
    spaces when piped; ``spans`` are (start, end, style) of the plain text."""
    from .words import wrap

    plain = text.plain.replace("\n", " ") if isinstance(text, Text) else " ".join(text.split())
    body = Text(wrap(plain, con.width - 4), style=style)
    if isinstance(text, Text):  # keep the styles of a Text built by the caller
        spans = [(sp.start, sp.end, sp.style) for sp in text.spans]
    for start, stop, st in spans:
        body.stylize(st, start, stop)
    out = Text()
    for i, line in enumerate(body.split("\n")):
        out.append(f"{mark:>3} " if i == 0 else "    ")
        out.append_text(line)
        out.append("\n")
    out.rstrip()
    con.print(out, no_wrap=True, overflow="ignore")


def _short_reason(reasons, lang: str) -> str:
    """The failing values with their pages, without the whole quote (see intertex why)."""
    from .words import failure_text

    bits = []
    for cr, fails in reasons:
        joined = " et " if lang == "fr" else " and "
        text = (
            joined.join(dict.fromkeys(failure_text(f, lang) for f in fails)) or cr.criterion.quote
        )
        bits.append(f"{text} (p. {cr.criterion.page})")
    return " ; ".join(bits)


def print_explain(con: Console, r, a, catalog, lang: str) -> None:
    from .present import explain_items

    x = explain_items(r, a, catalog, lang)
    s = r.scheme
    con.print(Text(x["title"], style="bold"))
    con.print(
        Text(
            f"{x['verdict']} · {t('sec.status', lang)} : {x['status']}",
            style=VERDICT_STYLE[r.verdict],
        )
    )
    if s.beneficiary != "company":
        con.print(Text(t("beneficiary." + s.beneficiary, lang), style="cyan"))
    if not x["criteria"]:
        con.print(t("no_criteria", lang))
    style = {"met": "green", "unmet": "red"}
    for it in x["criteria"]:
        line = Text(f" {it['mark']} ", style=style.get(it["result"], "yellow"))
        line.append(it["rule"], style="bold")
        line.append(f"  ({t('criterion.' + it['result'], lang)})", style="dim")
        con.print(line)
        _item(con, "", f"« {it['quote']} » (p. {it['page']})")
        for sub in it["subs"]:
            _item(con, "", sub, "yellow" if it["result"] != "met" else "dim")
    for line in [x["amount"], *x["cover"], x["nearest"]]:
        if line:
            con.print()
            _item(con, "→", line)
    if x["conditions"]:
        con.print(_section(t("sec.conditions", lang)))
        for text, ref in x["conditions"]:
            _item(con, "•", f"{text}{ref}")


def print_problems(con: Console, message: str, problems, hint: str = "", lang=None) -> None:
    """An error and each problem with its file, line and field, in the interface's
    language (messages.py); text from files is cleaned and escaped."""
    from dataclasses import replace

    from intertex_cli.messages import localize
    from intertex_cli.sanitize import clean

    con.print(f"[bold red]{_e(clean(localize(message, lang)))}[/]")
    for p in problems:
        shown = replace(p, message=localize(p.message, lang)) if hasattr(p, "message") else p
        con.print(f"  {_e(clean(str(shown)))}")
    if hint:
        con.print(f"[dim]{_e(clean(localize(hint, lang)))}[/]")
