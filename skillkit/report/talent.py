"""View models of the 9-box and the bench: counts for HR, names for the team's manager."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from markupsafe import Markup

from skillkit.models import Lang
from skillkit.pipeline import Assessment
from skillkit.report.context import PersonRow
from skillkit.report.grid import nine_box_grid
from skillkit.report.i18n import UI
from skillkit.rubric import BANDS_3


@dataclass(frozen=True)
class BenchRow:
    """One account-director position and the candidates behind it."""

    holder: str
    href: str
    team: str
    team_counts: tuple[int, int, int]  # ready now, within a year, within two years
    candidates: tuple[tuple[str, str, str], ...]  # name, href, band label (team page only)


@dataclass(frozen=True)
class TalentView:
    """The 9-box grid and the bench table of a page."""

    grid_svg: Markup
    note: str
    bench_title: str
    bench_note: str
    bench: tuple[BenchRow, ...]
    named: bool  # the team page names people; the organisation page counts them


def talent_view(
    a: Assessment,
    grid: pd.DataFrame,
    bench: pd.DataFrame,
    rows: Mapping[str, PersonRow],
    lang: Lang,
    members: Sequence[str] | None = None,
) -> TalentView:
    """The organisation's view (counts only) or, with `members`, one team's (with names)."""
    ui = UI[lang]
    placed = grid[grid["cell"] != ""]
    if members is not None:
        placed = placed[placed["employee_id"].isin(set(members))]
    counts = placed["cell"].value_counts().to_dict()
    people = None
    if members is not None:  # names on the team page only
        people = {
            str(cell): [rows[e].name for e in ids]
            for cell, ids in placed.groupby("cell")["employee_id"]
        }
    names = {key: text(lang) for key, text in a.rubric.nine_box.cells.items()}
    svg = nine_box_grid(
        {str(k): int(v) for k, v in counts.items()},
        names,
        title=ui["nine_box"],
        axis_performance=ui["performance"],
        axis_potential=ui["potential"],
        band_labels={band: ui[f"band_{band}"] for band in BANDS_3},
        people=people,
    )
    target = a.framework.role(a.target_role).name(lang)
    shown = bench if members is None else bench[bench["employee_id"].isin(set(members))]
    agency = bench.iloc[0] if len(bench) else None
    return TalentView(
        grid_svg=svg,
        note=ui["nine_box_note"],
        bench_title=ui["bench"].format(role=target),
        bench_note=ui["bench_note"].format(
            now=int(agency["agency_ready_now"]) if agency is not None else 0,
            year=int(agency["agency_ready_1y"]) if agency is not None else 0,
            two=int(agency["agency_ready_2y"]) if agency is not None else 0,
        ),
        bench=tuple(
            _bench_row(r, rows, lang, members is not None) for r in shown.to_dict("records")
        ),
        named=members is not None,
    )


def _bench_row(
    record: Mapping[Any, Any], rows: Mapping[str, PersonRow], lang: Lang, named: bool
) -> BenchRow:
    holder = rows[str(record["employee_id"])]
    picked = record["team_candidates"] if named else ()
    return BenchRow(
        holder=holder.name,
        href=holder.href,
        team=str(record["team"]) or UI[lang]["no_team"],
        team_counts=(
            int(record["team_ready_now"]),
            int(record["team_ready_1y"]),
            int(record["team_ready_2y"]),
        ),
        candidates=tuple(
            (rows[c].name, rows[c].href, rows[c].band_label) for c in picked if c in rows
        ),
    )
