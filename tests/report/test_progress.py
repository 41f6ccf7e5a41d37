"""Progress on long runs: the library reports each page; the CLI draws a bar only on a terminal."""

from __future__ import annotations

import io
from pathlib import Path

import click
import pytest

from skillkit.cli_common import PageProgress
from skillkit.pipeline import review
from skillkit.report.render import render_site
from tests.test_cli import write_small_agency


def test_rendering_reports_every_page_in_order_up_to_the_total(tmp_path: Path) -> None:
    assessment = review(write_small_agency(tmp_path / "data"), model=False)
    calls: list[tuple[int, int]] = []
    pages = render_site(assessment, "en", "2026-11-26T00:00:00Z", lambda d, t: calls.append((d, t)))
    assert calls == [(n, len(pages)) for n in range(1, len(pages) + 1)]


def test_the_bar_is_drawn_only_when_enabled(monkeypatch: pytest.MonkeyPatch) -> None:
    with PageProgress(enabled=False) as off:
        off(1, 3)
    assert off.bar is None
    drawn = io.StringIO()
    original = click.progressbar
    monkeypatch.setattr(click, "progressbar", lambda **kw: original(**{**kw, "file": drawn}))
    with PageProgress(enabled=True) as on:
        for done in range(1, 4):
            on(done, 3)
    assert on.bar is not None and on.bar.pos == 3
    assert "Writing pages" in drawn.getvalue()
