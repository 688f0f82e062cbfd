"""Synthetic image headers with what particular manufacturers send, one per named image vendor fix.

Each builder returns a DX or MG image header (:func:`openrem.dicom.synth.dx_image`,
:func:`~openrem.dicom.synth.mg_image`) from the equipment the fix is registered for
(:mod:`openrem.dicom.fixes`), carrying the departure from PS3.3 that the fix reads. Values that a
vendor sends against the value representation (a comma in a DS, decimals in an IS) are written as
raw bytes, since pydicom refuses to encode them. :data:`IMAGE_QUIRKS` maps each fix name to its
builder; :func:`relative_exposure_image` gives a radiography header of any manufacturer with a
Relative X-Ray Exposure (0018,1405).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset
from pydicom.tag import Tag

from openrem.dicom.synth.common import DeviceSpec, new_uid, rng_or_new
from openrem.dicom.synth.images import dx_image, mg_image

Builder = Callable[[random.Random | None], Dataset]


def device(rng: random.Random, manufacturer: str, model: str, software: str = "1.0") -> DeviceSpec:
    """General Equipment of one system of ``manufacturer`` / ``model``."""
    return DeviceSpec(manufacturer, model, "XRAY1", "Synthetic General Hospital", "Radiology",
                      f"{rng.randrange(10**6):06d}", software, new_uid(rng))


def raw(ds: Dataset, keyword: str, vr: str, value: bytes) -> None:
    """Put ``value`` in ``ds`` as sent, without pydicom's validation (even length, as PS3.5 7.1.1 requires)."""
    if len(value) % 2:
        value += b" "
    tag = Tag(keyword)
    ds[tag] = RawDataElement(tag, vr, len(value), value, 0, False, True)


def _dx(rng: random.Random | None, manufacturer: str, model: str, software: str = "1.0") -> Dataset:
    rng = rng_or_new(rng)
    return dx_image(rng, device=device(rng, manufacturer, model, software))


def kodak_dr7500(rng: random.Random | None = None) -> Dataset:
    """Kodak DR 7500: SID in dm, two filter thicknesses in one DS with a comma, min and max swapped,
    grid 'FO' for FOCUSED."""
    ds = _dx(rng, "KODAK", "DR 7500")
    ds.DistanceSourceToDetector = "11.5"  # dm: 1150 mm
    ds.FilterType = "MULTIPLE"
    ds.FilterMaterial = ["ALUMINUM", "COPPER"]
    raw(ds, "FilterThicknessMinimum", "DS", b"1.06,0.206")
    raw(ds, "FilterThicknessMaximum", "DS", b"0.94,0.194")
    ds.Grid = ["RECIPROCATING", "FO"]
    return ds


def canon_cxdi(rng: random.Random | None = None) -> Dataset:
    """Canon CXDI: the requested procedure only in Study Description."""
    ds = _dx(rng, "Canon Inc.", "CXDI-710C")
    ds.StudyDescription = "XR Chest 2 views"
    return ds


def philips_digital_diagnost(rng: random.Random | None = None) -> Dataset:
    """Philips DigitalDiagnost: Filter Material 'ALUMINIUM'."""
    ds = _dx(rng, "Philips Medical Systems", "DigitalDiagnost")
    ds.FilterType = "FLAT"
    ds.FilterMaterial = "ALUMINIUM"
    ds.FilterThicknessMinimum = ds.FilterThicknessMaximum = "1.0"
    return ds


def siemens_multix(rng: random.Random | None = None) -> Dataset:
    """Siemens Multix: copper filter as Filter Type 'CU_0.2_MM', aluminium in Filter Material."""
    ds = _dx(rng, "SIEMENS", "Multix Fusion")
    ds.FilterType = "CU_0.2_MM"
    ds.FilterMaterial = ["COPPER", "ALUMINUM"]
    return ds


def filter_type_list(rng: random.Random | None = None) -> Dataset:
    """Filter Type '0.1Cu 1Al' (the filters themselves) and no Filter Material."""
    ds = _dx(rng, "Synthetic Radiography", "FT-1")
    ds.FilterType = "0.1Cu 1Al"
    return ds


def drgem(rng: random.Random | None = None) -> Dataset:
    """DRGEM: Exposure Time, X-Ray Tube Current and Exposure (IS) sent with decimals."""
    ds = _dx(rng, "DRGEM", "GXR-52SD")
    del ds.ExposureInuAs
    raw(ds, "ExposureTime", "IS", b"12.5")  # ms
    raw(ds, "XRayTubeCurrent", "IS", b"320.4")  # mA
    raw(ds, "Exposure", "IS", b"4.0")  # mAs: decimals but a whole number
    return ds


def toshiba_tfd(rng: random.Random | None = None) -> Dataset:
    """Toshiba radiography with software 'TM_TFD_1.0': protocol only in Image Comments."""
    ds = _dx(rng, "TOSHIBA_MEC", "RADREX-i", "TM_TFD_1.0")
    del ds.ProtocolName
    ds.ImageComments = "Knee lateral"
    ds.SeriesDescription = "Series 1"
    return ds


def ge_senographe(rng: random.Random | None = None) -> Dataset:
    """GE Senographe: breast glandularity in Comments on Radiation Dose."""
    rng = rng_or_new(rng)
    ds = mg_image(rng, device=device(rng, "GE MEDICAL SYSTEMS", "Senographe Essential"))
    ds.CommentsOnRadiationDose = "31 %"
    return ds


IMAGE_QUIRKS: dict[str, Builder] = {
    "requested_procedure_from_study_description": canon_cxdi,
    "aluminium_spelling": philips_digital_diagnost,
    "comma_separated_filter_thickness": kodak_dr7500,
    "filter_thickness_min_max_swapped": kodak_dr7500,
    "grid_term_abbreviated": kodak_dr7500,
    "kodak_dr7500_sid_in_dm": kodak_dr7500,
    "siemens_multix_copper_filter_type": siemens_multix,
    "filter_type_lists_materials": filter_type_list,
    "decimal_in_integer_string": drgem,
    "toshiba_protocol_in_image_comments": toshiba_tfd,
    "ge_glandularity_in_dose_comment": ge_senographe,
}


def relative_exposure_image(manufacturer: str, value: int, rng: random.Random | None = None) -> Dataset:
    """A DX header of ``manufacturer`` with Relative X-Ray Exposure (0018,1405, IS) = ``value``."""
    ds = _dx(rng, manufacturer, "Synthetic DR")
    ds.RelativeXRayExposure = value
    return ds
