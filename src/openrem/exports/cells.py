"""Writing cells safely: RFC 4180 CSV through the ``csv`` module and constant-memory XLSX.

Text fields of a DICOM object are written by whoever made the object, so a study description such
as ``=HYPERLINK(...)`` must not become a spreadsheet formula: text cells that begin with ``=``,
``+``, ``-``, ``@``, tab or carriage return are neutralised (CSV: a leading apostrophe; XLSX: the
cell is written as a string, never a formula). Numbers stay numbers (a negative angle is a number
cell, not text). Identifiers are always text, so leading zeros survive.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from typing import IO, Any

from django.conf import settings
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
DANGEROUS_FIRST = frozenset(DANGEROUS)


def neutralise(text: str) -> str:
    """A text cell that a spreadsheet would read as a formula gets a leading apostrophe."""
    return "'" + text if text.startswith(DANGEROUS) else text


def local_naive(value: dt.datetime) -> dt.datetime:
    """A stored (aware) date-time in the installation's time zone, without zone (as shown)."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None)


def csv_text(value: Any) -> str:
    """One CSV field: numbers in full precision (``repr``), ISO dates, neutralised text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.datetime):
        return local_naive(value).isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return neutralise(str(value))


class CsvOut:
    """RFC 4180 CSV (``csv`` module, minimal quoting, CRLF line ends) on an open text stream."""

    def __init__(self, stream: IO[str]) -> None:
        self.writer = csv.writer(stream, dialect="excel")

    def row(self, values: Iterable[Any]) -> None:
        self.writer.writerow([csv_text(v) for v in values])

    def typed_row(self, values: list[Any], text_columns: list[int]) -> None:
        """A row whose column kinds are known: number columns go to the ``csv`` module as they are (it
        writes floats with ``repr`` and ``None`` as an empty field); the others through :func:`csv_text`."""
        for i in text_columns:
            value = values[i]
            if value is None:
                continue
            if type(value) is str:
                if value[:1] in DANGEROUS_FIRST:
                    values[i] = "'" + value
            else:
                values[i] = csv_text(value)
        self.writer.writerow(values)


def text_columns(kinds: Iterable[str]) -> list[int]:
    """Indexes of the columns that are not numbers (text, identifiers, dates, yes/no)."""
    return [i for i, kind in enumerate(kinds) if kind != "num"]


def open_csv(path: str, bom: bool) -> IO[str]:
    """A UTF-8 text file for CSV (with a byte order mark for Excel when ``bom``)."""
    return open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="")


def xlsx_formats() -> tuple[str, str]:
    """The XLSX date and time formats (settings XLSX_DATE, XLSX_TIME; spec defaults dd/mm/yyyy, hh:mm:ss)."""
    return getattr(settings, "XLSX_DATE", "dd/mm/yyyy"), getattr(settings, "XLSX_TIME", "hh:mm:ss")


class XlsxSheet:
    """A write-only worksheet: rows go straight to a temporary file, so memory stays flat."""

    def __init__(self, book: XlsxBook, ws: WriteOnlyWorksheet) -> None:
        self.book = book
        self.ws = ws
        self.rows = 0

    def _cell(self, value: Any, number_format: str | None = None, text: bool = False) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws)
        if text:
            cell.value = "x"  # bind as text, then set the exact string (never parsed as a formula)
            cell._value = value
            cell.data_type = "s"
        else:
            cell.value = value
        if number_format:
            cell.number_format = number_format
        return cell

    def convert(self, value: Any) -> Any:
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            return value
        if isinstance(value, dt.datetime):
            return self._cell(local_naive(value), f"{self.book.date_format} {self.book.time_format}")
        if isinstance(value, dt.date):
            return self._cell(value, self.book.date_format)
        if isinstance(value, dt.time):
            return self._cell(value, self.book.time_format)
        text = str(value)
        if ILLEGAL_CHARACTERS_RE.search(text):
            text = ILLEGAL_CHARACTERS_RE.sub("", text)
        if text.startswith(DANGEROUS):
            return self._cell(text, text=True)
        return text

    def row(self, values: Iterable[Any]) -> None:
        self.ws.append([self.convert(v) for v in values])
        self.rows += 1


class XlsxBook:
    """A constant-memory workbook (openpyxl ``write_only``)."""

    def __init__(self) -> None:
        self.wb = Workbook(write_only=True)
        self.date_format, self.time_format = xlsx_formats()
        self.names: set[str] = set()

    def sheet(self, name: str) -> XlsxSheet:
        return XlsxSheet(self, self.wb.create_sheet(title=self.unique(name)))

    def unique(self, name: str) -> str:
        """An Excel-safe sheet name: no []:*?/\\, at most 31 characters, unique ignoring case."""
        clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in (name or "").strip()).strip("'") or "blank"
        base, n = clean[:31], 1
        candidate = base
        while candidate.lower() in self.names:
            n += 1
            suffix = f" ({n})"
            candidate = base[: 31 - len(suffix)] + suffix
        self.names.add(candidate.lower())
        return candidate

    def save(self, path: str) -> None:
        self.wb.save(path)
