"""The per-scheme summary of a screening, in the terminal (rich), readable at 80 columns."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from intertex_cli.text.i18n import t
from intertex_cli.views.describe import fact_label
from intertex_cli.views.render import console

TEXT = {
    "title": ("Criblage : {n} entreprises", "Screening: {n} companies"),
    "scheme": ("Dispositif", "Scheme"),
    "eligible": ("Élig.", "Elig."),
    "unknown": ("À vérif.", "Check"),
    "ineligible": ("Non", "Not"),
    "question": ("Réponse qui tranche le plus", "Answer that settles most"),
    "settles": ("{key} ({n})", "{key} ({n})"),
    "helps": ("{key} ({n}, avec d'autres)", "{key} ({n}, with others)"),
    "in_plans": ("Plan", "Plan"),
    "ended.abolished": ("supprimé", "ended"),
    "ended.replaced": ("remplacé", "replaced"),
    "ended_question": ("— (n'existe plus)", "— (no longer offered)"),
    "with_plan": (
        "Entreprises avec un plan : {n} sur {of} ; total des plans : {total}",
        "Companies with a plan: {n} of {of}; total of the plans: {total}",
    ),
    "largest": (
        "Plus grands plans :",
        "Largest plans:",
    ),
    "largest_item": (
        "{name} (ligne {row}) : {total}",
        "{name} (row {row}): {total}",
    ),
    "written": ("Le plan de chaque entreprise : {file}", "Each company's plan: {file}"),
    "no_output": (
        "Le plan de chaque entreprise : --output resultats.xlsx (ou .csv, .parquet, .json) ; "
        "chaque dispositif en plus avec --detail",
        "Each company's plan: --output results.xlsx (or .csv, .parquet, .json); every "
        "scheme as well with --detail",
    ),
    "legend": (
        "Élig. : éligibles ; À vérif. : à vérifier ; Non : non éligibles ; Plan : dans le "
        "plan de combien d'entreprises. Entre parenthèses : les entreprises « à vérifier » "
        "que cette réponse seule tranche.",
        "Elig.: eligible; Check: to check; Not: not eligible; Plan: in how many companies' "
        "plans. In brackets: the companies 'to check' that this answer alone settles.",
    ),
}


def _t(entry: str, lang: str, **kw) -> str:
    fr, en = TEXT[entry]
    return (en if lang == "en" else fr).format(**kw)


def print_summary(summary, catalog, lang: str, output, screener) -> None:
    from intertex_cli.text.i18n import euros
    from intertex_cli.views.words import title

    con = console()
    con.print(f"[bold]{escape(_t('title', lang, n=_int(summary.companies, lang)))}[/]")
    plans = summary.plans
    if plans is not None:
        line = _t(
            "with_plan",
            lang,
            n=_int(plans.with_plan, lang),
            of=_int(summary.companies, lang),
            total=euros(plans.total, lang),
        )
        con.print(escape(line))
        largest = plans.largest()
        if largest:
            con.print(escape(_t("largest", lang)))
            for i, (name, row, total) in enumerate(largest, 1):
                item = _t("largest_item", lang, name=name or "—", row=row, total=euros(total, lang))
                con.print(f"  {i}. {escape(item)}")
    table = Table(show_edge=False, expand=False)
    rows = summary.rows()
    widest = max((len(r["id"]) for r in rows), default=10)  # an id is never folded
    table.add_column(_t("scheme", lang), overflow="fold", width=min(widest, 32))
    table.add_column(_t("eligible", lang), justify="right", overflow="fold")
    table.add_column(_t("unknown", lang), justify="right", overflow="fold")
    table.add_column(_t("ineligible", lang), justify="right", overflow="fold")
    table.add_column(_t("in_plans", lang), justify="right", overflow="fold")
    table.add_column(_t("question", lang), overflow="fold")
    for row in rows:
        q = row["question"]
        question = ""
        if row["ended"]:
            question = _t("ended_question", lang)
        elif q is not None:
            key, n, alone = q
            question = _t("settles" if alone else "helps", lang, key=fact_label(key, lang), n=n)
        scheme = catalog.schemes.get(row["id"])
        name = f"[bold]{escape(title(scheme, lang) if scheme else row['title'])}[/]"
        sub = row["id"]
        if row["ended"]:
            sub += f" ({_t('ended.' + row['status'], lang)})"
        table.add_row(
            f"{name}\n[dim]{escape(sub)}[/]",
            _int(row["eligible"], lang),
            _int(row["unknown"], lang),
            _int(row["ineligible"], lang),
            _int(row["in_plans"], lang),
            escape(question),
        )
    con.print(table)
    con.print(f"[dim]{escape(_t('legend', lang))}[/]")
    if output is not None:
        con.print(escape(_t("written", lang, file=output)))
    else:
        con.print(f"[dim]{escape(_t('no_output', lang))}[/]")
    dates = sorted({s.source.date for s in catalog.schemes.values()})
    con.print(f"[dim]{escape(t('confirm', lang, date=', '.join(dates)))}[/]")


def _int(n: int, lang: str) -> str:
    s = f"{n:,}"
    return s.replace(",", "\u202f") if lang == "fr" else s
