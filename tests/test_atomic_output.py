"""Outputs land whole or not at all: a new OUT appears in one step, an existing one file by file."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillkit.cli import write_atomically

FILES = {"index.html": b"<html></html>", "people/a.html": b"a", "scores.csv": b"x\n"}


def failing_after(monkeypatch: pytest.MonkeyPatch, allowed: int) -> None:
    """Make the writes after the first `allowed` fail, as a full disk would."""
    original = Path.write_bytes
    calls = {"n": 0}

    def write_bytes(self: Path, data: bytes) -> int:
        calls["n"] += 1
        if calls["n"] > allowed:
            raise OSError(28, "No space left on device")
        return original(self, data)

    monkeypatch.setattr(Path, "write_bytes", write_bytes)


def test_a_new_output_folder_appears_whole_with_ordinary_permissions(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "out"
    write_atomically(out, FILES)
    assert {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()} == set(FILES)
    assert out.stat().st_mode & 0o777 != 0o700
    assert [p.name for p in out.parent.iterdir()] == ["out"]  # no staging folder left


def test_a_failed_write_into_a_new_folder_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing_after(monkeypatch, 2)
    with pytest.raises(OSError):
        write_atomically(tmp_path / "out", FILES)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_into_an_existing_folder_changes_nothing_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_bytes(b"old")
    (out / "notes.txt").write_bytes(b"the user's own")
    failing_after(monkeypatch, 2)
    with pytest.raises(OSError):
        write_atomically(out, FILES)
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "notes.txt"]
    assert (out / "index.html").read_bytes() == b"old"


def test_nothing_is_written_outside_the_output_folder(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="refusing to write outside"):
        write_atomically(tmp_path / "out", {"../escaped.txt": b"x"})
    assert not (tmp_path / "escaped.txt").exists() and not (tmp_path / "out").exists()
