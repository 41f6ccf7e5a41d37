"""Text key columns (str, object, Arrow or categorical) as integer positions in lists of labels."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class KeyCodes:
    """A key column as codes into its distinct values (-1: missing), the values as text."""

    codes: np.ndarray
    distinct: pd.Index

    @classmethod
    def of(cls, column: pd.Series) -> KeyCodes:
        """Codes of `column`: each distinct value is hashed once, never each row as text."""
        if isinstance(column.dtype, pd.CategoricalDtype):
            # Categorical keys carry their codes already: nothing to hash at all.
            categories = pd.Index(column.cat.categories).astype(str)
            return cls(column.cat.codes.to_numpy(), categories)
        codes, uniques = pd.factorize(column)
        return cls(codes, pd.Index(uniques).astype(str))

    def positions(
        self, labels: Sequence[str] | pd.Index, rows: np.ndarray | None = None
    ) -> np.ndarray:
        """Each row's (or each of `rows`') position in `labels` (-1 when absent or missing)."""
        # An Index is used as it is: listing an Arrow-backed one builds a Python str per label.
        index = labels if isinstance(labels, pd.Index) else pd.Index(list(labels))
        lookup = index.get_indexer(self.distinct)
        codes = self.codes if rows is None else self.codes[rows]
        # A missing value's code, -1, picks the -1 appended last.
        found: np.ndarray = np.append(lookup, -1)[codes]
        return found
