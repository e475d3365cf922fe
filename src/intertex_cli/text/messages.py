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
        if m:
            return template.format(**{k: (v or "") for k, v in m.groupdict().items()})
    return text
