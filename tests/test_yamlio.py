"""Invalid frameworks and rubrics are reported as `file:line: where: message`, every problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillkit.errors import InputError
from skillkit.framework import load_framework
from skillkit.rubric import load_rubric
from skillkit.yamlio import MAX_FILE_BYTES, format_location, load_yaml

YAML = Path(__file__).parent / "fixtures" / "yaml"
CASES = sorted((YAML / "invalid").glob("*/*.yaml"))


def _load(relative: Path) -> None:
    if relative.parts[1] == "rubric":
        load_rubric(load_framework(Path("mini-framework.yaml")), relative)
    else:
        load_framework(relative)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.stem}" for c in CASES])
def test_invalid_file_reports_exactly_the_expected_problems(
    case: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(YAML)
    relative = case.relative_to(YAML)
    with pytest.raises(InputError) as caught:
        _load(relative)
    expected = case.with_suffix(".expected.txt").read_text(encoding="utf-8").splitlines()
    assert [str(p) for p in caught.value.problems] == expected


def test_the_small_base_files_of_the_cases_are_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(YAML)
    framework = load_framework(Path("mini-framework.yaml"))
    rubric = load_rubric(framework, Path("mini-rubric.yaml"))
    assert framework.competency_ids == ("communication", "motivation")
    assert rubric.readiness.rule_for("account-director").gates == ("motivation",)


def test_every_case_has_its_expected_messages() -> None:
    assert len(CASES) >= 20
    for case in CASES:
        assert case.with_suffix(".expected.txt").read_text(encoding="utf-8").strip(), case


def test_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * (MAX_FILE_BYTES + 1), encoding="utf-8")
    with pytest.raises(InputError, match=r"big\.yaml: file is \d+ bytes; the limit is"):
        load_yaml(big)


def test_duplicate_keys_are_an_error_not_a_silent_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text("id: a\nversion: '1'\nid: b\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_yaml(path)
    assert str(caught.value.problems[0]) == f"{path}:3: id: duplicate key"


def test_python_specific_tags_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "evil.yaml"
    path.write_text("a: !!python/object/apply:os.system ['echo hi']\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"evil\.yaml:1: yaml: tag .* is not allowed"):
        load_yaml(path)


def test_lines_are_recorded_for_keys_and_list_items(tmp_path: Path) -> None:
    path = tmp_path / "lines.yaml"
    path.write_text("a:\n  - x: 1\n  - x: 2\n    y: 3\n", encoding="utf-8")
    doc = load_yaml(path)
    assert doc.line_of(("a", 1, "y")) == 4
    assert doc.line_of(("a", 0)) == 2
    assert doc.line_of(("a", 5, "z")) == 1  # nothing deeper known: the key `a` itself


def test_locations_read_like_paths() -> None:
    assert format_location(("roles", 2, "targets", "motivation")) == "roles[2].targets.motivation"
    assert format_location(()) == ""
