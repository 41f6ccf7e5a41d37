"""The bundled framework: ten competencies, five behavioural levels, the ladder of DOMAIN.md."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from skillkit.errors import InputError
from skillkit.framework import Framework, load_framework
from skillkit.models import untranslated
from tests.conftest import COMPETENCIES, DOMAIN_TARGETS, ROOT, RunCli
from tests.test_cli import write_small_agency


def test_bundled_framework_has_the_ten_competencies_in_order(framework: Framework) -> None:
    assert framework.competency_ids == COMPETENCIES


def test_ladder_and_targets_match_the_domain_table(framework: Framework) -> None:
    assert framework.role_ids == tuple(DOMAIN_TARGETS)
    for role, levels in DOMAIN_TARGETS.items():
        assert [framework.role(role).targets[c] for c in COMPETENCIES] == levels, role


def test_every_level_has_an_indicator_and_every_step_up_a_suggestion(framework: Framework) -> None:
    for competency in framework.competencies:
        assert [lv.level for lv in competency.levels] == [1, 2, 3, 4, 5]
        for lv in competency.levels:
            assert lv.indicator("en") and lv.indicator("ru")
            assert lv.indicator("en") != lv.indicator("ru")
            if lv.level < 5:
                assert lv.practise is not None and lv.ask_for is not None


def test_account_director_weights_favour_the_gates(framework: Framework) -> None:
    director = framework.role("account-director")
    assert director.weight("commercial-acumen") > director.weight("negotiation") == 1.0


def test_the_ladder_knows_its_next_rung(framework: Framework) -> None:
    assert framework.next_role("account-manager") == "account-director"
    assert framework.next_role("group-account-director") is None


def test_a_typo_in_a_copy_of_the_bundled_framework_names_file_and_line(tmp_path: Path) -> None:
    copy = tmp_path / "framework.yaml"
    shutil.copy(ROOT / "competencies" / "account-management.yaml", copy)
    lines = copy.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.strip() == "levels:" and i > 60)
    lines[number] = lines[number].replace("levels:", "levles:")
    copy.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_framework(copy)
    [problem] = caught.value.problems
    assert problem.line == number + 1
    assert str(problem).startswith(f"{copy}:{number + 1}: competencies[")
    assert "unknown key 'levles'" in str(problem) and "did you mean 'levels'?" in str(problem)


def _english_only(tmp_path: Path) -> Path:
    """The bundled framework with every Russian text taken out."""
    text = (ROOT / "competencies" / "account-management.yaml").read_text(encoding="utf-8")
    text = re.sub(r',\s*ru: "(?:[^"\\]|\\.)*"', "", text)  # flow style: {en: "…", ru: "…"}
    text = re.sub(r"(?m)^\s*ru: .*\n", "", text)  # block style: a line of its own
    path = tmp_path / "english-only.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_framework_in_english_alone_reads_in_english_in_russian(tmp_path: Path) -> None:
    framework = load_framework(_english_only(tmp_path))
    communication = framework.competency("communication")
    assert communication.name("ru") == communication.name("en") == "Communication"
    missing = untranslated(framework, "ru")
    assert "competencies[1].name" in missing and "name" in missing
    assert untranslated(framework, "en") == []


def test_the_bundled_framework_is_translated_throughout(framework: Framework) -> None:
    assert untranslated(framework, "ru") == []


def test_validate_and_a_russian_review_say_which_texts_stay_in_english(
    tmp_path: Path, run_cli: RunCli
) -> None:
    english = _english_only(tmp_path)
    checked = run_cli(["validate", "--framework", str(english)])
    assert f"warning: {english}: " in checked.output
    assert "texts have no Russian version; pages in Russian show them in English (name, " in (
        checked.output
    )
    data = write_small_agency(tmp_path / "data")
    russian = run_cli(
        [
            "review",
            str(data),
            "--framework",
            str(english),
            "--out",
            str(tmp_path / "out"),
            "--lang",
            "ru",
        ]
    )
    assert "warning: framework: " in russian.output and "Russian version" in russian.output
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "Communication" in page and 'lang="ru"' in page
    english_review = run_cli(
        ["review", str(data), "--framework", str(english), "--out", str(tmp_path / "en")]
    )
    assert "Russian version" not in english_review.output
