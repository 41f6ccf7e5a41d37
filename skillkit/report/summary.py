"""The three things that matter, at the top of each page: plain sentences from the view data."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from skillkit.report.context import PersonRow, SiteIndex
from skillkit.report.i18n import BAND_NAMES, UI

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


def person_summary(site: SiteIndex, row: PersonRow) -> tuple[str, ...]:
    """Where the person stands, their largest gaps to the role aimed at, and the first step."""
    a, lang, ui = site.assessment, site.lang, UI[site.lang]
    if not row.band:
        standing = ui["summary_person_top"]
    elif row.projected in {"", "—"}:
        standing = ui["summary_person_unprojected"].format(band=row.band_label)
    else:
        standing = ui["summary_person_band"].format(band=row.band_label, projected=row.projected)
    ready = a.readiness.people.set_index(a.readiness.people["employee_id"].astype(str))
    aimed = str(ready["target_role"].get(row.employee_id, "") or "")
    role_id = aimed or str(a.people.set_index("employee_id")["role"].get(row.employee_id, ""))
    gaps = _gaps(site, row.employee_id, role_id) if role_id else []
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


def _latest(site: SiteIndex, employees: Sequence[str]) -> pd.DataFrame:
    """The shown levels of the reviewed quarter for `employees`, with their targets."""
    a = site.assessment
    scores = site.scores
    latest = scores[(scores["period"] == a.period) & scores["employee_id"].isin(list(employees))]
    return latest.dropna(subset=["level", "target_level"])


def _gaps(site: SiteIndex, employee: str, role_id: str) -> list[str]:
    """'Competency (level 2 of 4)' where the person is below `role_id`'s targets, largest first."""
    framework = site.assessment.framework
    names = {c.id: c.name(site.lang) for c in framework.competencies}
    targets = framework.role(role_id).targets
    latest = _latest(site, [employee])
    wanted = latest["competency"].astype(str).map(targets).astype("float64")
    below = latest.assign(wanted=wanted, gap=wanted - latest["level"].astype("float64"))
    below = below[below["gap"] > 0].sort_values(
        ["gap", "competency"], ascending=[False, True], kind="stable"
    )
    template = UI[site.lang]["summary_gap"]
    return [
        template.format(competency=names.get(str(c), str(c)), level=int(lv), target=int(t))
        for c, lv, t in zip(below["competency"], below["level"], below["wanted"], strict=True)
    ]


def _shared_gap(site: SiteIndex, members: Sequence[str]) -> str:
    """The competency most of the team is below target on (counts only, no names)."""
    ui = UI[site.lang]
    latest = _latest(site, members)
    below = latest[latest["level"] < latest["target_level"]]
    if below.empty:
        return ui["summary_team_no_gap"]
    counts = below["competency"].astype(str).value_counts()
    competency, most = sorted(((str(c), int(n)) for c, n in counts.items()), key=_most)[0]
    names = {c.id: c.name(site.lang) for c in site.assessment.framework.competencies}
    rated = latest[latest["competency"].astype(str) == competency]["employee_id"].nunique()
    return ui["summary_team_gap"].format(
        competency=names.get(competency, competency), below=most, of=int(rated)
    )


def _most(item: tuple[str, int]) -> tuple[int, str]:
    """Largest count first, then the competency id, for a stable pick."""
    return (-item[1], item[0])
