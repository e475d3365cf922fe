"""Full-text search over the catalogue: case- and accent-insensitive, ranked."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left

from intertex_cli.record import Record

_ACRONYM = re.compile(r"\b(\w)\.(?=\w\.?)")


def fold(text: str) -> str:
    """Lower case, no accents, "V.I.E." read as "vie"; same length is NOT kept."""
    s = unicodedata.normalize("NFKD", text)
    if not s.isascii():  # drop the marks NFKD split off: each distinct character once
        marks = {ord(c): None for c in set(s) if unicodedata.combining(c)}
        if marks:
            s = s.translate(marks)
    return s.lower().replace("’", "'").replace("œ", "oe")


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


def _projects(scheme, catalog) -> list[str]:
    from intertex_cli.engine.vocab import PROJECTS

    return [w for link in scheme.projects for w in PROJECTS[link.id]]


# (field label, weight, texts): the order is the index's (field numbers in the cache)
FIELDS = (
    ("titre", 10, lambda s, cat: [s.title] + ([s.title_en] if s.title_en else [])),
    ("id", 8, lambda s, cat: [s.id]),
    ("projets", 5, _projects),
    ("résumé", 3, lambda s, cat: [s.summary_en] if s.summary_en else []),
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
    ("étapes", 1, lambda s, cat: [x for st in s.steps for x in (st.text, st.text_en)]),
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


class Index:
    """An inverted index of a catalogue's texts: its tokens, sorted, and for each the
    texts it is in, as a flat list ``[scheme, field, text, scheme, field, text, …]``
    (positions in the catalogue, in ``FIELDS`` and in the field's texts).

    Built once when the catalogue is validated and kept in the cache, where each
    token's postings are read only when a query needs them: a search costs what
    its terms match, not what the catalogue holds.
    """

    def __init__(self, tokens: list[str], postings):
        self.tokens = tokens
        self._postings = postings  # a list, or a function of the token's position

    def postings(self, j: int) -> list[int]:
        p = self._postings
        return p(j) if callable(p) else p[j]

    def matching(self, term: str) -> list[int]:
        """Positions of the tokens ``term`` matches (see _match)."""
        toks = self.tokens
        j = bisect_left(toks, term)
        if len(term) <= 3:
            return [j] if j < len(toks) and toks[j] == term else []
        out = []
        while j < len(toks) and toks[j].startswith(term):
            out.append(j)
            j += 1
        return out


class Merged(Index):
    """A kept index (``base``) and the cards changed since: ``slots`` gives, for each
    card the base indexed, its place in the catalogue now (-1: removed or changed, its
    postings left out); ``added`` the places of the cards the base lacks, indexed
    from their records here (few: a rebuild past cache.SEARCH_DELTA makes it again)."""

    def __init__(self, base: Index, slots: list[int], catalog, added: list[int]):
        schemes = list(catalog.schemes.values())
        fresh = index_of(_Some(catalog, [schemes[i] for i in added]), transient=True)
        self._base, self._slots, self._fresh, self._added = base, slots, fresh, added
        super().__init__(sorted(set(base.tokens) | set(fresh.tokens)), self._merged)

    def _merged(self, j: int) -> list[int]:
        tok = self.tokens[j]
        out: list[int] = []
        for index, places in ((self._base, self._slots), (self._fresh, self._added)):
            k = bisect_left(index.tokens, tok)
            if k < len(index.tokens) and index.tokens[k] == tok:
                p = index.postings(k)
                for n in range(0, len(p), 3):
                    i = places[p[n]]
                    if i >= 0:
                        out += (i, p[n + 1], p[n + 2])
        return out


class _Some:
    """Some schemes of a catalogue, as index_of reads a catalogue."""

    def __init__(self, catalog, schemes: list):
        self.schemes = {s.id: s for s in schemes}
        self.agency_name = catalog.agency_name


def index_of(catalog, transient: bool = False) -> Index:
    """The catalogue's search index, computed from its texts. ``transient``: a cached
    scheme's record is read for it and not kept (the whole catalogue would stay)."""
    post: dict[str, list[int]] = {}
    known: dict[str, tuple] = {}  # a text's tokens, once per distinct text
    for i, s in enumerate(catalog.schemes.values()):
        if transient:
            s = _passing(s)
        for fi, (_label, _weight, get) in enumerate(FIELDS):
            for ti, text in enumerate(get(s, catalog)):
                toks = known.get(text)
                if toks is None:
                    toks = known[text] = tuple(dict.fromkeys(_tokens(text)))
                for tok in toks:
                    p = post.get(tok)
                    if p is None:
                        post[tok] = [i, fi, ti]
                    else:
                        p += (i, fi, ti)
    tokens = sorted(post)
    return Index(tokens, [post[t] for t in tokens])


class Hit(Record):
    __slots__ = ("scheme", "score", "terms", "snippets")

    def __init__(self, scheme, score: float, terms: list[str], snippets=None):
        self.scheme = scheme
        self.score = score
        self.terms = terms
        self.snippets: list = [] if snippets is None else snippets  # (field, text)


def _match(term: str, tokens: list[str]) -> bool:
    if len(term) <= 3:
        return term in tokens
    return any(tok.startswith(term) for tok in tokens)


def search(catalog, query: str) -> list[Hit]:
    """Schemes whose texts hold every term (a whole word up to 3 letters, else a word's
    beginning), scored by the weight of each field a term is found in, per text."""
    terms = _tokens(query)
    if not terms:
        return []
    source = getattr(catalog, "source", None)
    index = source.search_index(catalog) if source is not None else None
    try:
        where = _where(index or index_of(catalog), terms)
    except ValueError:  # the cache's index proved bad (it is gone now): from the texts
        where = _where(index_of(catalog), terms)
    schemes = list(catalog.schemes.values())
    found: dict[int, set] = {}
    for term, places in where.items():
        for i, _, _ in places:
            found.setdefault(i, set()).add(term)
    wanted = len(where)
    texts: dict[int, dict] = {i: {} for i, ts in found.items() if len(ts) == wanted}
    for term in terms:  # in the query's order, as often as it is written
        for i, fi, ti in where[term]:
            if i in texts:
                texts[i].setdefault((fi, ti), []).append(term)
    hits = []
    for i, matched_in in texts.items():
        s = schemes[i]
        score = 0.0
        places = []  # (label, field, text, terms): where the snippets come from
        for (fi, ti), matched in sorted(matched_in.items()):
            label, weight, _ = FIELDS[fi]
            score += weight * len(matched)
            if len(places) < 3 and label not in [x[0] for x in places]:
                places.append((label, fi, ti, matched))
        if s.status.value == "abolished":
            score *= 0.5
        texts_of = _passing(s)
        snippets = [
            (label, _snippet((FIELDS[fi][2](texts_of, catalog)[ti : ti + 1] or [""])[0], matched))
            for label, fi, ti, matched in places
        ]
        hits.append(Hit(s, score, terms, snippets))
    hits.sort(key=lambda h: (-h.score, h.scheme.id))
    return hits


def _passing(scheme):
    """The scheme to read snippets from: a cached scheme's whole record is read for
    them and not kept (a search for a common word would keep the whole catalogue)."""
    if getattr(scheme, "_full", True):
        return scheme
    from .records import Record

    return Record(scheme._source.record(scheme.id))


def _where(index: Index, terms: list[str]) -> dict[str, set]:
    """For each term, the texts it is in: {(scheme, field, text)}."""
    where: dict[str, set] = {}
    for term in dict.fromkeys(terms):
        places: set = set()
        for j in index.matching(term):
            p = index.postings(j)
            places.update(zip(p[0::3], p[1::3], p[2::3]))
        where[term] = places
    return where


def _snippet(text: str, terms: list[str], width: int = 70) -> str:
    text = " ".join(text.split())
    folded = _acronyms(fold(text))
    pos = min((folded.find(t) for t in terms if folded.find(t) >= 0), default=0)
    # positions shift when acronyms fold; good enough for a window
    start = max(0, pos - width // 3)
    end = min(len(text), start + width)
    # whole words: the excerpt starts and ends at a space, never inside a word
    if start:
        cut = text.rfind(" ", 0, start)
        start = cut + 1 if cut >= 0 else 0
    if end < len(text):
        cut = text.find(" ", end)
        end = cut if cut >= 0 else len(text)
    return ("… " if start else "") + text[start:end] + (" …" if end < len(text) else "")
