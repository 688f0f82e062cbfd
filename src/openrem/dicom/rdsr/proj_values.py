"""Unit-aware reading of NUM content items for the projection X-ray templates (PS3.16 TID 10001).

PS3.16 fixes the unit of every numeric concept of TID 10002 to 10007 (UCUM, PS3.16 Annex
"Units of Measurement"); vendors send other units (dGy.cm2 for dose area product, mGy for dose at
the reference point) or misspelt ones (``Gym2``). :func:`quantity` reads the number, converts it
to the unit the records use (:mod:`openrem.dicom.units`) from the unit code actually sent, and
records a warning for a unit it does not know or a missing value (the one rule of
:mod:`openrem.dicom.quantity`).
"""

from __future__ import annotations

from openrem.dicom.codes import Concept
from openrem.dicom.quantity import (
    Warner as Warner,  # the parse context (re-exported for the projection readers)
)
from openrem.dicom.quantity import read_value, read_values
from openrem.dicom.srtree import ContentItem

# Conversion factors from the unit code sent to the unit stored, per quantity.
DAP_GY_M2 = {"Gy.m2": 1.0, "Gym2": 1.0, "Gy*m2": 1.0, "Gy.m^2": 1.0, "Gy.cm^2": 1e-4, "dGy.cm2": 1e-5, "cGy.cm2": 1e-6,
             "mGy.cm2": 1e-7, "uGy.cm2": 1e-10, "Gy.cm2": 1e-4, "mGy.m2": 1e-3,
             "uGy.m2": 1e-6}
DOSE_GY = {"Gy": 1.0, "dGy": 0.1, "cGy": 0.01, "mGy": 1e-3, "uGy": 1e-6}
DOSE_MGY = {"mGy": 1.0, "Gy": 1000.0, "uGy": 1e-3, "dGy": 100.0, "cGy": 10.0}
TIME_S = {"s": 1.0, "ms": 1e-3, "min": 60.0, "us": 1e-6}
TIME_MS = {"ms": 1.0, "s": 1000.0, "us": 1e-3}
LENGTH_MM = {"mm": 1.0, "cm": 10.0, "m": 1000.0, "um": 1e-3}
AREA_M2 = {"m2": 1.0, "cm2": 1e-4, "mm2": 1e-6}
AREA_MM2 = {"mm2": 1.0, "cm2": 100.0, "m2": 1e6}
FORCE_N = {"N": 1.0, "daN": 10.0, "kN": 1000.0}
PRESSURE_KPA = {"kPa": 1.0, "Pa": 1e-3, "hPa": 0.1}
KV = {"kV": 1.0, "V": 1e-3}
CURRENT_MA = {"mA": 1.0, "A": 1000.0, "uA": 1e-3}
EXPOSURE_UAS = {"uA.s": 1.0, "uAs": 1.0, "mA.s": 1000.0, "mAs": 1000.0}
ANGLE_DEG = {"deg": 1.0}
RATE_PER_S = {"{pulse}/s": 1.0, "pulse/s": 1.0, "/s": 1.0, "Hz": 1.0, "{frame}/s": 1.0, "1/s": 1.0}
COUNT = {"1": 1.0, "{pulse}": 1.0, "{pulses}": 1.0, "{frame}": 1.0, "{frames}": 1.0}
RATIO = {"1": 1.0}
INDEX = {"1": 1.0}


def convert(item: ContentItem, table: dict[str, float], ctx: Warner) -> float | None:
    """The value of a NUM item in the stored unit, by the one rule of :mod:`openrem.dicom.quantity`."""
    return read_value(item, table, ctx, _name(item))


def _name(item: ContentItem) -> str:
    return item.concept.meaning if item.concept else "numeric item"


def quantity(parent: ContentItem, concept: Concept, table: dict[str, float], ctx: Warner) -> float | None:
    """The first child ``concept`` of ``parent`` converted with ``table`` (None when absent)."""
    item = parent.find(concept)
    return None if item is None else convert(item, table, ctx)


def quantities(parent: ContentItem, concept: Concept, table: dict[str, float], ctx: Warner) -> tuple[float, ...]:
    """Every value of every child ``concept`` of ``parent`` (per-pulse values, whether sent as one
    item per pulse or as one item with VM > 1), in order, converted; invalid ones dropped."""
    return tuple(v for item in parent.find_all(concept) for v in read_values(item, table, ctx, _name(item)))


def count(parent: ContentItem, concept: Concept, ctx: Warner) -> int | None:
    """An integer count (number of frames, events); a decimal value is rounded."""
    value = quantity(parent, concept, COUNT, ctx)
    return None if value is None else int(round(value))
