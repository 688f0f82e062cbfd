"""Display units and number formatting: one layer for every page, chart and alert.

Each dose quantity is stored in one unit (the ``unit: ...`` column comments of the models, the
record types of :mod:`openrem.dicom.records`) and shown in a display unit with a number of
significant figures. Nothing stored changes: conversion happens only when a value is shown.

* :data:`QUANTITIES` says, per quantity, the stored unit, the display unit(s) and the significant
  figures (dose at RP and AGD in mGy, DAP in cGy·cm² or the user's choice, DLP in mGy·cm, CTDIvol in
  mGy, activity in MBq, times in s).
* :func:`format_number` writes a number for the active language (``20,000`` / ``143.3`` in English,
  ``20.000`` / ``143,3`` in Spanish), never in scientific notation.
* :func:`format_quantity` converts a stored value to the display unit and formats it.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.utils import formats, translation
from django.utils.translation import gettext

MAX_DECIMALS = 9  # smaller magnitudes round to 0 rather than switch to scientific notation
DEFAULT_DIGITS = 4


@dataclass(frozen=True)
class Unit:
    """A display unit: ``symbol`` and the factor from the stored unit (stored x factor = shown)."""

    key: str
    symbol: str
    factor: float = 1.0


@dataclass(frozen=True)
class Quantity:
    """A dose quantity: its stored unit, its display units (the first is the default), its figures."""

    key: str
    stored: str
    units: tuple[Unit, ...]
    digits: int = DEFAULT_DIGITS

    @property
    def default(self) -> Unit:
        return self.units[0]

    def unit(self, key: str | None = None) -> Unit:
        """The display unit called ``key`` (the default when ``key`` is unknown or empty)."""
        return next((u for u in self.units if u.key == key), self.default)


DAP_UNITS = (  # stored in Gy·m²
    Unit("cgycm2", "cGy·cm²", 1e6),
    Unit("gycm2", "Gy·cm²", 1e4),
    Unit("mgycm2", "mGy·cm²", 1e7),
    Unit("ugym2", "µGy·m²", 1e6),
)

QUANTITIES: dict[str, Quantity] = {q.key: q for q in (
    Quantity("dap", "Gy·m²", DAP_UNITS),
    Quantity("rp_dose", "Gy", (Unit("mgy", "mGy", 1e3),)),
    Quantity("skin_dose", "Gy", (Unit("gy", "Gy"),), digits=3),  # peak skin dose, read in Gy
    Quantity("agd", "mGy", (Unit("mgy", "mGy"),), digits=3),
    Quantity("esd", "mGy", (Unit("mgy", "mGy"),), digits=3),
    Quantity("dlp", "mGy·cm", (Unit("mgycm", "mGy·cm"),)),
    Quantity("ctdivol", "mGy", (Unit("mgy", "mGy"),), digits=3),
    Quantity("ssde", "mGy", (Unit("mgy", "mGy"),), digits=3),  # size-specific dose estimate, never CTDIvol
    Quantity("effective_dose", "mSv", (Unit("msv", "mSv"),), digits=3),
    Quantity("activity", "MBq", (Unit("mbq", "MBq"),)),
    Quantity("time_s", "s", (Unit("s", "s"),)),  # durations stored in s
    Quantity("time_ms", "ms", (Unit("s", "s", 1e-3),)),  # exposure times stored in ms, shown in s
    Quantity("kvp", "kV", (Unit("kv", "kV"),), digits=3),
    Quantity("ma", "mA", (Unit("ma", "mA"),), digits=3),
    Quantity("mas", "mAs", (Unit("mas", "mAs"),), digits=3),
    Quantity("length_mm", "mm", (Unit("mm", "mm"),)),
    Quantity("angle", "°", (Unit("deg", "°"),), digits=3),
)}

DAP_UNIT_CHOICES = tuple((u.key, u.symbol) for u in DAP_UNITS)


def quantity(key: str) -> Quantity:
    """The quantity called ``key`` (KeyError for an unknown one: a programming error)."""
    return QUANTITIES[key]


def display_unit(key: str, choice: str | None = None) -> Unit:
    """The display unit of quantity ``key`` (``choice``: a user's unit key, for DAP)."""
    return QUANTITIES[key].unit(choice)


def decimals_for(value: float, digits: int) -> int:
    """Decimal places showing ``digits`` significant figures of ``value`` (none for large values)."""
    if value == 0 or not math.isfinite(value):
        return 0
    magnitude = math.floor(math.log10(abs(value)))
    return max(0, min(MAX_DECIMALS, digits - 1 - magnitude))


# Separators where the dose reports of the language's users differ from Django's locale data
# (Spanish: Django groups thousands with a no-break space; physicists read 20.000).
SEPARATORS = {"es": (",", ".")}


def separators(language: str | None = None) -> tuple[str, str]:
    """(decimal separator, thousands separator) of ``language`` (the active one by default)."""
    lang = (language or translation.get_language() or "en").split("-")[0]
    if lang in SEPARATORS:
        return SEPARATORS[lang]
    if language:
        with translation.override(language):
            return separators()
    return str(formats.get_format("DECIMAL_SEPARATOR")), str(formats.get_format("THOUSAND_SEPARATOR"))


def format_number(value: Any, digits: int | None = DEFAULT_DIGITS, language: str | None = None) -> str:
    """``value`` with ``digits`` significant figures for the language; '—' for no value.

    Integers keep every digit; large numbers are rounded to whole units (``20.000`` in Spanish);
    never scientific notation. ``digits=None`` writes the value with up to :data:`MAX_DECIMALS`
    decimals, trailing zeros removed.
    """
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if not isinstance(value, int | float):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return "—"
    if isinstance(value, int):
        text = f"{value:,d}"
    elif digits is None:
        text = f"{value:,.{MAX_DECIMALS}f}".rstrip("0").rstrip(".")
    else:
        places = decimals_for(value, digits)
        rounded = round(value, places)
        places = decimals_for(rounded, digits) if rounded else 0  # 9.9996 -> 10.00, not 10.000
        text = f"{abs(rounded) if rounded == 0 else rounded:,.{places}f}"  # no "-0.00"
    decimal, thousands = separators(language)
    return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)


def convert(value: float | None, key: str, choice: str | None = None) -> float | None:
    """A stored value of quantity ``key`` in its display unit (``None`` stays ``None``)."""
    if value is None:
        return None
    return float(value) * display_unit(key, choice).factor


def format_quantity(value: float | None, key: str, choice: str | None = None, *, unit: bool = False,
                    language: str | None = None) -> str:
    """A stored value of quantity ``key`` converted and formatted (``unit``: append the symbol)."""
    q = QUANTITIES[key]
    text = format_number(convert(value, key, choice), q.digits, language)
    if unit and value is not None:
        return f"{text} {q.unit(choice).symbol}"
    return text


DATETIME_FORMATS = {"es": ("d/m/Y", "d/m/Y H:i", "d/m/Y H:i:s")}
ISO_FORMATS = ("Y-m-d", "Y-m-d H:i", "Y-m-d H:i:s")


def format_date(value: Any, kind: int = 1, language: str | None = None) -> str:
    """A date (kind 0), date and time to the minute (1) or the second (2) for the language.

    Spanish: ``31/01/2024 14:05``; other languages: ISO 8601 ``2024-01-31 14:05``.
    """
    from django.utils.dateformat import format as date_format

    if value is None or value == "":
        return "—"
    if not isinstance(value, dt.date):
        return str(value)
    lang = (language or translation.get_language() or "en").split("-")[0]
    pattern = DATETIME_FORMATS.get(lang, ISO_FORMATS)[0 if not isinstance(value, dt.datetime) else kind]
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        if timezone.is_aware(value):
            value = timezone.localtime(value)
    return date_format(value, pattern)
