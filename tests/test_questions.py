"""Answers as people type them, and the interface language."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intertex_cli.questions import QUESTIONS, parse_amount, parse_int, parse_months
from intertex_cli.text.i18n import default_lang, euros


@pytest.mark.parametrize(
    "text,value",
    [
        ("4 200 000", 4_200_000),
        ("4,2 M", 4_200_000),
        ("1.2M€", 1_200_000),
        ("300k", 300_000),
        ("300 k€", 300_000),
        ("1,5 million", 1_500_000),
        ("20 000 €", 20_000),
        ("4.200.000", 4_200_000),
        ("1 234,50", 1234.5),
        ("2 Md€", 2_000_000_000),
        ("150000 euros", 150_000),
        ("0", 0),
    ],
)
def test_amounts_as_people_write_them(text, value):
    assert parse_amount(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["abc", "-5", "12 xyz", "", "€"])
def test_not_amounts(text):
    with pytest.raises(ValueError):
        parse_amount(text)


@given(st.integers(0, 10**12))
def test_french_formatting_reads_back(n):
    assert parse_amount(euros(n)) == n


def test_durations_and_counts():
    assert (
        parse_months("18") == 18 and parse_months("3 ans") == 36 and parse_months("2 years") == 24
    )
    assert parse_months("1,5 an") == 18
    assert parse_int(" 1 200 ") == 1200
    with pytest.raises(ValueError):
        parse_int("2.5")


def test_every_question_in_both_languages():
    for q in QUESTIONS.values():
        assert q.text["fr"] and q.text["en"] and q.text["fr"] != q.text["en"]
        if q.choices:
            assert set(q.choices["fr"]) == set(q.choices["en"])


@pytest.mark.parametrize(
    "env,lang",
    [
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "fr"),
        ({"INTERTEX_LANG": "en", "LANG": "fr_FR"}, "en"),
    ],
)
def test_default_language_from_the_locale(monkeypatch, env, lang):
    for var in ("INTERTEX_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    assert default_lang() == lang
