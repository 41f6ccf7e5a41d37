"""English and Russian carry the same strings with the same placeholders."""

from __future__ import annotations

import string

import pytest

from skillkit.readiness import BANDS, RULE_ORDER
from skillkit.reliability import agreement_band
from skillkit.report.i18n import (
    AGREEMENT_BANDS,
    BAND_NAMES,
    REASONS,
    SOURCE_NAMES,
    UI,
    WITHHELD,
    number,
    percent,
    whole,
)
from skillkit.rubric import SOURCES


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize(
    "table", [UI, REASONS, WITHHELD, BAND_NAMES, SOURCE_NAMES, AGREEMENT_BANDS]
)
def test_both_languages_have_every_key_and_the_same_placeholders(table: dict) -> None:
    assert set(table["en"]) == set(table["ru"])
    for key, english in table["en"].items():
        assert placeholders(english) == placeholders(table["ru"][key]), key
        assert table["ru"][key] != english or key in {"kpis", "kpi", ""}, key


def test_every_band_rule_and_source_has_words() -> None:
    assert set(BANDS) <= set(BAND_NAMES["en"])
    assert set(RULE_ORDER) == set(REASONS["en"])
    assert set(SOURCES) == set(SOURCE_NAMES["en"])
    assert {agreement_band(v) for v in (0.1, 0.6, 0.8, 0.95)} == set(AGREEMENT_BANDS["en"])


def test_numbers_are_written_as_the_reader_writes_them() -> None:
    assert number(3.25, "en", 2) == "3.25" and number(3.25, "ru", 2) == "3,25"
    assert number(None, "en") == "—" and number(float("nan"), "ru") == "—"
    assert percent(0.8, "en") == "80%" and percent(0.8, "ru") == "80\u00a0%"
    assert whole(10789, "en") == "10,789" and whole(10789, "ru") == "10\u00a0789"
