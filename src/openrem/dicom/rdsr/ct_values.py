"""Unit-checked numeric values for the CT dose templates (PS3.16 TID 10011 - TID 10015).

Every NUM content item carries its unit in the Measurement Units Code Sequence (PS3.3 C.18.1,
UCUM codes, PS3.16 CID 82). The records store fixed units (see :mod:`openrem.dicom.units`), so
each value is converted from the unit the item declares. A unit that is not known for the
quantity keeps the value unconverted and records a warning; a missing unit is taken to be the
template's unit, also with a warning.
"""

from __future__ import annotations

from typing import Protocol

from openrem.dicom.codes import Concept
from openrem.dicom.srtree import ContentItem


class Warner(Protocol):
    """Anything with a ``warn(message)`` method (a :class:`~openrem.dicom.parse.ParseContext`)."""

    def warn(self, message: str) -> None:
        """Record a problem with the input."""


# Factors from the UCUM code a vendor sends to the unit stored in the record.
# Each key is the target unit; "mGycm" is the GE spelling of mGy.cm (no dot), accepted with a warning.
CONVERSIONS: dict[str, dict[str, float]] = {
    "mGy": {"mGy": 1.0, "Gy": 1000.0, "uGy": 0.001, "dGy": 100.0, "cGy": 10.0},
    "mGy.cm": {"mGy.cm": 1.0, "mGycm": 1.0, "Gy.cm": 1000.0, "mGy.mm": 0.1, "uGy.cm": 0.001, "Gy.m": 1.0e5},
    "mSv": {"mSv": 1.0, "Sv": 1000.0, "uSv": 0.001},
    "mSv/(mGy.cm)": {"mSv/(mGy.cm)": 1.0, "mSv/mGy.cm": 1.0, "mSv/mGycm": 1.0},
    "s": {"s": 1.0, "ms": 0.001, "min": 60.0},
    "mm": {"mm": 1.0, "cm": 10.0, "m": 1000.0, "um": 0.001},
    "kV": {"kV": 1.0, "V": 0.001},
    "mA": {"mA": 1.0, "A": 1000.0, "uA": 0.001},
    "mm[Al]": {"mm[Al]": 1.0, "mm": 1.0},
}

# Spellings that are not valid UCUM but mean the same unit: read, with a warning.
NON_STANDARD = frozenset({"mGycm", "mSv/mGy.cm", "mSv/mGycm"})


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
    value = item.as_float()
    if value is None:
        if item.number is not None:
            ctx.warn(f"{concept.name}: '{item.number}' is not a number; dropped")
        return None
    if unit is None:
        return value
    return convert(ctx, concept, value, item.unit.value if item.unit is not None else None, unit)


def convert(ctx: Warner, concept: Concept, value: float, sent: str | None, unit: str) -> float:
    """Convert ``value`` from the UCUM unit ``sent`` to ``unit`` (see :func:`measure`)."""
    if not sent:
        ctx.warn(f"{concept.name}: no unit given; taken as {unit}")
        return value
    factors = CONVERSIONS.get(unit, {unit: 1.0})
    factor = factors.get(sent)
    if factor is None:
        ctx.warn(f"{concept.name}: unexpected unit '{sent}' (expected {unit}); value kept unconverted")
        return value
    if sent in NON_STANDARD:
        ctx.warn(f"{concept.name}: non-standard unit code '{sent}' read as {unit}")
    return value * factor


def count(ctx: Warner, parent: ContentItem | None, concept: Concept) -> int | None:
    """A count (NUM with a {...} unit) as an integer; a fractional count is rounded with a warning."""
    value = measure(ctx, parent, concept, None)
    if value is None:
        return None
    if not value.is_integer():
        ctx.warn(f"{concept.name}: count {value} is not a whole number; rounded")
    return int(round(value))
