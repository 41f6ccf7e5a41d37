"""`review --pdf`: A4 PDFs beside the pages through a headless Chromium, offline, all or none."""

from __future__ import annotations

import http.server
import io
import json
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from skillkit import pdf
from skillkit.cli import main
from skillkit.pdf import ChromiumMissingError, PdfError, find_chromium, print_pages
from tests.report.conftest import HOSTILE
from tests.test_cli import write_small_agency

try:
    CHROMIUM: Path | None = find_chromium()
except ChromiumMissingError:
    CHROMIUM = None
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="no chromium or google-chrome")
A4_POINTS = (595.28, 841.89)  # 210 × 297 mm; Chromium rounds to its own pixel grid (594.96)


def sheets(content: bytes) -> list[str]:
    """The text of each sheet of a PDF, footer included."""
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def invoke(*args: str) -> tuple[int, str, str]:
    """Run the CLI in-process: exit code, stdout and stderr (bugs are re-raised)."""
    result = CliRunner().invoke(main, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def printed(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`review --pdf` of the site's data: the small agency and a person with a hostile name."""
    out = tmp_path_factory.mktemp("printed") / "out"
    code, _, stderr = invoke("review", str(site.parent / "data"), "--out", str(out), "--pdf")
    assert code == 0, stderr
    return out


@pytest.mark.browser
@needs_chromium
def test_every_page_gets_an_a4_pdf_beside_it(printed: Path) -> None:
    from pypdf import PdfReader

    pages = json.loads((printed / "manifest.json").read_text(encoding="utf-8"))["pages"]
    assert len(pages) == 7  # the organisation, two teams, four people
    assert sorted(p.relative_to(printed).as_posix() for p in printed.rglob("*.pdf")) == sorted(
        page.removesuffix(".html") + ".pdf" for page in pages
    )
    for page in pages:
        content = (printed / page).with_suffix(".pdf").read_bytes()
        assert content.startswith(b"%PDF-")
        reader = PdfReader(io.BytesIO(content))
        assert len(reader.pages) >= 1
        for sheet in reader.pages:
            width, height = float(sheet.mediabox.width), float(sheet.mediabox.height)
            assert abs(width - A4_POINTS[0]) < 1.5 and abs(height - A4_POINTS[1]) < 1.5, page


@pytest.mark.browser
@needs_chromium
def test_each_sheet_has_a_footer_with_title_period_and_page_number(printed: Path) -> None:
    texts = sheets((printed / "people" / "A1.pdf").read_bytes())
    assert len(texts) > 1
    for number, text in enumerate(texts, start=1):
        assert f"Alla Executive · 2026Q3 {number} / {len(texts)}" in text, text[-200:]
    # A name is text in the footer too, never markup.
    assert f"{HOSTILE} · 2026Q3 1 / " in sheets((printed / "people" / "X1.pdf").read_bytes())[0]


@pytest.mark.browser
@needs_chromium
def test_no_link_in_a_pdf_names_a_file_on_the_machine_that_made_it(printed: Path) -> None:
    from pypdf import PdfReader

    uris = []
    for document in printed.rglob("*.pdf"):
        for sheet in PdfReader(io.BytesIO(document.read_bytes())).pages:
            for annotation in sheet.get("/Annots") or []:
                action = annotation.get_object().get("/A") or {}
                if "/URI" in action:
                    uris.append(str(action["/URI"]))
    assert [uri for uri in uris if uri.startswith("file:")] == []
    assert b"file://" not in (printed / "index.pdf").read_bytes()


@pytest.mark.browser
@needs_chromium
def test_demo_pages_break_into_sensible_sheets(demo: Path) -> None:
    from pypdf import PdfReader

    assert CHROMIUM is not None
    team = sorted(path.name for path in (demo / "teams").glob("*.html"))[0].removesuffix(".html")
    pages = ["index.html", f"teams/{team}.html", "people/E001.html"]
    pdfs = print_pages(CHROMIUM, demo, pages)
    count = {name: len(PdfReader(io.BytesIO(content)).pages) for name, content in pdfs.items()}
    # Measured on the demo agency (Chromium 156): the HR page 9 sheets (a dozen sections, the
    # 15-team heatmap, the fairness tables); a person 4 to 6 (summary and reasons; charts and
    # KPIs; the competency table; the development suggestions). Ranges leave room for fonts.
    assert 5 <= count["index.pdf"] <= 14, count
    assert 3 <= count["people/E001.pdf"] <= 7, count
    # The team's readiness table runs over several sheets: its header is repeated on each.
    team_sheets = sheets(pdfs[f"teams/{team}.pdf"])
    with_header = [text for text in team_sheets if "What it would take" in text]
    assert len(with_header) >= 3, len(team_sheets)


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on this machine recording every request it gets."""
    requests: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", requests
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.browser
@needs_chromium
def test_chromium_makes_no_request_even_when_a_page_asks(
    tmp_path: Path, server: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert CHROMIUM is not None
    url, requests = server
    (tmp_path / "greedy.html").write_text(
        f'<title>Greedy</title><link rel="stylesheet" href="{url}/style.css">'
        f'<img src="{url}/image.png"><iframe src="{url}/frame"></iframe>'
        f'<script>fetch("{url}/script")</script><p>hello</p>',
        encoding="utf-8",
    )
    assert print_pages(CHROMIUM, tmp_path, ["greedy.html"])["greedy.pdf"].startswith(b"%PDF-")
    assert requests == []
    # Without its two guards (refused requests, no name or address resolving) the same page
    # reaches the server: the assertion above can fail.
    monkeypatch.setattr(pdf, "NETWORK_PATTERNS", ())
    monkeypatch.setattr(pdf, "FLAGS", tuple(f for f in pdf.FLAGS if "resolver" not in f))
    print_pages(CHROMIUM, tmp_path, ["greedy.html"])
    assert "/image.png" in requests


@pytest.mark.browser
@needs_chromium
def test_a_page_chromium_cannot_load_is_named(tmp_path: Path) -> None:
    assert CHROMIUM is not None
    with pytest.raises(PdfError) as error:
        print_pages(CHROMIUM, tmp_path, ["people/gone.html"])
    assert str(error.value).startswith(f"{tmp_path / 'people' / 'gone.html'}: --pdf: ")
    assert "ERR_FILE_NOT_FOUND" in str(error.value)


def test_without_chromium_the_html_is_written_and_a_warning_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    out = tmp_path / "out"
    code, stdout, stderr = invoke(
        "review", str(write_small_agency(tmp_path / "data")), "--out", str(out), "--pdf", "--quiet"
    )
    assert code == 0 and stdout == ""
    assert (
        "warning: --pdf: needs Chromium (chromium or google-chrome on PATH); none found"
        " — the HTML reports were written\n"
    ) in stderr
    assert (out / "index.html").is_file() and (out / "people" / "A1.html").is_file()
    assert list(out.rglob("*.pdf")) == []


@pytest.mark.skipif(sys.platform == "win32", reason="a shell script stands in for Chromium")
def test_a_chromium_that_fails_stops_the_run_after_the_html(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    broken = bin_folder / "chromium"
    broken.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 1\n", encoding="utf-8")
    broken.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_folder))
    out = tmp_path / "out"
    code, _, stderr = invoke(
        "review", str(write_small_agency(tmp_path / "data")), "--out", str(out), "--pdf", "--quiet"
    )
    assert code == 2
    assert stderr == (
        f"{broken}: --pdf: Chromium did not start: it stopped (cannot open display)"
        " — the HTML reports were written\nskillkit: stopped on 1 problem(s).\n"
    )
    assert (out / "index.html").is_file() and list(out.rglob("*.pdf")) == []


@pytest.mark.skipif(sys.platform == "win32", reason="a shell script stands in for Chromium")
def test_a_chromium_gone_before_the_first_command_is_reported_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    quitter = tmp_path / "chromium"
    quitter.write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
    quitter.chmod(0o755)
    first_call = pdf._DevTools.call

    def late_call(self: pdf._DevTools, *args: Any, **kwargs: Any) -> dict[str, Any]:
        time.sleep(0.3)  # Chromium exits first: writing to it meets a broken pipe
        return first_call(self, *args, **kwargs)

    monkeypatch.setattr(pdf._DevTools, "call", late_call)
    with pytest.raises(PdfError, match="Chromium did not start: it stopped"):
        print_pages(quitter, tmp_path, ["index.html"])


def test_a_review_without_pdf_removes_the_pdfs_an_earlier_one_printed(tmp_path: Path) -> None:
    data, out = write_small_agency(tmp_path / "data"), tmp_path / "out"
    assert invoke("review", str(data), "--out", str(out), "--quiet")[0] == 0
    earlier = [out / "index.pdf", out / "people" / "A1.pdf", out / "teams" / "Retail.pdf"]
    for stale in [*earlier, out / "notes.pdf"]:
        stale.write_bytes(b"%PDF-1.4 from last quarter")
    assert invoke("review", str(data), "--out", str(out), "--quiet")[0] == 0
    assert [path for path in earlier if path.exists()] == []
    assert (out / "notes.pdf").exists()  # the user's own file is left alone


def test_pdf_needs_the_html_pages(tmp_path: Path) -> None:
    data = write_small_agency(tmp_path / "data")
    code, _, stderr = invoke(
        "review", str(data), "--out", str(tmp_path / "o"), "--pdf", "--no-html"
    )
    assert code == 2 and "--pdf prints the HTML pages: it cannot go with --no-html." in stderr
    assert not (tmp_path / "o").exists()
