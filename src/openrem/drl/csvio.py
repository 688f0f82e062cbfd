"""Reading and writing DRL set files (no Django).

Format: ``# Key: value`` header lines (``Set``, ``Country``, ``Version``, ``Valid from`` as
YYYY-MM-DD, ``Source`` required, optional ``Patient group`` and ``Modality``), other ``#`` lines are
comments, then a CSV table with ``exam`` and optional ``clinical_indication`` and ``patient_group``
columns and either long columns ``quantity,value,unit`` or one column per quantity named as in
``WIDE_COLUMNS`` (e.g. ``dlp_mGycm``; an empty cell means no DRL for that quantity).
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field

WIDE_COLUMNS = {
    "ctdivol_mGy": ("ctdivol", "mGy"),
    "dlp_mGycm": ("dlp", "mGy.cm"),
    "dap_Gym2": ("dap", "Gy.m2"),
    "dap_cGycm2": ("dap", "cGy.cm2"),
    "agd_mGy": ("agd", "mGy"),
    "esd_mGy": ("esd", "mGy"),
}
KNOWN_QUANTITIES = {q for q, _ in WIDE_COLUMNS.values()}
HEADER_KEYS = {"set": "name", "country": "country", "version": "version", "valid from": "valid_from",
               "source": "source", "patient group": "patient_group", "modality": "modality"}


class DrlFileError(ValueError):
    """A DRL file that cannot be read; the message names the line."""


@dataclass(frozen=True)
class ParsedValue:
    exam: str
    clinical_indication: str
    patient_group: str
    quantity: str
    value: float
    unit: str


@dataclass
class ParsedSet:
    name: str = ""
    country: str = ""
    version: str = ""
    valid_from: datetime.date | None = None
    source: str = ""
    modality: str = "CT"
    patient_group: str = "adult"
    values: list[ParsedValue] = field(default_factory=list)


def _header(line: str, parsed: ParsedSet, lineno: int) -> None:
    key, sep, value = line.lstrip("#").partition(":")
    attr = HEADER_KEYS.get(key.strip().lower()) if sep else None
    if attr is None:
        return
    value = value.strip()
    if attr == "valid_from":
        try:
            parsed.valid_from = datetime.date.fromisoformat(value)
        except ValueError:
            raise DrlFileError(f"line {lineno}: valid from {value!r} is not YYYY-MM-DD") from None
    elif attr == "source" and parsed.source:
        parsed.source = f"{parsed.source} {value}"
    else:
        setattr(parsed, attr, value)


def _number(text: str, lineno: int, column: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise DrlFileError(f"line {lineno}: {column} {text!r} is not a number") from None
    if not number > 0 or number == float("inf"):
        raise DrlFileError(f"line {lineno}: {column} must be a positive number")
    return number


def _row_values(row: dict[str, str], parsed: ParsedSet, lineno: int) -> list[ParsedValue]:
    exam = (row.get("exam") or "").strip()
    if not exam:
        raise DrlFileError(f"line {lineno}: no exam")
    indication = (row.get("clinical_indication") or "").strip()
    group = (row.get("patient_group") or "").strip() or parsed.patient_group
    out: list[ParsedValue] = []
    if "quantity" in row:
        quantity = (row.get("quantity") or "").strip().lower()
        if quantity not in KNOWN_QUANTITIES:
            raise DrlFileError(f"line {lineno}: unknown quantity {quantity!r}")
        unit = (row.get("unit") or "").strip()
        if not unit:
            raise DrlFileError(f"line {lineno}: no unit")
        out.append(ParsedValue(exam, indication, group, quantity,
                               _number((row.get("value") or "").strip(), lineno, "value"), unit))
        return out
    for column, (quantity, unit) in WIDE_COLUMNS.items():
        cell = (row.get(column) or "").strip()
        if cell:
            out.append(ParsedValue(exam, indication, group, quantity, _number(cell, lineno, column), unit))
    return out


def parse_drl_file(text: str) -> ParsedSet:
    """Parse a DRL set file; raises DrlFileError naming the line on any problem."""
    parsed = ParsedSet()
    table: list[tuple[int, str]] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if "\x00" in line:
            raise DrlFileError(f"line {lineno}: a NUL character (not a text file)")
        if line.startswith("#"):
            _header(line, parsed, lineno)
        elif line.strip():
            table.append((lineno, line))
    for attr in ("name", "version", "source"):
        if not getattr(parsed, attr):
            raise DrlFileError(f"header line '# {attr.capitalize() if attr != 'name' else 'Set'}:' missing")
    if not table:
        raise DrlFileError("no table")
    try:
        return _table(parsed, table)
    except csv.Error as exc:  # e.g. a cell over the csv module's field limit
        raise DrlFileError(f"the table cannot be read as CSV: {exc}") from exc


def _table(parsed: ParsedSet, table: list[tuple[int, str]]) -> ParsedSet:
    reader = csv.DictReader(line for _, line in table)
    columns = set(reader.fieldnames or [])
    if "exam" not in columns or not ({"quantity", "value", "unit"} <= columns or columns & set(WIDE_COLUMNS)):
        raise DrlFileError(f"line {table[0][0]}: columns must include exam and quantity,value,unit "
                           f"or one of {', '.join(WIDE_COLUMNS)}")
    seen: set[tuple[str, str, str, str]] = set()
    for (lineno, _), row in zip(table[1:], reader, strict=False):
        for value in _row_values(row, parsed, lineno):
            key = (value.exam, value.clinical_indication, value.patient_group, value.quantity)
            if key in seen:
                raise DrlFileError(f"line {lineno}: duplicate {value.exam} {value.quantity}")
            seen.add(key)
            parsed.values.append(value)
    if not parsed.values:
        raise DrlFileError("no DRL values")
    return parsed


def write_drl_file(parsed: ParsedSet) -> str:
    """The long format of a set, readable by parse_drl_file."""
    out = io.StringIO()
    out.write(f"# Set: {parsed.name}\n# Country: {parsed.country}\n# Version: {parsed.version}\n")
    if parsed.valid_from:
        out.write(f"# Valid from: {parsed.valid_from.isoformat()}\n")
    out.write(f"# Modality: {parsed.modality}\n# Source: {parsed.source}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["exam", "clinical_indication", "patient_group", "quantity", "value", "unit"])
    for v in parsed.values:
        writer.writerow([v.exam, v.clinical_indication, v.patient_group, v.quantity, f"{v.value:g}", v.unit])
    return out.getvalue()
