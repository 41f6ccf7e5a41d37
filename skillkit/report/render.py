"""Render the HTML pages of a review with jinja2: autoescaped, strict, self-contained."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from skillkit.models import Lang
from skillkit.pipeline import Assessment
from skillkit.report.context import build_site
from skillkit.report.org import org_page
from skillkit.report.person import person_page
from skillkit.report.person_data import person_inputs
from skillkit.report.team import team_members, team_page

TEMPLATES = Path(__file__).resolve().parent / "templates"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
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
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def slugs(ids: Iterable[str]) -> dict[str, str]:
    """Safe, unique, readable ASCII file names for ids: Cyrillic transliterated, no separators."""
    result: dict[str, str] = {}
    taken: set[str] = set()
    for original in sorted(set(ids)):
        base = _UNSAFE.sub("-", original.translate(_LATIN)).strip(".-")[:80] or "item"
        base = base.replace("..", "-")
        slug, n = base, 2
        while slug.lower() in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug.lower())
        result[original] = slug
    return result


def render_site(
    assessment: Assessment,
    lang: Lang,
    generated_at: str,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, str]:
    """Every page of the review, keyed by its path relative to the output folder.

    `progress(done, total)` is called after each page (the CLI draws a bar on a terminal).
    """
    people = assessment.people
    person_slugs = slugs(people["employee_id"].astype(str))
    team_slugs = slugs(people["team"].astype(str))
    site = build_site(assessment, lang, generated_at, person_slugs, team_slugs)
    env = environment()
    teams = team_members(assessment)
    inputs = person_inputs(assessment, site.scores)
    total = 1 + len(teams) + len(inputs)
    report = progress or (lambda done, total: None)
    pages = {"index.html": env.get_template("org.html").render(page=org_page(site))}
    report(len(pages), total)
    team_template = env.get_template("team.html")
    for team, members in teams.items():
        page = team_page(site, team, members)
        pages[f"teams/{team_slugs[team]}.html"] = team_template.render(page=page)
        report(len(pages), total)
    person_template = env.get_template("person.html")
    for employee, data in inputs.items():
        pages[f"people/{person_slugs[employee]}.html"] = person_template.render(
            page=person_page(site, employee, data)
        )
        report(len(pages), total)
    return pages
