"""A person's gaps to their current and target role, and their own page, from an assessment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from skillkit.models import Lang
from skillkit.pipeline import Assessment
from skillkit.report.privacy import private_cells
from skillkit.report.values import optional_float, optional_int


@dataclass(frozen=True)
class GapRow:
    """One competency: the person's own rating, the assessed level and the two targets."""

    competency: str
    name: str
    self_rating: float | None
    level: int | None  # from the others' ratings and KPIs (self carries no weight)
    score: float | None
    withheld: bool  # the page withholds this level: it could reveal a single rater
    evidence: str  # sufficient or insufficient
    target: int  # what the current role expects
    gap: int | None  # target − level: positive means levels still to climb
    next_target: int | None  # what the target role expects (None at the top of the ladder)
    next_gap: int | None


@dataclass(frozen=True)
class PersonGaps:
    """A person's gaps to the current and the target role in one quarter."""

    employee: str
    name: str
    period: str
    role: str
    role_name: str
    target_role: str  # "" at the top of the ladder
    target_role_name: str
    rows: tuple[GapRow, ...]


def person_gaps(assessment: Assessment, employee: str, lang: Lang) -> PersonGaps:
    """Per competency: own rating, assessed level, and the gaps to the current and target role."""
    a, fw = assessment, assessment.framework
    person = a.people.set_index("employee_id").loc[employee]
    ready = a.readiness.people.set_index("employee_id")
    target_role = str(ready.loc[employee, "target_role"]) if employee in ready.index else ""
    target_role = target_role if target_role in fw.role_ids else ""
    role = str(person["role"])
    mine = a.scores[(a.scores["period"] == a.period) & (a.scores["employee_id"] == employee)]
    # As the person's page shows them: a level that could reveal one rater stays withheld.
    shown = private_cells(mine, a.rubric.anonymity.min_raters)
    by_competency: dict[str, dict[Any, Any]] = {
        str(r["competency"]): r for r in shown.to_dict("records")
    }
    rows = []
    for competency in fw.competencies:
        row = by_competency.get(competency.id, {})
        level = optional_int(row.get("level"))
        target = fw.role(role).targets[competency.id]
        next_target = fw.role(target_role).targets[competency.id] if target_role else None
        rows.append(
            GapRow(
                competency=competency.id,
                name=competency.name(lang),
                self_rating=optional_float(row.get("self_rating")),
                level=level,
                score=optional_float(row.get("score")),
                withheld=bool(row.get("private", False)),
                evidence=str(row.get("evidence", "insufficient")),
                target=target,
                gap=None if level is None else target - level,
                next_target=next_target,
                next_gap=None if level is None or next_target is None else next_target - level,
            )
        )
    return PersonGaps(
        employee=employee,
        name=str(person["name"]),
        period=a.period,
        role=role,
        role_name=fw.role(role).name(lang),
        target_role=target_role,
        target_role_name=fw.role(target_role).name(lang) if target_role else "",
        rows=tuple(rows),
    )


def person_page_html(
    assessment: Assessment, employee: str, lang: Lang, generated_at: str
) -> tuple[str, str]:
    """The person's own page alone, as `review` renders it: (people/<slug>.html, html)."""
    from skillkit.report.context import build_site
    from skillkit.report.person import person_page
    from skillkit.report.person_data import person_inputs
    from skillkit.report.render import environment, slugs

    people = assessment.people
    # Slugs over everyone, as in a full review, so the page keeps the name `review` gives it.
    person_slugs = slugs(people["employee_id"].astype(str))
    team_slugs = slugs(people["team"].astype(str))
    site = build_site(assessment, lang, generated_at, person_slugs, team_slugs)
    data = person_inputs(assessment, site.scores)[employee]
    page = person_page(site, employee, data)
    html = environment().get_template("person.html").render(page=page)
    return f"people/{person_slugs[employee]}.html", html
