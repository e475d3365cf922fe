"""Full-text search over the catalogue: case- and accent-insensitive, ranked."""

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


def _contacts(scheme, catalog) -> list[str]:
    return [
        " ".join(
            filter(None, [c.name, c.role, c.organisation, c.area, *c.emails, *c.phones, c.address])
        )
        for c in scheme.contacts
    ]


def _amounts(scheme, catalog) -> list[str]:
    f = scheme.funding
    return (
        list(f.terms)
        + [c.label for c in f.components]
        + [x.label for x in f.figures]
        + ([f.note] if f.note else [])
    )


# (field label, weight, texts): the order is the index's (field numbers in the cache)
FIELDS = (
    ("titre", 10, lambda s, cat: [s.title]),
    ("id", 8, lambda s, cat: [s.id]),
    ("mots-clés", 6, lambda s, cat: list(s.keywords)),
    ("organisme", 4, lambda s, cat: [cat.agency_name(s.agency), s.agency]),
    ("objectifs", 3, lambda s, cat: list(s.objectives)),
    ("description", 3, lambda s, cat: [s.description]),
    ("bénéficiaires", 2, lambda s, cat: [s.beneficiaries_text]),
    (
        "critères",
        2,
        lambda s, cat: [c.quote for c in s.criteria] + [c.note for c in s.criteria if c.note],
    ),
    ("conditions", 2, lambda s, cat: [c.text for c in s.conditions]),
    ("dépenses éligibles", 2, lambda s, cat: list(s.expenses.eligible)),
    ("dépenses exclues", 1, lambda s, cat: list(s.expenses.excluded)),
    ("montants", 2, _amounts),
    ("versement", 1, lambda s, cat: list(s.payment)),
    ("contacts", 1, _contacts),
    (
        "notes",
        1,
        lambda s, cat: list(s.notes) + ([s.status.note] if s.status.note else []),
    ),
)


def folded(scheme, catalog) -> str:
    """A scheme's texts folded for searching: one line per text, ``@field.text tokens ``.

    Tokens are those of :func:`_tokens`, each once per text, each followed by a space,
    so that a whole word is `` word `` and a prefix `` pre``. Computed once, when the
    catalogue is validated, and kept in the cache.
    """
    lines = []
    for fi, (_label, _weight, get) in enumerate(FIELDS):
        for ti, text in enumerate(get(scheme, catalog)):
            toks = list(dict.fromkeys(_tokens(text)))
            if toks:
                lines.append(f"@{fi}.{ti} {' '.join(toks)} ")
    return "\n".join(lines)


def index_of(catalog) -> list[str]:
    """The folded texts of every scheme, in the catalogue's order (for the cache)."""
    return [folded(s, catalog) for s in catalog.schemes.values()]


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


def _needle(term: str) -> str:
    """What a folded text contains when ``term`` matches one of its tokens (see _match)."""
    return f" {term} " if len(term) <= 3 else f" {term}"


def search(catalog, query: str) -> list[Hit]:
    terms = _tokens(query)
    if not terms:
        return []
    needles = [(t, _needle(t)) for t in dict.fromkeys(terms)]
    source = getattr(catalog, "source", None)
    index = source.search_index() if source is not None else None
    schemes = list(catalog.schemes.values())
    if index is None or len(index) != len(schemes):
        index = index_of(catalog)
    hits = []
    for s, blob in zip(schemes, index):
        if not all(n in blob for _, n in needles):
            continue  # some term is in none of its texts
        score = 0.0
        found: set = set()
        places = []  # (label, field, text, terms): where the snippets come from
        for line in blob.split("\n"):
            head, _, toks = line.partition(" ")
            toks = " " + toks
            matched = [t for t in terms if _needle(t) in toks]
            if not matched:
                continue
            fi, ti = (int(x) for x in head[1:].split("."))
            label, weight, _ = FIELDS[fi]
            score += weight * len(matched)
            found.update(matched)
            if len(places) < 3 and label not in [x[0] for x in places]:
                places.append((label, fi, ti, matched))
        if found == set(terms):
            if s.status.value == "abolished":
                score *= 0.5
            snippets = [
                (label, _snippet(FIELDS[fi][2](s, catalog)[ti], matched))
                for label, fi, ti, matched in places
            ]
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
