"""ratings.csv edited in place: rows replaced or added, every other byte of the file kept.

`collect` and `self-assess` both save into a file people keep in a spreadsheet. Rows they write
follow the file's own separator, line ending, column order and decimal mark, so the file still
opens as it did, and a diff shows only the rows that changed.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

from skillkit.errors import InputError, Problem
from skillkit.outputs import FORMULA_STARTS

_SEPARATORS = (",", ";", "\t")  # as skillkit.tabular guesses them from the header line
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")  # one line and its ending, as csv counts lines


def neutralised(text: str) -> str:
    """Text as ratings.csv keeps it: a leading quote where a spreadsheet would run a formula."""
    # HR opens ratings.csv in a spreadsheet: text someone typed must never run there.
    return "'" + text if text[:1] in FORMULA_STARTS else text


@dataclass(frozen=True)
class Record:
    """One row of the file: the line it starts on, where its text is, its cells by column."""

    line: int  # 1-based, as messages name it
    start: int  # offsets of the row's text, line ending included, in `RatingsFile.text`
    end: int
    cells: Mapping[str, str]  # stripped; "" for a column the row is too short to have


@dataclass(frozen=True)
class RatingsFile:
    """A CSV file as it is written: its text, encoding, separator, line ending and header."""

    text: str  # decoded, without the byte order mark
    encoding: str  # "utf-8" or "cp1251": whichever skillkit read it with
    bom: bool
    separator: str
    newline: str  # the header's line ending, which rows written here end with too
    header: tuple[str, ...]  # column names, stripped

    @classmethod
    def decode(cls, raw: bytes, display: str) -> RatingsFile:
        """The file as `tabular.read_csv` reads it (UTF-8 first, then Windows-1251)."""
        bom = raw.startswith(codecs.BOM_UTF8)
        body = raw[len(codecs.BOM_UTF8) :] if bom else raw
        try:
            text, encoding = body.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:  # the data loaded before this is called: cp1251 decodes it
            text, encoding = body.decode("cp1251"), "cp1251"
        first = next(_lines(text), "")
        separator = max(_SEPARATORS, key=first.count)
        newline = "\r\n" if first.endswith("\r\n") else "\r" if first.endswith("\r") else "\n"
        header = next((cells for _, _, _, cells in _records(text, separator) if cells), None)
        if header is None:
            raise InputError([Problem(display, None, "", "the file has no header")])
        names = tuple(cell.strip() for cell in header)
        return cls(text, encoding, bom, separator, newline, names)

    @property
    def decimal(self) -> str:
        """The decimal mark: a comma in a semicolon file (a decimal-comma spreadsheet's)."""
        return "," if self.separator == ";" else "."

    def number(self, value: float | None) -> str:
        """A number as this file writes it ('2,5' with a decimal comma); '' for none."""
        return "" if value is None else f"{value:g}".replace(".", self.decimal)

    def row(self, values: Mapping[str, str]) -> str:
        """One row under this file's header, line ending included; missing columns stay empty."""
        out = io.StringIO()
        # csv quotes a cell only for the line breaks in its terminator: give it both, so a cell
        # holding either stays one cell whatever this file ends its lines with.
        writer = csv.writer(out, delimiter=self.separator, lineterminator="\r\n")
        writer.writerow([values.get(name, "") for name in self.header])
        return out.getvalue()[:-2] + self.newline

    def records(self) -> Iterator[Record]:
        """Every row after the header, in file order; blank lines are no rows."""
        rows = (row for row in _records(self.text, self.separator) if row[3])
        next(rows, None)  # the header
        for line, start, end, cells in rows:
            stripped = [cell.strip() for cell in cells]
            stripped += [""] * (len(self.header) - len(stripped))
            yield Record(line, start, end, dict(zip(self.header, stripped, strict=False)))

    def with_column(self, name: str) -> RatingsFile:
        """The file with an empty column `name` after the last one of every row."""
        pieces: list[str] = []
        done = 0
        header = True
        for _, start, end, cells in _records(self.text, self.separator):
            if not cells:
                continue  # blank lines stay blank
            at = start + len(self.text[start:end].rstrip("\r\n"))
            pieces += [self.text[done:at], self.separator + (name if header else "")]
            done, header = at, False
        pieces.append(self.text[done:])
        return replace(self, text="".join(pieces), header=(*self.header, name))

    def replaced(self, rows: Sequence[tuple[Record, Mapping[str, str]]]) -> RatingsFile:
        """The file with each record's text, all its lines, replaced by a row of new values."""
        pieces: list[str] = []
        done = 0
        for record, values in sorted(rows, key=lambda pair: pair[0].start):
            pieces += [self.text[done : record.start], self.row(values)]
            done = record.end
        pieces.append(self.text[done:])
        return replace(self, text="".join(pieces))

    def appended(self, rows: Sequence[Mapping[str, str]]) -> tuple[RatingsFile, list[int]]:
        """The file with `rows` added after its last row, and the line each of them starts on."""
        if not rows:
            return self, []
        text = self.text
        cut = len(text)
        while cut and text[cut - 1] in "\r\n":  # blank lines after the last row stay after it
            cut -= 1
        # The last row keeps its own line ending; one missing at the end of the file is added.
        ending = "\r\n" if text.startswith("\r\n", cut) else text[cut : cut + 1] or self.newline
        written = [self.row(values) for values in rows]
        lines, line = [], _line_breaks(text, cut) + 2  # past the last row and its line ending
        for row in written:
            lines.append(line)
            line += _line_breaks(row)
        # Most files end with the last row's line break: then the text is not copied twice.
        head = text if cut + len(ending) == len(text) else text[:cut] + ending
        merged = "".join([head, *written, text[cut + len(ending) :]])
        return replace(self, text=merged), lines

    def encoded(self) -> bytes:
        """The file in the encoding it was read with; UnicodeEncodeError if it cannot hold it."""
        return (codecs.BOM_UTF8 if self.bom else b"") + self.text.encode(self.encoding)

    def utf8(self) -> bytes:
        """The file as UTF-8, with a byte order mark when it had one or was Windows-1251."""
        # The mark is Excel's cue to read UTF-8: a Windows-1251 file must not turn to mojibake.
        bom = self.bom or self.encoding == "cp1251"
        return (codecs.BOM_UTF8 if bom else b"") + self.text.encode("utf-8")


def _records(text: str, separator: str) -> Iterator[tuple[int, int, int, list[str]]]:
    """(first line, start offset, end offset, cells) of every CSV record; [] for a blank line."""
    consumed = 0

    def lines() -> Iterator[str]:
        nonlocal consumed
        for line in _lines(text):
            consumed += len(line)
            yield line

    # csv.reader takes only the lines of the record it returns, so `consumed` is where it ends.
    reader = csv.reader(lines(), delimiter=separator)
    start, line = 0, 0
    for cells in reader:
        yield line + 1, start, consumed, cells
        start, line = consumed, reader.line_num


def _lines(text: str) -> Iterator[str]:
    """The lines of `text`, endings kept, without copying it whole as io.StringIO would."""
    for match in _LINE.finditer(text):
        if match.end() == match.start():
            return  # the empty match at the very end
        yield match.group()


def _line_breaks(text: str, end: int | None = None) -> int:
    """Line breaks before `end` as a CSV reader counts them: \\r\\n, \\r or \\n."""
    stop = len(text) if end is None else end
    return text.count("\n", 0, stop) + text.count("\r", 0, stop) - text.count("\r\n", 0, stop)
