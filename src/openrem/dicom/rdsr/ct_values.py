"""Unit-checked numeric values for the CT dose templates (PS3.16 TID 10011 - TID 10015).

Every NUM content item carries its unit in the Measurement Units Code Sequence (PS3.3 C.18.1,
UCUM codes, PS3.16 CID 82). The records store fixed units (see :mod:`openrem.dicom.units`), so
each value is converted from the unit the item declares by the one rule of
:mod:`openrem.dicom.quantity` (unknown unit: dropped with a warning; missing unit: the template's
unit, with a warning).
"""

from __future__ import annotations

from openrem.dicom.codes import Concept
from openrem.dicom.quantity import Warner as Warner  # the parse context (re-exported for the CT readers)
from openrem.dicom.quantity import read_value
from openrem.dicom.srtree import ContentItem

# Factors from the UCUM code a vendor sends to the unit stored in the record.
# Each key is the target unit; "mGycm" is the GE spelling of mGy.cm (no dot), accepted with a warning.
CONVERSIONS: dict[str, dict[str, float]] = {
    "mGy": {"mGy": 1.0, "Gy": 1000.0, "uGy": 0.001, "dGy": 100.0, "cGy": 10.0},
    "mGy.cm": {"mGy.cm": 1.0, "Gy.cm": 1000.0, "mGy.mm": 0.1, "uGy.cm": 0.001, "Gy.m": 1.0e5},
    "mSv": {"mSv": 1.0, "Sv": 1000.0, "uSv": 0.001},
    "mSv/(mGy.cm)": {"mSv/(mGy.cm)": 1.0},
    "s": {"s": 1.0, "ms": 0.001, "min": 60.0},
    "mm": {"mm": 1.0, "cm": 10.0, "m": 1000.0, "um": 0.001},
    "kV": {"kV": 1.0, "V": 0.001},
    "mA": {"mA": 1.0, "A": 1000.0, "uA": 0.001},
    "mm[Al]": {"mm[Al]": 1.0, "mm": 1.0},
}


def measure(ctx: Warner, parent: ContentItem | None, concept: Concept, unit: str | None) -> float | None:
    """The value of the first NUM child ``concept`` of ``parent`` in ``unit``.

    Parameters
    ----------
    ctx
        Collects warnings about unexpected units.
    parent
        The container holding the NUM item (None gives None).
    concept
        Concept name of the NUM item.
    unit
        UCUM code of the stored unit (a key of :data:`CONVERSIONS`), or None for a dimensionless
        value (ratio, count) whose unit is not checked.

    Returns
    -------
    float or None
        The converted value; None when the item or its numeric value is absent.
    """
    if parent is None:
        return None
    item = parent.find(concept)
    if item is None:
        return None
    table = None if unit is None else CONVERSIONS.get(unit, {unit: 1.0})
    return read_value(item, table, ctx, concept.name)


def count(ctx: Warner, parent: ContentItem | None, concept: Concept) -> int | None:
    """A count (NUM with a {...} unit) as an integer; a fractional count is rounded with a warning."""
    value = measure(ctx, parent, concept, None)
    if value is None:
        return None
    if not value.is_integer():
        ctx.warn(f"{concept.name}: count {value} is not a whole number; rounded")
    return int(round(value))
