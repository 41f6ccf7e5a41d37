"""Render the HTML pages of a review with jinja2: autoescaped, strict, self-contained."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from skillkit.models import Lang
from skillkit.pipeline import Assessment
from skillkit.report.context import SiteIndex, build_site
from skillkit.report.org import org_page
from skillkit.report.parallel import in_processes
from skillkit.report.person import person_page
from skillkit.report.person_data import person_inputs
from skillkit.report.team import team_members, team_page

TEMPLATES = Path(__file__).resolve().parent / "templates"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_SLUG_LENGTH = 80  # with a suffix and .html, well inside every file system's 255
# Device names Windows reserves in any case and with any extension: CON.html cannot be created.
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"{port}{i}" for port in ("com", "lpt") for i in range(10)}
)
_CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
_ROMAN = [
    "a",
    "b",
    "v",
    "g",
    "d",
    "e",
    "e",
    "zh",
    "z",
    "i",
    "y",
    "k",
    "l",
    "m",
    "n",
    "o",
    "p",
    "r",
    "s",
    "t",
    "u",
    "f",
    "kh",
    "ts",
    "ch",
    "sh",
    "shch",
    "",
    "y",
    "",
    "e",
    "yu",
    "ya",
]
_LATIN = str.maketrans(
    {c: r for c, r in zip(_CYRILLIC, _ROMAN, strict=True)}
    | {c.upper(): r.capitalize() for c, r in zip(_CYRILLIC, _ROMAN, strict=True)}
)


def environment() -> Environment:
    """The jinja2 environment: HTML autoescaping everywhere, undefined names are errors."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        auto_reload=False,  # templates ship with the package: no stat() of them per page
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def slugs(ids: Iterable[str]) -> dict[str, str]:
    """Safe, unique, readable ASCII file names for ids: Cyrillic transliterated, no separators."""
    result: dict[str, str] = {}
    # Compared lower-cased: names differing only in case are one file on Windows and macOS.
    taken: set[str] = set()
    suffixes: dict[str, int] = {}  # next number to try per base, so many clashes stay linear
    bases = {original: _slug_base(original) for original in set(ids)}
    # Ids that already are safe names claim them first: `a-b` stays a-b.html whatever `a/b` does.
    for original in sorted(bases, key=lambda i: (bases[i] != i, i)):
        base = bases[original]
        slug, n = base, suffixes.get(base.lower(), 2)
        while slug.lower() in taken:
            slug, n = f"{base}-{n}", n + 1
        suffixes[base.lower()] = n
        taken.add(slug.lower())
        result[original] = slug
    return result


def _slug_base(original: str) -> str:
    """One id as a safe file name stem, before making it unique."""
    text = unicodedata.normalize("NFC", original).translate(_LATIN)  # й typed as и + breve too
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))  # é → e, not a dash
    base = _UNSAFE.sub("-", text).replace("..", "-").strip(".-")
    if len(base) > _SLUG_LENGTH:
        # A cut id could meet another cut the same way: a digest of the whole id keeps it apart.
        digest = hashlib.sha256(original.encode("utf-8")).hexdigest()[:8]
        base = f"{base[: _SLUG_LENGTH - 9].rstrip('.-')}-{digest}"
    base = base or "item"
    stem = base.split(".", 1)[0]
    if stem.lower() in _RESERVED:  # Windows will not create CON.html, nul.txt.html, COM1.html
        base = f"{stem}_{base[len(stem) :]}"
    return base


def site_index(assessment: Assessment, lang: Lang, generated_at: str) -> SiteIndex:
    """What every page of one review shares: slugs, rows, the scores as pages show them."""
    people = assessment.people
    person_slugs = slugs(people["employee_id"].astype(str))
    team_slugs = slugs(people["team"].astype(str))
    return build_site(assessment, lang, generated_at, person_slugs, team_slugs)


def render_org_page(assessment: Assessment, lang: Lang, generated_at: str) -> str:
    """The organisation page alone, byte for byte as `render_site` writes index.html."""
    return _org_html(environment(), site_index(assessment, lang, generated_at))


def _org_html(env: Environment, site: SiteIndex) -> str:
    """index.html: the one place the organisation page is rendered."""
    return env.get_template("org.html").render(page=org_page(site))


class SitePages:
    """Every page of one review: named up front, rendered one at a time as they are read.

    Reading them page by page keeps memory flat however many people there are: a caller that
    writes each page as it comes never holds more than a few at once.
    """

    def __init__(self, assessment: Assessment, lang: Lang, generated_at: str) -> None:
        self.site = site_index(assessment, lang, generated_at)
        self.env = environment()
        self.teams = team_members(assessment)
        self.inputs = person_inputs(assessment, self.site.scores)
        team_slugs, person_slugs = self.site.team_slugs, self.site.person_slugs
        self.team_paths = {team: f"teams/{team_slugs[team]}.html" for team in self.teams}
        self.person_paths = {e: f"people/{person_slugs[e]}.html" for e in self.inputs}
        self.person_template = self.env.get_template("person.html")

    @property
    def names(self) -> list[str]:
        """Every page's path relative to the output folder, in the order they are rendered."""
        return ["index.html", *self.team_paths.values(), *self.person_paths.values()]

    def person(self, employee: str) -> str:
        """One person's page."""
        page = person_page(self.site, employee, self.inputs[employee])
        return self.person_template.render(page=page)

    def render(self, jobs: int = 1) -> Iterator[tuple[str, str]]:
        """(path, HTML) for every page in `names` order; person pages on `jobs` processes."""
        yield "index.html", _org_html(self.env, self.site)
        team_template = self.env.get_template("team.html")
        for team, members in self.teams.items():
            page = team_page(self.site, team, members)
            yield self.team_paths[team], team_template.render(page=page)
        people = list(self.person_paths)
        rendered = (
            in_processes(self.person, people, jobs)
            if jobs > 1
            else (self.person(e) for e in people)
        )
        for employee, html in zip(people, rendered, strict=True):
            yield self.person_paths[employee], html


def render_site(
    assessment: Assessment,
    lang: Lang,
    generated_at: str,
    progress: Callable[[int, int], None] | None = None,
    jobs: int = 1,
) -> dict[str, str]:
    """Every page of the review, keyed by its path relative to the output folder.

    `progress(done, total)` is called after each page (the CLI draws a bar on a terminal).
    """
    site = SitePages(assessment, lang, generated_at)
    total = len(site.names)
    pages: dict[str, str] = {}
    for path, html in site.render(jobs):
        pages[path] = html
        if progress:
            progress(len(pages), total)
    return pages
