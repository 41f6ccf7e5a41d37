"""Writing outputs: whole or not at all, inside the output folder, owned pages pruned on review."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from skillkit.cli_common import replace_files, write_files

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
    write_files(out, FILES)
    assert {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()} == set(FILES)
    assert out.stat().st_mode & 0o777 != 0o700
    assert [p.name for p in out.parent.iterdir()] == ["out"]  # no staging folder left


def test_a_failed_write_into_a_new_folder_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing_after(monkeypatch, 2)
    with pytest.raises(OSError):
        write_files(tmp_path / "out", FILES)
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
        write_files(out, FILES)
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "notes.txt"]
    assert (out / "index.html").read_bytes() == b"old"


def test_nothing_is_written_outside_the_output_folder(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="refusing to write outside"):
        write_files(tmp_path / "out", {"../escaped.txt": b"x"})
    assert not (tmp_path / "escaped.txt").exists() and not (tmp_path / "out").exists()


def test_only_a_review_prunes_the_pages_an_earlier_review_owned(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_files(out, {**FILES, "manifest.json": b'{"pages": ["people/a.html"]}'})
    write_files(out, {"forms/x.xlsx": b"form"})  # not a review: the page stays
    assert (out / "people" / "a.html").exists()
    write_files(out, {"index.html": b"new"}, prune_pages=True)
    assert not (out / "people" / "a.html").exists()
    assert (out / "scores.csv").exists() and (out / "forms" / "x.xlsx").exists()


def test_replaced_files_land_together_and_keep_their_permissions(tmp_path: Path) -> None:
    ratings, page = tmp_path / "data" / "ratings.csv", tmp_path / "out" / "people" / "p.html"
    ratings.parent.mkdir()
    ratings.write_bytes(b"old")
    ratings.chmod(0o640)
    replace_files({ratings: b"new", page: b"<html>"})
    assert ratings.read_bytes() == b"new" and page.read_bytes() == b"<html>"
    assert ratings.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in ratings.parent.iterdir()) == ["ratings.csv"]


def test_a_failed_replacement_changes_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_bytes(b"a")
    original = Path.open

    def refusing(self: Path, mode: str = "r", *args: object, **kwargs: object) -> object:
        if mode == "xb" and "b.csv" in self.name:
            raise OSError(28, "No space left on device")
        return original(self, mode, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", refusing)
    from skillkit.errors import InputError

    with pytest.raises(InputError, match="cannot write here"):
        replace_files({first: b"A", second: b"B"})
    assert first.read_bytes() == b"a" and not second.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]


def test_streamed_files_are_staged_as_they_come_and_land_with_the_rest(tmp_path: Path) -> None:
    out = tmp_path / "out"
    staged_before: list[int] = []

    def pages() -> Iterator[tuple[str, bytes]]:
        for n in range(3):
            # Each page is taken only after the previous one is on disk (in staging).
            staged_before.append(sum(1 for p in tmp_path.rglob("*.html") if p.is_file()))
            yield f"people/p{n}.html", b"page"

    write_files(out, {"scores.csv": b"x\n"}, stream=pages())
    assert staged_before == [0, 1, 2]
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()) == [
        "people/p0.html",
        "people/p1.html",
        "people/p2.html",
        "scores.csv",
    ]


def test_a_stream_that_fails_half_way_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "people").mkdir()
    (out / "people" / "p0.html").write_bytes(b"old")

    def pages() -> Iterator[tuple[str, bytes]]:
        yield "people/p0.html", b"new"
        raise RuntimeError("a page failed to render")

    with pytest.raises(RuntimeError, match="failed to render"):
        write_files(out, {"scores.csv": b"x\n"}, prune_pages=True, stream=pages())
    assert (out / "people" / "p0.html").read_bytes() == b"old"
    assert sorted(p.name for p in out.iterdir()) == ["people"]  # no scores.csv, no staging


def test_a_streamed_review_prunes_what_it_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_files(out, {"manifest.json": b'{"pages": ["people/a.html", "people/b.html"]}'})
    for name in ("a", "b"):
        (out / "people").mkdir(exist_ok=True)
        (out / "people" / f"{name}.html").write_bytes(b"old")
    write_files(out, {}, prune_pages=True, stream=iter([("people/a.html", b"new")]))
    assert (out / "people" / "a.html").read_bytes() == b"new"
    assert not (out / "people" / "b.html").exists()
