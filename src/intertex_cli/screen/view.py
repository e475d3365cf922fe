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
    "ended": ("(supprimé)", "(ended)"),
    "written": ("Résultats par entreprise : {file}", "Results per company: {file}"),
    "no_output": (
        "Pour le détail par entreprise : --output resultats.csv (ou .xlsx, .parquet, .json)",
        "For each company's results: --output results.csv (or .xlsx, .parquet, .json)",
    ),
    "legend": (
        "Élig. : éligibles ; À vérif. : à vérifier ; Non : non éligibles. Entre parenthèses : "
        "les entreprises « à vérifier » que cette réponse seule tranche.",
        "Elig.: eligible; Check: to check; Not: not eligible. In brackets: the companies "
        "'to check' that this answer alone settles.",
    ),
}


def _t(name: str, lang: str, **kw) -> str:
    fr, en = TEXT[name]
    return (en if lang == "en" else fr).format(**kw)


def print_summary(summary, catalog, lang: str, output, screener) -> None:
    con = console()
    con.print(f"[bold]{escape(_t('title', lang, n=_int(summary.companies, lang)))}[/]")
    table = Table(show_edge=False, expand=False)
    table.add_column(_t("scheme", lang), no_wrap=True)
    table.add_column(_t("eligible", lang), justify="right", overflow="fold")
    table.add_column(_t("unknown", lang), justify="right", overflow="fold")
    table.add_column(_t("ineligible", lang), justify="right", overflow="fold")
    table.add_column(_t("question", lang), overflow="fold")
    for row in summary.rows():
        q = row["question"]
        question = ""
        if q is not None:
            key, n, alone = q
            question = _t("settles" if alone else "helps", lang, key=fact_label(key, lang), n=n)
        name = row["id"] + (f"\n{_t('ended', lang)}" if row["status"] == "abolished" else "")
        table.add_row(
            escape(name),
            _int(row["eligible"], lang),
            _int(row["unknown"], lang),
            _int(row["ineligible"], lang),
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
