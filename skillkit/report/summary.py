"""The three things that matter, at the top of each page: plain sentences from the view data."""

from __future__ import annotations

from collections.abc import Sequence

from skillkit.report.context import PersonRow, SiteIndex
from skillkit.report.i18n import BAND_NAMES, UI
from skillkit.report.person_data import PersonData
from skillkit.report.values import optional_float

READY_SOON = ("ready-now", "ready-1y", "ready-2y")


def org_summary(site: SiteIndex) -> tuple[str, ...]:
    """Readiness across the agency, the bench behind the target role, and the data's gaps."""
    a, lang, ui = site.assessment, site.lang, UI[site.lang]
    bands = a.readiness.people["band"].astype(str).value_counts()
    target = a.framework.role(a.target_role).name(lang)
    holders = int((a.people["role"].astype(str) == a.target_role).sum())
    lacking = int(bands.get("insufficient-evidence", 0))
    set_aside = a.records.rejected_rows or 0
    return (
        ui["summary_org_ready"].format(
            people=len(a.people),
            now=int(bands.get("ready-now", 0)),
            year=int(bands.get("ready-1y", 0)),
            two=int(bands.get("ready-2y", 0)),
            target=target,
        ),
        ui["summary_org_bench"].format(
            holders=holders, target=target, now=int(bands.get("ready-now", 0))
        ),
        ui["summary_org_data"].format(
            lacking=lacking, warnings=len(a.warnings), rejected=set_aside
        ),
    )


def team_summary(site: SiteIndex, members: Sequence[str]) -> tuple[str, ...]:
    """The team's readiness, who is closest, and the gap most of the team shares."""
    ui, rows = UI[site.lang], [site.rows[e] for e in members]
    ready = [r for r in rows if r.band in READY_SOON]
    lines = [
        ui["summary_team_ready"].format(
            people=len(rows),
            now=sum(r.band == "ready-now" for r in rows),
            soon=len(ready) - sum(r.band == "ready-now" for r in rows),
        )
    ]
    if ready:
        closest = min(ready, key=lambda r: (READY_SOON.index(r.band), r.projected, r.name))
        lines.append(
            ui["summary_team_closest"].format(
                name=closest.name, band=BAND_NAMES[site.lang][closest.band]
            )
        )
    else:
        lines.append(ui["summary_team_nobody"])
    lines.append(_shared_gap(site, members))
    return tuple(lines)


def person_summary(site: SiteIndex, row: PersonRow, data: PersonData) -> tuple[str, ...]:
    """Where the person stands, their largest gaps to the role aimed at, and the first step.

    Read from the person's own slice (`data`), never from the whole review's tables: a page
    must cost the same whether the review holds a hundred people or a hundred thousand.
    """
    a, lang, ui = site.assessment, site.lang, UI[site.lang]
    if not row.band:
        standing = ui["summary_person_top"]
    elif row.projected in {"", "—"}:
        standing = ui["summary_person_unprojected"].format(band=row.band_label)
    else:
        standing = ui["summary_person_band"].format(band=row.band_label, projected=row.projected)
    aimed = str(data.readiness.get("target_role", "") or "")
    role_id = aimed or str(data.person.get("role", "") or "")
    gaps = _gaps(site, data, role_id) if role_id else []
    largest = (
        ui["summary_person_gaps"].format(
            role=a.framework.role(role_id).name(lang), gaps="; ".join(gaps[:2])
        )
        if gaps
        else ui["summary_person_no_gaps"]
    )
    step = (
        ui["summary_person_step"].format(step=row.takes[0])
        if row.takes
        else ui["summary_person_no_step"]
    )
    return (standing, largest, step)


def _gaps(site: SiteIndex, data: PersonData, role_id: str) -> list[str]:
    """'Competency (level 2 of 4)' where the person is below `role_id`'s targets, largest first."""
    framework = site.assessment.framework
    targets = framework.role(role_id).targets
    below = []
    for competency in framework.competencies:
        level = optional_float(data.latest.get(competency.id, {}).get("level"))
        wanted = targets.get(competency.id)
        if level is not None and wanted is not None and wanted > level:
            below.append((wanted - level, competency.id, competency.name(site.lang), level, wanted))
    below.sort(key=lambda gap: (-gap[0], gap[1]))
    template = UI[site.lang]["summary_gap"]
    return [
        template.format(competency=name, level=int(level), target=int(wanted))
        for _, _, name, level, wanted in below
    ]


def _shared_gap(site: SiteIndex, members: Sequence[str]) -> str:
    """The competency most of the team is below target on (counts only, no names).

    Counted from the level cells the team page shows, so that a hidden level counts neither
    as below nor as rated, and a team costs the same in a review of any size.
    """
    ui = UI[site.lang]
    framework = site.assessment.framework
    below: dict[str, int] = {}
    rated: dict[str, int] = {}
    for employee in members:
        for competency, cell in zip(
            framework.competency_ids, site.rows[employee].cells, strict=True
        ):
            if cell.css != "lv-none":
                rated[competency] = rated.get(competency, 0) + 1
            if cell.css in ("lv-one", "lv-more"):
                below[competency] = below.get(competency, 0) + 1
    if not below:
        return ui["summary_team_no_gap"]
    competency, most = sorted(below.items(), key=_most)[0]
    return ui["summary_team_gap"].format(
        competency=framework.competency(competency).name(site.lang),
        below=most,
        of=rated[competency],
    )


def _most(item: tuple[str, int]) -> tuple[int, str]:
    """Largest count first, then the competency id, for a stable pick."""
    return (-item[1], item[0])
