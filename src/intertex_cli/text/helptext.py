"""``--help`` and usage errors in French: the commands' and options' help, translated,
and click's own words ("Usage:", "Options", "[default: …]", "Error: No such option").

Typer takes help texts when the commands are declared, in English. Before a command
runs, ``localize`` swaps them for the French below when the interface is French
(``--lang fr``, or a French or unset locale); English stays as written otherwise.
Click's words go through ``coercion.WORDS`` (the command classes write help with it)
and its error messages through ``messages.py``, like every other message.
"""

from __future__ import annotations

APP = (
    "Dispositifs d'aide à l'export des TPE/PME textile-habillement, d'après le guide "
    "INTER-TEX (2017-2018) : parcourez le catalogue, voyez ce que l'entreprise peut "
    "obtenir pour son projet.\n\nEn anglais : intertex --lang en --help."
)

COMMANDS = {
    "list": (
        "Liste les dispositifs du catalogue.\n\n\b\nExemples :\n"
        "  intertex list --region occitanie --type subsidy\n"
        "  intertex list --project trade-fairs"
    ),
    "show": (
        "Affiche la fiche complète d'un dispositif : statut aujourd'hui, objet, critères, "
        "montants, contacts, source.\n\n\b\nExemple :\n  intertex show pass-export-occ"
    ),
    "search": (
        "Cherche dans tous les textes du catalogue, les meilleurs résultats d'abord.\n\n"
        "\b\nExemples :\n  intertex search salons\n  intertex search VIE\n"
        "  intertex search change"
    ),
    "validate": (
        "Vérifie chaque fichier de dispositif et d'organisme ; chaque problème avec son "
        "fichier et sa ligne.\n\n\b\nExemple :\n  intertex validate data/schemes"
    ),
    "schema": (
        "Écrit le schéma JSON d'un fichier de dispositif, pour les éditeurs qui vérifient "
        "le YAML à la frappe.\n\n\b\nExemple :\n  intertex schema > scheme.schema.json"
    ),
    "check": (
        "Votre plan : les dispositifs de vos projets, combien, quoi faire d'abord, qui "
        "appeler.\n\n\b\nExemples :\n  intertex check\n"
        "  intertex check --answers reponses.yaml --format json"
    ),
    "why": (
        "Pourquoi (pas) ? Un dispositif critère par critère : ✔ ✘ ?, la réponse utilisée, "
        "les mots du guide.\n\n\b\nExemple :\n"
        "  intertex why pass-export-na --answers reponses.yaml"
    ),
    "projects": (
        "Les identifiants de projet : ce que prennent la clé projects d'un fichier de "
        "réponses et la colonne projects d'un portefeuille.\n\nExemple : intertex projects"
        "   ·   intertex projects --format json"
    ),
    "screen": (
        "Examine de nombreuses entreprises à la fois : un portefeuille ou le répertoire "
        "SIRENE de l'INSEE ; le plan de chaque entreprise. La colonne projects d'un "
        "portefeuille prend les identifiants de intertex projects, séparés par « ; ».\n\n\b\nExemples :\n"
        "  intertex screen clients.csv -o resultats.xlsx\n"
        "  intertex screen --sirene StockUniteLegale_utf8.csv \\\n"
        "      StockEtablissement_utf8.csv --naf 13,14 --region occitanie"
    ),
}

OPTIONS = {
    "Show the version and exit.": "Affiche la version et s'arrête.",
    "Use another catalogue directory (also INTERTEX_CATALOG).": (
        "Utilise un autre dossier de catalogue (aussi INTERTEX_CATALOG)."
    ),
    "Interface language: fr or en (default: from the locale).": (
        "Langue de l'interface : fr ou en (par défaut : celle du système)."
    ),
    "Show tracebacks of internal errors.": "Montre la trace des erreurs internes.",
    "occitanie, nouvelle-aquitaine, national or any region id (bretagne…): the schemes a company located there can use.": (
        "occitanie, nouvelle-aquitaine, national ou toute autre région (bretagne…) : les "
        "dispositifs ouverts à une entreprise de cette région."
    ),
    "An agency id: region-occitanie, bpifrance, business-france…": (
        "Un organisme : region-occitanie, bpifrance, business-france…"
    ),
    "subsidy, insurance-guarantee, loan, tax-credit, advice, information.": (
        "subsidy (subvention), insurance-guarantee (assurance, garantie), loan (prêt), "
        "tax-credit (crédit d'impôt), advice (conseil), information."
    ),
    "table, json or markdown.": "table, json ou markdown.",
    "A scheme id, e.g. pass-export-occ.": "Un identifiant de dispositif, par exemple pass-export-occ.",
    "Words to look for (case and accents ignored).": (
        "Les mots cherchés (sans tenir compte des majuscules ni des accents)."
    ),
    "table or json.": "table ou json.",
    "A catalogue directory (default: the one in use).": (
        "Un dossier de catalogue (par défaut : celui en service)."
    ),
    "The schema of an agency file instead.": "Le schéma d'un fichier d'organisme.",
    "Answers file (YAML or JSON) with the contract's keys.": (
        "Fichier de réponses (YAML ou JSON) avec les clés du contrat."
    ),
    "With --answers and a terminal: ask what the file leaves open.": (
        "Avec --answers et un terminal : pose les questions que le fichier laisse ouvertes."
    ),
    "Write the answers given to this file (YAML).": "Enregistre les réponses dans ce fichier (YAML).",
    "Criterion-by-criterion checklist for one scheme.": "Un dispositif, critère par critère.",
    "Also write the plan as a report: FILE.md (Markdown) or FILE.html (one page, prints on A4).": (
        "Écrit aussi le plan dans un rapport : FICHIER.md (Markdown) ou FICHIER.html (une "
        "page, imprimable en A4)."
    ),
    "Show every other scheme in full, not one line each.": (
        "Montre en entier tous les autres dispositifs, pas une ligne chacun."
    ),
    "A scheme id.": "Un identifiant de dispositif.",
    "Answers file (YAML or JSON).": "Fichier de réponses (YAML ou JSON).",
    "A portfolio (CSV, .xlsx or .parquet, columns named as the answers keys), or with --sirene INSEE's StockUniteLegale file and, optionally, StockEtablissement.": (
        "Un portefeuille (CSV, .xlsx ou .parquet, colonnes nommées comme les clés des "
        "réponses), ou avec --sirene le fichier StockUniteLegale de l'INSEE et, au choix, "
        "StockEtablissement."
    ),
    "The files are INSEE's SIRENE stock files (CSV or Parquet).": (
        "Les fichiers sont les stocks SIRENE de l'INSEE (CSV ou Parquet)."
    ),
    "Write one row per company to this file: .csv, .xlsx, .parquet or .json.": (
        "Écrit une ligne par entreprise dans ce fichier : .csv, .xlsx, .parquet ou .json."
    ),
    "table (the summary per scheme) or json (every company).": (
        "table (le résumé par dispositif) ou json (chaque entreprise)."
    ),
    "Screen for this scheme only.": "Pour ce dispositif seulement.",
    "After each company's plan, its result for every scheme (verdict, amount, missing answers, place in the plan).": (
        "Après le plan de chaque entreprise, son résultat pour chaque dispositif (verdict, "
        "montant, réponses qui manquent, place dans le plan)."
    ),
    "Stop at the first bad row (exit 2, nothing written) instead of reporting it in the error column.": (
        "S'arrête à la première ligne erronée (code 2, rien n'est écrit) au lieu de la "
        "signaler dans la colonne error."
    ),
    "With --sirene: NAF codes to keep, e.g. 13,14,15.1 (prefixes).": (
        "Avec --sirene : codes NAF gardés, par exemple 13,14,15.1 (débuts de code)."
    ),
    "With --sirene: keep the units whose head office is there.": (
        "Avec --sirene : garde les unités dont le siège est dans cette région."
    ),
    "The day of the assessment, YYYY-MM-DD (default: today): the terms in force that day; "
    "2017-12-31 gives the guide's.": (
        "Le jour de l'évaluation, AAAA-MM-JJ (par défaut : aujourd'hui) : les conditions en "
        "vigueur ce jour-là ; 2017-12-31 donne celles du guide."
    ),
    "The day of the assessment, YYYY-MM-DD (default: today): the terms in force that day; "
    "2017-12-31 gives the guide's. With --sirene: months of activity are counted to it.": (
        "Le jour de l'évaluation, AAAA-MM-JJ (par défaut : aujourd'hui) : les conditions en "
        "vigueur ce jour-là ; 2017-12-31 donne celles du guide. Avec --sirene : les mois "
        "d'activité sont comptés jusqu'à ce jour."
    ),
    "A project id: the schemes that serve it (export-strategy, trade-fairs, vie…).": (
        "Un projet : les dispositifs qui le servent (export-strategy, trade-fairs, vie…)."
    ),
    "Install the completion of commands, options and ids for the shell (bash, zsh or fish; default: the current one).": (
        "Installe la complétion des commandes, options et identifiants pour le shell (bash, "
        "zsh ou fish ; par défaut : celui en cours)."
    ),
    "Print the completion script for the shell (bash, zsh or fish), to install it yourself.": (
        "Affiche le script de complétion pour le shell (bash, zsh ou fish), à installer soi-même."
    ),
}

# click's and typer's own words (coercion.WORDS), and the placeholders of the values
WORDS = {
    "Usage: ": "Utilisation : ",
    "Options": "Options",
    "Arguments": "Arguments",
    "Commands": "Commandes",
    "Show this message and exit.": "Affiche cette aide et s'arrête.",
    "default: ": "par défaut : ",
    "env var: ": "variable d'environnement : ",
    "required": "obligatoire",
    "COMMAND [ARGS]...": "COMMANDE [ARGUMENTS]...",
    "Error: ": "Erreur : ",
    "Try '{command} {option}' for help.": "Essayez « {command} {option} » pour l'aide.",
    "Aborted!": "Interrompu.",
}
METAVARS = {
    "DIR": "DOSSIER",
    "FILE": "FICHIER",
    "LANG": "LANGUE",
    "REGION": "RÉGION",
    "AGENCY": "ORGANISME",
    "PROJECT": "PROJET",
    "WORDS": "MOTS",
    "YYYY-MM-DD": "AAAA-MM-JJ",
    "SHELL": "SHELL",
}


def help_lang(args: list[str]) -> str:
    """The language of --help: --lang's value if given, else the locale's."""
    from .i18n import LANGS, default_lang

    for i, a in enumerate(args):
        value = None
        if a == "--lang" and i + 1 < len(args):
            value = args[i + 1]
        elif a.startswith("--lang="):
            value = a.split("=", 1)[1]
        if value and value.strip().lower() in LANGS:
            return value.strip().lower()
    return default_lang()


def localize(app, lang: str) -> None:
    """Put the help texts of ``app`` in ``lang`` (French from the tables above), and
    click's own words with them."""
    import inspect

    from typer.models import ParameterInfo

    from intertex_cli import coercion

    french = lang == "fr"
    coercion.WORDS.clear()
    if french:
        coercion.WORDS.update(WORDS)
    info = app.info
    if not hasattr(info, "_help_en"):
        info._help_en = info.help
    info.help = APP if french else info._help_en
    for cmd in app.registered_commands:
        if not hasattr(cmd, "_help_en"):
            cmd._help_en = cmd.help
        cmd.help = COMMANDS.get(cmd.name, cmd._help_en) if french else cmd._help_en
    callbacks = [app.registered_callback] + list(app.registered_commands)
    for c in callbacks:
        if c is None or c.callback is None:
            continue
        for p in inspect.signature(c.callback).parameters.values():
            d = p.default
            if not isinstance(d, ParameterInfo):
                continue
            if not hasattr(d, "_help_en"):
                d._help_en, d._metavar_en = d.help, d.metavar
            d.help = OPTIONS.get(d._help_en, d._help_en) if french and d.help else d._help_en
            d.metavar = METAVARS.get(d._metavar_en, d._metavar_en) if french else d._metavar_en


def show_error(exc, lang: str) -> None:
    """A usage error of the command line as click shows it (the usage line, the hint
    for --help, the error), in the interface's language (messages.py)."""
    import sys

    from .messages import localize as say

    def word(text):
        return WORDS.get(text, text) if lang == "fr" else text

    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        hint = ""
        if ctx.command.get_help_option(ctx) is not None:
            hint = word("Try '{command} {option}' for help.").format(
                command=ctx.command_path, option=ctx.help_option_names[0]
            )
            hint += "\n"
        sys.stderr.write(f"{ctx.get_usage()}\n{hint}\n")
    sys.stderr.write(f"{word('Error: ')}{say(exc.format_message(), lang)}\n")
