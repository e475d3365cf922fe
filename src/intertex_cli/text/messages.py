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
# (English pattern, French template): the named groups carry values across as written.
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
    (r"cannot use (?P<f>.+?): (?P<r>.+)", "impossible d'utiliser {f} : {r}"),
    (r"cannot use: (?P<r>.+)", "impossible : {r}"),
    (r"invalid catalogue: (?P<f>.+)", "catalogue invalide : {f}"),
    (r"catalogue directory not found: (?P<f>.+)", "dossier de catalogue introuvable : {f}"),
    (r"expected a plain number, got " + _V, "un nombre est attendu, pas {v}"),
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
    (r"(?P<v>.+?) is not plausible: at most (?P<m>.+)", "{v} n'est pas plausible : au plus {m}"),
    (
        r"(?P<v>.+?) is not a project id; known: (?P<l>.+)",
        "{v} n'est pas un projet connu ; projets : {l}",
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
]
# pieces inside messages: hints and words that recur
_FR_PIECES = [
    (r"[;,]? ?\(?did you mean (?P<v>[^?]+)\?\)?", " (vouliez-vous dire {v} ?)"),
    (r"Did you mean (?P<v>[^?]+)\?", "Vouliez-vous dire {v} ?"),
    (r"\bthe old file is kept\b", "l'ancien fichier est gardé"),
    (r"\bSee: intertex list\b", "Voir : intertex list"),
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
        if m:  # a group named msg is a message inside the message: itself translated
            groups = {k: (v or "") for k, v in m.groupdict().items()}
            if groups.get("msg"):
                groups["msg"] = localize(groups["msg"], lang)
            return template.format(**groups)
    return text
