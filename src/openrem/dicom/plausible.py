"""Physical plausibility of a parsed record: one pure pass before anything is stored.

:func:`check` walks every field of a :class:`~openrem.dicom.records.DoseReport` generically (the
unit of a numeric field is in its type, :mod:`openrem.dicom.units`) and returns a copy in which

* a non-finite number (NaN, +/-inf, for instance a 1e308 Gy value converted to mGy) is null;
* a negative dose, time, length, energy, activity, mass, count... is null;
* a magnitude beyond the documented physical range of its unit (:data:`RANGES`; a few fields have
  their own range, :data:`FIELD_RANGES`) is null;
* an integer too large for the database column (32-bit) is null;
* NUL bytes (and unpaired surrogates) are removed from text, and a name or identifier the store
  indexes (:data:`INDEXED_TEXT`) longer than :data:`INDEXED_TEXT_BYTES` is cut to that length;
* a patient age outside 0-150 years is null;
* a date-time (or study date) in the years 1 or 9999, which time zone conversion cannot hold, is
  null; a coded value too long for the store's code key is null;

each with a warning naming the element (record and field) and the raw value, so a physicist sees
it in the study's warnings. Signed quantities (angles, table positions, z locations, exposure and
deviation indices) may be negative. The ranges are deliberately wide: they catch corrupt values,
not unusual exposures; they are listed in ``docs/robustness.md``.

A report whose identifying UIDs are longer than the 64 characters of PS3.5 Table 6.2-1 (UI) is
refused with :class:`ImplausibleReport`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import typing
from dataclasses import dataclass
from typing import Any

from openrem.dicom.records import Coded, DoseReport
from openrem.dicom.units import Unit
from openrem.dicom.values import age_in_years


@dataclass(frozen=True, slots=True)
class Range:
    """Accepted closed interval of a quantity, in the stored unit."""

    low: float
    high: float


INT_MAX = 2**31 - 1
"""Largest value of an integer column (PostgreSQL ``integer``; SQLite takes 64 bits)."""

RANGES: dict[str, Range] = {
    "mGy": Range(0, 1e5),          # CTDIvol, AGD, entrance exposure: 100 Gy
    "mGy.cm": Range(0, 1e7),       # DLP: 10,000 Gy.cm
    "Gy.m2": Range(0, 100),        # dose area product
    "Gy": Range(0, 1e3),           # dose at the reference point
    "mSv": Range(0, 1e5),          # effective dose: 100 Sv
    "s": Range(0, 1e6),            # exposure and fluoroscopy times: 11.6 days
    "ms": Range(0, 1e8),           # exposure time per event
    "kV": Range(0, 1e3),
    "mA": Range(0, 1e5),
    "uA.s": Range(0, 1e10),        # 10,000 As
    "mm": Range(0, 1e5),           # 100 m
    "mm2": Range(0, 1e8),
    "m2": Range(0, 1e3),
    "m": Range(0, 10),             # patient size
    "kg": Range(0, 1e3),
    "MBq": Range(0, 1e7),          # 10 TBq
    "deg": Range(-720, 720),
    "N": Range(0, 1e5),
    "kPa": Range(0, 1e4),
    "/s": Range(0, 1e5),
    "a": Range(0, 200),
    "1": Range(0, 1e6),            # ratios and factors (pitch, magnification, conversion factors)
    "keV": Range(0, 1e5),
    "mm[Al]": Range(0, 1e4),
    "{count}": Range(0, INT_MAX),
}
"""Physical range per unit (UCUM symbol of :mod:`openrem.dicom.units`)."""

POSITION = Range(-1e5, 1e5)
FIELD_RANGES: dict[str, Range] = {
    "radionuclide_half_life": Range(0, 1e18),  # seconds: long-lived nuclides
    **{name: POSITION for name in (
        "table_longitudinal_position", "table_lateral_position", "table_height_position",
        "table_longitudinal_end_position", "table_lateral_end_position", "table_height_end_position",
        "top_z_location_of_reconstructable_volume", "bottom_z_location_of_reconstructable_volume",
        "top_z_location_of_scanning_length", "bottom_z_location_of_scanning_length")},
}
"""Fields whose range differs from their unit's (coordinates may be negative)."""

UNITLESS = Range(-1e12, 1e12)
"""Range of a number without a unit in its type (indices, sensitivity, specific activity...)."""
UNITLESS_NON_NEGATIVE = frozenset({
    "number_of_pulses", "mass", "percent_fibroglandular_tissue", "body_surface_area", "body_mass_index",
    "radiopharmaceutical_volume", "radiopharmaceutical_specific_activity", "coincidence_window_width",
    "compression_pressure", "glucose", "fasting_duration", "hydration_volume", "serum_creatinine"})

SEQUENCE_UNITS = {"kvp": "kV", "xray_tube_current": "mA", "exposure_uAs": "uA.s", "pulse_width": "ms"}
"""Units of the per-pulse value lists (their element type carries no unit)."""

TEXT_MAX = {"Patient.sex": 16, "Patient.age": 16}
"""Text fields kept in short columns (longer values are not what the attribute allows: CS, AS)."""

INDEXED_TEXT = frozenset({"study_description", "acquisition_protocol", "patient_id", "irradiation_event_uid",
                          "radiopharmaceutical_administration_event_uid"})
"""Text fields the store keeps in indexed columns (the list filters and charts reach them)."""
INDEXED_TEXT_BYTES = 2000
"""Longest indexed text kept, in UTF-8 bytes: a PostgreSQL b-tree index entry holds at most 2704
bytes. These attributes are LO (64 characters, PS3.5 Table 6.2-1) or UI in DICOM, so only a
corrupt value is ever cut."""

CODE_KEY_MAX = 128
"""The store keeps a code as ``value|scheme`` in at most this many characters."""
UID_MAX = 64
YEARS = (2, 9998)
"""Date-times (and the study date, combined with the study time) outside these years are null."""


AGE_YEARS = Range(0, 150)
"""Patient ages kept (an Age String has no sign; a birth date giving more is ignored as well)."""


def _plausible_age(text: str) -> bool:
    years = age_in_years(text)
    return years is None or AGE_YEARS.low <= years <= AGE_YEARS.high


class ImplausibleReport(ValueError):
    """The report cannot be stored at all (identifying UIDs that are not UIDs)."""


@functools.cache
def _units(record: type) -> dict[str, str | None]:
    hints = typing.get_type_hints(record, include_extras=True)
    out: dict[str, str | None] = {}
    for f in dataclasses.fields(record):
        unit = next((m.ucum for m in getattr(hints[f.name], "__metadata__", ()) if isinstance(m, Unit)), None)
        out[f.name] = unit
    return out


def _raw(value: Any) -> str:
    if isinstance(value, int) and abs(value) > 10**15:
        return f"{float(value):.6g}" if abs(value) < 10**308 else f"an integer of {len(str(abs(value)))} digits"
    return repr(value)


class _Checker:
    def __init__(self) -> None:
        self.warnings: list[str] = []

    def drop(self, where: str, value: Any, unit: str | None, why: str) -> None:
        unit_text = f" {unit}" if unit and unit not in ("1", "{count}") else ""
        self.warnings.append(f"{where} = {_raw(value)}{unit_text}: {why}; stored as null")

    def number(self, where: str, name: str, value: float | int, unit: str | None) -> float | int | None:
        if isinstance(value, float) and not math.isfinite(value):
            self.drop(where, value, unit, "not a finite number")
            return None
        if unit is None and isinstance(value, int):
            unit = "{count}"
        rng = FIELD_RANGES.get(name) or (RANGES.get(unit) if unit else None)
        if rng is None:
            rng = Range(0, UNITLESS.high) if name in UNITLESS_NON_NEGATIVE else UNITLESS
        if value < rng.low:
            self.drop(where, value, unit, "negative" if rng.low == 0 else f"below {rng.low:g}")
            return None
        if value > rng.high:
            limit = "the column's largest integer" if unit == "{count}" else f"{rng.high:g}{' ' + unit if unit else ''}"
            self.drop(where, value, unit, f"beyond the physical range (at most {limit})")
            return None
        return value

    def text(self, where: str, value: str) -> str:
        cleaned = value.replace("\x00", "")
        if cleaned != value:
            self.warnings.append(f"{where}: NUL byte(s) removed from {value!r}")
        try:
            cleaned.encode("utf-8")
        except UnicodeEncodeError:
            cleaned = cleaned.encode("utf-8", "replace").decode("utf-8")
            self.warnings.append(f"{where}: undecodable characters replaced in {value!r}")
        return cleaned

    def cut(self, where: str, text: str) -> str:
        kept = text.encode("utf-8")[:INDEXED_TEXT_BYTES].decode("utf-8", "ignore")
        self.warnings.append(f"{where}: {len(text)} characters ({len(text.encode('utf-8'))} bytes) cut to the "
                             f"first {len(kept)} ({INDEXED_TEXT_BYTES} bytes at most), beginning {text[:40]!r}")
        return kept

    def coded(self, where: str, value: Coded) -> Coded | None:
        parts = [self.text(where, v) for v in (value.value, value.scheme, value.meaning)]
        if len(parts[0]) + len(parts[1]) + 1 > CODE_KEY_MAX:
            self.drop(where, f"{parts[0]}|{parts[1]}", None, f"code longer than {CODE_KEY_MAX} characters")
            return None
        return Coded(*parts) if parts != [value.value, value.scheme, value.meaning] else value

    def moment(self, where: str, value: dt.date) -> dt.date | None:
        timed = isinstance(value, dt.datetime) or where == "Study.study_date"
        if timed and not YEARS[0] <= value.year <= YEARS[1]:
            self.drop(where, value.isoformat(), None, f"outside the years {YEARS[0]}-{YEARS[1]}")
            return None
        return value

    def value(self, where: str, name: str, value: Any, unit: str | None) -> Any:
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            return self.number(where, name, value, unit)
        if isinstance(value, str):
            text = self.text(where, value)
            if len(text) > TEXT_MAX.get(where, len(text)):
                self.drop(where, text, None, f"longer than {TEXT_MAX[where]} characters")
                return None
            if where == "Patient.age" and not _plausible_age(text):
                self.drop(where, text, None, f"not an age of {AGE_YEARS.low:g} to {AGE_YEARS.high:g} years")
                return None
            if name in INDEXED_TEXT and len(text.encode("utf-8")) > INDEXED_TEXT_BYTES:
                return self.cut(where, text)
            return text
        if isinstance(value, Coded):
            return self.coded(where, value)
        if isinstance(value, dt.date):  # datetime too
            return self.moment(where, value)
        if isinstance(value, tuple):
            return self.sequence(where, name, value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return self.record(value)
        return value

    def sequence(self, where: str, name: str, values: tuple[Any, ...]) -> tuple[Any, ...]:
        unit = SEQUENCE_UNITS.get(name)
        out = []
        for i, item in enumerate(values):
            checked = self.value(f"{where}[{i}]", name, item, unit)
            if checked is not None or item is None:
                out.append(checked)
        return tuple(out) if out != list(values) else values

    def record(self, obj: Any) -> Any:
        record_type: type = type(obj)
        units = _units(record_type)
        changes = {}
        for name, unit in units.items():
            old = getattr(obj, name)
            new = self.value(f"{type(obj).__name__}.{name}", name, old, unit)
            if new is not old:
                changes[name] = new
        return dataclasses.replace(obj, **changes) if changes else obj


def check(report: DoseReport) -> DoseReport:
    """``report`` with implausible values made null and a warning for each (see the module docstring).

    Raises :class:`ImplausibleReport` for identifying UIDs longer than 64 characters."""
    s = report.study
    for label, uid in (("Study Instance UID", s.study_instance_uid), ("SOP Instance UID", s.sop_instance_uid),
                       ("SOP Class UID", s.sop_class_uid), ("Series Instance UID", s.series_instance_uid)):
        if uid and len(uid) > UID_MAX:
            raise ImplausibleReport(f"{label} is longer than {UID_MAX} characters: {uid[:80]!r}...")
    checker = _Checker()
    body = {f.name: getattr(report, f.name) for f in dataclasses.fields(report)
            if f.name not in ("kind", "warnings", "vendor_fixes")}
    changes = {}
    for name, value in body.items():
        new = checker.value(name, name, value, None)
        if new is not value:
            changes[name] = new
    earlier = tuple(storable_text(w) for w in report.warnings)
    if not checker.warnings and not changes and earlier == report.warnings:
        return report
    counts: dict[str, int] = {}
    for warning in checker.warnings:
        counts[warning] = counts.get(warning, 0) + 1
    found = tuple(w if n == 1 else f"{w} ({n} times)" for w, n in counts.items())
    return dataclasses.replace(report, **changes, warnings=earlier + found)


def storable_text(text: str) -> str:
    """``text`` as every database stores it: a NUL byte (which PostgreSQL refuses in text and JSON)
    written as ``\\x00``, an unpaired surrogate as ``\\udcXX`` (warnings quote raw DICOM text)."""
    return text.replace("\x00", "\\x00").encode("utf-8", "backslashreplace").decode("utf-8")
