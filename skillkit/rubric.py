"""Rubrics: how ratings and KPIs combine into scores and how readiness is decided."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    NonNegativeInt,
    PositiveInt,
    ValidationInfo,
    field_validator,
    model_validator,
)

from skillkit.bundled import bundled_file
from skillkit.errors import Problem
from skillkit.framework import Framework, duplicate_ids, unknown
from skillkit.models import Finite, Frozen, Id, Positive, Text
from skillkit.yamlio import YamlDocument, load_yaml, parse_model

DEFAULT_RUBRIC = "quarterly-review.yaml"
Source = Literal["manager", "peer", "direct_report", "client"]
SOURCES = ("self", "manager", "peer", "direct_report", "client")
Share = Annotated[float, Field(ge=0.0, le=1.0)]


class Scale(Frozen):
    """The rating scale; a score counts as a level when within `level_tolerance` of it."""

    min: Finite = 1.0
    max: Finite = 5.0
    step: Annotated[float, Field(gt=0.0, allow_inf_nan=False)] = 0.5
    level_tolerance: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.25

    @model_validator(mode="after")
    def _ordered(self) -> Scale:
        if self.min >= self.max:
            raise ValueError(f"min ({self.min}) must be below max ({self.max})")
        steps = (self.max - self.min) / self.step
        if abs(steps - round(steps)) > 1e-9:
            raise ValueError(
                f"step {self.step:g} does not divide the scale {self.min:g}..{self.max:g}"
            )
        return self


class Evidence(Frozen):
    """When a score rests on enough observation: a manager rating, or enough other raters."""

    min_manager: NonNegativeInt = 1
    min_non_self: NonNegativeInt = 3


class Kpi(Frozen):
    """A KPI, its thresholds for levels 2..5, and the competencies it evidences."""

    id: Id
    name: Text
    unit: Text
    direction: Literal["higher", "lower"] = "higher"
    thresholds: dict[Annotated[int, Field(ge=2, le=5)], Finite]
    evidences: dict[str, Positive]

    @field_validator("thresholds")
    @classmethod
    def _thresholds_complete_and_ordered(
        cls, thresholds: dict[int, float], info: ValidationInfo
    ) -> dict[int, float]:
        missing = [n for n in (2, 3, 4, 5) if n not in thresholds]
        if missing:
            raise ValueError(f"thresholds need levels 2, 3, 4 and 5; missing {missing}")
        values = [thresholds[n] for n in (2, 3, 4, 5)]
        direction = info.data.get("direction", "higher")
        rising = direction == "higher"
        if any((b <= a) if rising else (b >= a) for a, b in itertools.pairwise(values)):
            order = "rise" if rising else "fall"
            shown = ", ".join(f"{n}: {thresholds[n]:g}" for n in (2, 3, 4, 5))
            raise ValueError(
                f"thresholds must {order} from level 2 to 5 (direction {direction}), "
                f"got {{{shown}}}"
            )
        return thresholds


class KpiRule(Frozen):
    """A KPI must reach `threshold` in `quarters` of the last `of_last` quarters with data."""

    kpi: str
    threshold: Finite
    quarters: PositiveInt = 2
    of_last: PositiveInt = 4


class ReadinessRule(Frozen):
    """What readiness for a role requires, every part configurable."""

    gates: tuple[str, ...] = ()
    min_coverage: Annotated[float, Field(gt=0.0, le=1.0)] = 0.8
    max_levels_below: NonNegativeInt = 1
    sustain_quarters: PositiveInt = 2
    evidence_on_gates: bool = True
    min_quarters_in_role: NonNegativeInt = 4
    kpis: tuple[KpiRule, ...] = ()


class Readiness(Frozen):
    """Which role people are assessed for, and the rules per target role."""

    target_role: str = "account-director"
    default_rule: ReadinessRule = ReadinessRule()
    rules: dict[str, ReadinessRule] = Field(default_factory=dict)

    def rule_for(self, role: str) -> ReadinessRule:
        """The rule for becoming `role`."""
        return self.rules.get(role, self.default_rule)


class CalibrationSettings(Frozen):
    """Rater calibration: the additive model or none, its window of quarters and shrinkage."""

    method: Literal["additive", "none"] = "additive"
    window_quarters: PositiveInt = 4
    shrinkage: Annotated[float, Field(ge=0.0, allow_inf_nan=False)] = 5.0

    @model_validator(mode="before")
    @classmethod
    def _method_alone(cls, value: Any) -> Any:
        # `calibration: none` reads better than a mapping with one key.
        return {"method": value} if isinstance(value, str) else value


class ReliabilitySettings(Frozen):
    """Agreement among raters (Krippendorff's alpha) below `min_alpha` is flagged."""

    min_alpha: Share = 0.667
    min_units: PositiveInt = 10  # fewer people rated by two or more: alpha not reported


BANDS_3 = ("low", "moderate", "high")


def _cell(en: str, ru: str) -> Text:
    return Text(en=en, ru=ru)


# Common names of the nine cells, keyed "<performance band>-<potential band>".
DEFAULT_CELLS: dict[str, Text] = {
    "high-high": _cell("Star", "Звезда"),
    "moderate-high": _cell("High potential", "Высокий потенциал"),
    "low-high": _cell("Rough diamond", "Неогранённый алмаз"),
    "high-moderate": _cell("High performer", "Высокая результативность"),
    "moderate-moderate": _cell("Core player", "Надёжное ядро"),
    "low-moderate": _cell("Inconsistent player", "Нестабильный результат"),
    "high-low": _cell("Trusted professional", "Опытный профессионал"),
    "moderate-low": _cell("Effective", "Эффективный"),
    "low-low": _cell("Under-performer", "Ниже ожиданий"),
}


class NineBox(Frozen):
    """Performance × potential grid: the two axes (0..1), their band cuts and the cell names."""

    performance_cuts: tuple[Share, Share] = (
        0.5,
        0.8,
    )  # below the first: low; from the second: high
    potential_cuts: tuple[Share, Share] = (0.4, 0.7)
    kpi_share: Share = 0.25  # weight of KPI attainment in performance, beside fit to the role
    pace_share: Share = 0.25  # weight of learning pace in potential, beside fit to the next role
    manager_share: Share = 0.5  # weight of a manager-rated potential, where one is supplied
    cells: dict[str, Text] = Field(default_factory=lambda: dict(DEFAULT_CELLS))

    @model_validator(mode="after")
    def _cuts_and_cells(self) -> NineBox:
        for name in ("performance_cuts", "potential_cuts"):
            low, high = getattr(self, name)
            if low >= high:
                raise ValueError(f"{name}: the first cut ({low}) must be below the second ({high})")
        expected = {f"{x}-{y}" for x in BANDS_3 for y in BANDS_3}
        if set(self.cells) != expected:
            missing = sorted(expected - set(self.cells))
            extra = sorted(set(self.cells) - expected)
            raise ValueError(
                f"cells must name all nine '<performance>-<potential>' cells; "
                f"missing {missing}, unknown {extra}"
            )
        return self


class PromotionModel(Frozen):
    """The promotion model: trained only with enough history, predicting a horizon ahead."""

    min_promotions: PositiveInt = 20
    horizon_quarters: PositiveInt = 4


class Bands(Frozen):
    """Horizons, in quarters, of the `ready-1y` and `ready-2y` bands."""

    ready_1y_quarters: PositiveInt = 4
    ready_2y_quarters: PositiveInt = 8


class Anonymity(Frozen):
    """Least raters in a source group before its average is shown; least people per org group."""

    min_raters: PositiveInt = 3
    min_group_size: PositiveInt = 5


class Fairness(Frozen):
    """People attributes used only for the fairness audit, never shown per person."""

    attributes: tuple[str, ...] = ()


class Rubric(Frozen):
    """A rubric: scale, source weights, evidence, KPIs, readiness, bands and privacy."""

    id: Id
    version: str
    framework: Id
    name: Text
    description: Text | None = None
    scale: Scale = Scale()
    sources: dict[Source, Positive]
    evidence: Evidence = Evidence()
    kpi_weight: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.25
    kpis: tuple[Kpi, ...] = ()
    trend_quarters: Annotated[int, Field(ge=2)] = 4
    blind_spot_threshold: Positive = 1.0
    calibration: CalibrationSettings = CalibrationSettings()
    reliability: ReliabilitySettings = ReliabilitySettings()
    readiness: Readiness = Readiness()
    bands: Bands = Bands()
    nine_box: NineBox = NineBox()
    promotion_model: PromotionModel = PromotionModel()
    anonymity: Anonymity = Anonymity()
    fairness: Fairness = Fairness()

    @property
    def kpi_ids(self) -> tuple[str, ...]:
        """KPI ids in rubric order."""
        return tuple(k.id for k in self.kpis)

    def kpi(self, kpi_id: str) -> Kpi:
        """The KPI with this id."""
        return next(k for k in self.kpis if k.id == kpi_id)


def load_rubric(framework: Framework, path: Path | None = None) -> Rubric:
    """Load a rubric (the bundled one when `path` is None) and check it against `framework`."""
    doc = load_yaml(
        path or bundled_file("rubrics", DEFAULT_RUBRIC),
        None if path else f"rubrics/{DEFAULT_RUBRIC}",
    )
    return parse_model(doc, Rubric, check_against(doc, framework))


def check_against(doc: YamlDocument, framework: Framework) -> list[Problem]:
    """Every name in the rubric that the framework does not know, and targets off the scale."""
    data = doc.data if isinstance(doc.data, dict) else {}
    problems = duplicate_ids(doc, "kpis")
    competencies, roles = list(framework.competency_ids), list(framework.role_ids)
    if "framework" in data and data["framework"] != framework.id:
        problems.append(
            doc.problem(
                ("framework",),
                f"rubric is for framework {data['framework']!r}"
                f" but the framework given is {framework.id!r}",
            )
        )
    kpis = [k.get("id") for k in _items(data.get("kpis"))]
    for i, kpi in enumerate(_items(data.get("kpis"))):
        for key in _keys(kpi.get("evidences")):
            if key not in competencies:
                problems.append(
                    doc.problem(
                        ("kpis", i, "evidences", key), unknown("competency", key, competencies)
                    )
                )
    readiness: dict[str, Any] = _mapping(data.get("readiness"))
    target = readiness.get("target_role")
    if target is not None and target not in roles:
        problems.append(doc.problem(("readiness", "target_role"), unknown("role", target, roles)))
    rules: list[tuple[tuple[str | int, ...], Any]] = [
        (("readiness", "default_rule"), readiness.get("default_rule"))
    ]
    for role in _keys(readiness.get("rules")):
        if role not in roles:
            problems.append(doc.problem(("readiness", "rules", role), unknown("role", role, roles)))
        rules.append((("readiness", "rules", role), readiness["rules"][role]))
    for loc, rule in rules:
        if not isinstance(rule, dict):
            continue
        gates = rule.get("gates")
        for i, gate in enumerate(gates if isinstance(gates, list) else []):
            if gate not in competencies:
                problems.append(
                    doc.problem((*loc, "gates", i), unknown("competency", gate, competencies))
                )
        for i, kpi_rule in enumerate(_items(rule.get("kpis"))):
            if "kpi" in kpi_rule and kpi_rule["kpi"] not in kpis:
                problems.append(
                    doc.problem(
                        (*loc, "kpis", i, "kpi"),
                        unknown("kpi", kpi_rule["kpi"], [str(k) for k in kpis]),
                    )
                )
    scale = _mapping(data.get("scale"))
    low, high = scale.get("min", 1.0), scale.get("max", 5.0)
    if isinstance(low, int | float) and isinstance(high, int | float):
        for role in framework.roles:
            off = {c: t for c, t in role.targets.items() if not low <= t <= high}
            if off:
                problems.append(
                    doc.problem(
                        ("scale",),
                        f"role {role.id!r} targets {off} lie "
                        f"outside the rating scale {low}..{high}",
                    )
                )
    return problems


def _items(value: Any) -> list[dict[str, Any]]:
    return [v if isinstance(v, dict) else {} for v in value] if isinstance(value, list) else []


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _keys(value: Any) -> list[Any]:
    return list(value) if isinstance(value, dict) else []
