"""The readiness pipeline over quarters: each earlier quarter as a review held then found it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from skillkit import demo
from skillkit.framework import Framework
from skillkit.pipeline import Assessment, assess_records, record_rules
from skillkit.readiness import BANDS
from skillkit.readiness_history import HISTORY_COLUMNS, bands_by_quarter
from skillkit.records import Records, load_records
from skillkit.rubric import CalibrationSettings, Rubric


@pytest.fixture(scope="module")
def uncalibrated(framework: Framework, rubric: Rubric) -> Rubric:
    # Without rater calibration a score does not depend on later quarters' ratings, so an
    # earlier quarter's bands must equal those of a review actually held in that quarter.
    return rubric.model_copy(update={"calibration": CalibrationSettings(method="none")})


@pytest.fixture(scope="module")
def records(
    tmp_path_factory: pytest.TempPathFactory, framework: Framework, uncalibrated: Rubric
) -> Records:
    folder = tmp_path_factory.mktemp("agency")
    tables = demo.generate_agency(framework, uncalibrated, people=80, quarters=6, seed=11)
    for name, table in tables.items():
        table.to_csv(folder / f"{name}.csv", index=False)
    return load_records(Path(folder), record_rules(framework, uncalibrated))


@pytest.fixture(scope="module")
def assessment(records: Records, framework: Framework, uncalibrated: Rubric) -> Assessment:
    return assess_records(records, framework, uncalibrated, model=False)


def _counts(bands: pd.Series) -> dict[str, int]:
    return {band: int((bands == band).sum()) for band in BANDS}


def test_the_reviewed_quarter_counts_are_the_assessments_own(assessment: Assessment) -> None:
    history = bands_by_quarter(assessment, 4)
    latest = history[history["period"] == assessment.period]
    assert dict(zip(latest["band"], latest["people"], strict=True)) == _counts(
        assessment.readiness.people["band"]
    )


def test_an_earlier_quarter_matches_a_review_held_then(
    assessment: Assessment, records: Records, framework: Framework, uncalibrated: Rubric
) -> None:
    history = bands_by_quarter(assessment, 4)
    for period in assessment.periods[-4:-1]:
        then = assess_records(records, framework, uncalibrated, period=period, model=False)
        found = history[history["period"] == period]
        assert dict(zip(found["band"], found["people"], strict=True)) == _counts(
            then.readiness.people["band"]
        ), period


def test_every_band_is_listed_for_every_quarter_oldest_first(assessment: Assessment) -> None:
    history = bands_by_quarter(assessment, 3)
    assert list(history.columns) == HISTORY_COLUMNS
    assert list(history["period"].drop_duplicates()) == list(assessment.periods[-3:])
    assert list(history["band"]) == list(BANDS) * 3
    assert (history["people"] >= 0).all()


def test_one_quarter_is_the_reviewed_quarter_alone(assessment: Assessment) -> None:
    history = bands_by_quarter(assessment, 1)
    assert set(history["period"]) == {assessment.period}


def test_a_window_longer_than_the_history_stops_at_its_start(assessment: Assessment) -> None:
    history = bands_by_quarter(assessment, 40)
    assert list(history["period"].drop_duplicates()) == list(assessment.periods)


def test_no_quarters_is_refused(assessment: Assessment) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        bands_by_quarter(assessment, 0)
