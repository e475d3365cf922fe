"""What the catalogue says about today is true and sourced (issue 13, section 3).

The evidence is ``tests/currency/`` (copies of ``shared/source/currency-2026.md`` and
``currency-sources.md``, the dated addresses behind it). One test per class of defect
found in the statuses and the texts shown beside them.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

HERE = Path(__file__).parent / "currency"
SOURCES = HERE / "currency-sources.md"
IDS = sorted(p.stem for p in (Path(__file__).parents[1] / "data" / "schemes").glob("*.yaml"))
DAY = "2026-06-01"  # today's terms, on a fixed day: no test depends on the clock

# the agency rows of currency-sources.md §1, by the label of their first column
AGENCY_ROWS = {
    "direccte": ("direccte",),
    "business-france": ("business-france", "TFE"),
    "cci-international": ("business-france", "TFE", "cci-international"),
    "region-occitanie": ("sud-de-france", "AD'OCC", "Sud de France", "region-occitanie"),
    "bpifrance": ("bpifrance", "programme 114"),
    "douane": ("douane",),
    "ccef": ("ccef",),
    "region-nouvelle-aquitaine": ("region-nouvelle-aquitaine",),
}


@cache
def rows() -> tuple[dict, ...]:
    """The evidence rows: section (scheme id, or AGENCIES), who, URL, date seen."""
    section, out = None, []
    for line in SOURCES.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^### (\S+)", line)
        if m:
            section = m.group(1)
            continue
        if line.startswith("## 1."):
            section = "AGENCIES"
        if line.startswith(("## 3.", "| item |")):
            section = None
        if section and line.startswith("| ") and "| URL |" not in line:
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
            if len(cells) >= 6 and cells[2].startswith("http"):
                out.append({"section": section, "who": cells[0], "url": cells[2], "seen": cells[3]})
    return tuple(out)


def _cited(status) -> dict[str, object]:
    got = {s.url: s.date for s in status.sources}
    for ch in status.changes:
        for s in ch.sources:
            got.setdefault(s.url, s.date)
    return got


def _undated(seen: str) -> bool:
    return seen.startswith(("undated", "after", "version list", "text in force"))


def _check_cited(status, wanted: list[dict]) -> list[str]:
    cited, problems = _cited(status), []
    for r in wanted:
        if r["url"] not in cited:
            problems.append(f"not cited: {r['url']}")
            continue
        date = cited[r["url"]]
        if _undated(r["seen"]):
            if date is not None:
                problems.append(f"{r['url']}: dated {date}, the page shows none ({r['seen']})")
        elif date is None or date[:4] not in r["seen"]:
            problems.append(f"{r['url']}: dated {date}, the page shows {r['seen']!r}")
    return problems


def test_the_evidence_is_read():
    assert len(rows()) > 120
    assert {r["section"] for r in rows()} >= {"assurance-prospection", "AGENCIES", "vie-bf"}


@pytest.mark.parametrize("scheme_id", IDS)
def test_every_status_cites_its_dated_sources(catalog, scheme_id):
    wanted = [r for r in rows() if r["section"] == scheme_id]
    problems = _check_cited(catalog.schemes[scheme_id].status, wanted)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("agency_id", sorted(AGENCY_ROWS))
def test_every_agency_status_cites_its_dated_sources(catalog, agency_id):
    wanted = [
        r
        for r in rows()
        if r["section"] == "AGENCIES" and r["who"].startswith(AGENCY_ROWS[agency_id])
    ]
    assert wanted
    problems = _check_cited(catalog.agencies[agency_id].status, wanted)
    assert not problems, "\n".join(problems)


def _statuses(catalog):
    for s in catalog.schemes.values():
        yield s.id, s.status
    for a in catalog.agencies.values():
        yield a.id, a.status


def test_addresses_are_the_evidences(catalog):
    """Every address cited is written as one of the evidence files writes it."""
    text = "".join(p.read_text(encoding="utf-8") for p in HERE.glob("*.md"))
    for sid, st in _statuses(catalog):
        for url in _cited(st):
            assert url in text, f"{sid}: {url} is in no evidence file"


# ----------------------------------------------------------------- corrections (§0)


def test_prefinancing_threshold_is_150_or_300_to_confirm(catalog):
    st = catalog.schemes["garantie-prefinancements"].status
    text = " ".join([st.note] + [n for n in catalog.schemes["garantie-prefinancements"].notes])
    assert "300 M€" in text and "150 M€" in text and "confirmer auprès de Bpifrance" in text
    assert "pas été retrouvé" not in text and "confirmé par le relevé" not in text
    (ch,) = [c for c in st.changes if "300 M€" in c.now]
    assert ch.date is None and ch.confidence == "unknown" and ch.set_ is None


@pytest.mark.parametrize("scheme_id", ["assurance-credit", "assurance-change-contrat"])
def test_programme_114_funds_neither_credit_insurance_nor_currency_guarantee(catalog, scheme_id):
    for holder in (catalog.schemes[scheme_id], catalog.agencies["bpifrance"]):
        note = " ".join(holder.status.note.split())
        assert "finance encore l'assurance-crédit" not in note
        assert "finance encore la garantie de change" not in note
    note = " ".join(catalog.schemes[scheme_id].status.note.split())
    assert "0 €" in note


def test_nouvelle_aquitaine_names_360_export(catalog):
    for sid in (
        "pass-export-na",
        "strategie-export-na",
        "talent-export-na",
        "cap-international-na",
    ):
        st = catalog.schemes[sid].status
        assert "« 360 export »" in st.note and "ne sont pas connus" in st.note, sid
        assert '"360 export"' in st.note_en, sid
    assert "360 export" in catalog.agencies["region-nouvelle-aquitaine"].status.note


# ----------------------------------------------------------------- dates (§3, 2nd)


def test_no_date_is_the_month_the_evidence_was_collected(catalog):
    for sid, st in _statuses(catalog):
        for ch in st.changes:
            assert not (ch.date or "").startswith("2026"), f"{sid}: {ch.label} {ch.date}"
            for text in (ch.now, ch.now_en or ""):
                assert "2026" not in text, f"{sid}: {ch.label}: {text}"
    for sid in IDS:
        s = catalog.schemes[sid]
        for n in s.notes + [s.status.note or "", s.status.note_en or ""]:
            assert "2026-11" not in n and "novembre 2026" not in n, sid
            assert "November 2026" not in n, sid


def test_a_change_is_dated_by_its_own_evidence(catalog):
    """A dated change has sources, one of them of the change's year (or earlier when
    the evidence gives the day the change took effect); undated evidence: date null."""
    for sid, st in _statuses(catalog):
        for ch in st.changes:
            if ch.date is None:
                continue
            years = [s.date[:4] for s in ch.sources if s.date]
            assert years, f"{sid}: {ch.label} is dated {ch.date} by no dated source"
            assert min(years) >= ch.date[:4] and ch.date[:4] in years + [min(years)], (
                f"{sid}: {ch.label} dated {ch.date}, its sources {years}"
            )


def _run(*args: str) -> str:
    from typer.testing import CliRunner

    from intertex_cli.cli import app

    env = {"COLUMNS": "80", "INTERTEX_CATALOG": None, "INTERTEX_LANG": None}
    r = CliRunner().invoke(app, list(args), env=env)
    assert r.exit_code == 0, r.output
    return r.stdout


def _show(*args: str) -> str:
    return _run("show", *args)


@cache
def shown(scheme_id: str, lang: str = "fr", day: str = DAY) -> str:
    return _show(scheme_id, "--date", day, "--lang", lang)


@pytest.mark.parametrize(
    "scheme_id", ["pret-croissance-international", "garantie-prefinancements", "credit-export"]
)
def test_undated_evidence_says_so(scheme_id):
    fr, en = (" ".join(shown(scheme_id, lang).split()) for lang in ("fr", "en"))
    assert "date inconnue" in fr and "depuis None" not in fr
    assert "date unknown" in en and "since None" not in en


# ------------------------------------------------- replaced, abolished, no source


def test_replaced_only_where_an_open_successor_is_known(catalog):
    for sid, st in _statuses(catalog):
        if st.value != "replaced":
            continue
        succ = st.successor
        assert succ is not None, f"{sid}: replaced by nothing"
        if succ.id:
            other = catalog.schemes[succ.id].status
            assert other.value in ("still-offered", "changed", "renamed"), (
                f"{sid}: replaced by {succ.id}, which is {other.value}"
            )
            assert other.confidence != "unknown", sid
        else:
            assert st.confidence == "confirmed", f"{sid}: a successor by name is confirmed"


def test_closed_without_successor_is_abolished_with_its_confidence(catalog):
    for sid in ("pass-export-na", "strategie-export-na"):
        st = catalog.schemes[sid].status
        assert (st.value, st.confidence, st.successor) == ("abolished", "probable", None)


@pytest.mark.parametrize("scheme_id", IDS)
def test_no_newer_source_only_where_there_is_none(catalog, scheme_id):
    st = catalog.schemes[scheme_id].status
    has = bool(_cited(st))
    assert ("aucune source plus récente" in shown(scheme_id)) == (not has)


# ----------------------------------------------------------------- text defects


def test_no_quote_is_a_cards_header(catalog):
    """A reason quotes the guide's rule, not the title lines of the card."""
    for sid in IDS:
        s = catalog.schemes[sid]
        for c in s.criteria:
            words = re.findall(r"\w+", c.quote)
            header = all(w.isupper() for w in words) and any(len(w) > 4 for w in words)
            assert not header, f"{sid}.{c.id}: {c.quote!r}"  # acronyms (TPE – PME) are words
    assert "CONSEIL REGIONAL NOUVELLE AQUITAINE »" not in shown("strategie-export-na")


def test_a_raised_share_says_what_it_is_for():
    fr = " ".join(shown("assurance-credit").split())
    assert "quotité garantie 100 %" not in fr
    assert "Crédits Fournisseurs" in fr and "Crédits Documentaires" in fr
    assert "quotité garantie 100 %" not in _check_credit_insurance()


def _check_credit_insurance() -> str:
    import json
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        answers = Path(d) / "a.json"
        answers.write_text(json.dumps({"turnover_eur": 20000000}), encoding="utf-8")
        return _run("why", "assurance-credit", "--answers", str(answers), "--date", DAY)


def test_export_credit_share_is_of_the_exported_part_and_the_cover_95():
    fr, en = (" ".join(shown("credit-export", lang).split()) for lang in ("fr", "en"))
    assert "quotité garantie jusqu'à 85 %" not in fr
    assert "part « exportée »" in fr and "95 %" in fr
    assert "share guaranteed up to 85%" not in en and "95%" in en


@pytest.mark.parametrize("scheme_id", IDS)
def test_a_card_is_not_uncombinable_with_itself(catalog, scheme_id):
    s = catalog.schemes[scheme_id]
    for lang, title in (("fr", s.title), ("en", s.title_en or s.title)):
        out = " ".join(shown(scheme_id, lang).split())
        for m in re.finditer(r"(?:Non cumulable avec :|Cannot be combined with:) ([^·]*)·", out):
            names = [n.strip() for n in m.group(1).split(",")]
            assert title not in names, f"{scheme_id} ({lang}): {m.group(0)}"


def test_a_strict_bound_is_not_shown_as_a_minimum(catalog):
    """« supérieure à 12 mois », « plus de 5 ans »: more than, not "minimum"."""
    for sid in IDS:
        for f in catalog.schemes[sid].funding.figures:
            strict = re.search(r"plus de|supérieure? à|strictement", f.note or "")
            if strict:
                assert not re.search(r"minimal|minimum", f.label, re.I), f"{sid}: {f.label}"
                assert not re.search(r"minimum|shortest", f.label_en or "", re.I), sid
            assert not re.search(r"(plus de|more than)$", f.label), f"{sid}: {f.label}"
    for sid in ("pass-export-occ", "contrat-export-occ"):
        out = " ".join(shown(sid).split())
        assert "doit dépasser : 12 mois" in out and "minimale de la mission" not in out


_SALES = re.compile(r"vous permet|répond à vos besoins|s’adapte|s'adapte|Pour être plus")
_FRAGMENT_START = ("À l'exclusion", "A tous", "Sur tous", "Confier", "Dépenses éligibles")
_DANGLING = re.compile(r"pour le formaliser\.$|cette prise de contact\.$")


@pytest.mark.parametrize("scheme_id", IDS)
def test_conditions_are_conditions(catalog, scheme_id):
    """Not a sales sentence, not a fragment cut from a list or a sentence."""
    for c in catalog.schemes[scheme_id].conditions:
        assert not _SALES.search(c.text), f"{scheme_id}.{c.id}: {c.text!r}"
        assert not c.text.startswith(_FRAGMENT_START), f"{scheme_id}.{c.id}: {c.text!r}"
        assert not _DANGLING.search(c.text), f"{scheme_id}.{c.id}: {c.text!r}"
        assert not c.text.startswith("Entreprises "), f"{scheme_id}.{c.id}: {c.text!r}"


def test_an_alternative_group_of_beneficiaries_is_not_a_sequence(catalog):
    """« et les entreprises ayant bénéficié de l'aide Pass'Export »: either group, so no
    "Après : Pass Export"."""

    def alternatives(node) -> set[str]:
        facts = set()
        for sub in getattr(node, "any", None) or []:
            facts.add(getattr(sub, "fact", None))
        return facts

    for sid in IDS:
        s = catalog.schemes[sid]
        if any("had_pass_export" in alternatives(c.rule) for c in s.criteria):
            assert not [c for c in s.cumulation if c.rule == "after"], sid
            assert "Après : Pass Export" not in shown(sid), sid


# ----------------------------------------------------------------- English


_FRENCH = re.compile(
    r"\b(par|de la|du|des|aux|votre|page du|aides aux)\b|direction régionale|conseillers"
)


def test_english_names_of_todays_contacts_and_successors(catalog):
    for sid, st in _statuses(catalog):
        named = list(st.contact_today) + ([st.successor] if st.successor else [])
        for x in named:
            if x.name and _FRENCH.search(x.name):
                assert x.name_en and not _FRENCH.search(x.name_en), f"{sid}: {x.name}"
        for ch in st.changes:
            assert ch.guide_en and ch.now_en, f"{sid}: {ch.label}"
        for x in named:
            assert not x.note or x.note_en, f"{sid}: {x.name}"


@pytest.mark.parametrize("scheme_id", IDS)
def test_english_status_reads_english(scheme_id):
    out = shown(scheme_id, "en")
    status = out.split("Status today", 1)[1].split("Guide data", 1)[0]
    words = " ".join(
        line for line in status.splitlines() if "http" not in line and "·" not in line[:3]
    )
    # no French amounts (15 000 €, 150 M€) nor French link words outside the addresses
    text = re.sub(r"\S*https?://\S*", "", " ".join(status.split()))
    assert not re.search(r"\d \d{3}\b|\d ?€|M€", text), text
    assert not re.search(r"\b(depuis|le guide :|date inconnue|non datée)\b", text), text
    assert words is not None
