"""Score and readiness tables for people at a keyboard and for HR systems: text, CSV, XLSX, JSON."""

from __future__ import annotations

import io
import json
import math
import re
import textwrap
import unicodedata
import zipfile
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from skillkit import periods
from skillkit.errors import InputError, Problem
from skillkit.models import Lang
from skillkit.outputs import FORMULA_STARTS, readiness_table, scores_table, spreadsheet_safe
from skillkit.pipeline import Assessment

FORMATS = ("table", "csv", "xlsx", "json")
BAND_ORDER = ("ready-now", "ready-1y", "ready-2y", "not-yet", "insufficient-evidence", "")
_LISTED = 12  # known ids named in an error message, at most
_ZIP_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)  # the earliest moment a ZIP entry can carry
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # characters XML 1.0 cannot hold
_XLSX_MAX_WIDTH = 60

LABELS: Mapping[Lang, Mapping[str, str]] = {
    "en": {
        "id": "ID",
        "name": "Name",
        "role": "Role",
        "target": "Target",
        "band": "Band",
        "chance": "Chance",
        "projected": "Projected",
        "reason": "Top reason",
        "period": "Quarter",
        "competency": "Competency",
        "level": "Level",
        "gap": "Gap",
        "evidence": "Evidence",
        "readiness_title": "Readiness for {target}, {period}: {n} people",
        "scores_title": "Levels against the role's targets, {period}: {n} people",
        "grid_legend": "Cells: level/target; ? insufficient evidence; — no score.",
        "nobody": "No one matches.",
    },
    "ru": {
        "id": "ID",
        "name": "Имя",
        "role": "Роль",
        "target": "Цель",
        "band": "Готовность",
        "chance": "Шанс",
        "projected": "Прогноз",
        "reason": "Главная причина",
        "period": "Квартал",
        "competency": "Компетенция",
        "level": "Уровень",
        "gap": "Разрыв",
        "evidence": "Данные",
        "readiness_title": "Готовность к роли «{target}», {period}: {n} чел.",
        "scores_title": "Уровни против целевых уровней роли, {period}: {n} чел.",
        "grid_legend": "В ячейке: уровень/цель; ? мало данных; — нет оценки.",
        "nobody": "Никто не подходит под условия.",
    },
}

# Bands as a terminal column has room for them (the reports spell them out).
SHORT_BANDS: Mapping[Lang, Mapping[str, str]] = {
    "en": {
        "ready-now": "Ready now",
        "ready-1y": "Within 1 yr",
        "ready-2y": "In 1–2 yrs",
        "not-yet": "Not yet",
        "insufficient-evidence": "No evidence",
        "": "—",
    },
    "ru": {
        "ready-now": "Готов сейчас",
        "ready-1y": "До года",
        "ready-2y": "Через 1–2 г.",
        "not-yet": "Пока нет",
        "insufficient-evidence": "Мало данных",
        "": "—",
    },
}


# --- which rows -------------------------------------------------------------------------------


def score_rows(
    assessment: Assessment,
    *,
    all_periods: bool = False,
    employees: Collection[str] = (),
    team: str | None = None,
) -> pd.DataFrame:
    """scores.csv rows of the reviewed quarter (or of every quarter) for the people selected."""
    table = scores_table(assessment)
    if not all_periods:
        table = table[table["period"].astype(str) == assessment.period]
    chosen = selected_people(assessment, employees, team)
    if chosen is not None:
        table = table[table["employee_id"].astype(str).isin(chosen)]
    return table.reset_index(drop=True)


def readiness_rows(
    assessment: Assessment,
    lang: Lang,
    *,
    employees: Collection[str] = (),
    team: str | None = None,
) -> pd.DataFrame:
    """readiness.csv rows (reasons in `lang`) for the people selected."""
    table = readiness_table(assessment, lang)
    chosen = selected_people(assessment, employees, team)
    if chosen is not None:
        table = table[table["employee_id"].astype(str).isin(chosen)]
    return table.reset_index(drop=True)


def selected_people(
    assessment: Assessment, employees: Collection[str] = (), team: str | None = None
) -> set[str] | None:
    """Ids of the people `--employee` and `--team` select together (None: no filter given)."""
    if not employees and team is None:
        return None
    people = assessment.people
    ids = people["employee_id"].astype(str)
    teams = people["team"].astype("string").fillna("").astype(str)
    chosen, problems = set(ids), []
    if employees:
        unknown = [e for e in dict.fromkeys(employees) if e not in chosen]
        problems += [
            Problem(
                "--employee",
                None,
                "",
                f"no one with employee_id {e!r} in {assessment.period} (known: {_listing(ids)})",
            )
            for e in unknown
        ]
        chosen &= set(employees)
    if team is not None:
        if team not in set(teams):
            message = f"no team {team!r} in {assessment.period} (known: {_listing(teams)})"
            problems.append(Problem("--team", None, "", message))
        chosen &= set(ids[(teams == team).to_numpy()])
    if problems:
        raise InputError(problems)
    return chosen


def _listing(values: pd.Series) -> str:
    known = sorted(set(values) - {""})
    shown = ", ".join(known[:_LISTED])
    return shown + (", …" if len(known) > _LISTED else "")


# --- terminal tables --------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of a terminal table: right-aligned when numeric; cut with … when it may shrink."""

    header: str
    numeric: bool = False
    shrinks: bool = False
    comfortable: int = 8  # no shrinking column goes below this before all have reached theirs
    yields_first: bool = False  # gives way down to `comfortable` before the others shrink at all


def display_width(text: str) -> int:
    """Terminal cells `text` takes: one a character (Cyrillic too), two if wide (CJK)."""
    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        for ch in text
    )


def truncate(text: str, width: int) -> str:
    """`text` cut to `width` terminal cells, ending in … when anything was cut."""
    if display_width(text) <= width:
        return text
    if width <= 0:
        return ""
    kept, used = [], 0
    for ch in text:
        size = display_width(ch)
        if used + size > width - 1:
            break
        kept.append(ch)
        used += size
    return "".join(kept) + "…"


def printable(value: object) -> str:
    """A cell as terminal text, control characters as �: a name cannot send escape sequences."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = str(value).replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
    return "".join("\ufffd" if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in text)


def render_table(columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int) -> str:
    """Fixed-width columns two spaces apart, fitted to `width` terminal cells.

    Shrinking columns give way, widest first (to their comfortable width, then further);
    should even that not fit, every line is cut at `width`.
    """
    cells = [[printable(cell) for cell in row] for row in rows]
    widths = column_widths(columns, cells, width)
    header = [column.header for column in columns]
    rule = ["-" * w for w in widths]
    lines = [_line(columns, header, widths), _line(columns, rule, widths)]
    lines += [_line(columns, row, widths) for row in cells]
    return "\n".join(truncate(line, width) for line in lines)


def column_widths(
    columns: Sequence[Column], cells: Sequence[Sequence[str]], width: int
) -> list[int]:
    """Each column's width: its widest cell, less what shrinking columns give up to fit."""
    widths = [
        max([display_width(column.header)] + [display_width(row[i]) for row in cells])
        for i, column in enumerate(columns)
    ]
    excess = sum(widths) + 2 * (len(columns) - 1) - width
    # Long free text (a reason) gives way first, then every shrinking column to a comfortable
    # width, then to three cells; within a stage the column furthest above its floor shrinks.
    for stage in ("first", "comfortable", "least"):
        floors = [3 if stage == "least" else max(c.comfortable, 3) for c in columns]
        shrinking = [
            i for i, c in enumerate(columns) if c.shrinks and (c.yields_first or stage != "first")
        ]
        while excess > 0:
            candidates = [i for i in shrinking if widths[i] > floors[i]]
            if not candidates:
                break
            widest = max(candidates, key=lambda i: widths[i] - floors[i])
            widths[widest] -= 1
            excess -= 1
    return widths


def _line(columns: Sequence[Column], row: Sequence[str], widths: Sequence[int]) -> str:
    parts = []
    for column, cell, w in zip(columns, row, widths, strict=True):
        text = truncate(cell, w)
        pad = " " * (w - display_width(text))
        parts.append(pad + text if column.numeric else text + pad)
    return "  ".join(parts).rstrip()


def _title(text: str, width: int) -> str:
    return truncate(printable(text), width)


def readiness_text(assessment: Assessment, table: pd.DataFrame, lang: Lang, width: int) -> str:
    """The readiness rows as a terminal table: the readiest first, one line per person."""
    from skillkit.report.i18n import percent

    a, words = assessment, LABELS[lang]
    target = _role_name(assessment, a.target_role, lang)
    title = _title(
        words["readiness_title"].format(target=target, period=a.period, n=len(table)), width
    )
    if table.empty:
        return f"{title}\n{words['nobody']}"
    ordered = table.assign(
        _band=table["band"].map({band: i for i, band in enumerate(BAND_ORDER)}).fillna(99),
        _quarters=table["quarters_to_ready"].astype("Float64").fillna(math.inf),
        _chance=-table["ready_probability"].astype("float64").fillna(-1.0),
    ).sort_values(["_band", "_quarters", "_chance", "employee_id"], kind="stable")
    top = _top_reasons(assessment, ordered["employee_id"], lang)
    # A Target column only when someone is assessed for another rung than the title says
    # (people at or above it are assessed for the next one), and only if there is room.
    other_targets = width >= 120 and bool((ordered["target_role"] != a.target_role).any())
    columns = [
        Column(words["id"]),
        Column(words["name"], shrinks=True, comfortable=14),
        Column(words["role"], shrinks=True, comfortable=12),
        *([Column(words["target"], shrinks=True, comfortable=12)] if other_targets else []),
        Column(words["band"], shrinks=True, comfortable=12),
        Column(words["chance"], numeric=True),
        Column(words["projected"]),
        Column(words["reason"], shrinks=True, comfortable=30, yields_first=True),
    ]
    rows = []
    for record in ordered.to_dict("records"):
        employee = str(record["employee_id"])
        chance = record["ready_probability"]
        rows.append(
            [
                employee,
                str(record["name"]),
                _role_name(assessment, str(record["role"]), lang),
                *([_role_name(assessment, str(record["target_role"]), lang)] * other_targets),
                SHORT_BANDS[lang].get(str(record["band"]), str(record["band"])),
                percent(None if pd.isna(chance) else float(chance), lang),
                str(record["projected_ready_period"] or "—"),
                top.get(employee, "—"),
            ]
        )
    return f"{title}\n{render_table(columns, rows, width)}"


def _role_name(assessment: Assessment, role: str, lang: Lang) -> str:
    if role in assessment.framework.role_ids:
        return assessment.framework.role(role).name(lang)
    return role or "—"


def _top_reasons(assessment: Assessment, employees: pd.Series, lang: Lang) -> dict[str, str]:
    """Each person's first reason, in the order readiness reads them (gates first)."""
    from skillkit.report.wording import reason_texts

    reasons = assessment.readiness.reasons
    mine = reasons[reasons["employee_id"].astype(str).isin(set(employees.astype(str)))]
    if mine.empty:
        return {}
    texts = reason_texts(mine, assessment.framework, assessment.rubric, lang)
    first = texts.groupby(mine["employee_id"].astype(str).to_numpy(), sort=False).first()
    return {str(k): str(v) for k, v in first.items()}


def scores_text(assessment: Assessment, table: pd.DataFrame, lang: Lang, width: int) -> str:
    """Score rows as a terminal grid: a line per person (and quarter), a column per competency.

    Too narrow a terminal for the grid gets one line per competency instead.
    """
    words = LABELS[lang]
    quarters = sorted(set(table["period"].astype(str)), key=periods.to_ordinal)
    span = f"{quarters[0]}–{quarters[-1]}" if len(quarters) > 1 else assessment.period
    people = table["employee_id"].astype(str).nunique()
    title = _title(words["scores_title"].format(period=span, n=people), width)
    if table.empty:
        return f"{title}\n{words['nobody']}"
    named = assessment.people.set_index(assessment.people["employee_id"].astype(str))["name"]
    ordered = table.assign(
        _ordinal=periods.ordinals(table["period"].astype(str)).to_numpy(),
        _name=table["employee_id"].astype(str).map(named).fillna("").astype(str),
    ).sort_values(["_ordinal", "employee_id"], kind="stable")
    grid = _grid(assessment, ordered, lang, width, several=len(quarters) > 1)
    if grid is not None:
        return f"{title}\n{grid}"
    return f"{title}\n{_long(assessment, ordered, lang, width, several=len(quarters) > 1)}"


def _cells(table: pd.DataFrame) -> pd.Series:
    """'level/target', with ? when the evidence is insufficient and — when there is no score."""
    level = table["level"].astype("Int64").astype("string")
    target = ("/" + table["target_level"].astype("Int64").astype("string")).fillna("")
    doubt = (table["evidence"].astype(str) == "insufficient").map({True: "?", False: ""})
    return (level + target + doubt).fillna("—").astype(str)


def _grid(
    assessment: Assessment, table: pd.DataFrame, lang: Lang, width: int, *, several: bool
) -> str | None:
    words = LABELS[lang]
    competencies = list(assessment.framework.competency_ids)
    short = abbreviations(competencies)
    keys = ["_ordinal", "period", "employee_id", "_name"]
    grid = (
        table.assign(_cell=_cells(table).to_numpy())
        .pivot(index=keys, columns="competency", values="_cell")
        .reindex(columns=competencies)
        .fillna("")
        .reset_index()
        .sort_values(["_ordinal", "employee_id"], kind="stable")
    )
    columns = [
        *([Column(words["period"])] if several else []),
        Column(words["id"]),
        Column(words["name"], shrinks=True, comfortable=6),
        *(Column(short[c], numeric=True) for c in competencies),
    ]
    rows = [
        [
            *([str(p)] if several else []),
            str(e),
            str(n),
            *(str(v) for v in values),
        ]
        for p, e, n, *values in zip(
            grid["period"],
            grid["employee_id"],
            grid["_name"],
            *(grid[c] for c in competencies),
            strict=True,
        )
    ]
    # The grid only when names keep a few letters; else one line per competency reads better.
    cells = [[printable(cell) for cell in row] for row in rows]
    widths = column_widths(columns, cells, width)
    name = len(columns) - len(competencies) - 1
    natural = max(display_width(row[name]) for row in cells)
    if sum(widths) + 2 * (len(columns) - 1) > width or widths[name] < min(natural, 6):
        return None
    # No-break spaces keep each abbreviation on the line of the name it stands for.
    legend = ", ".join(
        f"{short[c]}\u00a0{assessment.framework.competency(c).name(lang)}" for c in competencies
    )
    return "\n".join(
        [
            render_table(columns, rows, width),
            "",
            *_wrap(words["grid_legend"], width),
            *_wrap(legend, width),
        ]
    )


def _long(
    assessment: Assessment, table: pd.DataFrame, lang: Lang, width: int, *, several: bool
) -> str:
    words = LABELS[lang]
    names = {c.id: c.name(lang) for c in assessment.framework.competencies}
    order = {c: i for i, c in enumerate(assessment.framework.competency_ids)}
    ordered = table.assign(_competency=table["competency"].map(order).fillna(len(order)))
    ordered = ordered.sort_values(["_ordinal", "employee_id", "_competency"], kind="stable")
    columns = [
        *([Column(words["period"])] if several else []),
        Column(words["id"]),
        Column(words["name"], shrinks=True, comfortable=6),
        Column(words["competency"], shrinks=True, comfortable=10),
        Column(words["level"], numeric=True),
        Column(words["gap"], numeric=True),
    ]
    rows = [
        [
            *([str(p)] if several else []),
            str(e),
            str(n),
            names.get(str(c), str(c)),
            cell,
            "—" if pd.isna(g) else str(int(g)),
        ]
        for p, e, n, c, cell, g in zip(
            ordered["period"],
            ordered["employee_id"],
            ordered["_name"],
            ordered["competency"],
            _cells(ordered),
            ordered["gap"],
            strict=True,
        )
    ]
    return "\n".join([render_table(columns, rows, width), "", *_wrap(words["grid_legend"], width)])


def _wrap(text: str, width: int) -> list[str]:
    return [truncate(line, width) for line in textwrap.wrap(text, width=max(width, 1))]


def abbreviations(ids: Sequence[str]) -> dict[str, str]:
    """Short unique column heads for competency ids: initials of the words, else two letters."""
    result: dict[str, str] = {}
    for competency in ids:
        words = [w for w in re.split(r"[-_]", competency) if w]
        short = "".join(w[0] for w in words) if len(words) > 1 else competency[:2]
        short, n = short.upper(), 2
        while short in result.values():  # custom frameworks may share initials
            short = f"{short.rstrip('0123456789')}{n}"
            n += 1
        result[competency] = short
    return result


# --- files for HR systems ---------------------------------------------------------------------


def csv_bytes(table: pd.DataFrame) -> bytes:
    """RFC 4180 CSV (comma, CRLF) in UTF-8 with a byte-order mark, formulas neutralised."""
    # Excel decodes a CSV without a BOM in the system's ANSI code page (Windows-1251 in Russia),
    # turning UTF-8 Cyrillic into mojibake; the BOM is the one signal every Excel honours.
    # CRLF rows, because Python's csv quotes only the line ending's own characters: with "\n"
    # rows a text holding a bare "\r" would go out unquoted and split its row in two.
    text = spreadsheet_safe(table).to_csv(index=False, lineterminator="\r\n")
    return ("\ufeff" + text).encode("utf-8")


def json_bytes(table: pd.DataFrame) -> bytes:
    """JSON records, UTF-8 as is; missing values are null. No formula guard: JSON runs nothing."""
    columns = [str(c) for c in table.columns]
    values = [_values(table[c]) for c in table.columns]
    records = [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]
    text = json.dumps(records, ensure_ascii=False, indent=2, allow_nan=False)
    return (text + "\n").encode("utf-8")


def xlsx_bytes(table: pd.DataFrame, sheet: str, *, generated_at: str | None = None) -> bytes:
    """One sheet, bold frozen header, numbers as numbers, text guarded against formulas.

    `generated_at` (ISO 8601) dates the workbook, so the same table gives the same bytes.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    safe = spreadsheet_safe(table)
    workbook = Workbook(write_only=True)  # streams rows: a large agency stays small in memory
    worksheet = workbook.create_sheet(sheet[:31])
    worksheet.freeze_panes = "A2"
    columns = [[_xlsx_value(v) for v in _values(safe[c])] for c in safe.columns]
    for number, (name, values) in enumerate(zip(safe.columns, columns, strict=True), start=1):
        longest = max([len(str(name))] + [len(str(v)) for v in values[:1000] if v is not None])
        worksheet.column_dimensions[get_column_letter(number)].width = min(
            longest + 2, _XLSX_MAX_WIDTH
        )
    bold = Font(bold=True)
    header = []
    for name in safe.columns:
        cell = WriteOnlyCell(worksheet, value=str(name))
        cell.font = bold
        header.append(cell)
    worksheet.append(header)
    for row in zip(*columns, strict=True):
        worksheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _dated(buffer.getvalue(), _moment(generated_at))


def _values(column: pd.Series) -> list[Any]:
    """Plain Python values of a column; NaN and <NA> become None."""
    return [None if _missing(v) else v for v in column.tolist()]


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _xlsx_value(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    # spreadsheet_safe guarded the text already; a cell starting with = would still become a
    # formula in openpyxl, so no text leaves here unguarded whatever its column's dtype.
    text = _XLSX_ILLEGAL.sub("\ufffd", value)
    return "'" + text if text[:1] in FORMULA_STARTS else text


def _moment(generated_at: str | None) -> datetime:
    if not generated_at:
        return _ZIP_EPOCH
    moment = datetime.fromisoformat(generated_at.replace("Z", "+00:00"))
    moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return max(moment, _ZIP_EPOCH)


def _dated(archive: bytes, moment: datetime) -> bytes:
    """The workbook with every clock reading openpyxl and zipfile took replaced by `moment`."""
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    stamp_pattern = re.compile(rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*")
    when = moment.timetuple()[:6]
    source = zipfile.ZipFile(io.BytesIO(archive))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.namelist():
            data = source.read(entry)
            if entry == "docProps/core.xml":
                data = stamp_pattern.sub(lambda m: m.group(1) + stamp, data)
            info = zipfile.ZipInfo(entry, date_time=when)
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
