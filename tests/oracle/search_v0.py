"""Frozen copy of catalog/search.py before the cached index (the oracle of tests/test_search.py).

Full-text search over the catalogue: case- and accent-insensitive, ranked."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

_ACRONYM = re.compile(r"\b(\w)\.(?=\w\.?)")


def fold(text: str) -> str:
    """Lower case, no accents, "V.I.E." read as "vie"; same length is NOT kept."""
    s = unicodedata.normalize("NFKD", text)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return s.replace("’", "'").replace("œ", "oe")


def _acronyms(s: str) -> str:
    return _ACRONYM.sub(r"\1", s)


def _tokens(s: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", _acronyms(fold(s)))


# (field label, weight)
def _fields(scheme, catalog):
    from intertex_cli.engine.vocab import PROJECTS

    yield "titre", 10, [scheme.title] + ([scheme.title_en] if scheme.title_en else [])
    yield "id", 8, [scheme.id]
    yield "projets", 5, [w for link in scheme.projects for w in PROJECTS[link.id]]
    yield "résumé", 3, [scheme.summary_en] if scheme.summary_en else []
    yield "mots-clés", 6, list(scheme.keywords)
    yield "organisme", 4, [catalog.agency_name(scheme.agency), scheme.agency]
    yield "objectifs", 3, list(scheme.objectives)
    yield "description", 3, [scheme.description]
    yield "bénéficiaires", 2, [scheme.beneficiaries_text]
    yield (
        "critères",
        2,
        [c.quote for c in scheme.criteria] + [c.note for c in scheme.criteria if c.note],
    )
    yield "conditions", 2, [c.text for c in scheme.conditions]
    yield "étapes", 1, [x for st in scheme.steps for x in (st.text, st.text_en)]
    yield "dépenses éligibles", 2, list(scheme.expenses.eligible)
    yield "dépenses exclues", 1, list(scheme.expenses.excluded)
    f = scheme.funding
    yield (
        "montants",
        2,
        list(f.terms)
        + [c.label for c in f.components]
        + [x.label for x in f.figures]
        + ([f.note] if f.note else []),
    )
    yield "versement", 1, list(scheme.payment)
    yield (
        "contacts",
        1,
        [
            " ".join(
                filter(
                    None, [c.name, c.role, c.organisation, c.area, *c.emails, *c.phones, c.address]
                )
            )
            for c in scheme.contacts
        ],
    )
    yield "notes", 1, list(scheme.notes) + ([scheme.status.note] if scheme.status.note else [])


@dataclass
class Hit:
    scheme: object
    score: float
    terms: list[str]
    snippets: list = field(default_factory=list)  # (field, text)


def _match(term: str, tokens: list[str]) -> bool:
    if len(term) <= 3:
        return term in tokens
    return any(tok.startswith(term) for tok in tokens)


def search(catalog, query: str) -> list[Hit]:
    terms = _tokens(query)
    if not terms:
        return []
    hits = []
    for s in catalog.schemes.values():
        score = 0.0
        found = set()
        snippets = []
        for label, weight, texts in _fields(s, catalog):
            for text in texts:
                toks = _tokens(text)
                matched = [term for term in terms if _match(term, toks)]
                if matched:
                    score += weight * len(matched)
                    found.update(matched)
                    if len(snippets) < 3 and label not in [x[0] for x in snippets]:
                        snippets.append((label, _snippet(text, matched)))
        if found == set(terms):
            if s.status.value == "abolished":
                score *= 0.5
            hits.append(Hit(s, score, terms, snippets))
    hits.sort(key=lambda h: (-h.score, h.scheme.id))
    return hits


def _snippet(text: str, terms: list[str], width: int = 70) -> str:
    text = " ".join(text.split())
    folded = _acronyms(fold(text))
    pos = min((folded.find(t) for t in terms if folded.find(t) >= 0), default=0)
    # positions shift when acronyms fold; good enough for a window
    start = max(0, pos - width // 3)
    end = min(len(text), start + width)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
