"""The framework and the rubric, loaded and checked together: light enough for `validate`."""

from __future__ import annotations

from pathlib import Path

from skillkit.framework import Framework, load_framework
from skillkit.rubric import Rubric, load_rubric


def load_standards(
    framework_path: Path | None = None, rubric_path: Path | None = None
) -> tuple[Framework, Rubric]:
    """The framework and the rubric checked against it (bundled ones by default)."""
    framework = load_framework(framework_path)
    return framework, load_rubric(framework, rubric_path)
