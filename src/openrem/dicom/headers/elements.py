"""Tolerant reading of image header attributes.

Numeric attributes are read from the raw element value (PS3.5 section 6.2 value representations):
text VRs (DS, IS) are decoded with :mod:`openrem.dicom.values`, so text in a numeric field, an empty
DS or a comma-separated list never raises; binary VRs (FD, FL, US, ...) come from pydicom. Every
value that is present but unusable is reported through :meth:`ParseContext.warn`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydicom.charset import decode_bytes
from pydicom.datadict import dictionary_VR
from pydicom.dataset import Dataset
from pydicom.tag import BaseTag, Tag, TagType

from openrem.dicom.parse import ParseContext
from openrem.dicom.quantity import tolerant_number
from openrem.dicom.records import Coded
from openrem.dicom.values import clean_text, combine, parse_da, parse_ds, parse_dt, parse_tm

TEXT_VR_DELIMS = {0x0D, 0x0A, 0x09, 0x0C}
BINARY_VRS = frozenset({"FD", "FL", "US", "SS", "UL", "SL", "SV", "UV", "AT"})


def _vr(ds: Dataset, tag: BaseTag) -> str:
    vr = getattr(ds.get_item(tag), "VR", None)
    if vr:
        return str(vr)
    try:
        return str(dictionary_VR(tag))
    except KeyError:
        return "UN"


def raw_value(ds: Dataset, tag: TagType) -> Any:
    """The value of an attribute without pydicom's text conversion.

    Parameters
    ----------
    ds : Dataset
        The dataset (or sequence item) to read from.
    tag : int, tuple or keyword
        The attribute.

    Returns
    -------
    Any
        None when absent; the text (multi-values joined with a backslash) for string VRs; the
        decoded number(s) for binary VRs (FD, FL, US, ...).
    """
    key = Tag(tag)
    if key not in ds:
        return None
    if _vr(ds, key) in BINARY_VRS:
        return ds[key].value
    vr = _vr(ds, key)
    if vr == "PN":
        return str(ds[key].value)  # pydicom decodes each component group with its character set
    value = ds.get_item(key).value
    if isinstance(value, bytes):
        return decode_text(ds, value, vr)
    if isinstance(value, list | tuple) or type(value).__name__ == "MultiValue":
        return "\\".join(str(v) for v in value)
    return value


def decode_text(ds: Dataset, raw: bytes, vr: str) -> str:
    """Decode a string value with the Specific Character Set in force for ``ds`` (PS3.5 6.1).

    The character set of a sequence item is its parent's unless the item declares one; code
    extensions (ISO 2022 escape sequences) are reset at the delimiters of the VR (PS3.5 6.1.2.5.3).
    """
    found = getattr(ds, "_character_set", None) or "iso8859"
    encodings = [found] if isinstance(found, str) else list(found)
    delimiters = TEXT_VR_DELIMS if vr in ("LT", "ST", "UT") else {0x5C}
    return decode_bytes(raw, encodings, delimiters)


def _present(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip(" \x00"))
    return True


def number(ctx: ParseContext, tag: TagType, ds: Dataset | None = None) -> float | None:
    """First value of a numeric attribute (DS, IS, FD, ...); a warning when present but invalid."""
    value = raw_value(ctx.ds if ds is None else ds, tag)
    result = tolerant_number(value, ctx)
    if result is None and _present(value):
        ctx.warn(f"{_name(tag)}: {str(value)[:40]!r} is not a number; ignored")
    return result


def numbers(ctx: ParseContext, tag: TagType, ds: Dataset | None = None) -> tuple[float, ...]:
    """Every valid value of a multi-valued numeric attribute; invalid values are dropped with a warning."""
    value = raw_value(ctx.ds if ds is None else ds, tag)
    if not _present(value):
        return ()
    if not isinstance(value, str):
        items = list(value) if isinstance(value, list | tuple) or type(value).__name__ == "MultiValue" else [value]
        return tuple(v for v in (parse_ds(i) for i in items) if v is not None)
    parts = [p for p in value.split("\\") if p.strip(" \x00")]
    result = [v for v in (tolerant_number(p, ctx) for p in parts) if v is not None]
    if len(result) < len(parts):
        ctx.warn(f"{_name(tag)}: {value[:40]!r} holds values that are not numbers; they were ignored")
    return tuple(result)


def text(ds: Dataset, tag: TagType) -> str | None:
    """A string attribute with padding removed (None when absent or empty)."""
    value = raw_value(ds, tag)
    return clean_text(value) if isinstance(value, str) else None


def code(ds: Dataset, keyword: str) -> Coded | None:
    """The first item of a code sequence (PS3.3 Table 8.8-1) as sent, or None."""
    seq = ds.get(keyword) if keyword in ds else None
    if not seq:
        return None
    item = seq[0]
    value = text(item, "CodeValue")
    scheme = text(item, "CodingSchemeDesignator")
    if value is None or scheme is None:
        return None
    return Coded(value, scheme, text(item, "CodeMeaning") or value)


def acquisition_datetime(ds: Dataset) -> dt.datetime | None:
    """When the image was acquired (PS3.3 C.7.6.1 General Image, C.12.1 SOP Common).

    Acquisition DateTime (0008,002A), else Acquisition Date and Time (0008,0022 / 0008,0032), else
    Content Date and Time (0008,0023 / 0008,0033), the time the pixel data were created, which some
    systems send alone. An Acquisition DateTime of a date alone takes the Acquisition Time; a date
    without any time is taken at midnight.
    """
    found = parse_dt(raw_value(ds, "AcquisitionDateTime"), parse_tm(raw_value(ds, "AcquisitionTime")))
    if found is not None:
        return found
    for date_keyword, time_keyword in (("AcquisitionDate", "AcquisitionTime"), ("ContentDate", "ContentTime")):
        found = combine(parse_da(raw_value(ds, date_keyword)), parse_tm(raw_value(ds, time_keyword)))
        if found is not None:
            return found
    return None


def private_tag(ds: Dataset, group: int, creator_prefix: str, offset: int) -> BaseTag | None:
    """The tag of private element ``offset`` in the block of ``group`` reserved by a creator.

    The creator is matched on its beginning (PS3.5 section 7.8.1 private data element tags).
    """
    for slot in range(0x10, 0x100):
        creator = text(ds, Tag(group, slot))
        if creator is not None and creator.upper().startswith(creator_prefix.upper()):
            tag = Tag(group, (slot << 8) | offset)
            if tag in ds:
                return tag
    return None


def _name(tag: TagType) -> str:
    key = Tag(tag)
    return f"({key.group:04X},{key.element:04X})"
