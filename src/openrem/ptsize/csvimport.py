"""Reading a patient size CSV and storing heights and weights into the matching studies.

Rules (spec 6.8 and "Adding patient size information from csv"): the first row holds the column titles;
the separator is a comma, semicolon or tab (detected); a UTF-8 byte order mark is ignored. Studies are
matched by accession number (also where it is stored hashed) or Study Instance UID. Height is stored in
metres (``Study.patient_size``, DICOM Patient's Size (0010,1020)) and weight in kg
(``Study.patient_weight``, (0010,1030)). Stored values are kept unless ``overwrite``. A row that cannot be
used (no identifier, no known study, text where a number is expected, a value out of range) is reported
with its row number (the header is row 1) and the reason; the other rows go on. Each row is stored in
its own transaction.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from openrem.dose.models import Study
from openrem.dose.patient import sha256_hex

HEIGHT_M_RANGE = (0.2, 2.8)
WEIGHT_KG_RANGE = (0.2, 650.0)
AUTO_METRES_BELOW = 3.0  # "auto" height unit: values below this are metres, others centimetres


class CsvError(ValueError):
    """The file as a whole cannot be read (not text, no header row, missing column)."""


@dataclass
class SizeResult:
    """Outcome of one import: one log line per data row and the counts."""

    lines: list[str] = field(default_factory=list)
    total: int = 0
    stored: int = 0
    failed: int = 0
    aborted: bool = False

    def summary(self) -> str:
        return (f"{self.total} rows: {self.stored} stored, {self.failed} not used"
                + (" (aborted)" if self.aborted else ""))


def decode(data: bytes) -> str:
    """Text of the file: UTF-8 (with or without BOM), else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    first = text.splitlines()[0] if text.strip() else ""
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: counts[d])
    if counts[delimiter] == 0:
        delimiter = ","

    class Dialect(csv.excel):
        pass

    Dialect.delimiter = delimiter
    return Dialect


def read_rows(data: bytes) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """(column titles, iterator of (row number, {title: cell})) of a CSV file."""
    text = decode(data)
    if "\x00" in text:
        raise CsvError("the file is not a text (CSV) file")
    reader = csv.reader(io.StringIO(text), _dialect(text))
    try:
        header = next(reader, None)
    except csv.Error as exc:  # e.g. a cell over the csv module's field limit
        raise CsvError(f"the header row cannot be read as CSV: {exc}") from exc
    if not header or not any(h.strip() for h in header):
        raise CsvError("the file has no header row")
    titles = [h.strip() for h in header]

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        number = 1
        try:
            for number, cells in enumerate(reader, start=2):
                if not any(c.strip() for c in cells):
                    continue
                yield number, {t: (cells[i].strip() if i < len(cells) else "") for i, t in enumerate(titles)}
        except csv.Error as exc:
            raise CsvError(f"row {number + 1} cannot be read as CSV: {exc}") from exc

    return titles, rows()


def parse_number(text: str) -> float | None:
    """A number written with a point or a decimal comma; ``None`` for a blank cell; ValueError for text."""
    value = text.strip()
    if not value:
        return None
    if "," in value and "." not in value:
        value = value.replace(",", ".")
    number = float(value)
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(text)
    return number


def height_metres(value: float, unit: str) -> float:
    """Height in metres from a value in ``unit`` ("cm", "m" or "auto")."""
    if unit == "m" or (unit == "auto" and value < AUTO_METRES_BELOW):
        return value
    return value / 100.0


def _studies(identifier: str, by_uid: bool) -> list[Study]:
    if by_uid:
        query = Q(study_instance_uid=identifier)
    else:
        query = Q(accession_number=identifier, accession_hashed=False) | Q(
            accession_number=sha256_hex(identifier), accession_hashed=True)
    return list(Study.objects.filter(query).order_by("pk"))


def _values(row: dict[str, str], height_col: str, weight_col: str, unit: str) -> tuple[float | None, float | None]:
    """(height m, weight kg) of a row; ValueError with the reason when a cell is not usable."""
    try:
        height = parse_number(row.get(height_col, "")) if height_col else None
    except ValueError:
        raise ValueError(f"height {row.get(height_col)!r} is not a number") from None
    try:
        weight = parse_number(row.get(weight_col, "")) if weight_col else None
    except ValueError:
        raise ValueError(f"weight {row.get(weight_col)!r} is not a number") from None
    if height is not None:
        height = height_metres(height, unit)
        if not HEIGHT_M_RANGE[0] <= height <= HEIGHT_M_RANGE[1]:
            raise ValueError(f"height {row.get(height_col)!r} is out of range ({HEIGHT_M_RANGE[0]:g}-"
                             f"{HEIGHT_M_RANGE[1]:g} m)")
    if weight is not None and not WEIGHT_KG_RANGE[0] <= weight <= WEIGHT_KG_RANGE[1]:
        raise ValueError(f"weight {row.get(weight_col)!r} is out of range ({WEIGHT_KG_RANGE[0]:g}-"
                         f"{WEIGHT_KG_RANGE[1]:g} kg)")
    return height, weight


def _store(study: Study, name: str, value: float | None, unit: str, overwrite: bool) -> tuple[str, bool]:
    if value is None:
        return "", False
    label = "height" if name == "patient_size" else "weight"
    current = getattr(study, name)
    if current is not None and not overwrite:
        return f"{label} kept ({current:g} {unit} stored)", False
    if current == value:
        return f"{label} {value:g} {unit} already stored", False
    setattr(study, name, value)
    return f"{label} {value:g} {unit} stored" + (f" (was {current:g})" if current is not None else ""), True


def import_row(number: int, row: dict[str, str], cols: tuple[str, str, str], by_uid: bool, unit: str,
               overwrite: bool) -> tuple[str, bool]:
    """Store one row; returns (log line, whether it was used)."""
    id_col, height_col, weight_col = cols
    identifier = row.get(id_col, "")
    what = "Study Instance UID" if by_uid else "accession number"
    if not identifier:
        return f"row {number}: no {what}: not used", False
    try:
        height, weight = _values(row, height_col, weight_col, unit)
    except ValueError as exc:
        return f"row {number}: {identifier}: {exc}: not used", False
    if height is None and weight is None:
        return f"row {number}: {identifier}: no height or weight: not used", False
    with transaction.atomic():
        studies = _studies(identifier, by_uid)
        if not studies:
            return f"row {number}: {identifier}: no study with this {what}: not used", False
        parts = []
        for study in studies:
            notes = [n for n in (_store(study, "patient_size", height, "m", overwrite),
                                 _store(study, "patient_weight", weight, "kg", overwrite)) if n[0]]
            if any(changed for _, changed in notes):
                study.save(update_fields=["patient_size", "patient_weight"])
            parts.append(f"study {study.pk}: " + ", ".join(text for text, _ in notes))
    return f"row {number}: {identifier}: " + "; ".join(parts), True


def import_sizes(data: bytes, id_col: str, height_col: str, weight_col: str, *, by_uid: bool = False,
                 unit: str = "auto", overwrite: bool = False,
                 progress: Callable[[int, int], bool] | None = None) -> SizeResult:
    """Import a CSV (bytes); ``progress(done, total)`` is called every 50 rows and aborts when it returns False.

    Raises :class:`CsvError` when the file cannot be read or a chosen column is missing."""
    titles, rows = read_rows(data)
    for label, col in (("identifier", id_col), ("height", height_col), ("weight", weight_col)):
        if col and col not in titles:
            raise CsvError(f"the {label} column {col!r} is not in the header row")
    if not id_col:
        raise CsvError("no identifier column chosen")
    all_rows = list(rows)
    result = SizeResult(total=len(all_rows))
    for done, (number, row) in enumerate(all_rows):
        if progress is not None and done % 50 == 0 and not progress(done, result.total):
            result.aborted = True
            result.lines.append(f"aborted before row {number}")
            break
        line, used = import_row(number, row, (id_col, height_col, weight_col), by_uid, unit, overwrite)
        result.lines.append(line)
        result.stored += used
        result.failed += not used
    if progress is not None and not result.aborted:
        progress(result.total, result.total)
    return result
