"""X-ray filters and grids from image headers, with the vendor workarounds they need.

PS3.3 C.8.7.10 X-Ray Filtration Module: Filter Type (0018,1160), Filter Material (0018,7050, CS
multi-valued), Filter Thickness Minimum/Maximum (0018,7052/7054, DS multi-valued, mm);
PS3.3 C.8.7.11 X-Ray Grid Module: Grid (0018,1166). Materials and grids become CID 10006 and
CID 10017 codes (:mod:`openrem.dicom.headers.xraycodes`).
"""

from __future__ import annotations

import re

from openrem.dicom.headers import xraycodes as xc
from openrem.dicom.headers.elements import numbers, raw_value, text
from openrem.dicom.parse import ParseContext
from openrem.dicom.records import Coded, XrayFilter
from openrem.dicom.values import parse_ds

_MULTIX = re.compile(r"^CU_(\d+(?:\.\d+)?)_MM$")
#: Element symbols some systems write in Filter Type, as the Filter Material defined terms (PS3.3 C.8.7.10).
_SYMBOLS = {"AL": "ALUMINUM", "CU": "COPPER", "MO": "MOLYBDENUM", "RH": "RHODIUM", "AG": "SILVER", "W": "TUNGSTEN"}
#: One 'thickness + symbol' item of a Filter Type such as '0.1Cu 1Al', '0.1 mm Cu + 1.0 mm Al' or '1AL,0.2CU'.
_TYPE_ITEM = re.compile(r"(\d+(?:\.\d+)?)\s*(?:MM)?\s*(AL|CU|MO|RH|AG|W)")
_TYPE_LIST = re.compile(r"^(?:\s*(?:\+|,|\\)?\s*\d+(?:\.\d+)?\s*(?:MM)?\s*(?:AL|CU|MO|RH|AG|W))+\s*$")


def split_terms(value: str | None) -> list[str]:
    """Split a CS value on backslashes and commas (some vendors send 'ALUMINUM,COPPER')."""
    if not value:
        return []
    return [t.strip().upper() for t in re.split(r"[\\,]", value) if t.strip()]


def aluminium_spelling(ctx: ParseContext, term: str) -> str:
    """Philips DiDi send the British 'ALUMINIUM' instead of the defined term 'ALUMINUM'."""
    if term == xc.ALUMINIUM_SPELLING:
        ctx.fixed("aluminium_spelling")
        return "ALUMINUM"
    return term


def material(ctx: ParseContext, term: str) -> Coded | None:
    """CID 10006 / 10016 code for a Filter Material or Anode Target Material defined term."""
    found = xc.MATERIALS.get(aluminium_spelling(ctx, term.upper()))
    if found is None:
        ctx.warn(f"unknown X-ray filter/target material {term!r}")
    return found


def comma_separated_filter_thickness(ctx: ParseContext, keyword: str, count: int) -> tuple[float, ...] | None:
    """Kodak/Carestream DR 7500 send several filter thicknesses as '1.06,0.206' in one DS value."""
    value = raw_value(ctx.ds, keyword)
    if not isinstance(value, str) or "," not in value or count < 2:
        return None
    parts = [parse_ds(p) for p in value.split(",")]
    if len(parts) != count or any(p is None for p in parts):
        return None
    ctx.fixed("comma_separated_filter_thickness")
    return tuple(p for p in parts if p is not None)


def thicknesses(ctx: ParseContext, keyword: str, count: int) -> tuple[float, ...]:
    """Filter thickness values (mm), one per filter material."""
    fixed = comma_separated_filter_thickness(ctx, keyword, count)
    return fixed if fixed is not None else numbers(ctx, keyword)


def min_max_swapped(ctx: ParseContext, low: float | None, high: float | None) -> tuple[float | None, float | None]:
    """Some vendors (Kodak DR 7500) swap Filter Thickness Minimum and Maximum; put them in order."""
    if low is not None and high is not None and low > high:
        ctx.fixed("filter_thickness_min_max_swapped")
        return high, low
    return low, high


def siemens_multix_filter(ctx: ParseContext, filter_type: str | None) -> XrayFilter | None:
    """Siemens Multix send the copper filter as Filter Type 'CU_0.1_MM' (also 0.2, 0.3)."""
    match = _MULTIX.match((filter_type or "").upper())
    if match is None:
        return None
    ctx.fixed("siemens_multix_copper_filter_type")
    thickness = float(match.group(1))
    return XrayFilter(type=xc.FLAT_FILTER, material=xc.MATERIALS["COPPER"], thickness_min=thickness,
                      thickness_max=thickness)


def filter_type_lists_materials(ctx: ParseContext, filter_type: str | None) -> tuple[XrayFilter, ...]:
    """Filter Type holding the filters themselves ('0.1Cu 1Al': 0.1 mm copper and 1 mm aluminium).

    Filter Type (0018,1160) should be one of STRIP, WEDGE, BUTTERFLY, MULTIPLE, NONE or FLAT; some
    systems write thickness (mm) and element symbol of each filter instead. Only a value made wholly
    of such items is read; each becomes a flat filter of that material and thickness.
    """
    value = (filter_type or "").upper()
    if not _TYPE_LIST.match(value):
        return ()
    ctx.fixed("filter_type_lists_materials")
    return tuple(
        XrayFilter(type=xc.FLAT_FILTER, material=xc.MATERIALS[_SYMBOLS[symbol]], thickness_min=float(mm),
                   thickness_max=float(mm))
        for mm, symbol in _TYPE_ITEM.findall(value))


def filters(ctx: ParseContext) -> tuple[XrayFilter, ...]:
    """The X-ray filters of the image, one per Filter Material value.

    Filter Type describes the filtration as a whole; it is kept for a single filter. With several
    materials the shape of each one is unknown and each is recorded as a flat filter. When a vendor
    writes the filters in Filter Type (:func:`siemens_multix_filter`, :func:`filter_type_lists_materials`),
    those come first and Filter Material adds only the materials they do not name (without thickness).
    """
    filter_type = text(ctx.ds, "FilterType")
    multix = siemens_multix_filter(ctx, filter_type)
    from_type = (multix,) if multix is not None else filter_type_lists_materials(ctx, filter_type)
    terms = split_terms(text(ctx.ds, "FilterMaterial"))
    if from_type:
        named = {f.material for f in from_type}
        others = tuple(XrayFilter(material=found) for t in terms
                       if (found := material(ctx, t)) is not None and found not in named)
        return (*from_type, *others)
    if not terms:
        return ()
    lows = thicknesses(ctx, "FilterThicknessMinimum", len(terms))
    highs = thicknesses(ctx, "FilterThicknessMaximum", len(terms))
    single_type = xc.FILTER_TYPES.get((filter_type or "").upper())
    result = []
    for i, term in enumerate(terms):
        low, high = min_max_swapped(ctx, _at(lows, i), _at(highs, i))
        result.append(XrayFilter(
            type=single_type if len(terms) == 1 else xc.FLAT_FILTER,
            material=material(ctx, term),
            thickness_min=low,
            thickness_max=high,
        ))
    return tuple(result)


def _at(values: tuple[float, ...], index: int) -> float | None:
    return values[index] if index < len(values) else None


def grid_term_abbreviated(ctx: ParseContext, term: str) -> Coded | None:
    """Kodak DR 7500 send 'FO' for the Grid defined term 'FOCUSED'; accept an unambiguous prefix."""
    candidates = [key for key in xc.GRIDS if key.startswith(term)]
    if len(term) >= 2 and len(candidates) == 1:
        ctx.fixed("grid_term_abbreviated")
        return xc.GRIDS[candidates[0]]
    return None


def grids(ctx: ParseContext, *, canonical_order: bool = False) -> tuple[Coded, ...]:
    """CID 10017 grid codes from Grid (0018,1166), in the order sent or in the CID order."""
    found: list[Coded] = []
    for term in split_terms(text(ctx.ds, "Grid")):
        coded = xc.GRIDS.get(term) or grid_term_abbreviated(ctx, term)
        if coded is None:
            ctx.warn(f"Grid (0018,1166): unknown term {term!r}")
        elif coded not in found:
            found.append(coded)
    if canonical_order:
        order = list(xc.GRIDS.values())
        found.sort(key=order.index)
    return tuple(found)
