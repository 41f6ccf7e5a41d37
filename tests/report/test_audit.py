"""The fairness audit on HR's page, and nowhere else."""

from __future__ import annotations

import re
from html import escape as html_escape
from pathlib import Path

from tests.conftest import RunCli


def test_the_hr_page_audits_each_fairness_attribute_of_the_rubric(demo: Path) -> None:
    org = (demo / "index.html").read_text(encoding="utf-8")
    section = re.search(r'<section id="fairness">.*?</section>', org, re.DOTALL)
    assert section is not None
    for attribute in ("gender", "age_band"):
        assert f"<h3>{attribute}</h3>" in section.group(0)
        assert f"<caption>{attribute} · Ready now</caption>" in section.group(0)
        assert f"<caption>{attribute} · Ready now or within a year</caption>" in section.group(0)
    # Every group row carries its count, selected, rate and ratio, or is hidden.
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td class="num">(\d+|hidden)</td>',
                      section.group(0))  # fmt: skip
    assert {group for group, _ in rows} >= {"F", "M"}


def test_fairness_attributes_never_reach_team_or_person_pages(demo: Path) -> None:
    people = (demo / "data" / "people.csv").read_text(encoding="utf-8").splitlines()
    assert people[0].endswith("gender,age_band")
    bands = {line.rsplit(",", 1)[1] for line in people[1:]}  # the age bands' values
    assert len(bands) >= 3
    for page in [*demo.glob("teams/*.html"), *demo.glob("people/*.html")]:
        html = page.read_text(encoding="utf-8")
        assert "gender" not in html and "age_band" not in html and "Fairness" not in html
        assert not any(html_escape(band) in html for band in bands)


def test_the_audit_says_which_attributes_it_could_not_find(tmp_path: Path, run_cli: RunCli) -> None:
    from tests.test_cli import write_small_agency

    out = tmp_path / "out"
    run_cli(["review", str(write_small_agency(tmp_path / "data")), "--out", str(out)])
    org = (out / "index.html").read_text(encoding="utf-8")
    assert "Not audited (no such column in the people table): gender, age_band." in org
    assert "The rubric lists no fairness attributes." not in org


def test_the_demo_hr_page_carries_the_trained_models_card(demo: Path) -> None:
    org = (demo / "index.html").read_text(encoding="utf-8")
    model = re.search(r'<section id="model">.*?</section>', org, re.DOTALL)
    assert model is not None
    card = model.group(0)
    assert "Not trained" not in card
    assert re.search(r"ROC AUC on the held-out people</th><td[^>]*>0\.\d\d<", card)
    # The default demo holds out only a few promotions, and the card says so.
    assert re.search(r"Only \d of the held-out rows were promoted", card)
    for heading in ("Predicted against observed, held-out people", "What the model leans on"):
        assert heading in card


def test_the_hr_page_says_why_the_promotion_model_was_not_trained(
    tmp_path: Path, run_cli: RunCli
) -> None:
    from tests.test_cli import write_small_agency

    out = tmp_path / "out"
    run_cli(["review", str(write_small_agency(tmp_path / "data")), "--out", str(out)])
    org = (out / "index.html").read_text(encoding="utf-8")
    model = re.search(r'<section id="model">.*?</section>', org, re.DOTALL)
    assert model is not None
    assert re.search(r"Not trained: 0 promotions on record, and the model needs at least 20",
                     model.group(0))  # fmt: skip
    assert "the rules stand alone" in model.group(0)


def test_the_reason_is_worded_in_the_page_language(tmp_path: Path, run_cli: RunCli) -> None:
    from tests.test_cli import write_small_agency

    out = tmp_path / "out"
    data = write_small_agency(tmp_path / "data")
    run_cli(["review", str(data), "--out", str(out), "--lang", "ru"])
    org = (out / "index.html").read_text(encoding="utf-8")
    assert "Не обучена: повышений в данных: 0, а модели нужно не меньше 20" in org


def test_no_model_switches_the_model_off(tmp_path: Path, run_cli: RunCli) -> None:
    from tests.test_cli import write_small_agency

    out = tmp_path / "out"
    data = write_small_agency(tmp_path / "data")
    run_cli(["review", str(data), "--out", str(out), "--no-model"])
    org = (out / "index.html").read_text(encoding="utf-8")
    assert "switched off for this run (--no-model)" in org
