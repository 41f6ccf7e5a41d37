"""Where the bundled frameworks and rubrics live, installed or in a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled_file(folder: str, name: str) -> Path:
    """Path of a bundled YAML file: inside the wheel, else at the repository root."""
    for base in (_PACKAGE / "bundled", _PACKAGE.parent):
        candidate = base / folder / name
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"bundled file {folder}/{name} is missing from this installation")
