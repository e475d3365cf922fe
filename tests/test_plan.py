"""The plan: relevance, amounts that never count an expense twice, cumulation, reasons
with the failing value, nearest misses; on the real catalogue and on small synthetic
ones where a rule must be isolated."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from intertex_cli import answers as ans
from intertex_cli.catalog.models import Scheme
from intertex_cli.cli import app
from intertex_cli.engine.assess import assess, question_schemes
from intertex_cli.engine.plan import conflicts, ended, relevant
from intertex_cli.engine.vocab import PROJECT_IDS

# the shipped example, the 20-person weaving mill in the Tarn, without its project
TARN = {
    k: v
    for k, v in yaml.safe_load(
        (Path(__file__).parents[1] / "examples" / "tissage-tarn.yaml").read_text(encoding="utf-8")
    ).items()
    if k != "projects"
}


def run_assess(catalog, **answers):
    p, _ = ans.parse(answers, "<test>")
    return assess(tuple(catalog.schemes.values()), p, catalog.schemes)


# ----------------------------------------------------------------------------- the real catalogue


def test_trade_fair_in_the_tarn_is_the_sketchs_plan(catalog):
    a = run_assess(catalog, **TARN, projects=["trade-fairs"])
    plan = a.plan
    assert plan.ids[0] == "pass-export-occ"
    assert plan.total == 15_000
    assert a.result("pass-export-occ").estimate["amount_eur"] == 15_000
    # the insurance is in the plan, never counted as aid
    assert "assurance-prospection" in plan.ids
    assert a.covers["assurance-prospection"]["indemnity_max_eur"] == 19_500
    out = {x["id"]: x for x in plan.left_out}
    assert out["accession-export-cci"]["reason"] == "non-cumulation"
    assert out["accession-export-cci"]["page"] == 6
    assert out["credit-impot-export"]["reason"] == "abolished"
    # a trade fair has nothing to do with currency hedging
    assert a.relevant["assurance-change-contrat"] is False
    assert "assurance-change-contrat" not in plan.ids


@pytest.mark.parametrize("budget,kept", [(40_000, 1), (60_000, 1)])
def test_pass_and_contrat_export_never_together(catalog, budget, kept):
    a = run_assess(catalog, **{**TARN, "project_budget_eur": budget}, projects=["trade-fairs"])
    both = {"pass-export-occ", "contrat-export-occ"}
    assert len(both & set(a.plan.ids)) == kept
    if budget == 40_000:  # at both bounds: either, never the two
        out = {x["id"]: x for x in a.plan.left_out}
        (left,) = both - set(a.plan.ids)
        assert out[left]["reason"] == "non-cumulation" and out[left]["page"] in (6, 8)
    else:
        assert "contrat-export-occ" in a.plan.ids and a.plan.total == 30_000


def test_ended_schemes_never_count_nor_ask(catalog):
    a = run_assess(catalog, **TARN)
    gone = {s.id for s in catalog.schemes.values() if ended(s)}
    assert "credit-impot-export" in gone
    assert not gone & set(a.plan.ids)
    assert a.result("credit-impot-export").verdict == "eligible"  # kept for the record
    assert not gone & {s.id for s in question_schemes(catalog.schemes.values(), a.profile)}


@pytest.mark.parametrize("project", PROJECT_IDS)
def test_relevant_follows_each_project(catalog, project):
    a = run_assess(catalog, **TARN, projects=[project])
    served = [s.id for s in catalog.schemes.values() if project in [x.id for x in s.projects]]
    assert served, f"no scheme serves {project}"
    for sid, rel in a.relevant.items():
        assert rel == (sid in served), sid
    assert all(a.relevant[sid] for sid in a.plan.ids)


def test_projects_unknown_means_relevant_unknown(catalog):
    a = run_assess(catalog, **TARN)
    assert set(a.relevant.values()) == {None}


def test_reason_names_the_failing_value(catalog):
    a = run_assess(catalog, **TARN)
    ((cr, fails),) = a.reasons["contrat-export-occ"]
    assert cr.criterion.page == 8
    assert fails[0]["key"] == "project_budget_eur" and fails[0]["answer"] == 30_000
    assert fails[0]["op"] == "ge" and fails[0]["limit"] == 40_000


def test_nearest_miss_is_the_smallest_change_the_company_can_make(catalog):
    a = run_assess(catalog, **TARN)
    assert a.nearest["contrat-export-occ"] == [{"key": "project_budget_eur", "value": 40_000}]
    assert a.nearest_amount["contrat-export-occ"] == 20_000
    assert a.nearest_instead["contrat-export-occ"] == ["pass-export-occ"]
    # the Nouvelle-Aquitaine schemes need another location: nothing the company chooses
    assert a.nearest["pass-export-na"] is None


def test_nearest_miss_through_the_programme_changes_the_budget(catalog):
    """A hire of 30 000 € alone is under the Contrat Export's 40 000 € (p. 8): 10 000 €
    of other expenses open it; the change is on an answers key, the budget."""
    hire = {k: v for k, v in TARN.items() if k != "project_budget_eur"}
    a = run_assess(catalog, **hire, projects=["export-hire"], hire_cost_eur=30_000)
    assert a.result("contrat-export-occ").verdict == "ineligible"
    ((cr, fails),) = a.reasons["contrat-export-occ"]
    assert fails[0]["key"] == "hire_cost_eur" and fails[0]["answer"] == 30_000
    assert a.nearest["contrat-export-occ"] == [{"key": "project_budget_eur", "value": 10_000}]
    assert a.result("pass-export-occ").estimate["amount_eur"] == 15_000
    # a hire of 60 000 € is over the Pass Export's 40 000 € (p. 6): no budget opens it
    a = run_assess(catalog, **hire, projects=["export-hire"], hire_cost_eur=60_000)
    assert a.nearest["pass-export-occ"] is None
    ((cr, fails),) = a.reasons["pass-export-occ"]
    assert fails[0]["op"] == "le" and fails[0]["limit"] == 40_000


def test_nearest_miss_in_time_only_moves_forward(catalog):
    gironde = {
        **TARN,
        "department": "33",
        "months_of_activity": 13,
        "closed_fiscal_years": 1,
        "export_turnover_eur": 100_000,
    }
    a = run_assess(catalog, **gironde)
    assert a.result("pass-export-na").verdict == "ineligible"
    assert a.nearest["pass-export-na"] == [{"key": "months_of_activity", "value": 18}]
    from intertex_cli.views.words import nearest_text

    text = nearest_text(
        a.nearest["pass-export-na"],
        None,
        catalog.schemes["pass-export-na"],
        a.profile.answers,
        "fr",
    )
    assert text.startswith("dans 5 mois (18 mois d'activité)")
    older = run_assess(catalog, **{**gironde, "months_of_activity": 400})
    assert older.result("pass-export-na").verdict == "eligible"


def test_unknown_budget_shows_the_range_the_guide_allows(catalog):
    answers = {k: v for k, v in TARN.items() if k != "project_budget_eur"}
    a = run_assess(catalog, **answers)
    assert a.result("pass-export-occ").estimate is None
    assert a.ceilings["pass-export-occ"] == 20_000
    from intertex_cli.views.words import ceiling_text

    assert ceiling_text(20_000, catalog.schemes["pass-export-occ"], "fr").startswith(
        "jusqu'à 20 000 €"
    )


# ----------------------------------------------------------------------------- isolated rules


def _scheme(sid: str, **kw) -> Scheme:
    data = {
        "id": sid,
        "title": sid.title(),
        "title_en": sid.title(),
        "agency": "region-occitanie",
        "regions": ["national"],
        "support_type": "subsidy",
        "description": "Une aide d'essai.",
        "beneficiaries_text": "Toutes.",
        "projects": [{"id": "trade-fairs", "quote": "salons", "page": 6}],
        "steps": [{"id": "ask", "text": "Demandez.", "text_en": "Ask.", "page": 6}],
        "source": {"document": "test", "page": 6, "date": "2017-2018"},
        "status": {"value": "still-offered"},
        "funding": {"rate": 0.5},
    }
    for k, v in kw.items():
        if isinstance(v, dict) and isinstance(data.get(k), dict):
            data[k] = {**data[k], **v}
        else:
            data[k] = v
    return Scheme.model_validate(data)


class Cat:
    def __init__(self, *schemes):
        self.schemes = {s.id: s for s in schemes}


def _plan(cat, **answers):
    return run_assess(cat, **{"project_budget_eur": 30_000, **answers}).plan


def test_two_subsidies_of_one_budget_do_not_add_up():
    cat = Cat(_scheme("aide-a", funding={"rate": 0.5}), _scheme("aide-b", funding={"rate": 0.4}))
    plan = _plan(cat)
    assert plan.ids == ["aide-a"] and plan.total == 15_000
    assert plan.left_out == [
        {"id": "aide-b", "amount_eur": 12_000, "reason": "same-expenses", "instead_of": "aide-a"}
    ]


def test_combines_with_lets_them_share():
    rule = {"rule": "combines-with", "schemes": ["aide-b"], "quote": "cumulable", "page": 6}
    cat = Cat(_scheme("aide-a", cumulation=[rule]), _scheme("aide-b", funding={"rate": 0.4}))
    assert _plan(cat).total == 15_000 + 12_000


def test_tax_credit_base_reduced_by_subsidies_and_insured_expenses():
    reduced = {
        "rule": "base-reduced-by",
        "reduced_by": ["subsidies", "insured-expenses"],
        "quote": "à déduire",
        "page": 39,
    }
    credit = _scheme("credit", support_type="tax-credit", cumulation=[reduced])
    subsidy = _scheme("aide", funding={"rate": 0.4})
    plan = _plan(Cat(credit, subsidy))
    amounts = {e.scheme.id: e.amount for e in plan.entries}
    # 40 % × 30 000 = 12 000; the credit: 50 % × (30 000 − 12 000) = 9 000
    assert amounts == {"aide": 12_000, "credit": 9_000} and plan.total == 21_000
    insurance = _scheme(
        "assurance",
        support_type="insurance-guarantee",
        funding={
            "rate": None,
            "cover": {"kind": "insurance", "on_budget": True, "quota": [{"rate": 0.65}]},
        },
    )
    plan = _plan(Cat(credit, subsidy, insurance))
    amounts = {e.scheme.id: e.amount for e in plan.entries}
    assert amounts["credit"] == 0  # every expense is insured: nothing left for the credit


def test_non_cumulation_by_group_and_the_largest_total_wins():
    clause = {"rule": "not-with", "groups": ["region"], "quote": "non cumulable", "page": 6}
    small = _scheme("petite", groups=["region"], cumulation=[clause], funding={"rate": 0.2})
    big = _scheme("grande", groups=["region"], funding={"rate": 0.6})
    plan = _plan(Cat(small, big))
    assert plan.ids == ["grande"]
    (out,) = plan.left_out
    assert out["reason"] == "non-cumulation" and out["clause_of"] == "petite" and out["page"] == 6


def test_a_sequence_orders_the_steps():
    first = _scheme(
        "diagnostic",
        support_type="advice",
        funding={"rate": None},
        steps=[{"id": "ask", "text": "Demandez le diagnostic.", "text_en": "Ask.", "page": 6}],
    )
    after = _scheme(
        "aide",
        cumulation=[{"rule": "after", "schemes": ["diagnostic"], "quote": "après", "page": 6}],
        steps=[
            {
                "id": "pre",
                "text": "Demandez d'abord le diagnostic.",
                "text_en": "First.",
                "page": 6,
                "scheme": "diagnostic",
            },
            {"id": "apply", "text": "Déposez la demande.", "text_en": "Apply.", "page": 6},
        ],
    )
    plan = _plan(Cat(after, first))
    texts = [x["step"].text for x in plan.steps]
    assert texts == ["Demandez d'abord le diagnostic.", "Déposez la demande."]


_CONFLICT_REASONS = {"non-cumulation", "same-expenses"}


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    budget=st.integers(min_value=0, max_value=400_000),
    projects=st.one_of(
        st.none(), st.lists(st.sampled_from(PROJECT_IDS), min_size=1, max_size=3, unique=True)
    ),
    department=st.sampled_from(["81", "31", "34", "33", "64", "87", "35"]),
    headcount=st.integers(min_value=0, max_value=400),
)
def test_plan_properties(catalog, budget, projects, department, headcount):
    answers = {
        **TARN,
        "project_budget_eur": budget,
        "department": department,
        "headcount": headcount,
    }
    if projects is not None:
        answers["projects"] = projects
    a = run_assess(catalog, **answers)
    plan = a.plan
    chosen = [e.result for e in plan.entries]
    covers = {r.scheme.id: a.covers[r.scheme.id] for r in chosen}
    # no two schemes of the plan conflict, every one is eligible, current and relevant
    assert not conflicts(chosen, catalog.schemes, covers)
    for r in chosen:
        assert r.verdict == "eligible" and not ended(r.scheme)
        assert a.relevant[r.scheme.id] is not False
        assert relevant(r.scheme, set(projects) if projects else None) is not False
    # the total is the plan's amounts, never more than the budget's aid could be
    assert plan.total == sum(e.amount for e in plan.entries)
    assert plan.total <= budget
    for x in plan.left_out:
        if x["reason"] in _CONFLICT_REASONS:
            assert x["instead_of"] in plan.ids


# ----------------------------------------------------------------------------- the outputs


@pytest.fixture
def tarn_file(tmp_path):
    import yaml

    f = tmp_path / "tarn.yaml"
    f.write_text(
        yaml.safe_dump({**TARN, "projects": ["trade-fairs"], "company_name": "Tissages du Tarn"}),
        encoding="utf-8",
    )
    return f


def test_json_has_the_contracts_fields(tarn_file):
    r = CliRunner().invoke(app, ["check", "--answers", str(tarn_file), "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert set(data["plan"]) >= {"schemes", "total_eur", "left_out"}
    assert data["plan"]["total_eur"] == 15_000
    for x in data["results"]:
        assert x["relevant"] in (True, False)
        assert set(x["status"]) >= {"value", "evidence_date", "confidence", "sources", "successor"}
        if x["verdict"] == "ineligible":
            assert x["reasons"] and all({"quote", "page", "answer"} <= set(y) for y in x["reasons"])
        if x["verdict"] != "eligible":
            assert "nearest_miss" in x
            assert x["nearest_miss"] is None or all(
                set(c) == {"key", "value"} for c in x["nearest_miss"]
            )
    by = {x["id"]: x for x in data["results"]}
    assert by["contrat-export-occ"]["reasons"][0]["answer"] == 30_000
    assert by["contrat-export-occ"]["nearest_miss"] == [
        {"key": "project_budget_eur", "value": 40_000}
    ]


def test_screen_at_80_columns_cuts_nothing(tarn_file, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    r = CliRunner().invoke(app, ["check", "--answers", str(tarn_file), "--lang", "fr"])
    out = r.stdout
    assert r.exit_code == 0 and "…" not in out
    assert all(len(line.rstrip()) <= 80 for line in out.splitlines())
    assert "05 61 11 52 00" in out  # the nearest Bpifrance office, whole
    head = out[: out.index("╰")]
    assert "Pass Export" in head and "15 000 €" in head and "50 % × 30 000 € = 15 000 €" in head


def test_markdown_report(tarn_file, tmp_path):
    report = tmp_path / "plan.md"
    r = CliRunner().invoke(
        app, ["check", "--answers", str(tarn_file), "--report", str(report), "--lang", "fr"]
    )
    assert r.exit_code == 0, r.output
    md = report.read_text(encoding="utf-8")
    lines = md.splitlines()
    headings = [line for line in lines if line.startswith("#")]
    assert headings[0] == "# Plan export — Tissages du Tarn"
    # the plan first, then this week, whom to call; the details after
    assert headings[1:5] == [
        "## Votre plan",
        "## Cette semaine",
        "## Contacts (le plus proche d'abord)",
        "## Documents à préparer",
    ]
    for h in (
        "## Ensuite",
        "## Vos réponses",
        "## Presque",
        "## Supprimés ou remplacés depuis le guide",
        "## Le statut de chaque dispositif aujourd'hui",
    ):
        assert h in headings[5:], h
    # the plan's table is the first table, its columns aligned: it reads as a table in a
    # plain-text e-mail too, and stays short
    first_table = next(i for i, line in enumerate(lines) if line.startswith("|"))
    assert lines[first_table - 2] == "## Votre plan"
    table = lines[first_table : first_table + 4]
    assert table[0].split("|")[1:-1] == [
        " # ",
        " Dispositif                     ",
        " Organisme        ",
        " Montant              ",
    ]
    assert len({len(x) for x in table}) == 1 and len(table[0]) <= 100
    assert (
        table[2]
        == "| 1 | Pass Export (Région Occitanie) | Région Occitanie | 15 000 €             |"
    )
    assert (
        "1. Pass Export (Région Occitanie) — 50 % × 30 000 € = 15 000 € "
        "(plafond 20 000 € non atteint)" in md
    )
    assert (
        "**Total des aides chiffrées : 15 000 € (sans compter deux fois une même dépense).**" in md
    )
    contacts = md[md.index("## Contacts") : md.index("## Documents")]
    assert contacts.index("Toulouse") < contacts.index("Montpellier")  # nearest first
    assert (
        "- Sébastien Robert-Charrerau — Bpifrance, Direction régionale Toulouse — Toulouse · 05 61 11 52 00"
        in contacts
    )
    assert "2017-2018" in md and "<" not in md.replace("&lt;", "")
    assert "p. None" not in md and "depuis 2023-04)" in md  # a document added since the guide
    # two schemes named Pass Export: each with its agency where both are listed
    assert "| Pass Export (Région Nouvelle-Aquitaine) |" in md
    assert not list(tmp_path.glob(".plan.md.*"))  # no temporary file left


def test_markdown_report_of_a_past_day(tarn_file, tmp_path):
    report = tmp_path / "plan.md"
    args = ["check", "--answers", str(tarn_file), "--report", str(report), "--date", "2017-12-31"]
    r = CliRunner().invoke(app, [*args, "--lang", "fr"])
    assert r.exit_code == 0, r.output
    md = report.read_text(encoding="utf-8")
    assert "conditions du 2017-12-31" in md
    assert "## Le statut de chaque dispositif au 2017-12-31" in md


def test_html_report_is_one_self_contained_page(tarn_file, tmp_path):
    from html.parser import HTMLParser

    report = tmp_path / "plan.html"
    r = CliRunner().invoke(
        app, ["check", "--answers", str(tarn_file), "--report", str(report), "--lang", "en"]
    )
    assert r.exit_code == 0, r.output
    page = report.read_text(encoding="utf-8")

    class Parse(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags, self.links, self.text = [], [], []

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)
            self.links += [v for k, v in attrs if k in ("src", "href") and v]

        def handle_data(self, data):
            self.text.append(data)

    p = Parse()
    p.feed(page)
    assert {"style", "svg", "table", "h1", "h2"} <= set(p.tags)
    assert "script" not in p.tags and "link" not in p.tags and not p.links  # nothing fetched
    text = " ".join(p.text)
    assert "Export plan — Tissages du Tarn" in text and "€15,000" in text
    assert "@page" in page and "A4" in page
    assert page.count("<rect") == 1  # one bar: the one scheme with an amount
    # printed: the plan on its own first page, the details after
    assert "size: A4" in page and ".first { break-after: page; }" in page
    first, details = page.split('</div><div class="details">')
    assert "Total of the amounts computed: €15,000" in first and "This week" in first
    assert "Your answers" in details and "Each scheme&#x27;s status today" in details
    # never broken across lines: phone numbers and amounts (no-break spaces), e-mails and
    # dates (nowrap); no word cut to fit a column
    assert "05\u00a061\u00a011\u00a052\u00a000" in first and "05 61" not in page
    assert '<span class="nw">export@laregion.fr</span>' in first
    assert "overflow-wrap: anywhere" not in page and "word-break: break-all" not in page


def test_html_report_chart_and_escaping():
    from intertex_cli.views.report import Document, Section, to_html

    long = "Plateforme numérique d'information des entreprises à l'international"
    sec = Section("Plan <b>", [("chart", [("Aide <i>", 15_000), (long, 5_000)])])
    sec.blocks.append(("p", "Appelez le 05 61 11 52 00 ou a@b.fr pour 20 000 € — 2018-05-02"))
    page = to_html(Document("T", "s", [sec], [], "f"), "fr")
    assert page.count("<rect") == 2 and "Aide &lt;i&gt;" in page and "<b>" not in page
    assert (
        ">Plateforme numérique d&#x27;information des entreprises à l&#x27;international<" in page
    )
    assert "05\u00a061\u00a011\u00a052\u00a000" in page and "20\u00a0000\u00a0€" in page
    assert '<span class="nw">a@b.fr</span>' in page and '<span class="nw">2018-05-02</span>' in page


@given(
    st.text(st.characters(whitelist_categories=("L", "P", "Zs"), blacklist_characters="\u00a0")),
    st.integers(0, 999_999_999),
    st.integers(1_000, 9_999_999),
)
def test_unbreakable_glues_phones_and_amounts_and_changes_nothing_else(words, phone, amount):
    from intertex_cli.text.i18n import euros
    from intertex_cli.views.words import unbreakable

    d = f"{phone:09d}"
    number = f"0{d[0]} " + " ".join(d[i : i + 2] for i in range(1, 9, 2))  # 05 61 11 52 00
    text = f"{words} {number} · {euros(amount)} {words}"
    glued = unbreakable(text)
    assert glued.replace("\u00a0", " ") == text  # only spaces become no-break spaces
    assert number.replace(" ", "\u00a0") in glued
    assert euros(amount).replace(" ", "\u00a0") in glued
