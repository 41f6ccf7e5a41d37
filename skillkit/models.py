"""Building blocks shared by the YAML models: frozen base, ids, bilingual text."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

Lang = Literal["en", "ru"]

Finite = Annotated[float, Field(allow_inf_nan=False)]
Positive = Annotated[float, Field(gt=0.0, allow_inf_nan=False)]
Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]


class Frozen(BaseModel):
    """Immutable model that rejects unknown keys (a typo must never pass silently)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class Text(Frozen):
    """A text in English and, where it has been translated, in Russian."""

    is_translation: ClassVar[bool] = True

    en: Annotated[str, Field(min_length=1)]
    # A framework written in English alone still works in Russian: pages show its English
    # text, and `untranslated` lets the CLI say so rather than leave a reader guessing.
    ru: Annotated[str, Field(min_length=1)] | None = None

    def __call__(self, lang: Lang) -> str:
        """The text in `lang`, or in English when it has no translation into `lang`."""
        return self.ru if lang == "ru" and self.ru is not None else self.en


def untranslated(model: BaseModel, lang: Lang, where: str = "") -> list[str]:
    """Where in `model` a text has no version in `lang`, as 'competencies[0].name' paths."""
    if isinstance(model, Text):
        return [where] if lang == "ru" and model.ru is None else []
    found: list[str] = []
    for name in type(model).model_fields:
        value = getattr(model, name)
        path = f"{where}.{name}" if where else name
        found += _untranslated_in(value, lang, path)
    return found


def _untranslated_in(value: object, lang: Lang, path: str) -> list[str]:
    if isinstance(value, BaseModel):
        return untranslated(value, lang, path)
    if isinstance(value, list | tuple):
        return [
            p for i, item in enumerate(value) for p in _untranslated_in(item, lang, f"{path}[{i}]")
        ]
    if isinstance(value, dict):
        return [p for k, item in value.items() for p in _untranslated_in(item, lang, f"{path}.{k}")]
    return []
