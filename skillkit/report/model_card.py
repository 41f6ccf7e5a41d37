"""View model of the promotion model's card on the HR page: data, accuracy, where it parts.

Decision support beside the rules, never instead of them: the card says what the model was
trained on, how well it did on people and quarters it never saw, and where it and the rules
disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from skillkit.framework import Framework
from skillkit.model import DataSize, disagreements
from skillkit.models import Lang
from skillkit.pipeline import Assessment
from skillkit.report.context import PersonRow
from skillkit.report.i18n import BAND_NAMES, UI, number, percent, whole
from skillkit.report.values import optional_float

IMPORTANCES_SHOWN = 8
FEW_HELD_OUT = 10  # held-out promotions below which the card calls its accuracy rough
DISAGREEMENTS_SHOWN = 15


@dataclass(frozen=True)
class ModelCard:
    """The promotion model as the HR page shows it."""

    trained: bool
    summary: str  # what it is and what it was trained and tested on, or why it was not trained
    metrics: tuple[tuple[str, str], ...]  # label, value
    calibration: tuple[tuple[str, str, str, str], ...]  # range, predicted, observed, count
    importances: tuple[tuple[str, str], ...]  # feature in words, drop in ROC AUC
    model_likely: tuple[tuple[str, str, str, str], ...]  # name, href, band, probability
    rules_ready: tuple[tuple[str, str, str, str], ...]


def model_card(a: Assessment, rows: Mapping[str, PersonRow], lang: Lang) -> ModelCard:
    """The card of `a.model`, or a short note of why there is none."""
    ui, result = UI[lang], a.model
    if result is None:
        return ModelCard(False, ui["model_off"], (), (), (), (), ())
    if not result.trained:
        wording = ui.get(f"model_reason_{result.reason_key}")
        reason = wording.format(**result.reason_values) if wording else result.reason
        return ModelCard(False, ui["model_not_trained"].format(reason=reason), (), (), (), (), ())
    base_rate = result.test_rate
    summary = ui["model_summary"].format(
        classifier=result.classifier,
        horizon=result.horizon,
        train=_size(result.train, lang),
        test=_size(result.test, lang),
    )
    if result.test.promotions < FEW_HELD_OUT:
        summary += " " + ui["model_few_held_out"].format(promotions=result.test.promotions)
    metrics = (
        (ui["roc_auc"], number(result.roc_auc, lang, 2)),
        (ui["brier"], number(result.brier, lang, 3)),
        (ui["brier_base"], number(base_rate * (1 - base_rate), lang, 3)),
        (ui["base_rate"], percent(base_rate, lang)),
    )
    calibration = tuple(
        (
            f"{percent(optional_float(r['low']), lang)}–{percent(optional_float(r['high']), lang)}",
            percent(optional_float(r["mean_predicted"]), lang),
            percent(optional_float(r["observed_rate"]), lang),
            str(int(r["count"])),
        )
        for r in result.calibration.to_dict("records")
    )
    importances = tuple(
        (_feature(str(r["feature"]), a.framework, lang), number(float(r["importance"]), lang, 3))
        for r in result.importances.head(IMPORTANCES_SHOWN).to_dict("records")
    )
    parted = disagreements(result, a.readiness.people)
    listed = {
        kind: tuple(
            (
                rows[e].name,
                rows[e].href,
                BAND_NAMES[lang][band],
                percent(float(p), lang),
            )
            for e, band, p in zip(
                group["employee_id"], group["band"], group["probability"], strict=True
            )
            if e in rows
        )[:DISAGREEMENTS_SHOWN]
        for kind, group in parted.groupby("disagreement")
    }
    return ModelCard(
        True,
        summary,
        metrics,
        calibration,
        importances,
        listed.get("model-likely-rules-not", ()),
        listed.get("rules-ready-model-not", ()),
    )


def _size(size: DataSize, lang: Lang) -> str:
    quarters = f"{size.quarters[0]}–{size.quarters[-1]}" if size.quarters else "—"
    return UI[lang]["model_size"].format(
        rows=whole(size.rows, lang), people=whole(size.people, lang),
        promotions=whole(size.promotions, lang), quarters=quarters,
    )  # fmt: skip


def _feature(feature: str, framework: Framework, lang: Lang) -> str:
    """'gap:motivation' → 'gap to the next role: Motivation…', in the reader's language."""
    kind, _, what = feature.partition(":")
    ui = UI[lang]
    names = {c.id: c.name(lang) for c in framework.competencies}
    names.update({"mean": ui["stat_mean"], "max": ui["stat_max"]})
    label = ui.get(f"feature_{kind}", kind)
    return f"{label}: {names.get(what, what)}" if what else label
