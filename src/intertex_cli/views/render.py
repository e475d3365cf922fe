"""Rich rendering for people at a terminal. Text from data files is always escaped."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from intertex_cli.engine.rules import ELIGIBLE, MET, UNDECIDED, UNMET
from intertex_cli.i18n import euros, t

from .describe import describe, fact_label, value_label
from .present import (
    _contact_lines,
    _source_line,
    card_sections,
    contacts_for,
    group_results,
    headline,
    reason_text,
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


def console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=stderr)


def _e(s) -> str:
    return escape(str(s))


def print_list(con: Console, schemes, catalog, lang: str, title: str | None = None) -> None:
    table = Table(title=title, show_lines=False, header_style="bold", expand=False)
    table.add_column(t("col.id", lang), no_wrap=True, style="cyan")
    table.add_column(t("col.title", lang), overflow="fold", ratio=3)
    table.add_column(t("col.agency", lang), overflow="fold", ratio=1)
    table.add_column(t("col.type", lang), overflow="fold", ratio=1)
    table.add_column(t("col.amount", lang), no_wrap=True, justify="right")
    table.add_column(t("col.status", lang), overflow="fold")
    for s in schemes:
        st = s.status.value
        table.add_row(
            _e(s.id),
            _e(s.title),
            _e(catalog.agency_name(s.agency)),
            t("type." + s.support_type, lang),
            headline(s, lang),
            f"[{STATUS_STYLE[st]}]{t('mark.' + st, lang)}[/]",
        )
    con.print(table)
    con.print(
        f"[dim]{t('n_schemes', lang, n=len(schemes))} · {t('confirm', lang, date=_date(schemes))}[/]"
    )


def _date(schemes) -> str:
    return ", ".join(sorted({s.source.date for s in schemes})) or "?"


def _section(title: str) -> Text:
    return Text(title, style="bold underline")


def print_show(con: Console, s, catalog, lang: str) -> None:
    st = s.status
    parts = []
    if st.value == "abolished":
        parts.append(
            Panel(
                f"[bold red]⚠ {t('ended_warning', lang)}[/]\n{_e(st.note or '')}",
                border_style="red",
            )
        )
    elif st.value in ("changed", "renamed"):
        parts.append(
            Panel(
                f"[yellow]⚠ {t('changed_warning', lang)}[/]\n{_e(st.note or '')}",
                border_style="yellow",
            )
        )
    for p in parts:
        con.print(p)
    head = f"[bold]{_e(s.title)}[/] — {_e(catalog.agency_name(s.agency))}"
    sub = f"[dim]{_e(s.id)} · {t('type.' + s.support_type, lang)} · {', '.join(t('region.' + r, lang) for r in s.regions)} · {t('status.' + st.value, lang)}[/]"
    if s.beneficiary != "company":
        sub += f"  [bold]{t('beneficiary.' + s.beneficiary, lang)}[/]"
    con.print(head)
    con.print(sub)
    if st.value not in ("abolished", "changed", "renamed") and st.note:
        con.print(f"[dim]{_e(st.note)}[/]")
    for title, items in card_sections(s, catalog, lang):
        con.print()
        con.print(_section(title))
        for it in items:
            text = f"« {_e(it.text)} »" if it.quoted and it.text else _e(it.text)
            head = f"[bold]{_e(it.head)}[/]" + (" · " if text else "") if it.head else ""
            page = f" [dim](p. {it.page})[/]" if it.page else ""
            con.print(f" • {head}{text}{page}")
            for sub in it.subs:
                con.print(f"   [dim]{_e(sub)}[/]")
    con.print()
    con.print(f"[dim]{_e(_source_line(s, lang))}[/]")


def print_search(con: Console, hits, catalog, lang: str, query: str) -> None:
    if not hits:
        con.print(t("no_match", lang, q=_e(query)))
        return
    table = Table(header_style="bold")
    for key in ("col.id", "col.title", "col.agency", "col.where"):
        table.add_column(t(key, lang), overflow="fold")
    for h in hits:
        s = h.scheme
        where = "\n".join(
            f"[dim]{_e(f)}:[/] {_highlight(snip, h.terms)}" for f, snip in h.snippets[:3]
        )
        st = (
            ""
            if s.status.value == "still-offered"
            else f" [{STATUS_STYLE[s.status.value]}]({t('status.' + s.status.value, lang)})[/]"
        )
        table.add_row(_e(s.id), _e(s.title) + st, _e(catalog.agency_name(s.agency)), where)
    con.print(table)


def _highlight(snippet: str, terms) -> str:
    from intertex_cli.catalog.search import fold

    out, i = [], 0
    folded = fold(snippet)
    spans = []
    for term in terms:
        start = 0
        while (j := folded.find(term, start)) >= 0:
            spans.append((j, j + len(term)))
            start = j + len(term)
    for a, b in sorted(spans):
        if a < i:
            continue
        out.append(_e(snippet[i:a]))
        out.append(f"[bold magenta]{_e(snippet[a:b])}[/]")
        i = b
    out.append(_e(snippet[i:]))
    return "".join(out)


# --------------------------------------------------------------------------- check


def print_results(con: Console, results, catalog, profile, lang: str) -> None:
    region = profile.answers.get("region")
    department = profile.answers.get("department")
    groups = group_results(results)
    for name, rs in groups.items():
        if not rs:
            continue
        style = {"eligible": "green", "unknown": "yellow", "ineligible": "red", "ended": "dim"}[
            name
        ]
        con.print()
        con.rule(f"[bold {style}]{t('group.' + name, lang)} ({len(rs)})[/]", style=style)
        for r in rs:
            s = r.scheme
            mark = {
                "eligible": "[green]✔[/]",
                "unknown": "[yellow]?[/]",
                "ineligible": "[red]✘[/]",
            }[r.verdict]
            line = f"{mark} [bold]{_e(s.title)}[/] · {_e(catalog.agency_name(s.agency))} [dim]{_e(s.id)}[/]"
            if name == "ended":
                line += f" [{VERDICT_STYLE[r.verdict]}]{t(r.verdict, lang)}[/]"
            if r.estimate and r.estimate["amount_eur"] > 0 and name not in ("ineligible", "ended"):
                amount = t("estimate", lang, amount=euros(r.estimate["amount_eur"]))
                if r.estimate.get("equity_cap_unchecked"):
                    amount += t("estimate_equity", lang)
                line += f"  [bold green]{amount}[/]"
            if s.beneficiary != "company":
                line += f"  [cyan]{t('beneficiary.' + s.beneficiary, lang)}[/]"
            if s.status.value in ("changed", "renamed"):
                line += f"  [yellow]⚠ {t('status.' + s.status.value, lang)}[/]"
            con.print(line)
            why = reason_text(r, lang)
            if why:
                con.print(f"   [dim]{_e(why)}[/]")
            if r.verdict == ELIGIBLE and name == "eligible":
                first = [c for c in r.conditions if c.kind == "prerequisite"]
                for c in first:
                    con.print(
                        f"   [cyan]→ {t('first', lang)} :[/] {_e(_short(c.text))} [dim](p. {c.page})[/]"
                    )
                others = len(r.conditions) - len(first)
                if others:
                    con.print(f"   [dim]{t('more_conditions', lang, n=others, id=s.id)}[/]")
                for c in contacts_for(s, catalog, region, department)[:1]:
                    con.print(f"   [cyan]☎[/] {_e(_short(' · '.join(_contact_lines(c)), 110))}")
    e, u, i = (
        sum(1 for r in results if r.verdict == v) for v in ("eligible", "unknown", "ineligible")
    )
    con.print()
    con.print(f"[bold]{t('summary', lang, e=e, u=u, i=i)}[/]")
    con.print(f"[dim]{t('confirm', lang, date=_date([r.scheme for r in results]))}[/]")


def _short(text: str, width: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def print_explain(con: Console, r, lang: str) -> None:
    s = r.scheme
    con.print(f"[bold]{_e(t('explain_title', lang, title=s.title))}[/]")
    con.print(f"[{VERDICT_STYLE[r.verdict]}]{t(r.verdict, lang)}[/]")
    if s.beneficiary != "company":
        con.print(f"[cyan]{t('beneficiary.' + s.beneficiary, lang)}[/]")
    if not r.criteria:
        con.print(t("no_criteria", lang))
    for cr in r.criteria:
        mark = {MET: "[green]✔[/]", UNMET: "[red]✘[/]"}.get(cr.result, "[yellow]?[/]")
        con.print(
            f" {mark} [bold]{_e(describe(cr.criterion.rule, lang))}[/]  [dim]({t('criterion.' + cr.result, lang)})[/]"
        )
        con.print(f"    « {_e(cr.criterion.quote)} » [dim](p. {cr.criterion.page})[/]")
        if cr.outcome.used:
            used = ", ".join(
                f"{fact_label(k, lang)} = {value_label(k, v, lang)}"
                for k, v in cr.outcome.used.items()
            )
            con.print(f"    [dim]{t('answer_used', lang)} : {_e(used)}[/]")
        if cr.result == UNDECIDED or cr.outcome.missing:
            if cr.outcome.missing:
                con.print(
                    f"    [yellow]{t('missing', lang, keys=', '.join(fact_label(k, lang) for k in cr.outcome.missing))}[/]"
                )
    if r.conditions:
        con.print(_section(t("sec.conditions", lang)))
        for c in r.conditions:
            con.print(f" • {_e(c.text)} [dim](p. {c.page})[/]")


def print_problems(con: Console, message: str, problems, hint: str = "") -> None:
    con.print(f"[bold red]{_e(message)}[/]")
    for p in problems:
        con.print(f"  {_e(str(p))}")
    if hint:
        con.print(f"[dim]{_e(hint)}[/]")
