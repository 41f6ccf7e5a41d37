"""English and Russian carry the same strings with the same placeholders."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from pathlib import Path

import pytest

from skillkit.cli_self import WORDS
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
from skillkit.terminal_exports import LABELS


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


def test_every_interface_string_the_code_and_templates_ask_for_is_in_both_catalogues() -> None:
    # A key used but missing would only fail when its page branch renders: find them all here.
    root = Path(__file__).resolve().parents[2] / "skillkit"
    in_templates = {
        key
        for page in (root / "report" / "templates").glob("*.html")
        for key in re.findall(r"\bui\.([a-z_0-9]+)\b", page.read_text(encoding="utf-8"))
    }
    in_code = {
        key
        for module in root.rglob("*.py")
        for key in re.findall(r"\bui\[\"([a-z_0-9]+)\"\]", module.read_text(encoding="utf-8"))
    }
    assert in_templates and in_code  # the patterns still find the uses
    wanted = (in_templates | in_code) - {"get", "items", "format"}
    for lang in ("en", "ru"):
        assert sorted(wanted - set(UI[lang])) == [], lang


@pytest.mark.parametrize("table", [LABELS, WORDS])
def test_the_terminal_catalogues_are_complete_in_both_languages(table: Mapping) -> None:
    assert set(table["en"]) == set(table["ru"])
    for key, english in table["en"].items():
        assert placeholders(english) == placeholders(table["ru"][key]), key
