"""The catalogue: contract ids, strict models, the loader's errors with file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intertex_cli.catalog import loader as cat_mod
from intertex_cli.errors import CatalogError

CONTRACT = {
    "pass-export-occ": ("region-occitanie", 6),
    "contrat-export-occ": ("region-occitanie", 8),
    "plateforme-international-occ": ("region-occitanie", 9),
    "vie-occ": ("region-occitanie", 11),
    "pass-export-na": ("region-nouvelle-aquitaine", 13),
    "strategie-export-na": ("region-nouvelle-aquitaine", 15),
    "talent-export-na": ("region-nouvelle-aquitaine", 17),
    "cap-international-na": ("region-nouvelle-aquitaine", 18),
    "vie-bf": ("business-france", 20),
    "conseil-export-bf": ("business-france", 21),
    "assurance-change-contrat": ("bpifrance", 23),
    "assurance-change-negociation": ("bpifrance", 24),
    "assurance-prospection": ("bpifrance", 25),
    "assurance-prospection-a3p": ("bpifrance", 28),
    "avance-prospection": ("bpifrance", 30),
    "assurance-credit": ("bpifrance", 31),
    "garantie-international": ("bpifrance", 32),
    "garantie-projets-international": ("bpifrance", 33),
    "garantie-cautions": ("bpifrance", 34),
    "garantie-prefinancements": ("bpifrance", 35),
    "credit-export": ("bpifrance", 36),
    "pret-croissance-international": ("bpifrance", 37),
    "credit-impot-export": ("direccte", 39),
    "diagnostic-export-cci": ("cci-international", 42),
    "information-reglementaire-cci": ("cci-international", 43),
    "accession-export-cci": ("cci-international", 44),
    "parrainage-ccef": ("ccef", 46),
    "conseil-douane": ("douane", 48),
}


def test_contract_ids_agencies_and_pages(catalog):
    assert set(catalog.schemes) == set(CONTRACT)
    assert set(catalog.agencies) == {a for a, _ in CONTRACT.values()}
    for sid, (agency, page) in CONTRACT.items():
        s = catalog.schemes[sid]
        assert s.agency == agency
        assert s.source.page == page
        assert s.source.date == "2017-2018"


def test_every_criterion_and_condition_quotes_the_guide(catalog):
    guide = Path(__file__).resolve().parent / "guide" / "guide-intertex-e1.6.1b.txt"
    if not guide.exists():
        pytest.skip("the guide is not beside the repository")
    text = " ".join(guide.read_text(encoding="utf-8").split())
    for s in catalog.schemes.values():
        for c in s.criteria:
            # list items of the guide may be joined with " ; " (data/README.md)
            for part in c.quote.split(" ; "):
                assert " ".join(part.split()) in text, (s.id, c.id, part)


def test_status_follows_currency_notes(catalog):
    assert catalog.schemes["credit-impot-export"].status.value == "abolished"
    assert catalog.schemes["assurance-prospection"].status.value == "changed"
    assert catalog.schemes["vie-bf"].status.value == "still-offered"
    assert catalog.agencies["direccte"].status.value == "renamed"


def test_regional_schemes_have_a_location_criterion(catalog):
    for s in catalog.schemes.values():
        if "national" in s.regions:
            continue
        facts = {leaf.fact for c in s.criteria for leaf in _leaves(c.rule)}
        assert facts & {"region", "former_region", "department"}, s.id


def _leaves(node):
    if node.kind in ("all", "any"):
        for n in getattr(node, node.kind):
            yield from _leaves(n)
    elif node.kind == "not":
        yield from _leaves(node.not_)
    else:
        yield node


def test_amounts_are_numbers_and_contacts_inherited(catalog):
    s = catalog.schemes["pass-export-occ"]
    assert s.funding.cap_eur == 20000 and s.funding.rate == 0.5
    assert s.funding.min_expense_eur == 10000 and s.funding.max_expense_eur == 40000
    bpi = catalog.schemes["assurance-prospection"]
    assert bpi.contacts_from_agency and not bpi.contacts
    assert catalog.agencies["bpifrance"].contacts


# --------------------------------------------------------------------------- errors


@pytest.fixture
def tmp_catalog(tmp_path):
    src = Path(cat_mod.builtin_dir())
    d = tmp_path / "cat"
    d.mkdir()
    shutil.copy(src / "pass-export-occ.yaml", d)
    shutil.copytree(src / "agencies", d / "agencies")
    return d


def _problems(d):
    with pytest.raises(CatalogError) as e:
        cat_mod.load(d)
    return e.value.problems


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_valid_copy_loads(tmp_catalog):
    assert list(cat_mod.load(tmp_catalog).schemes) == ["pass-export-occ"]


def test_unknown_key_refused_with_line(tmp_catalog):
    f = tmp_catalog / "pass-export-occ.yaml"
    _edit(f, "support_type: subsidy\n", "support_type: subsidy\ncolour: blue\n")
    (p,) = _problems(tmp_catalog)
    assert p.field == "colour" and p.line == 7 and "unknown key" in p.message
    assert str(p).startswith(str(f) + ":7: colour")


def test_duplicate_key_refused(tmp_catalog):
    f = tmp_catalog / "pass-export-occ.yaml"
    _edit(f, 'title: "Pass Export (Région Occitanie)"\n', "title: Pass Export\ntitle: Autre\n")
    (p,) = _problems(tmp_catalog)
    assert "duplicate key" in p.message and p.line == 4


@pytest.mark.parametrize(
    "old,new,field,words",
    [
        ("cap_eur: 20000", "cap_eur: -5", "funding.cap_eur", "greater than or equal to 0"),
        # a number the engine's arithmetic should not take: a typing error, at its line
        ("cap_eur: 20000", "cap_eur: 20000000000000000", "funding.cap_eur", "a number above 1e15"),
        ("cap_eur: 20000", "cap_eur: 2.0e+300", "funding.cap_eur", "a number above 1e15"),
        (
            "  rate: 0.5\n  cap_eur",
            "  rate: 50\n  cap_eur",
            "funding.rate",
            "less than or equal to 1",
        ),
        (
            "{fact: headcount, lt: 250}",
            "{fact: headcont, lt: 250}",
            "criteria.1.rule",
            "unknown fact",
        ),
        (
            "{fact: region, eq: occitanie}",
            "{fact: region, eq: occitania}",
            "criteria.0.rule",
            "not a value of region",
        ),
        (
            "{fact: headcount, lt: 250}",
            '{fact: headcount, lt: "250"}',
            "criteria.1.rule",
            "valid number",
        ),
        ("regions: [occitanie]", "regions: [bretagne]", "regions.0", "Input should be"),
        ("agency: region-occitanie", "agency: region-bretagne", "agency", "unknown agency"),
        ("id: pass-export-occ", "id: pass-export", "id", "differs from the file name"),
    ],
)
def test_invalid_values_named_with_field_and_line(tmp_catalog, old, new, field, words):
    f = tmp_catalog / "pass-export-occ.yaml"
    _edit(f, old, new)
    problems = _problems(tmp_catalog)
    assert any(
        p.field and p.field.startswith(field) and words in p.message and p.line for p in problems
    ), problems


@pytest.mark.parametrize("careful", [False, True])
def test_control_sequences_in_a_card_are_read_as_plain_text(tmp_catalog, careful):
    """An escape sequence in a card's text (here a colour and a bell) is never shown to
    a terminal: the readers clean every text, the fast one and the careful one (which
    reads a card where "<<" appears, a merge key maybe)."""
    f = tmp_catalog / "pass-export-occ.yaml"
    _edit(f, 'title: "Pass Export (Région Occitanie)"\n', 'title: "Pass \\e[31mExport\\a"\n')
    if careful:
        _edit(f, "agency: region-occitanie", "agency: region-occitanie  # <<")
    cat = cat_mod.load(tmp_catalog, use_cache=False)
    title = cat.schemes["pass-export-occ"].title
    assert "Pass" in title and "Export" in title
    assert not any(ord(ch) < 32 or ord(ch) == 127 for ch in title), repr(title)


@pytest.mark.parametrize("written", ["\u202e", "\u2066", "\u202a\u2069", "\x1b[2J", "\x7f", "\r\n"])
def test_a_control_character_written_as_it_is_is_cleaned_by_both_readers(written):
    """A control character typed into a card as it is (no YAML escape): the fast
    reader, which looks for them in the file's bytes, cleans the text as the careful
    one does, and both give the same data, on every shipped card; those YAML refuses
    (ESC, DEL) are left to the careful reader, which says so."""
    from intertex_cli.catalog.yamlio import _Slow, load_plain, load_text, safe_tree

    for f in sorted(Path(cat_mod.builtin_dir()).glob("*.yaml")):
        text = f.read_text(encoding="utf-8")
        if written == "\r\n":  # line ends of another system
            changed = text.replace("\n", "\r\n")
        else:
            changed = text.replace("title: ", f"title: A{written}B ", 1)
        for t in (text, changed):
            careful, problems = load_text(t, str(f))
            if problems:
                assert "control characters are not allowed" in problems[0].message
                with pytest.raises(_Slow):
                    load_plain(t.encode("utf-8"))
                continue
            safe_tree(careful.data)
            fast = load_plain(t.encode("utf-8"))
            assert fast == careful.data, f.name
            if t is not text and written != "\r\n":
                assert "AB" in fast["title"] or "A B" in fast["title"], fast["title"]


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",))))
def test_the_bytes_tell_a_control_character_as_the_text_does(s):
    from intertex_cli.text.sanitize import _patterns, has_control_utf8

    assert has_control_utf8(s.encode("utf-8")) == (_patterns()[0].search(s) is not None)


def test_bad_yaml_names_the_line(tmp_catalog):
    f = tmp_catalog / "pass-export-occ.yaml"
    _edit(f, "support_type: subsidy\n", "support_type: [subsidy\n")
    (p,) = _problems(tmp_catalog)
    assert "invalid YAML" in p.message and p.line


def test_every_problem_is_listed(tmp_catalog):
    f = tmp_catalog / "pass-export-occ.yaml"
    _edit(f, "cap_eur: 20000", "cap_eur: -1")
    _edit(f, "support_type: subsidy\n", "support_type: grant\n")
    assert len(_problems(tmp_catalog)) == 2


def test_missing_directory(tmp_path):
    with pytest.raises(CatalogError, match="not found"):
        cat_mod.load(tmp_path / "nope")


def test_builtin_dir_has_the_data():
    assert (Path(cat_mod.builtin_dir()) / "pass-export-occ.yaml").is_file()


def test_json_schema_describes_scheme_files():
    from intertex_cli.catalog.schema import json_schema

    schema = json_schema()
    assert "criteria" in schema["properties"] and schema["additionalProperties"] is False


def test_a_wrong_number_in_a_rule_is_one_problem_at_its_key(tmp_catalog):
    f = tmp_catalog / "pass-export-occ.yaml"
    _edit(f, "{fact: headcount, lt: 250}", '{fact: headcount, lt: "x"}')
    (p,) = _problems(tmp_catalog)
    assert p.field == "criteria.1.rule.all.0.lt" and p.line == 37


def test_a_scheme_serves_at_least_one_project(tmp_catalog):
    import yaml

    f = tmp_catalog / "pass-export-occ.yaml"
    data = yaml.safe_load(f.read_text(encoding="utf-8"))
    data["projects"] = []
    f.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    problems = _problems(tmp_catalog)
    assert any(p.field == "projects" for p in problems), problems


def test_cross_references_are_checked(tmp_catalog):
    import yaml

    f = tmp_catalog / "pass-export-occ.yaml"
    data = yaml.safe_load(f.read_text(encoding="utf-8"))
    data["steps"][0]["scheme"] = "nulle-part"
    data["status"]["successor"] = {"id": "inconnu"}
    data["cumulation"] = [{"rule": "not-with", "groups": ["aucun"], "quote": "non", "page": 6}]
    data["groups"] = []
    f.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    fields = {p.field for p in _problems(tmp_catalog)}
    assert {"steps.0.scheme", "status.successor.id", "cumulation.0.groups.0"} <= fields


def test_validate_reports_freshness(catalog):
    from intertex_cli.catalog.freshness import check

    warnings, oldest = check(catalog)
    assert oldest is not None and oldest[0] >= "2018"  # nothing is older than the guide
    by = {(w.scheme, w.message) for w in warnings}
    # a scheme whose sources speak only of its region has no date of evidence
    assert ("pass-export-occ", "status 'not-checked' has no date of evidence") in by
    assert not any(w.scheme == "credit-impot-export" and "status" in w.message for w in warnings)
