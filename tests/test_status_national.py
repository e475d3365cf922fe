"""The national agencies today (currency-2026.md): current names, successors, evidence."""

from __future__ import annotations

import pytest

from tests.test_facts import resolve

AGENCY_FACTS = [
    ("direccte", "status.value", "renamed"),
    ("direccte", "status.since", "2021-04-01"),
    ("direccte", "status.confidence", "confirmed"),
    ("direccte", "status.successor.name", "DREETS"),
    ("business-france", "status.value", "changed"),
    ("business-france", "status.successor.name", "Team France Export"),
    ("business-france", "status.successor.url", "teamfrance-export.fr"),
    ("cci-international", "status.value", "changed"),
    ("cci-international", "status.successor.url", "teamfrance-export.fr"),
    ("ccef", "status.value", "still-offered"),
    ("ccef", "status.evidence_date", "2025"),
    ("douane", "status.value", "still-offered"),
    ("douane", "status.confidence", "probable"),
]


@pytest.mark.parametrize(("agency", "path", "value"), AGENCY_FACTS)
def test_agency_status(catalog, agency, path, value):
    assert resolve(catalog.agencies[agency], path) == value


NATIONAL = [
    "vie-bf",
    "conseil-export-bf",
    "credit-impot-export",
    "diagnostic-export-cci",
    "information-reglementaire-cci",
    "accession-export-cci",
    "parrainage-ccef",
    "conseil-douane",
]


@pytest.mark.parametrize("scheme_id", NATIONAL)
def test_status_has_its_evidence(catalog, scheme_id):
    st = catalog.schemes[scheme_id].status
    assert st.value != "not-checked"
    assert st.evidence_date and st.note and st.note_en
    assert st.value in ("abolished",) or st.contact_today, "whom to contact today"


@pytest.mark.parametrize("scheme_id", NATIONAL)
def test_nothing_replaced_is_offered(catalog, scheme_id):
    # The evidence (currency-2026.md) says none of these ended as such but the tax credit.
    st = catalog.schemes[scheme_id].status
    assert st.value != "replaced"
    assert (st.value == "abolished") == (scheme_id == "credit-impot-export")


def test_every_contact_with_departments_says_why(catalog):
    for sid in NATIONAL:
        s = catalog.schemes[sid]
        if any(c.departments for c in s.contacts):
            assert any("géographie" in n for n in s.notes), sid
