"""Error and warning messages in the interface's language.

Messages are written once, in English, where they arise (answers, files, options): the
JSON's warnings and the logs keep them so, like a gettext msgid. People at a French
interface read them through this catalogue: each English pattern with its French
sentence. A message the catalogue does not know stays in English, whole.
"""

from __future__ import annotations

import re
from functools import lru_cache

_V = r"(?P<v>.+?)"
# (English pattern, French template): the named groups carry values across as written,
# but for ``m``, a message itself (translated in turn).
_FR = [
    (r"invalid answers file: (?P<f>.+)", "fichier de réponses invalide : {f}"),
    (r"answers file not found: (?P<f>.+)", "fichier de réponses introuvable : {f}"),
    (
        r"cannot read answers file (?P<f>.+?): (?P<r>.+)",
        "impossible de lire le fichier de réponses {f} : {r}",
    ),
    (r"cannot read (?P<w>.+?) (?P<f>\S+): (?P<r>.+)", "impossible de lire {w} {f} : {r}"),
    (
        r"cannot write the answers to (?P<f>.+?): (?P<r>.+)",
        "impossible d'écrire les réponses dans {f} : {r}",
    ),
    (
        r"cannot use the agencies folder (?P<f>.+?): (?P<r>.+)",
        "impossible d'utiliser le dossier des organismes {f} : {r}",
    ),
    (
        r"no agency file \(\*\.yaml, \*\.yml\) in (?P<f>.+)",
        "aucun fichier d'organisme (*.yaml, *.yml) dans {f}",
    ),
    (r"cannot use (?P<f>.+?): (?P<r>.+)", "impossible d'utiliser {f} : {r}"),
    (r"cannot use: (?P<r>.+)", "impossible : {r}"),
    (r"invalid catalogue: (?P<f>.+)", "catalogue invalide : {f}"),
    (r"catalogue directory not found: (?P<f>.+)", "dossier de catalogue introuvable : {f}"),
    (
        r"not a catalogue directory: (?P<f>.+) \(a catalogue is a folder of \*\.yaml files\)",
        "{f} n'est pas un dossier de catalogue (un catalogue est un dossier de fichiers *.yaml)",
    ),
    (r"expected a plain number, got " + _V, "un nombre est attendu, pas {v}"),
    (r"expected a number, got " + _V, "un nombre est attendu, pas {v}"),
    (r"expected a finite number, got " + _V, "un nombre fini est attendu, pas {v}"),
    (r"expected a whole number, got " + _V, "un nombre entier est attendu, pas {v}"),
    (r"must be ≥ 0, got " + _V, "doit être positif ou nul, pas {v}"),
    (
        r"expected true or false \(oui/non, yes/no\), got " + _V,
        "oui ou non est attendu (oui/non, true/false), pas {v}",
    ),
    (
        r"expected the company's name as text, got " + _V,
        "le nom de l'entreprise est attendu, en texte, pas {v}",
    ),
    (  # the value has no ": " (else a file's or a row's prefix is taken for it)
        r"(?P<v>(?:(?!: ).)+?) is not plausible: at most (?P<m>.+)",
        "{v} n'est pas plausible : au plus {m}",
    ),
    (
        r"(?P<v>.+?) is not a project id; known: (?P<l>.+)",
        "{v} n'est pas un projet connu ; projets : {l}",
    ),
    (
        r"expected a list of project ids \((?P<l>.+?)\), got " + _V,
        "une liste de projets est attendue ({l}), pas {v}",
    ),
    (
        r"(?P<v>.+?): write the number in decimal without a leading zero(?P<n> \(.+?\))?, "
        r"not as octal or hexadecimal",
        "{v} : écrivez le nombre en décimal, sans zéro en tête{n}, ni octal ni hexadécimal",
    ),
    (
        r"(?P<v>.+?): the first bound is more than the second",
        "{v} : la première borne dépasse la seconde",
    ),
    (
        r"no column named as an answers key(?P<h>.*)",
        "aucune colonne ne porte le nom d'une clé des réponses{h}",
    ),
    (
        r"no scheme file \(\*\.yaml, \*\.yml\) in this directory",
        "aucun fichier de dispositif (*.yaml, *.yml) dans ce dossier",
    ),
    (r"(?P<v>.+?) is not one of: (?P<l>.+)", "{v} n'est pas parmi : {l}"),
    (
        r"(?P<v>.+?) is not a French département code (?P<e>.+)",
        "{v} n'est pas un code de département français {e}",
    ),
    (r"a range has only min and max, not " + _V, "une fourchette n'a que min et max, pas {v}"),
    (r"a range needs min, max or both", "une fourchette demande min, max ou les deux"),
    (
        r"min \((?P<a>.+?)\) is (?:more|above) than max \((?P<b>.+?)\)(?P<r>.*)",
        "min ({a}) dépasse max ({b}){r}",
    ),
    (r"min \((?P<a>.+?)\) is above max \((?P<b>.+?)\)(?P<r>.*)", "min ({a}) dépasse max ({b}){r}"),
    (
        r"expected a mapping of keys to answers \(key: value\)",
        "une liste de clés et de réponses est attendue (clé : valeur)",
    ),
    (
        r"not UTF-8 text \(save it as UTF-8\)",
        "ce n'est pas du texte UTF-8 (enregistrez-le en UTF-8)",
    ),
    (r"invalid JSON: (?P<r>.+)", "JSON invalide : {r}"),
    (r"invalid YAML: (?P<r>.+)", "YAML invalide : {r}"),
    (r"duplicate key \(first at line (?P<n>\d+)\)", "clé en double (déjà à la ligne {n})"),
    (r"(?P<f>.+?): unknown key (?P<k>.+?) ignored(?P<h>.*)", "{f} : clé inconnue {k} ignorée{h}"),
    (r"unknown key", "clé inconnue"),
    (r"required key missing", "clé obligatoire manquante"),
    (
        r"export_turnover_eur \((?P<a>.+?)\) is more than turnover_eur \((?P<b>.+?)\)",
        "export_turnover_eur ({a}) dépasse turnover_eur ({b})",
    ),
    (
        r"unknown language (?P<v>.+?); use one of: (?P<l>.+)",
        "langue inconnue {v} ; choisissez : {l}",
    ),
    (r"unknown format (?P<v>.+?); valid: (?P<l>.+)", "format inconnu {v} ; possibles : {l}"),
    (r"unknown region (?P<v>.+?); valid: (?P<l>.+)", "région inconnue {v} ; possibles : {l}"),
    (r"unknown agency (?P<v>.+?); valid: (?P<l>.+)", "organisme inconnu {v} ; possibles : {l}"),
    (r"unknown type (?P<v>.+?); valid: (?P<l>.+)", "type inconnu {v} ; possibles : {l}"),
    (r"unknown scheme id (?P<v>.+?)\. (?P<h>.+)", "identifiant de dispositif inconnu {v}. {h}"),
    # screening (screen/): bad rows, inputs, outputs
    (
        r"(?P<n>\d+) row\(s\) with an error: screened without their bad cells, the error column "
        r"says why \(--strict stops at the first\)",
        "{n} ligne(s) en erreur : criblées sans leurs cellules erronées, la colonne error dit "
        "pourquoi (--strict s'arrête à la première)",
    ),
    (r"and (?P<n>\d+) more", "et {n} autre(s)"),
    (r"row (?P<r>\d+), column (?P<c>\S+): (?P<msg>.+)", "ligne {r}, colonne {c} : {msg}"),
    (r"row (?P<r>\d+): (?P<msg>.+)", "ligne {r} : {msg}"),
    (r"invalid input: (?P<f>.+)", "fichier d'entrée invalide : {f}"),
    (r"file not found: (?P<f>.+)", "fichier introuvable : {f}"),
    (r"expected a number, got (?P<v>.+)", "un nombre est attendu, pas {v}"),
    (
        r"expected true or false \(oui/non, 1/0\), got " + _V,
        "oui ou non est attendu (oui/non, 1/0), pas {v}",
    ),
    (
        r"(?P<v>.+?) is not a project id(?P<h>.*)",
        "{v} n'est pas un projet connu{h}",
    ),
    (
        r"export turnover \((?P<a>.+?)\) is more than turnover \((?P<b>.+?)\)",
        "le chiffre d'affaires à l'export ({a}) dépasse le chiffre d'affaires ({b})",
    ),
    (
        r"closed_fiscal_years \((?P<c>.+?)\) is more than a company can close in "
        r"months_of_activity \((?P<m>.+?)\) months: at most (?P<n>\d+) .*",
        "closed_fiscal_years ({c}) dépasse ce qu'une entreprise peut clore en {m} mois "
        "d'activité : au plus {n} (un exercice par 12 mois, plus un premier exercice court)",
    ),
    (
        r"département (?P<d>\S+) is in (?P<r>\S+), not (?P<g>\S+)",
        "le département {d} est en {r}, pas en {g}",
    ),
    (
        r"--output (?P<o>.+?) is the input file (?P<f>.+?): it would be replaced by the "
        r"results; give another name",
        "--output {o} est le fichier lu {f} : il serait remplacé par les résultats ; "
        "donnez un autre nom",
    ),
    (
        r"--report (?P<o>.+?) is the answers file (?P<f>.+?): it would be replaced by the "
        r"report; give another name",
        "--report {o} est le fichier de réponses {f} : il serait remplacé par le plan ; "
        "donnez un autre nom",
    ),
    (
        r"--report (?P<o>.+?): the extension says the format: \.md or \.html",
        "--report {o} : l'extension dit le format : .md ou .html",
    ),
    (
        r"cannot write the report to (?P<f>.+?): (?P<r>.+)",
        "impossible d'écrire le plan dans {f} : {r}",
    ),
    (
        r"--report (?P<o>.+?) is a symbolic link: give the file itself; nothing was written",
        "--report {o} est un lien symbolique : donnez le fichier lui-même ; rien n'a été écrit",
    ),
    (
        r"--output (?P<o>.+?) is a symbolic link: give the file itself; nothing was written",
        "--output {o} est un lien symbolique : donnez le fichier lui-même ; rien n'a été écrit",
    ),
    (
        r"--output (?P<o>.+?) is (?P<k>.+); nothing was written",
        "--output {o} est {k} ; rien n'a été écrit",
    ),
    (
        r"(?P<n>\d+) unit\(s\) without an activity from NAF rév\. 2 or NAF 2025 \((?P<a>\d+) "
        r"without a code, (?P<b>\d+) whose code the mapping leaves unknown, sirene\.yaml\): "
        r"left unknown",
        "{n} unité(s) sans activité d'après la NAF rév. 2 ou la NAF 2025 ({a} sans code, {b} "
        "dont le code n'est pas repris par sirene.yaml) : activité inconnue",
    ),
    (
        r"this is INSEE's (?P<g>\S+) \(one row per period of each (?P<w>\S+)\): give "
        r"(?P<f>\S+), the stock of today",
        "c'est le fichier {g} de l'INSEE (une ligne par période) : donnez {f}, le stock du jour",
    ),
    (
        r"(?P<m>.+) is compressed with (?P<c>.+), which intertex cannot read: unzip it "
        r"\(unzip, 7z\) and give the CSV",
        "{m} est compressé en {c}, qu'intertex ne sait pas lire : décompressez-le (unzip, 7z) "
        "et donnez le CSV",
    ),
    (
        r"column (?P<c>.+?) is named twice \(columns (?P<a>\d+) and (?P<b>\d+)\)",
        "la colonne {c} est nommée deux fois (colonnes {a} et {b})",
    ),
    (
        r"--ask-missing: no terminal, nothing asked",
        "--ask-missing : pas de terminal, aucune question posée",
    ),
    (r"unknown project (?P<v>.+?); valid: (?P<l>.+)", "projet inconnu {v} ; possibles : {l}"),
    # the optional libraries of screening
    (
        r"intertex screen needs the optional libraries \((?P<m>\S+) is missing\): (?P<c>.+)",
        "intertex screen demande des bibliothèques facultatives ({m} manque) : {c}",
    ),
    # click's usage errors (the command line)
    (r"No such option: (?P<o>\S+)(?P<r>.*)", "option inconnue : {o}{r}"),
    (r"No such command (?P<c>.+?)\.(?P<r>.*)", "commande inconnue : {c}.{r}"),
    (r"Missing command\.", "commande manquante."),
    (r"Missing argument (?P<a>.+?)\.(?P<r>.*)", "argument manquant : {a}.{r}"),
    (r"Missing option (?P<a>.+?)\.(?P<r>.*)", "option manquante : {a}.{r}"),
    (r"Missing parameter: (?P<a>.+)", "paramètre manquant : {a}"),
    (r"Got unexpected extra arguments? \((?P<a>.*)\)", "argument en trop : {a}"),
    (r"Got unexpected extra argument\(s\) \((?P<a>.*)\)", "argument(s) en trop : {a}"),
    (r"Option (?P<o>.+?) requires an argument\.", "l'option {o} demande une valeur."),
    (
        r"Option (?P<o>.+?) requires (?P<n>\d+) arguments\.",
        "l'option {o} demande {n} valeurs.",
    ),
    (r"Option (?P<o>.+?) does not take a value\.", "l'option {o} ne prend pas de valeur."),
    (r"Invalid value for (?P<p>.+?): (?P<m>.+)", "valeur invalide pour {p} : {m}"),
    (r"Invalid value: (?P<m>.+)", "valeur invalide : {m}"),
    # screening: its files and options
    (r"file not found: (?P<f>.+)", "fichier introuvable : {f}"),
    (r"invalid input: (?P<f>.+)", "fichier d'entrée invalide : {f}"),
    (r"(?P<f>.+?) is a folder, not a file", "{f} est un dossier, pas un fichier"),
    (
        r"give the file to screen: intertex screen companies\.csv",
        "donnez le fichier à examiner : intertex screen entreprises.csv",
    ),
    (
        r"unknown output format (?P<v>.+?): use (?P<l>.+)",
        "format de sortie inconnu {v} : choisissez {l}",
    ),
    (r"no such folder for the output: (?P<f>.+)", "dossier de sortie introuvable : {f}"),
    (
        r"cannot write (?P<f>.+?): (?P<r>.+); nothing was written",
        "impossible d'écrire {f} : {r} ; rien n'a été écrit",
    ),
    (
        r"--naf and --region filter INSEE's SIRENE files: add --sirene",
        "--naf et --region filtrent les fichiers SIRENE de l'INSEE : ajoutez --sirene",
    ),
    (
        r"one portfolio file at a time \(or --sirene with INSEE's two files\)",
        "un seul portefeuille à la fois (ou --sirene avec les deux fichiers de l'INSEE)",
    ),
    (
        r"--date (?P<v>.+?): expected a date as YYYY-MM-DD(?:, e\.g\. 2017-12-31)?",
        "--date {v} : une date AAAA-MM-JJ est attendue, par exemple 2017-12-31",
    ),
    (
        r"--naf (?P<v>.+?): give NAF codes or prefixes, e\.g\. 13,14,15\.1",
        "--naf {v} : donnez des codes NAF ou leurs débuts, par exemple 13,14,15.1",
    ),
    (
        r"(?P<f>.+?): expected one file in the archive, found (?P<n>\d+)",
        "{f} : un seul fichier attendu dans l'archive, {n} trouvés",
    ),
    (
        r"(?P<f>.+?): neither INSEE's StockUniteLegale nor StockEtablissement \(no column "
        r"(?P<a>\S+) or (?P<b>\S+)\)",
        "{f} : ni StockUniteLegale ni StockEtablissement de l'INSEE (pas de colonne {a} ni {b})",
    ),
    (r"two units files: (?P<a>.+?) and (?P<b>.+)", "deux fichiers d'unités légales : {a} et {b}"),
    (
        r"two establishments files: (?P<a>.+?) and (?P<b>.+)",
        "deux fichiers d'établissements : {a} et {b}",
    ),
    (
        r"--sirene needs INSEE's StockUniteLegale file \(the legal units\)",
        "--sirene demande le fichier StockUniteLegale de l'INSEE (les unités légales)",
    ),
    (
        r"--region needs INSEE's StockEtablissement file too: the département comes from "
        r"the head office",
        "--region demande aussi le fichier StockEtablissement de l'INSEE : le département est "
        "celui du siège",
    ),
    (
        r"no StockEtablissement file: the département of each unit is unknown",
        "pas de fichier StockEtablissement : le département de chaque unité est inconnu",
    ),
    (
        r"(?P<f>.+?): no column (?P<c>.+): left unknown",
        "{f} : pas de colonne {c} : laissé inconnu",
    ),
    (r"missing column (?P<c>.+)", "colonne manquante : {c}"),
    (r"--naf needs the column (?P<c>.+)", "--naf demande la colonne {c}"),
    (
        r"(?P<n>\d+) unit\(s\): INSEE's categorieEntreprise contradicts the headcount band "
        r"\(they are of different years\): the category was left out",
        "{n} unité(s) : la categorieEntreprise de l'INSEE contredit la tranche d'effectifs "
        "(elles sont d'années différentes) : la catégorie est laissée de côté",
    ),
    (
        r"(?P<n>\d+) column\(s\) of a previous screening \(results, INSEE's codes\) ignored",
        "{n} colonne(s) d'un examen précédent (résultats, codes de l'INSEE) ignorée(s)",
    ),
    (
        r"column (?P<c>.+?) is not an answers key: ignored(?P<h>.*)",
        "la colonne {c} n'est pas une clé des réponses : ignorée{h}",
    ),
    (
        r"(?P<f>.+?) is not UTF-8: read as Windows-1252 \(Excel's French CSV\)",
        "{f} n'est pas en UTF-8 : lu en Windows-1252 (le CSV français d'Excel)",
    ),
    (
        r"--detail over (?P<n>[\d,]+) schemes makes (?P<c>[\d,]+) columns: an Excel sheet holds "
        r"at most 16,384; write \.csv, \.parquet or \.json, or name a scheme with --scheme",
        "--detail sur {n} dispositifs fait {c} colonnes : une feuille Excel en contient au plus "
        "16 384 ; écrivez un .csv, un .parquet ou un .json, ou nommez un dispositif avec --scheme",
    ),
    (r"the file is empty", "le fichier est vide"),
    (r"not a text file \(CSV expected\): (?P<m>.+)", "pas un fichier texte (CSV attendu) : {m}"),
    (
        r"it is a zip archive \(an Excel file\? name it \.xlsx\)",
        "c'est une archive zip (un fichier Excel ? nommez-le .xlsx)",
    ),
    (
        r"it is a Parquet file \(name it \.parquet\)",
        "c'est un fichier Parquet (nommez-le .parquet)",
    ),
    (
        r"UTF-16 or binary data \(save it as CSV UTF-8\)",
        "de l'UTF-16 ou des données binaires (enregistrez-le en CSV UTF-8)",
    ),
    (r"binary data", "des données binaires"),
    (
        r"it is JSON \(a portfolio is CSV, \.xlsx or Parquet\)",
        "c'est du JSON (un portefeuille est en CSV, .xlsx ou Parquet)",
    ),
    (r"(?P<n>\d+) empty row\(s\) skipped", "{n} ligne(s) vide(s) ignorée(s)"),
    (
        r"no company in the file \(only a header\)",
        "aucune entreprise dans le fichier (un en-tête seul)",
    ),
    (
        r"row (?P<r>\d+), column (?P<c>.+?): (?P<m>.+)",
        "ligne {r}, colonne {c} : {m}",
    ),
    (r"row (?P<r>\d+): (?P<m>.+)", "ligne {r} : {m}"),
]
# pieces inside messages: hints and words that recur
_FR_PIECES = [
    (r"[;,]? ?\(?did you mean (?P<v>[^?]+)\?\)?", " (vouliez-vous dire {v} ?)"),
    (r"Did you mean (?P<v>[^?]+)\?", "Vouliez-vous dire {v} ?"),
    (r"\bthe old file is kept\b", "l'ancien fichier est gardé"),
    (r"\bSee: intertex list\b", "Voir : intertex list"),
    (r"\(Possible options: (?P<v>[^)]+)\)", "(options possibles : {v})"),
    # not inside answers.py's whole message (below), whose "is" would stay English
    (r"\bnot a project id\b(?!; known: )", "n'est pas un projet connu"),
    (r"… \((?P<n>\d+) characters\)", "… ({n} caractères)"),  # sanitize.shown's cut
    (r"\ba number of more than 4300 digits\b", "un nombre de plus de 4300 chiffres"),
    (r"\ba number of (?P<n>\d+) digits\b", "un nombre de {n} chiffres"),
    (
        r" \(INSEE's SIRENE file\? add --sirene\)",
        " (le fichier SIRENE de l'INSEE ? ajoutez --sirene)",
    ),
    (r"\ba number of about (?P<n>\d+) digits\b", "un nombre d'environ {n} chiffres"),
    # the plausibility bounds' reasons (engine.vocab's max_why)
    (
        r"\((?P<n>[\d  ]+) billion, more than the largest company on earth\)",
        "({n} milliards, plus que le chiffre d'affaires de la plus grande entreprise du monde)",
    ),
    (
        r"\((?P<n>[\d  ]+) billion, more than the largest bank's balance sheet\)",
        "({n} milliards, plus que le bilan de la plus grande banque)",
    ),
    (r"\(more staff than any employer on earth\)", "(plus que l'effectif de tout employeur)"),
    (r"\((?P<n>[\d  ]+) years\)", "({n} ans)"),
]
# typer's checks of a path given as an option ("Path 'x' does not exist.")
_FR_PIECES += [
    (rf"\b{en} (?P<f>'.*?') {what}", f"{fr} {{f}} {fr_what}")
    for en, fr in (("Path", "le chemin"), ("File", "le fichier"), ("Directory", "le dossier"))
    for what, fr_what in (
        (r"does not exist\.", "n'existe pas."),
        (r"is a file\.", "est un fichier."),
        (r"is a directory\.", "est un dossier."),
        (r"is not readable\.", "ne peut pas être lu."),
        (r"is not writable\.", "ne peut pas être écrit."),
    )
]


@lru_cache(maxsize=1)
def _compiled():
    return (
        [(re.compile(rf"^{p}$", re.S), t) for p, t in _FR],
        [(re.compile(p), t) for p, t in _FR_PIECES],
    )


def localize(text: str, lang: str | None) -> str:
    """The message in the interface's language (French from the catalogue above)."""
    if lang != "fr" or not text:
        return text
    whole, pieces = _compiled()
    for pattern, template in pieces:
        text = pattern.sub(lambda m, t=template: t.format(**m.groupdict()), text)
    for pattern, template in whole:
        m = pattern.match(text)
        if m:  # a group named msg (or m) is a message inside the message: translated too
            groups = {k: (v or "") for k, v in m.groupdict().items()}
            for name in ("msg", "m"):
                if groups.get(name):
                    groups[name] = localize(groups[name], lang)
            return template.format(**groups)
    return text
