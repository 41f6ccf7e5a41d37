"""View model of a team's page: the manager's view of their people against the targets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from skillkit.pipeline import Assessment
from skillkit.readiness import BANDS
from skillkit.report import charts
from skillkit.report.context import Meta, PersonRow, SiteIndex, meta
from skillkit.report.i18n import BAND_NAMES, UI
from skillkit.report.measurement import PerceptionView, low_agreement_note, perception_view
from skillkit.report.summary import team_summary
from skillkit.report.talent import TalentView, talent_view


@dataclass(frozen=True)
class Regression:
    """A competency that fell a level or more since the previous quarter shown."""

    name: str
    href: str
    competency: str
    change: str  # "4 → 3"


@dataclass(frozen=True)
class TeamPage:
    """One team's page for its manager."""

    meta: Meta
    ui: Mapping[str, str]
    team: str
    competencies: tuple[str, ...]
    people: tuple[PersonRow, ...]
    bands_svg: Markup  # the team's people per readiness band, built and escaped by charts
    perception: PerceptionView
    low_agreement: str
    regressions: tuple[Regression, ...]
    talent: TalentView


def team_members(assessment: Assessment) -> dict[str, list[str]]:
    """Each team's people, most senior first, then by name: one sort for every team."""
    people = assessment.people.astype({"employee_id": str, "team": str})
    rung = {r: i for i, r in enumerate(assessment.framework.role_ids)}
    people = people.assign(rung=people["role"].astype(str).map(rung).astype("float64").fillna(-1))
    ordered = people.sort_values(
        ["team", "rung", "name", "employee_id"], ascending=[True, False, True, True]
    )
    return {str(team): list(ids) for team, ids in ordered.groupby("team")["employee_id"]}


def team_page(site: SiteIndex, team: str, members: Sequence[str]) -> TeamPage:
    """One team's page: people × competencies against targets, bands and plans."""
    a, lang, ui = site.assessment, site.lang, UI[site.lang]
    people = tuple(site.rows[e] for e in members)
    bands = [row.band for row in people]
    bars = [(BAND_NAMES[lang][b], float(bands.count(b)), b) for b in BANDS]
    return TeamPage(
        meta=meta(
            site,
            ui["team_title"].format(team=team or ui["no_team"]),
            "../",
            team_summary(site, members),
        ),
        ui=ui,
        team=team,
        competencies=tuple(c.name(lang) for c in a.framework.competencies),
        people=people,
        bands_svg=charts.bar_chart(bars, title=ui["team_bands"], no_data=ui["no_data"], lang=lang),
        perception=perception_view(a, site.perception.get(team, {}), lang),
        low_agreement=low_agreement_note(a, site.low_agreement.get(team, frozenset()), lang),
        regressions=_regressions(site, members),
        talent=talent_view(a, site.grid, site.bench, site.rows, lang, members),
    )


def _regressions(site: SiteIndex, members: Sequence[str]) -> tuple[Regression, ...]:
    """The team's drops of a level or more, on the levels the pages show."""
    fw, lang = site.assessment.framework, site.lang
    order = {c: i for i, c in enumerate(fw.competency_ids)}
    found = []
    for employee in members:
        row = site.rows[employee]
        for competency, run in sorted(
            site.runs.get(employee, {}).items(), key=lambda item: order[item[0]]
        ):
            before = run.dropped_from
            if before is None:
                continue
            now = row.cells[order[competency]].text
            name = fw.competency(competency).name(lang)
            found.append(Regression(row.name, row.href, name, f"{before} → {now}"))
    return tuple(found)
