"""A new workspace: editable copies of the bundled standards, input files to fill, the routine."""

from __future__ import annotations

from skillkit.bundled import bundled_file
from skillkit.framework import DEFAULT_FRAMEWORK
from skillkit.rubric import DEFAULT_RUBRIC

FRAMEWORK = f"competencies/{DEFAULT_FRAMEWORK}"  # paths inside the workspace
RUBRIC = f"rubrics/{DEFAULT_RUBRIC}"

# FORMATS.md's headers, each with one row that passes `skillkit validate`: the person was
# promoted to account executive in 2025Q2 (so role_start and promotions.csv agree), and is
# rated by a manager outside people.csv, which ratings allow (manager_id would not).
EXAMPLE_DATA: dict[str, str] = {
    "people.csv": (
        "employee_id,name,role,team,manager_id,hire_date,role_start\n"
        "E001,Anna Petrova,account-executive,Retail,,2024-03-01,2025-04-01\n"
    ),
    "ratings.csv": (
        "period,employee_id,rater_id,source,competency,rating,comment\n"
        "2026Q2,E001,M014,manager,client-understanding,2.5,"
        "Restates the client's brief accurately and asks about the objectives behind it\n"
    ),
    "kpis.csv": "period,employee_id,kpi,value\n2026Q2,E001,client_retention,92\n",
    "promotions.csv": (
        "employee_id,period,from_role,to_role\nE001,2025Q2,account-coordinator,account-executive\n"
    ),
}

README = """\
# Talent review workspace

Made by `skillkit init`: everything one quarterly review of account staff needs. Run the
commands below from this folder.

- `{framework}`: the competency framework (competencies with five levels each, the role
  ladder and each role's target levels). Yours to edit.
- `{rubric}`: the rubric (source weights, the evidence rule, KPI thresholds, readiness
  rules). Yours to edit.
- `data/people.csv`: one row per person (`employee_id`, `name`, `role`, `team`,
  `manager_id`, `hire_date`, `role_start`).
- `data/ratings.csv`: one row per rating (`period`, `employee_id`, `rater_id`, `source`,
  `competency`, `rating`, `comment`).
- `data/kpis.csv`, optional: `period`, `employee_id`, `kpi`, `value`.
- `data/promotions.csv`, optional history: `employee_id`, `period`, `from_role`, `to_role`.

Each CSV holds its header and one example row: replace the example with your own rows.
Spreadsheets may save them as UTF-8 or Windows-1251, with commas or semicolons.

Pass `--framework` and `--rubric` to every command as below: without them skillkit uses its
bundled standards, not your edited copies.

## Every quarter

1. **Edit the standards** when roles or expectations change (plain YAML with comments), and
   check them:

       skillkit validate \\
           --framework {framework} \\
           --rubric {rubric}

2. **Update people and history**: joiners, leavers and new roles in `data/people.csv`,
   promotions in `data/promotions.csv`, KPIs in `data/kpis.csv`. Check the data:

       skillkit validate data \\
           --framework {framework} \\
           --rubric {rubric}

3. **Collect ratings** for the quarter. Managers rate on forms: `template` writes one
   workbook per manager into `forms/`, and `collect` adds the filled-in ones to
   `data/ratings.csv`. Peer, direct-report and client ratings go into `data/ratings.csv` as
   rows of their own.

       skillkit template data --period 2026Q3 --out forms/ \\
           --framework {framework} \\
           --rubric {rubric}
       skillkit collect forms/ --into data/ \\
           --framework {framework} \\
           --rubric {rubric}

4. **Self-assessment**: each person rates themselves, competency by competency. Self-ratings
   carry no weight in scores; they show blind spots and hidden strengths.

       skillkit self-assess data --employee E001 \\
           --framework {framework} \\
           --rubric {rubric}

5. **Review** the quarter into reports for HR, managers and every person, then open
   `reports/index.html`:

       skillkit review data \\
           --framework {framework} \\
           --rubric {rubric} \\
           --out reports/

6. **Hand readiness to HR** as a workbook (`--format csv` or `json` for HR systems):

       skillkit readiness data \\
           --framework {framework} \\
           --rubric {rubric} \\
           --format xlsx -o reports/readiness.xlsx

   `skillkit score data` gives the competency levels the same way; without `--format` and
   `-o`, both print a table to the terminal.

## Каждый квартал (кратко)

Команды — в шагах выше; запускайте их из этой папки и всегда с `--framework` и `--rubric`:
без них skillkit берёт встроенные стандарты, а не ваши копии.

1. Поправьте модель компетенций и правила оценки (YAML с комментариями), проверьте их.
2. Обновите `data/people.csv`, `data/promotions.csv` и `data/kpis.csv`, проверьте данные.
3. Соберите оценки: `skillkit template` (формы руководителям), затем `skillkit collect`.
4. Самооценка: `skillkit self-assess` (с `--lang ru` вопросы будут на русском).
5. Оценка квартала: `skillkit review` (с `--lang ru` отчёты будут на русском).
6. Готовность для HR в Excel: `skillkit readiness ... --lang ru --format xlsx -o ...`.
"""


def workspace_files() -> dict[str, bytes]:
    """Every file of a new workspace, keyed by its path inside the workspace."""
    files = {
        FRAMEWORK: bundled_file("competencies", DEFAULT_FRAMEWORK).read_bytes(),
        RUBRIC: bundled_file("rubrics", DEFAULT_RUBRIC).read_bytes(),
    }
    files.update({f"data/{name}": text.encode("utf-8") for name, text in EXAMPLE_DATA.items()})
    files["README.md"] = README.format(framework=FRAMEWORK, rubric=RUBRIC).encode("utf-8")
    return files
