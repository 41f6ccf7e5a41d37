"""PDFs of the report pages, printed by a headless Chromium found on the machine.

Chromium is driven over its DevTools pipe (`--remote-debugging-pipe`: JSON messages on file
descriptors 3 and 4) rather than started once per page with `--print-to-pdf`: one browser prints
every page, several tabs at once, and `Page.printToPDF` draws a footer with the page's title,
period and page number, which the command-line switch cannot. Only the standard library is used.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import select
import shutil
import signal
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from skillkit.errors import Problem, SkillkitError

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
MM = 1 / 25.4  # inches, the unit of Page.printToPDF
UNLINK = (
    "for (const a of document.querySelectorAll('a[href]'))"
    " if (!a.getAttribute('href').startsWith('#')) a.removeAttribute('href');"
)
# A4 with the margins of style.css's @page (which wins: preferCSSPageSize); the bottom one is
# deep enough for the footer.
PAPER = {"paperWidth": 210 * MM, "paperHeight": 297 * MM, "marginTop": 12 * MM}
PAPER |= {"marginBottom": 16 * MM, "marginLeft": 12 * MM, "marginRight": 12 * MM}
# What a page might ask of a network is refused by the browser itself (see _refuse).
NETWORK_PATTERNS = ("http://*", "https://*", "ws://*", "wss://*", "ftp://*")
FLAGS = (
    "--headless=new",
    "--remote-debugging-pipe",
    "--no-sandbox",  # as root (CI, containers) Chromium refuses to start sandboxed
    "--disable-gpu",
    # Tabs in the background would be slowed down; all of them print at once here.
    "--disable-renderer-backgrounding",
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    "--force-color-profile=srgb",  # the report's colours as written, whatever the machine
    "--hide-scrollbars",
    "--mute-audio",
    "--password-store=basic",  # never ask a desktop keyring for anything
    "--disable-dev-shm-usage",  # a small /dev/shm in containers crashes renderers
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-sync",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-breakpad",
    "--no-pings",
    "--metrics-recording-only",
    "--disable-features=Translate,MediaRouter,OptimizationHints,AutofillServerCommunication",
    # No host name resolves: whatever the flags above miss reaches nothing.
    "--host-resolver-rules=MAP * ~NOTFOUND",
)
STEP_TIMEOUT = 60.0  # seconds without any page finishing; the largest page prints in ~1 s
_TITLE = re.compile(rb"<title>(.*?)</title>", re.DOTALL)


class PdfError(SkillkitError):
    """Chromium is missing or could not print a page; carries one Problem for the user."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


class ChromiumMissingError(PdfError):
    """No Chromium or Chrome on PATH (nor at the path given)."""


def find_chromium(explicit: str | Path | None = None) -> Path:
    """The Chromium to print with: `explicit` if given, else the first of CHROMIUM_NAMES on PATH."""
    for name in [str(explicit)] if explicit is not None else CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    wanted = str(explicit) if explicit is not None else "chromium or google-chrome on PATH"
    raise ChromiumMissingError(Problem("--pdf", None, "", f"needs Chromium ({wanted}); none found"))


def pdf_name(page: str) -> str:
    """Where a page's PDF goes: beside it, `people/E001.html` → `people/E001.pdf`."""
    return page.removesuffix(".html") + ".pdf"


def print_pages(
    chromium: Path,
    root: Path,
    pages: Sequence[str],
    *,
    progress: Callable[[int, int], None] | None = None,
    tabs: int | None = None,
    timeout: float = STEP_TIMEOUT,
) -> dict[str, bytes]:
    """A4 PDFs of the HTML `pages` (paths relative to `root`), keyed by `pdf_name(page)`.

    `tabs` pages load and print at once, each tab in a renderer process of its own: by default
    one per core, at least two, at most eight (on two cores 2, 3 and 4 tabs measured alike:
    the demo's 166 pages in about 35 s). `progress(done, total)` is called after each page.
    A page Chromium cannot print raises PdfError naming it as `root / page`. Chromium writes
    nothing but a throw-away profile, removed afterwards.
    """
    report = progress or (lambda done, total: None)
    waiting = [(page, root / page) for page in reversed(pages)]
    pdfs: dict[str, bytes] = {}
    if not waiting:
        return pdfs
    with _DevTools.started(chromium, timeout) as browser:
        wanted = tabs if tabs is not None else min(max(os.cpu_count() or 1, 2), 8)
        idle = [browser.open_tab() for _ in range(min(max(wanted, 1), len(waiting)))]
        busy: list[_Job] = []
        while waiting or busy:
            while idle and waiting:
                page, path = waiting.pop()
                busy.append(browser.load(idle.pop(), path, page))
            # Every job moves on with each reply (a list, not a short-circuiting generator).
            browser.read_until(lambda: any([browser.advance(job) for job in busy]), busy)
            for job in [job for job in busy if job.pdf is not None]:
                busy.remove(job)
                idle.append(job.session)
                pdfs[pdf_name(job.page)] = job.pdf or b""
                report(len(pdfs), len(pages))
    return pdfs


def _footer(title: str) -> str:
    """The footer Chromium draws on every sheet: the page's title and period, and n / total."""
    # The title is "<page> · <period>" (base.html). It is the page's text, escaped again here.
    return (
        '<div style="width:100%;margin:0 12mm;font:8pt system-ui,sans-serif;color:#5b6478;'
        'display:flex;justify-content:space-between;gap:4mm">'
        f"<span>{html.escape(title)}</span>"
        '<span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>'
    )


def _title(path: Path) -> str:
    """The text of the page's <title>, read from the file (the browser need not be asked)."""
    try:
        text = path.read_bytes()
    except OSError:
        return ""  # the browser names the missing file when it fails to load it
    found = _TITLE.search(text)
    return html.unescape(found.group(1).decode("utf-8", "replace")).strip() if found else ""


@dataclass
class _Job:
    """One page on its way through a tab: navigated, loaded, printing, printed."""

    session: str
    page: str
    path: Path
    navigation: int
    committed: bool = False
    printing: int | None = None
    pdf: bytes | None = None


class _DevTools:
    """One headless Chromium and the DevTools messages exchanged with it over a pipe."""

    def __init__(self, pid: int, commands: int, replies: int, log: IO[bytes], timeout: float):
        self.pid, self.commands, self.replies, self.log = pid, commands, replies, log
        self.timeout = timeout
        self.buffer = b""
        self.next_id = 0
        self.results: dict[int, dict[str, Any]] = {}
        self.navigations: dict[int, str] = {}  # Page.navigate command → its tab's session
        self.loaded: set[str] = set()  # tabs whose new page has fired its load event
        self.trouble = "did not start"  # what a failure means, until it has answered once

    @classmethod
    @contextmanager
    def started(cls, chromium: Path, timeout: float) -> Iterator[_DevTools]:
        """Start Chromium with a throw-away profile; stop it (and remove the profile) after."""
        if not hasattr(os, "posix_spawn"):
            raise PdfError(Problem("--pdf", None, "", "printing to PDF needs Linux or macOS"))
        import fcntl  # POSIX only: imported here so that the module loads anywhere

        with (
            tempfile.TemporaryDirectory(
                prefix="skillkit-chromium-", ignore_cleanup_errors=True
            ) as profile,
            tempfile.TemporaryFile() as log,
        ):
            to_chromium, from_chromium = os.pipe(), os.pipe()
            # Chromium reads commands on fd 3 and writes replies on fd 4. Its ends are first
            # moved above 4, so that putting them on 3 and 4 cannot overwrite one another.
            child_in = fcntl.fcntl(to_chromium[0], fcntl.F_DUPFD_CLOEXEC, 10)
            child_out = fcntl.fcntl(from_chromium[1], fcntl.F_DUPFD_CLOEXEC, 10)
            os.close(to_chromium[0])
            os.close(from_chromium[1])
            argv = [str(chromium), *FLAGS, f"--user-data-dir={profile}", "about:blank"]
            try:
                pid = os.posix_spawn(
                    str(chromium),
                    argv,
                    os.environ,
                    file_actions=[
                        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                        (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
                        (os.POSIX_SPAWN_DUP2, log.fileno(), 2),
                        (os.POSIX_SPAWN_DUP2, child_in, 3),
                        (os.POSIX_SPAWN_DUP2, child_out, 4),
                    ],
                    setsid=True,  # a process group of its own: stopped whole, helpers too
                )
            except OSError as exc:
                for fd in (to_chromium[1], from_chromium[0]):
                    os.close(fd)
                problem = Problem(str(chromium), None, "--pdf", f"cannot start: {exc.strerror}")
                raise PdfError(problem) from None
            finally:
                os.close(child_in)
                os.close(child_out)
            browser = cls(pid, to_chromium[1], from_chromium[0], log, timeout)
            try:
                browser.call("Browser.getVersion", page=str(chromium))
                browser.trouble = "could not print it"
                yield browser
            finally:
                browser.stop()

    def stop(self) -> None:
        """Ask Chromium to close, then make sure its whole process group is gone."""
        with suppress(OSError):
            self.send("Browser.close")
        deadline = time.monotonic() + 5
        while not self._exited() and time.monotonic() < deadline:
            time.sleep(0.05)
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)  # the group started above (setsid), no other
        with suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        for fd in (self.commands, self.replies):
            with suppress(OSError):
                os.close(fd)

    def _exited(self) -> bool:
        """Whether Chromium has exited, seen without reaping it where the system allows."""
        # Unreaped, its id stays reserved until killpg has run: it cannot name another process.
        peek = getattr(os, "waitid", None)
        try:
            if peek is not None:
                return peek(os.P_PID, self.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
            return os.waitpid(self.pid, os.WNOHANG)[0] != 0
        except ChildProcessError:
            return True

    def send(self, method: str, params: dict[str, Any] | None = None, session: str = "") -> int:
        """Send one command; return its id (its reply lands in `results`)."""
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        try:
            while data:
                data = data[os.write(self.commands, data) :]
        except BrokenPipeError:
            pass  # Chromium has gone: reading its replies meets the end and says so
        return self.next_id

    def call(
        self, method: str, params: dict[str, Any] | None = None, session: str = "", page: str = ""
    ) -> dict[str, Any]:
        """Send one command and wait for its result."""
        command = self.send(method, params, session)
        self.read_until(lambda: command in self.results, page=page or method)
        return self.result(command, page or method)

    def result(self, command: int, page: str) -> dict[str, Any]:
        """The result of a command that has its reply; an error names the page."""
        reply = self.results.pop(command)
        if "error" in reply:
            raise self.failed(page, str(reply["error"].get("message", reply["error"])))
        result: dict[str, Any] = reply.get("result", {})
        return result

    def read_until(
        self, done: Callable[[], bool], jobs: Sequence[_Job] = (), page: str = ""
    ) -> None:
        """Read messages until `done()`; give up after `timeout` seconds without it."""
        deadline = time.monotonic() + self.timeout
        while not done():
            left = deadline - time.monotonic()
            if left <= 0:
                stuck = page or ", ".join(str(job.path) for job in jobs)
                raise self.failed(stuck, f"no answer within {self.timeout:g} s")
            if not select.select([self.replies], [], [], left)[0]:
                continue
            chunk = os.read(self.replies, 1 << 20)
            if not chunk:
                raise self.failed(page or ", ".join(str(job.path) for job in jobs), "it stopped")
            *messages, self.buffer = (self.buffer + chunk).split(b"\0")
            for raw in messages:
                self._handle(json.loads(raw))

    def _handle(self, message: dict[str, Any]) -> None:
        session = message.get("sessionId", "")
        if "id" in message:
            self.results[message["id"]] = message
            if message["id"] in self.navigations:
                # The new page has replaced the old: only load events from now on are its own.
                self.loaded.discard(self.navigations.pop(message["id"]))
        elif message.get("method") == "Page.loadEventFired":
            self.loaded.add(session)
        elif message.get("method") == "Fetch.requestPaused":
            self._refuse(session, message["params"]["requestId"])

    def _refuse(self, session: str, request: str) -> None:
        """A page asked for something on a network: refuse it (reports are self-contained)."""
        self.send(
            "Fetch.failRequest", {"requestId": request, "errorReason": "BlockedByClient"}, session
        )

    def failed(self, page: str, reason: str) -> PdfError:
        """The problem to report; when Chromium died, with the last line it wrote."""
        detail = ""
        if reason == "it stopped":
            self.log.seek(0)
            lines = self.log.read().decode(errors="replace").strip().splitlines()
            detail = f" ({lines[-1].strip()[:300]})" if lines else ""
        return PdfError(Problem(page, None, "--pdf", f"Chromium {self.trouble}: {reason}{detail}"))

    def open_tab(self) -> str:
        """A new tab whose requests to any network are refused; returns its session id."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        attached = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})
        session: str = attached["sessionId"]
        self.call("Page.enable", session=session)
        patterns = [{"urlPattern": pattern} for pattern in NETWORK_PATTERNS]
        self.call("Fetch.enable", {"patterns": patterns}, session)
        return session

    def load(self, session: str, path: Path, page: str) -> _Job:
        """Start loading a page into a tab."""
        navigation = self.send("Page.navigate", {"url": path.resolve().as_uri()}, session)
        self.navigations[navigation] = session
        return _Job(session, page, path, navigation)

    def advance(self, job: _Job) -> bool:
        """Move the job on as far as the replies so far allow; True once its PDF is in."""
        if not job.committed:
            if job.navigation not in self.results:
                return False
            navigated = self.result(job.navigation, str(job.path))
            if navigated.get("errorText"):
                raise self.failed(str(job.path), str(navigated["errorText"]))
            job.committed = True
        if job.printing is None and job.session in self.loaded:
            # Links to other pages would print as file:// URLs naming this machine's folders:
            # only links within the page stay (a tab runs its commands in order).
            self.send("Runtime.evaluate", {"expression": UNLINK}, job.session)
            job.printing = self.send("Page.printToPDF", self._options(job.path), job.session)
        elif job.printing is not None and job.printing in self.results:
            job.pdf = base64.b64decode(self.result(job.printing, str(job.path))["data"])
        return job.pdf is not None

    @staticmethod
    def _options(path: Path) -> dict[str, Any]:
        return {
            **PAPER,
            "preferCSSPageSize": True,
            "printBackground": True,
            "displayHeaderFooter": True,
            "headerTemplate": "<span></span>",  # an empty header, not Chromium's date and title
            "footerTemplate": _footer(_title(path)),
            "generateTaggedPDF": True,  # headings, tables and reading order for screen readers
            "generateDocumentOutline": True,  # bookmarks from the headings
        }
