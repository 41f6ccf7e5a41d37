"""Rating forms for managers: one protected .xlsx workbook each (`skillkit template`).

A form is one workbook per manager. Sheet `ratings` lists their direct reports × competencies;
only the rating and comment cells are editable, ratings come from a drop-down. Sheet `levels`
says what each level of each competency looks like. A very hidden sheet `form` names the manager
and the quarter and holds the drop-down's choices. `skillkit.form_reading` reads filled ones back.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from skillkit.errors import InputError, Problem
from skillkit.framework import Framework
from skillkit.models import Lang
from skillkit.outputs import FORMULA_STARTS
from skillkit.periods import is_period
from skillkit.records import Records
from skillkit.report.render import slugs
from skillkit.rubric import Rubric

FORM_KIND = "skillkit rating form"
FORM_VERSION = "1"
SOURCE = "manager"
RATINGS_SHEET, LEVELS_SHEET, FORM_SHEET = "ratings", "levels", "form"
COLUMNS = ("period", "employee_id", "name", "competency", "competency_name", "rating", "comment")
DASH = " — "
_EDITABLE = ("rating", "comment")
# Widest each column gets; text columns are narrower when their longest value is short.
_WIDTHS = dict(zip(COLUMNS, (10, 30, 36, 26, 40, 22, 60), strict=True))
_FITTED = frozenset({"employee_id", "name", "competency", "competency_name"})
_QUOTED = FORMULA_STARTS | {"'"}  # a leading quote is doubled too, so reading back is exact
_CORE_TIMES = re.compile(r"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")
_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)  # the earliest time a zip entry can carry
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "levels_header": "competency\tcompetency id\tlevel\tlevel name\twhat it looks like",
        "prompt_title": "Rating",
        "prompt": "Pick the level whose description (sheet 'levels') fits what you saw this "
        "quarter; a half point when clearly between two. Leave empty if not observed.",
        "error_title": "Not on the scale",
        "error": "Pick a rating from the list, or type a number on the scale.",
    },
    "ru": {
        "levels_header": "компетенция\tкод компетенции\tуровень\tназвание уровня\tкак это выглядит",
        "prompt_title": "Оценка",
        "prompt": "Выберите уровень, описание которого (лист 'levels') точнее всего совпадает "
        "с тем, что вы видели за квартал; половина балла — если явно между двумя. "
        "Оставьте пустым, если не наблюдали.",
        "error_title": "Нет на шкале",
        "error": "Выберите оценку из списка или введите число со шкалы.",
    },
}


def spreadsheet_text(text: str) -> str:
    """Text a spreadsheet would run as a formula gets a leading quote (so does a leading quote)."""
    return "'" + text if text[:1] in _QUOTED else text


def plain_text(text: str) -> str:
    """The inverse of `spreadsheet_text`."""
    return text[1:] if text[:1] == "'" and text[1:2] in _QUOTED else text


def check_period(period: str) -> None:
    """A form is for one quarter: `period` must be a label like 2026Q4."""
    if not is_period(period):
        message = f"expected a quarter like 2026Q4, got {period!r}"
        raise InputError([Problem("--period", None, "", message)])


def scale_choices(framework: Framework, rubric: Rubric, lang: Lang) -> list[str | float]:
    """The drop-down's entries: '3 — Proficient' for a level, the bare number between levels."""
    scale = rubric.scale
    steps = round((scale.max - scale.min) / scale.step)
    names = {lv.level: lv.name(lang) for lv in framework.levels}
    choices: list[str | float] = []
    for i in range(steps + 1):
        value = round(scale.min + i * scale.step, 9)
        level = int(value) if value.is_integer() else None
        if level in names:
            choices.append(f"{level}{DASH}{names[level]}")
        else:
            choices.append(int(value) if level is not None else value)
    return choices


def build_forms(
    records: Records,
    framework: Framework,
    rubric: Rubric,
    *,
    period: str,
    lang: Lang = "en",
    generated_at: str | None = None,
) -> dict[str, bytes]:
    """One form per manager (anyone's manager_id) as `<period>-<manager slug>.xlsx` → bytes.

    The file name starts with the quarter, so no slug can make a reserved Windows name (CON...).
    `generated_at` (ISO 8601) is stamped into the workbooks so the same inputs give the same bytes.
    """
    check_period(period)
    moment = datetime.fromisoformat(generated_at) if generated_at else _EPOCH
    people = records.people
    pairs = people.loc[people["manager_id"].notna(), ["manager_id", "employee_id", "name"]]
    pairs = pairs.astype(str)
    names = dict(zip(people["employee_id"].astype(str), people["name"].astype(str), strict=True))
    file_names = slugs(pairs["manager_id"].unique().tolist())
    choices = scale_choices(framework, rubric, lang)
    forms: dict[str, bytes] = {}
    for manager, team in pairs.groupby("manager_id", sort=True):
        reports = team.sort_values("employee_id")
        rows = [
            (employee, name, competency.id, competency.name(lang))
            for employee, name in zip(reports["employee_id"], reports["name"], strict=True)
            for competency in framework.competencies  # in framework order, as the reports show
        ]
        meta = {
            "kind": FORM_KIND,
            "version": FORM_VERSION,
            "manager_id": str(manager),
            "manager_name": names.get(str(manager), ""),
            "period": period,
            "source": SOURCE,
            "framework": f"{framework.id} {framework.version}",
            "lang": lang,
        }
        book = _workbook(period, rows, meta, choices, framework, lang)
        forms[f"{period}-{file_names[str(manager)]}.xlsx"] = _pinned(book, moment)
    return forms


def _workbook(
    period: str,
    rows: list[tuple[str, str, str, str]],
    meta: dict[str, str],
    choices: list[str | float],
    framework: Framework,
    lang: Lang,
) -> bytes:
    """The form's three sheets, protected, as xlsx bytes."""
    text = _TEXT[lang]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = RATINGS_SHEET
    _header(sheet, COLUMNS)
    for employee, name, competency, competency_name in rows:
        sheet.append(
            [period, *map(spreadsheet_text, (employee, name, competency, competency_name))]
        )
    last = len(rows) + 1
    for column in _EDITABLE:
        index = COLUMNS.index(column) + 1
        for row in range(2, last + 1):
            cell = sheet.cell(row, index)
            cell.protection = Protection(locked=False)
            cell.alignment = Alignment(wrap_text=column == "comment", vertical="top")
    letter = _letter(COLUMNS.index("rating"))
    validation = DataValidation(
        type="list",
        formula1=f"{FORM_SHEET}!$D$2:$D${len(choices) + 1}",
        allow_blank=True,
        showInputMessage=True,
        promptTitle=text["prompt_title"],
        prompt=text["prompt"][:255],  # Excel's limit for an input message
        showErrorMessage=True,
        errorStyle="warning",  # a number typed in is fine too: collect checks every value
        errorTitle=text["error_title"],
        error=text["error"],
    )
    validation.add(f"{letter}2:{letter}{last}")
    sheet.add_data_validation(validation)
    if framework.description is not None:
        sheet[f"{letter}1"].comment = Comment(framework.description(lang), "skillkit", 200, 400)
    _layout(sheet, [_fitted(sheet, i, cap) for i, cap in enumerate(_WIDTHS.values())], last)
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True  # printed one page wide
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0

    levels = book.create_sheet(LEVELS_SHEET)
    _header(levels, tuple(text["levels_header"].split("\t")))
    for item in framework.competencies:
        for level in item.levels:
            name = framework.levels[level.level - 1].name(lang)
            cells = (item.name(lang), item.id, level.level, name, level.indicator(lang))
            levels.append([spreadsheet_text(c) if isinstance(c, str) else c for c in cells])
    for row in levels.iter_rows(min_row=2, min_col=5, max_col=5):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    _layout(levels, [32, 26, 8, 16, 90], levels.max_row)

    hidden = book.create_sheet(FORM_SHEET)
    for key, value in meta.items():
        hidden.append([key, spreadsheet_text(value)])
    hidden["D1"] = "choices"
    for i, choice in enumerate(choices, start=2):
        hidden.cell(i, 4, spreadsheet_text(choice) if isinstance(choice, str) else choice)
    hidden.protection.sheet = True
    hidden.sheet_state = "veryHidden"  # not even listed under Unhide; structure is locked too
    book.security = WorkbookProtection(lockStructure=True)
    book.properties.creator = "skillkit"
    book.properties.title = f"Rating form {period}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _header(sheet: Any, names: Sequence[str]) -> None:
    sheet.append(list(names))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL


def _fitted(sheet: Any, index: int, widest: int) -> int:
    """A column's width: its longest text plus a margin, at most `widest`."""
    if COLUMNS[index] not in _FITTED:
        return widest
    cells = sheet.iter_rows(min_col=index + 1, max_col=index + 1, values_only=True)
    return min(widest, 2 + max(len(str(row[0] or "")) for row in cells))


def _letter(index: int) -> str:
    return str(openpyxl.utils.get_column_letter(index + 1))


def _layout(sheet: Any, widths: Sequence[int], last: int) -> None:
    """Widths, a frozen header, a filter, and protection that still allows filtering."""
    for i, width in enumerate(widths):
        sheet.column_dimensions[_letter(i)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{_letter(len(widths) - 1)}{last}"
    protection = sheet.protection
    protection.sheet = True
    protection.autoFilter = False  # False allows it: a long form can be filtered by person
    protection.formatColumns = False
    protection.formatRows = False


def _pinned(content: bytes, moment: datetime) -> bytes:
    """The workbook with `moment` as its document and zip entry times, not the clock's."""
    moment = max(moment.astimezone(UTC), _EPOCH)
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _CORE_TIMES.sub(rf"\g<1>{stamp}\g<3>", data.decode("utf-8")).encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=moment.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, data)
    return out.getvalue()
