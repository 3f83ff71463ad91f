"""CSV as spreadsheets write it: the encoding and separator found out, cells made safe.

Reading: UTF-8 (with or without a byte-order mark), UTF-16 (a spreadsheet's
"Unicode text", with or without its mark) and Windows-1252 (older "CSV"
from Windows), each detected and overridable; comma, semicolon or tab,
found by the standard library's csv.Sniffer and checked against the header
line; CRLF or LF. Writing: a cell a spreadsheet would run as a formula is
neutralised with a leading apostrophe, and the reader takes that apostrophe
off again, so an export imports back exactly.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass

from ..errors import ValidationError

MAX_BYTES = 20 * 1024 * 1024
SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}
SEPARATOR_NAMES = {name: separator for separator, name in SEPARATORS.items()}
ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "utf-16": "UTF-16",
                  "utf-16-le": "UTF-16", "utf-16-be": "UTF-16", "cp1252": "Windows-1252"}
# What a spreadsheet starts a formula with (OWASP's list for CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SAMPLE_LINES = 50


@dataclass(frozen=True)
class CsvTable:
    """A CSV file read: its header, its records with the line each starts on, and how it was
    read."""

    header: tuple[str, ...]
    records: tuple[tuple[int, tuple[str, ...]], ...]
    encoding: str
    separator: str

    @property
    def separator_name(self) -> str:
        return SEPARATORS[self.separator]


def read_table(data: bytes, *, separator: str | None = None,
               encoding: str | None = None) -> CsvTable:
    """Decode and split a CSV file; a sentence (ValidationError) when it cannot be read."""
    if len(data) > MAX_BYTES:
        raise ValidationError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; "
                              "split it into smaller files.")
    text, used = decode(data, encoding)
    if "\0" in text:
        raise ValidationError(
            f"The file holds NUL characters, so it is not {ENCODING_NAMES.get(used, used)} "
            "text: save it from the spreadsheet as CSV (or choose its encoding).")
    chosen = _separator(separator) if separator else detect_separator(text)
    rows = _records(text, chosen)
    while rows and not any(cell.strip() for cell in rows[0][1]):
        rows.pop(0)  # blank lines before the header
    if not rows:
        raise ValidationError("The file is empty: it has no header row and no items.")
    (_line, header), records = rows[0], rows[1:]
    return CsvTable(header=tuple(cell.strip() for cell in header), records=tuple(records),
                    encoding=ENCODING_NAMES.get(used, used), separator=chosen)


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """The text of `data` and the encoding used (given, else detected)."""
    if encoding:
        name = _encoding(encoding)
        try:
            return data.decode(name).removeprefix("\ufeff"), name
        except UnicodeDecodeError as exc:
            raise ValidationError(
                f"The file is not {encoding} text (byte {exc.start + 1} cannot be read as "
                "such); choose another encoding.") from None
    for name in _candidates(data):
        try:
            return data.decode(name).removeprefix("\ufeff"), name
        except UnicodeDecodeError:
            continue
    raise ValidationError("The file is not text in UTF-8, UTF-16 or Windows-1252: save it "
                          "from the spreadsheet as CSV UTF-8.")


def detect_separator(text: str) -> str:
    """Comma, semicolon or tab: what csv.Sniffer says, if the header line agrees."""
    lines = [line for line in text.splitlines() if line.strip()][:_SAMPLE_LINES]
    if not lines:
        return ","
    header = lines[0]
    try:
        found = csv.Sniffer().sniff("\n".join(lines), delimiters="".join(SEPARATORS)).delimiter
    except csv.Error:
        found = None
    if found in SEPARATORS and _cells(header, found) > 1:
        return found
    # The sniffer needs several alike lines; a header alone decides by its cells.
    return max(SEPARATORS, key=lambda candidate: _cells(header, candidate))


def safe_cell(text: str) -> str:
    """A text cell a spreadsheet will show, never run: a leading ' before formula starts."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unneutralised(text: str) -> str:
    """A cell as it was before safe_cell (read back from our own export)."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _candidates(data: bytes) -> list[str]:
    if data.startswith(codecs.BOM_UTF8):
        return ["utf-8-sig"]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return ["utf-16"]
    sample = data[:4096]
    if len(sample) >= 4 and sample[1::2].count(0) > len(sample) // 4:
        return ["utf-16-le", "utf-8", "cp1252"]  # "Unicode text" saved without its mark
    if len(sample) >= 4 and sample[0::2].count(0) > len(sample) // 4:
        return ["utf-16-be", "utf-8", "cp1252"]
    return ["utf-8", "cp1252"]


def _encoding(name: str) -> str:
    try:
        info = codecs.lookup(name.strip())
    except LookupError:
        raise ValidationError(f"{name!r} is not an encoding this program knows; use "
                              "utf-8, utf-16 or windows-1252.") from None
    if not getattr(info, "_is_text_encoding", True):
        raise ValidationError(f"{name!r} is not a text encoding.")
    return "utf-8-sig" if info.name == "utf-8" else info.name


def _separator(name: str) -> str:
    found = SEPARATOR_NAMES.get(name.strip().lower()) or (name if name in SEPARATORS else None)
    if found is None:
        raise ValidationError(f"{name!r} is not a separator this program reads; use "
                              "comma, semicolon or tab.")
    return found


def _cells(line: str, separator: str) -> int:
    try:
        return len(next(csv.reader([line], delimiter=separator), []))
    except csv.Error:
        return 0


def _records(text: str, separator: str) -> list[tuple[int, tuple[str, ...]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    records, line = [], 1
    try:
        for row in reader:
            records.append((line, tuple(row)))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ValidationError(f"Line {line} cannot be read as CSV ({exc}); check its quotes."
                              ) from None
    return records
