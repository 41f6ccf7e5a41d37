"""A first look at a CSV file's bytes: encoding, first line, line count, or why it is not text."""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ENCODINGS = ("utf-8-sig", "cp1251")
_CHUNK = 1 << 24
_HEAD_CHARS = 65536  # the first line is looked for this far
_HEAD_BYTES = 4 * _HEAD_CHARS + 8  # enough bytes for that many characters, a BOM and a few more
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old binary Office files, and encrypted .xlsx
_SIGNATURES = (
    (b"PK\x03\x04", "a zip archive, such as an .xlsx workbook"),
    (OLE2, "an old Excel .xls file or another Office document"),
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
)
_BINARY = "this is a binary file, not a CSV text file"
_UTF16 = 'this is UTF-16 text, not UTF-8 or Windows-1251 (in Excel, save as "CSV UTF-8")'


@dataclass(frozen=True)
class Scan:
    """What one read through a CSV file's bytes found."""

    encoding: str | None  # the first of ENCODINGS that decodes the whole file
    first_line: str
    newlines: int
    ends_open: bool  # no newline after the last line
    blank: bool  # nothing but whitespace
    refusal: str | None = None  # why these bytes are not CSV text at all
    refusal_line: int | None = None
    checked: bool = True  # False: taken for UTF-8 unchecked, as Arrow's reader checks every cell


def scan(path: Path) -> Scan:
    """Encoding, first line, newline count and ending of a CSV file; or why it is not text.

    The bytes are looked at, not decoded: ASCII is UTF-8, and other bytes are taken for UTF-8
    unchecked (see `skillkit.tabular._read_regular`). Decoding every byte in Python took half as
    long as Arrow's whole read; the files that need it (NUL bytes, not UTF-8 at the start, a head
    of blanks) are left to `decoding_scan`, whose answer this one gives wherever it gives one.
    """
    with path.open("rb") as stream:
        if (refused := _refused_start(stream.read(8))) is not None:
            return refused
        stream.seek(0)
        head = stream.read(_HEAD_BYTES)
        stream.seek(0)
        newlines, last, size, ascii_text = 0, b"\n", 0, True
        while chunk := stream.read(_CHUNK):
            if b"\0" in chunk:
                return decoding_scan(path)  # which line, and binary or undecodable first
            # Counted by numpy: twice as fast as bytes.count on a long chunk.
            newlines += int(np.count_nonzero(np.frombuffer(chunk, dtype=np.uint8) == 10))
            body = chunk.removeprefix(codecs.BOM_UTF8) if size == 0 else chunk
            ascii_text = ascii_text and body.isascii()
            last, size = chunk[-1:], size + len(chunk)
    whole = size <= len(head)
    try:
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=whole)
    except UnicodeDecodeError:
        return decoding_scan(path)  # Windows-1251, or neither
    blank = not text or text.isspace()
    if blank and not whole:  # blanks so far: only the whole text tells
        return decoding_scan(path)
    first_line = text[:_HEAD_CHARS].split("\n", 1)[0]
    ends_open = last not in (b"\n", b"")
    return Scan("utf-8-sig", first_line, newlines, ends_open, blank, checked=ascii_text or whole)


def _refused_start(start: bytes) -> Scan | None:
    """A file starting as a known binary format or as UTF-16 text; None for any other start."""
    for signature, what in _SIGNATURES:
        if start.startswith(signature):
            return Scan(None, "", 0, False, False, f"{_BINARY} ({what})")
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Scan(None, "", 0, False, False, _UTF16)
    return None


def decoding_scan(path: Path) -> Scan:
    """`scan` by decoding the whole file in each of ENCODINGS in turn: exact, and slow."""
    with path.open("rb") as stream:
        if (refused := _refused_start(stream.read(8))) is not None:
            return refused
    for encoding in ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        newlines, last, head, blank = 0, b"\n", "", True
        try:
            with path.open("rb") as stream:
                while chunk := stream.read(_CHUNK):
                    # NUL is valid UTF-8 and Windows-1251, yet never in a spreadsheet's CSV.
                    if (nul := chunk.find(b"\0")) >= 0:
                        line = newlines + chunk.count(b"\n", 0, nul) + 1
                        return Scan(None, "", 0, False, False, f"{_BINARY} (NUL bytes)", line)
                    text = decoder.decode(chunk)
                    if len(head) < _HEAD_CHARS and "\n" not in head:
                        head += text[:_HEAD_CHARS]
                    blank = blank and (not text or text.isspace())
                    newlines += chunk.count(b"\n")
                    last = chunk[-1:]
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        ends_open = last not in (b"\n", b"")
        return Scan(encoding, head.split("\n", 1)[0], newlines, ends_open, blank)
    return Scan(None, "", 0, False, False)
