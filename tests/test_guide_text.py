"""Every text shown is a real sentence in its place, and every quote is the guide's own.

The guide's words (quotes, conditions, objectives, expenses, terms, payment) are found
verbatim on their page (tests/guide/text.py, pages.yaml); our own texts (steps,
documents, labels) are sentences that read well on their own: no trailing ":", no
lower-case start in the middle of a sentence, a step is an action in the imperative.
"""

from __future__ import annotations

import re

import pytest

from tests.guide import text as guide

_IDS = sorted(p.stem for p in guide.HERE.parents[1].joinpath("data", "schemes").glob("*.yaml"))


def _span(scheme, agency=None) -> set[int]:
    """The card's pages, and its agency's page: a regional card that says nothing of
    where the company must be takes it from the Region's page (p. 12)."""
    pages = scheme.source.pages or [scheme.source.page]
    span = set(range(min(pages), max(pages) + 1))
    return span | ({agency.page} if getattr(agency, "page", None) else set())


def _parts(text: str) -> list[str]:
    """A heading joined to its item with " : ", list items joined with " ; "."""
    out = []
    for chunk in re.split(r"\s;\s", text):
        out.extend(p for p in re.split(r"\s:\s", chunk) if p.strip())
    return out


def verbatim_problem(text: str, page: int | None, span: set[int]) -> str | None:
    """None when the text stands in the guide (on ``page``, within the card), else why."""
    places = guide.find(text)
    if places:
        pages = set().union(*places)
        if page is not None and page not in pages:
            return f"on p. {sorted(pages)}, not p. {page}"
        if not pages & span:
            return f"on p. {sorted(pages)}, outside the card (pp. {sorted(span)})"
        return None
    parts = _parts(text)
    if len(parts) < 2:
        return "not found verbatim in the guide"
    last = -1
    full = guide.full_text()
    for part in parts:
        hits = [m.start() for m in re.finditer(re.escape(guide.normalise(part)[1:]), full)]
        hits = [
            h
            for h in hits
            if h > last and (guide.pages_at(h).start in span or set(guide.pages_at(h)) & span)
        ]
        if not hits:
            return f"part not found in the card: {part!r}"
        last = hits[0]
    return None


def _quotes(s):
    for c in s.criteria:
        yield f"criteria.{c.id}", c.quote, c.page
    for c in s.conditions:
        if c.since is None:
            yield f"conditions.{c.id}", c.text, c.page
    for p in s.projects:
        yield f"projects.{p.id}", p.quote, p.page
    for c in s.cumulation:
        yield f"cumulation.{c.rule}", c.quote, c.page
    for i, x in enumerate(s.objectives):
        yield f"objectives.{i}", x, None
    for i, x in enumerate(s.expenses.eligible):
        yield f"expenses.eligible.{i}", x, None
    for i, x in enumerate(s.expenses.excluded):
        yield f"expenses.excluded.{i}", x, None
    for i, x in enumerate(s.funding.terms):
        yield f"funding.terms.{i}", x, None
    for i, x in enumerate(s.payment):
        yield f"payment.{i}", x, None
    cover = s.funding.cover
    if cover is not None:
        for name in ("repayment", "payout"):
            if getattr(cover, name):
                yield f"funding.cover.{name}", getattr(cover, name), None


def _migrated(s) -> bool:
    return bool(s.projects)


@pytest.mark.parametrize("scheme_id", _IDS)
def test_quotes_are_the_guides_words_on_their_page(catalog, scheme_id):
    s = catalog.schemes[scheme_id]
    if not _migrated(s):
        pytest.skip("not yet re-read (no projects)")
    span = _span(s, catalog.agencies.get(s.agency))
    problems = []
    for where, text, page in _quotes(s):
        why = verbatim_problem(text, page, span)
        if why:
            problems.append(f"{where}: {why}: {text[:80]!r}")
    assert not problems, "\n".join(problems)


def _shown_sentences(s):
    for c in s.conditions:
        yield f"conditions.{c.id}", c.text
    for st in s.steps:
        yield f"steps.{st.id}", st.text
        yield f"steps.{st.id}.en", st.text_en
    for i, d in enumerate(s.documents):
        yield f"documents.{i}", d.text
        yield f"documents.{i}.en", d.text_en
    for i, x in enumerate(s.funding.terms):
        yield f"funding.terms.{i}", x
    for i, x in enumerate(s.payment):
        yield f"payment.{i}", x
    for i, x in enumerate(s.objectives):
        yield f"objectives.{i}", x
    for c in s.funding.components:
        yield f"funding.components.{c.id}.label", c.label
    for i, f in enumerate(s.funding.figures):
        yield f"funding.figures.{i}.label", f.label
    if s.summary_en:
        yield "summary_en", s.summary_en


@pytest.mark.parametrize("scheme_id", _IDS)
def test_every_shown_text_reads_on_its_own(catalog, scheme_id):
    s = catalog.schemes[scheme_id]
    if not _migrated(s):
        pytest.skip("not yet re-read (no projects)")
    problems = []
    for where, text in _shown_sentences(s):
        t = text.strip()
        if t.endswith(":"):
            problems.append(f"{where} ends with ':': {t!r}")
        first = t.lstrip("«“\"'( ")[:1]
        if first.isalpha() and first.islower():
            problems.append(f"{where} starts in lower case: {t[:60]!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("scheme_id", _IDS)
def test_steps_are_actions(catalog, scheme_id):
    s = catalog.schemes[scheme_id]
    if not _migrated(s):
        pytest.skip("not yet re-read (no projects)")
    assert s.steps, "a scheme says what to do first"
    for st in s.steps:
        verb = re.split(r"[\s\-’']", st.text.strip())[0]
        assert verb.endswith("ez"), f"{st.id}: not an imperative: {st.text!r}"
        assert guide.full_text() and st.page in _span(s) | {st.page}, st.id


@pytest.mark.parametrize("scheme_id", _IDS)
def test_english_title_and_summary(catalog, scheme_id):
    s = catalog.schemes[scheme_id]
    if not _migrated(s):
        pytest.skip("not yet re-read (no projects)")
    assert s.title_en and s.summary_en
    assert len(s.summary_en.split()) >= 12, "a summary says what, to whom, how much"
    for c in s.funding.components:
        assert c.label_en, c.id
    for f in s.funding.figures:
        assert f.label_en, f.label
