"""What a review writes for spreadsheets: nothing a spreadsheet would run as a formula."""

from __future__ import annotations

import pandas as pd

from skillkit.outputs import spreadsheet_safe


def test_formula_text_gets_a_leading_quote_and_numbers_do_not() -> None:
    table = pd.DataFrame(
        {
            "name": ['=HYPERLINK("http://x","y")', "+cmd", "-1+1", "@SUM(1)", "\tx", "\rx", "Anna"],
            "mixed": [-1, "-1.5", "+2", "=1", 3.5, None, "-"],
            "gap": [-1, -2, 0, 1, 2, 3, 4],
        }
    )
    safe = spreadsheet_safe(table)
    assert safe["name"].tolist() == [
        '\'=HYPERLINK("http://x","y")',
        "'+cmd",
        "'-1+1",
        "'@SUM(1)",
        "'\tx",
        "'\rx",
        "Anna",
    ]
    # Numbers are excepted, as numbers or as text a spreadsheet reads as one.
    assert safe["mixed"].tolist()[:5] == [-1, "-1.5", "+2", "'=1", 3.5]
    assert safe["mixed"].tolist()[6] == "'-"
    assert safe["gap"].tolist() == table["gap"].tolist()


def test_safe_csv_writes_what_spreadsheet_safe_then_csv_writes() -> None:
    from skillkit.csv_text import csv_bytes
    from skillkit.outputs import safe_csv

    table = pd.DataFrame(
        {
            "name": ["=1+1", "Anna", None, "-x", "+7 (495) 123"],
            "mixed": [-1, "-1.5", "@a", None, 2.5],
            "team": pd.array(["=T", "B", None, "B", "C, D"], dtype="string"),
            "gap": [-1, -2, 0, 1, 2],
        }
    )
    assert safe_csv(table) == csv_bytes(spreadsheet_safe(table))
    assert safe_csv(table).decode("utf-8").splitlines()[1].startswith("'=1+1,-1,'=T,-1")
