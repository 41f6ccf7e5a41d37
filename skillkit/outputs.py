"""The files a review produces, as bytes keyed by path; the CLI writes them atomically."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from skillkit import __version__
from skillkit.csv_text import csv_bytes, with_text
from skillkit.models import Lang
from skillkit.ninebox import placed
from skillkit.pipeline import Assessment
from skillkit.scoring import SCORE_COLUMNS

FORMULA_STARTS = frozenset("=+-@\t\r")
READINESS_COLUMNS = [
    "employee_id",
    "name",
    "role",
    "target_role",
    "band",
    "reasons",
    "projected_ready_period",
    "team",
    "coverage",
    "quarters_to_ready",
    "what_it_takes",
    "low_agreement",
    "ready_probability",
    "performance",
    "potential",
    "nine_box",
    "promotion_probability",
]


def scores_table(assessment: Assessment) -> pd.DataFrame:
    """scores.csv: one row per quarter × person × competency, columns as FORMATS.md."""
    scores = assessment.scores
    # assign, not copy-then-set: the other eight columns are shared, not copied and merged.
    rounded = {c: scores[c].round(3) for c in ("score_raw", "score", "ci_low", "ci_high")}
    return scores[SCORE_COLUMNS].assign(**rounded)


def readiness_table(assessment: Assessment, lang: Lang) -> pd.DataFrame:
    """readiness.csv: one row per person for the reviewed quarter, reasons in words."""
    from skillkit.report.wording import plan_texts, reason_texts

    a = assessment
    reasons = a.readiness.reasons
    said = reasons.assign(text=reason_texts(reasons, a.framework, a.rubric, lang))
    plan = a.readiness.plan
    steps = plan.assign(text=plan_texts(plan, a.framework, lang, a.rubric.bands.ready_2y_quarters))
    table = a.readiness.people.copy()
    table["reasons"] = table["employee_id"].map(_joined(said, "text"))
    table["what_it_takes"] = table["employee_id"].map(_joined(steps, "text"))
    # Competencies the decision relies on whose raters agreed little (see pipeline).
    table["low_agreement"] = table["employee_id"].map(_joined(a.low_agreement, "competency"))
    teams = a.people.set_index(a.people["employee_id"].astype(str))["team"]
    table["team"] = table["employee_id"].map(teams)
    table["coverage"] = table["coverage"].astype("float64").round(3)
    table["ready_probability"] = table["ready_probability"].astype("float64").round(2)
    grid = placed(a).set_index("employee_id")
    for column in ("performance", "potential"):
        table[column] = table["employee_id"].map(grid[column]).astype("float64").round(3)
    table["nine_box"] = table["employee_id"].map(grid["cell"]).fillna("")
    # The model's chance of the next promotion within its horizon; empty when not trained.
    forecast = a.model.probabilities if a.model is not None and a.model.trained else None
    table["promotion_probability"] = (
        table["employee_id"].map(forecast.set_index("employee_id")["probability"]).round(3)
        if forecast is not None
        else float("nan")
    )
    finite = table["quarters_to_ready"].where(table["quarters_to_ready"] < float("inf"))
    table["quarters_to_ready"] = finite.where(table["band"] != "insufficient-evidence").astype(
        "Int64"
    )
    for column in ("reasons", "what_it_takes", "low_agreement"):
        table[column] = table[column].astype("object").where(table[column].notna(), "")
    return table[READINESS_COLUMNS]


def _joined(rows: pd.DataFrame, column: str) -> dict[str, str]:
    """Each person's `column` texts in row order, joined by "; ".

    What `groupby("employee_id")[column].agg("; ".join)` gives: rows sorted stably by person,
    then one str.join per person over a slice, instead of a Python step per row.
    """
    people, names = pd.factorize(rows["employee_id"].astype(str))
    texts = rows[column].to_numpy(dtype=object)
    if not all(type(text) is str for text in texts):  # the usual case is text already
        texts = rows[column].astype(str).to_numpy(dtype=object)
    ordered = texts[np.argsort(people, kind="stable")].tolist()
    # Rows without a person (code -1) sort first and are left out; then each person's end.
    ends = np.cumsum(np.bincount(people + 1, minlength=len(names) + 1)).tolist()
    return {
        str(name): "; ".join(ordered[start:end])
        for name, start, end in zip(names, ends[:-1], ends[1:], strict=True)
    }


def spreadsheet_safe(table: pd.DataFrame) -> pd.DataFrame:
    """Text a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading quote.

    Numbers are excepted, also when held as text ("-1.5" in a text column): a spreadsheet
    reads those as the number they are, and a quote would turn them into text.
    """
    return with_text(table, _defused)


def safe_csv(table: pd.DataFrame) -> bytes:
    """`csv_bytes(spreadsheet_safe(table))`, each distinct text guarded as the CSV is written."""
    return csv_bytes(table, text=_defused)


def _defused(values: pd.Series) -> pd.Series | None:
    """Distinct texts with a quote before each formula; None when there is none (the usual)."""
    formulas = _formulas(values)
    if not formulas.any():
        return None
    return pd.Series(np.where(formulas, "'" + values.astype(str), values), dtype=object)


def _formulas(values: pd.Series) -> np.ndarray:
    """Which values a spreadsheet would run: formula characters first, and not a number."""
    text = values.astype(str)
    risky = text.str[:1].isin(FORMULA_STARTS).to_numpy(dtype=bool, copy=True)
    if risky.any():
        number = values[risky].map(lambda v: isinstance(v, int | float)) | (
            pd.to_numeric(text[risky], errors="coerce").notna()
        )
        risky[np.flatnonzero(risky)[number.to_numpy()]] = False
    return risky


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def manifest(
    assessment: Assessment, generated_at: str, lang: Lang, standards: dict[str, Path]
) -> dict[str, object]:
    """manifest.json: what produced this review, from which inputs, for which quarters."""
    a = assessment
    inputs = {path.name: sha256(path) for path in a.records.files}
    inputs.update({f"{kind}:{path.name}": sha256(path) for kind, path in standards.items()})
    return {
        "skillkit_version": __version__,
        "framework": {"id": a.framework.id, "version": a.framework.version},
        "rubric": {"id": a.rubric.id, "version": a.rubric.version},
        "inputs": dict(sorted(inputs.items())),
        "period": a.period,
        "periods": list(a.periods),
        "target_role": a.target_role,
        "people": len(a.people),
        # How scores were calibrated; no rater ids here, they belong to the HR page only.
        "calibration": {
            "method": a.calibration.method,
            "window": list(a.calibration.window),
            "shrinkage": a.calibration.shrinkage,
            "ratings": a.calibration.n_ratings,
            "raters": len(a.calibration.effects),
            "components": a.calibration.components,
        },
        "lang": lang,
        # Rows set aside by --skip-invalid (listed in rejected.csv); null when none could be.
        "rejected_rows": a.records.rejected_rows,
        "generated_at": generated_at,
    }


@dataclass(frozen=True)
class Outputs:
    """A review's output files: the small ones made, the pages rendered as they are read."""

    files: dict[str, bytes]  # CSVs and manifest.json
    page_names: tuple[str, ...]  # every page, in the order `pages` yields them
    pages: Iterator[tuple[str, bytes]]  # read once: each page is rendered as it is taken

    @property
    def names(self) -> list[str]:
        """Every file this review writes."""
        return [*self.files, *self.page_names]


def review_outputs(
    assessment: Assessment,
    *,
    lang: Lang,
    generated_at: str,
    standards: dict[str, Path],
    html: bool = True,
    progress: Callable[[int, int], None] | None = None,
    jobs: int = 1,
) -> Outputs:
    """Every output file of a review: CSVs, manifest and (unless `html` is off) the pages.

    Pages are rendered on `jobs` processes as `pages` is read, so that a writer holds only a
    few at a time; `progress(done, total)` is called after each page.
    """
    files = {
        "scores.csv": safe_csv(scores_table(assessment)),
        "readiness.csv": safe_csv(readiness_table(assessment, lang)),
    }
    rejected = assessment.records.rejected
    if rejected is not None:  # --skip-invalid: what was set aside, even when nothing was
        files["rejected.csv"] = safe_csv(rejected)
    names: list[str] = []
    pages: Iterator[tuple[str, bytes]] = iter(())
    if html:
        from skillkit.report.render import SitePages

        site = SitePages(assessment, lang, generated_at)
        names = site.names
        pages = _encoded(site.render(jobs), len(names), progress)
    about = manifest(assessment, generated_at, lang, standards)
    # The pages this run owns: the next run removes those it no longer writes, and no others.
    about["pages"] = sorted(names)
    text = json.dumps(about, ensure_ascii=False, indent=2) + "\n"
    files["manifest.json"] = text.encode("utf-8")
    return Outputs(files, tuple(names), pages)


def build_outputs(
    assessment: Assessment,
    *,
    lang: Lang,
    generated_at: str,
    standards: dict[str, Path],
    html: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, bytes]:
    """Every output file of a review, all in memory (see `review_outputs` to stream pages)."""
    made = review_outputs(
        assessment,
        lang=lang,
        generated_at=generated_at,
        standards=standards,
        html=html,
        progress=progress,
    )
    return {**made.files, **dict(made.pages)}


def _encoded(
    pages: Iterator[tuple[str, str]], total: int, progress: Callable[[int, int], None] | None
) -> Iterator[tuple[str, bytes]]:
    for done, (path, html) in enumerate(pages, start=1):
        yield path, html.encode("utf-8")
        if progress:
            progress(done, total)
