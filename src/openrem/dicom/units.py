"""Physical units used by the records and the store.

Every numeric field of a record is annotated with one of these aliases, so the unit is part of the
field's type and can be read back with :func:`unit_of`. The units are the ones OpenREM has always
stored (PS3.16 units converted where a vendor sends something else):

=============  =====================================================
alias          meaning
=============  =====================================================
``MGy``        milligray (CTDIvol, average glandular dose, ESD)
``MGyCm``      milligray centimetre (DLP)
``GyM2``       gray square metre (dose area product)
``Gy``         gray (dose at the reference point)
``Sv``/``MSv`` sievert / millisievert (effective dose)
``S``          seconds; ``Ms`` milliseconds
``KV``         kilovolt (peak); ``MA`` milliampere; ``UAs`` microampere second
``Mm``         millimetre; ``Mm2``: square millimetre; ``M2``: square metre; ``M``: metre; ``Kg``: kilogram
``MBq``        megabecquerel; ``Deg``: degree; ``N``: newton; ``Hz``: pulses per second
``Years``      decimal years
=============  =====================================================
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from typing import Annotated


@dataclass(frozen=True, slots=True)
class Unit:
    """A UCUM unit symbol attached to a type annotation."""

    ucum: str


MGy = Annotated[float | None, Unit("mGy")]
MGyCm = Annotated[float | None, Unit("mGy.cm")]
GyM2 = Annotated[float | None, Unit("Gy.m2")]
Gy = Annotated[float | None, Unit("Gy")]
MSv = Annotated[float | None, Unit("mSv")]
S = Annotated[float | None, Unit("s")]
Ms = Annotated[float | None, Unit("ms")]
KV = Annotated[float | None, Unit("kV")]
MA = Annotated[float | None, Unit("mA")]
UAs = Annotated[float | None, Unit("uA.s")]
Mm = Annotated[float | None, Unit("mm")]
Mm2 = Annotated[float | None, Unit("mm2")]
M2 = Annotated[float | None, Unit("m2")]
M = Annotated[float | None, Unit("m")]
Kg = Annotated[float | None, Unit("kg")]
MBq = Annotated[float | None, Unit("MBq")]
Deg = Annotated[float | None, Unit("deg")]
N = Annotated[float | None, Unit("N")]
KPa = Annotated[float | None, Unit("kPa")]
Hz = Annotated[float | None, Unit("/s")]
Years = Annotated[float | None, Unit("a")]
Ratio = Annotated[float | None, Unit("1")]
Kev = Annotated[float | None, Unit("keV")]
MmAl = Annotated[float | None, Unit("mm[Al]")]
Count = Annotated[int | None, Unit("{count}")]


def unit_of(cls: type, field_name: str) -> str | None:
    """Return the UCUM unit of ``cls.field_name``, or None for a field without a unit."""
    hints = typing.get_type_hints(cls, include_extras=True)
    hint = hints.get(field_name)
    for meta in getattr(hint, "__metadata__", ()):
        if isinstance(meta, Unit):
            return meta.ucum
    return None
