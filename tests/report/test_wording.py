"""Plan lines: what it would take, one competency at a time, in the reader's language."""

from __future__ import annotations

import math

import pandas as pd

from skillkit.framework import Framework
from skillkit.report.wording import plan_texts


def _plan(level: float, needed: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "competency": ["negotiation"],
            "level": [level],
            "required_level": [4],
            "quarters_needed": [needed],
        }
    )


def test_a_move_names_the_level_the_pace_and_the_target(framework: Framework) -> None:
    (line,) = plan_texts(_plan(2.0, 3.0), framework, "en")
    assert line == "Negotiation: level 2 → 4 (in about 3\u00a0quarters at the current pace)"


def test_a_withheld_level_says_so_once_in_both_languages(framework: Framework) -> None:
    (english,) = plan_texts(_plan(math.nan, math.inf), framework, "en")
    (russian,) = plan_texts(_plan(math.nan, math.inf), framework, "ru")
    assert english.startswith("Negotiation: level not shown → 4 (")
    assert "level level" not in english
    assert "уровень не показан → 4" in russian
    assert "уровень уровень" not in russian
