"""skillkit: assess account executives against a competency framework and plan promotions.

From a notebook::

    import skillkit
    assessment = skillkit.review("data/")          # bundled framework and rubric
    assessment.scores, assessment.readiness.people
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["__version__", "assess_records", "load_standards", "review"]


def __getattr__(name: str) -> Any:
    # Lazy so that `skillkit --help` never pays for importing pandas.
    if name in {"review", "assess_records", "load_standards"}:
        from skillkit import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'skillkit' has no attribute {name!r}")
