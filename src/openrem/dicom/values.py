"""Tolerant decoding of DICOM value representations (PS3.5 section 6.2).

Vendors send empty strings, text in numeric fields, comma decimal separators and other oddities.
These functions return None for anything that is not a valid value instead of raising, so a
parser can keep what is valid and record a warning for the rest.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

_DS_SEP = re.compile(r"\\")  # values of a multi-valued DS (a '/' is no separator: '7.46/100' is no number)
_DS_TEXT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
"""A Decimal String value (PS3.5 Table 6.2-1: digits, '+', '-', 'E', 'e', '.'); Python's float()
also takes '1_000', 'nan' and 'infinity', which are no DS."""
_DECIMAL_COMMA = re.compile(r"[+-]?(?:\d+,\d*|,\d+)(?:[eE][+-]?\d+)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3},\d{3}")  # '1,234': a thousands separator as likely as a decimal comma


def parse_ds(value: Any) -> float | None:
    """Decode a Decimal String (DS) or any number; the first value of a multi-valued string.

    Returns None for empty, non-numeric or non-finite input.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        f = float(value)
        return f if math.isfinite(f) else None
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if isinstance(value, list | tuple):
        return parse_ds(value[0]) if value else None
    text = str(value).strip(" \x00")
    if not text:
        return None
    text = _DS_SEP.split(text, maxsplit=1)[0].strip()
    if not _DS_TEXT.fullmatch(text):
        return None
    f = float(text)
    return f if math.isfinite(f) else None


def decimal_comma(value: Any) -> float | None:
    """A Decimal String written with a comma as its decimal separator ('1,23', PS3.5 6.2 allows only
    a point) read as that number; None for anything else (no point, exactly one comma, digits) and
    for '1,234', which may as well be a thousands separator."""
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if not isinstance(value, str):
        return None
    text = value.strip(" \x00")
    if not _DECIMAL_COMMA.fullmatch(text) or _THOUSANDS.fullmatch(text):
        return None
    f = float(text.replace(",", "."))
    return f if math.isfinite(f) else None


def parse_ds_list(value: Any) -> tuple[float, ...]:
    """Decode every value of a multi-valued DS (backslash separated); invalid values are dropped."""
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        items = list(value)
    else:
        if isinstance(value, bytes):
            value = value.decode("ascii", "replace")
        items = str(value).split("\\")
    out = (parse_ds(v) for v in items)
    return tuple(v for v in out if v is not None)


def parse_int(value: Any) -> int | None:
    """Decode an Integer String or integer; a decimal value is rounded to the nearest integer."""
    f = parse_ds(value)
    if f is None:
        return None
    return int(round(f))


def parse_da(value: Any) -> dt.date | None:
    """Decode a DA (YYYYMMDD, also the old YYYY.MM.DD form)."""
    text = _clean(value).replace(".", "").replace("-", "")
    if len(text) < 8 or not text[:8].isdigit():
        return None
    try:
        return dt.date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def parse_tm(value: Any) -> dt.time | None:
    """Decode a TM (HH[MM[SS[.F{1,6}]]], also HH:MM:SS)."""
    text = _clean(value).replace(":", "")
    if not text:
        return None
    main, _, frac = text.partition(".")
    if not main.isdigit() or len(main) < 2:
        return None
    try:
        hour = int(main[0:2])
        minute = int(main[2:4]) if len(main) >= 4 else 0
        second = int(main[4:6]) if len(main) >= 6 else 0
        micro = int((frac[:6]).ljust(6, "0")) if frac.isdigit() else 0
        return dt.time(hour, minute, min(second, 59), micro)
    except ValueError:
        return None


def parse_dt(value: Any, time_if_absent: dt.time | None = None) -> dt.datetime | None:
    """Decode a DT (YYYYMMDDHHMMSS.FFFFFF&ZZXX); a UTC offset is dropped (times are local). A DT of
    a date alone is at ``time_if_absent`` (the separate time element beside it), else midnight."""
    text = _clean(value)
    if not text:
        return None
    for sign in ("+", "-"):
        idx = text.find(sign, 8)
        if idx > 0:
            text = text[:idx]
    date = parse_da(text[:8])
    if date is None:
        return None
    time = parse_tm(text[8:]) if len(text) > 8 else (time_if_absent or dt.time(0, 0))
    if time is None:
        return None
    return dt.datetime.combine(date, time)


def combine(date: dt.date | None, time: dt.time | None) -> dt.datetime | None:
    """Combine a date and a time into a datetime (midnight when the time is missing)."""
    if date is None:
        return None
    return dt.datetime.combine(date, time or dt.time(0, 0))


def clean_text(value: Any) -> str | None:
    """Strip padding from a string value; empty becomes None. Multi-values are joined with a backslash."""
    if value is None:
        return None
    if isinstance(value, list | tuple):
        value = "\\".join(str(v) for v in value)
    text = str(value).strip(" \x00")
    return text or None


def _clean(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    return str(value).strip(" \x00")


def age_in_years(age: str | None) -> float | None:
    """Decode an Age String (AS, nnnD/W/M/Y) into decimal years."""
    if not age:
        return None
    text = age.strip().upper()
    unit = text[-1:] if text[-1:] in "DWMY" else "Y"
    number = parse_ds(text.rstrip("DWMY"))
    if number is None:
        return None
    factor = {"D": 1 / 365.25, "W": 7 / 365.25, "M": 1 / 12, "Y": 1.0}[unit]
    return number * factor
