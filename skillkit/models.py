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
    """A text in every language skillkit ships."""

    is_translation: ClassVar[bool] = True

    en: Annotated[str, Field(min_length=1)]
    ru: Annotated[str, Field(min_length=1)]

    def __call__(self, lang: Lang) -> str:
        """The text in `lang`."""
        return self.ru if lang == "ru" else self.en
