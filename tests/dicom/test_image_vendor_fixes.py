"""Vendor fixes of the DX/CR and MG image-header parsers on generated files (inventory 6.3 / 6.4).

Every fix of the registry that applies to image headers has a synthetic header from its equipment
(:data:`openrem.dicom.synth.quirks.IMAGE_QUIRKS`); the parsed values are compared with what the
header holds, and the fix must be recorded. Shared samples re-encoded with the same departures
cover the same fixes on real headers.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from pathlib import Path

import pydicom
import pytest
from pydicom.dataset import Dataset

from openrem.dicom import fixes
from openrem.dicom.classify import Kind
from openrem.dicom.parse import Status, parse_bytes
from openrem.dicom.records import DoseReport, ProjectionEvent, XraySource
from openrem.dicom.synth import quirks, to_bytes

IMAGE_KINDS = {Kind.DX_IMAGE, Kind.MG_IMAGE}
IMAGE_FIXES = sorted(name for name, fix in fixes.FIXES.items() if set(fix.kinds) <= IMAGE_KINDS)
CU, AL = ("C-127F9", "SRT"), ("C-120F9", "SRT")


def _parsed(ds: Dataset) -> DoseReport:
    result = parse_bytes(to_bytes(ds))
    assert result.status is Status.PARSED and result.report is not None, result.reason
    return result.report


def _event(report: DoseReport) -> ProjectionEvent:
    (event,) = report.projection_xray_radiation_dose[0].events
    return event


def _source(report: DoseReport) -> XraySource:
    source = _event(report).source
    assert source is not None
    return source


def _filters(report: DoseReport) -> list[tuple[tuple[str, str] | None, float | None, float | None]]:
    return [((f.material.value, f.material.scheme) if f.material else None, f.thickness_min, f.thickness_max)
            for f in _source(report).filters]


def test_every_image_fix_has_a_generated_header() -> None:
    assert len(IMAGE_FIXES) >= 11
    assert set(IMAGE_FIXES) <= set(quirks.IMAGE_QUIRKS), sorted(set(IMAGE_FIXES) - set(quirks.IMAGE_QUIRKS))


@pytest.mark.parametrize("name", IMAGE_FIXES)
@pytest.mark.parametrize("seed", [1, 2])
def test_generated_header_fires_its_fix(name: str, seed: int) -> None:
    ds = quirks.IMAGE_QUIRKS[name](random.Random(seed))
    report = _parsed(ds)
    assert name in report.vendor_fixes
    maker, model = str(ds.Manufacturer), str(ds.ManufacturerModelName)
    assert fixes.FIXES[name].applies_to(maker, model), "the generated equipment is the one registered"


def test_standard_header_fires_no_fix() -> None:
    report = _parsed(quirks._dx(random.Random(3), "Synthetic Radiography", "FT-1"))
    assert report.vendor_fixes == ()


def test_kodak_dr7500_values() -> None:
    report = _parsed(quirks.kodak_dr7500(random.Random(4)))
    event = _event(report)
    assert event.mechanical is not None and event.mechanical.distances is not None
    assert event.mechanical.distances.distance_source_to_detector == pytest.approx(1150)
    assert _filters(report) == [(AL, 0.94, 1.06), (CU, 0.194, 0.206)]
    assert [(g.value, g.scheme) for g in _source(report).grids] == [("111643", "DCM"), ("111642", "DCM")]


def test_kodak_sid_in_mm_is_kept() -> None:
    ds = quirks.kodak_dr7500(random.Random(5))
    ds.DistanceSourceToDetector = "1800"
    report = _parsed(ds)
    assert "kodak_dr7500_sid_in_dm" not in report.vendor_fixes
    distances = _event(report).mechanical.distances  # type: ignore[union-attr]
    assert distances is not None and distances.distance_source_to_detector == 1800


@pytest.mark.parametrize(("filter_type", "expected"), [
    ("0.1Cu 1Al", [(CU, 0.1, 0.1), (AL, 1.0, 1.0)]),
    ("0.2mm Cu+1mm Al", [(CU, 0.2, 0.2), (AL, 1.0, 1.0)]),
    ("1AL,0.3CU", [(AL, 1.0, 1.0), (CU, 0.3, 0.3)]),
    ("0.1CU", [(CU, 0.1, 0.1)]),
])
def test_filter_type_listing_materials(filter_type: str, expected: list[object]) -> None:
    ds = quirks.filter_type_list(random.Random(6))
    ds.FilterType = filter_type
    report = _parsed(ds)
    assert "filter_type_lists_materials" in report.vendor_fixes
    assert _filters(report) == expected
    assert all(f.type is not None and f.type.value == "113653" for f in _source(report).filters)


def test_filter_type_list_adds_other_materials_without_thickness() -> None:
    ds = quirks.filter_type_list(random.Random(7))
    ds.FilterMaterial = ["COPPER", "ALUMINUM", "MOLYBDENUM"]
    report = _parsed(ds)
    assert _filters(report) == [(CU, 0.1, 0.1), (AL, 1.0, 1.0), (("C-150F9", "SRT"), None, None)]


@pytest.mark.parametrize("filter_type", ["FLAT", "WEDGE", "0.1Cu and more", "Cu 0.1", "0.1XX"])
def test_filter_type_terms_are_not_read_as_filters(filter_type: str) -> None:
    ds = quirks.filter_type_list(random.Random(8))
    ds.FilterType = filter_type
    report = _parsed(ds)
    assert "filter_type_lists_materials" not in report.vendor_fixes
    assert _source(report).filters == ()


@pytest.mark.filterwarnings("ignore:Invalid value for VR CS")  # the comma-separated form is the vendor's error
@pytest.mark.parametrize("materials", [["ALUMINUM", "COPPER"], "ALUMINUM,COPPER"])
def test_several_filter_materials(materials: list[str] | str) -> None:
    ds = quirks._dx(random.Random(9), "Synthetic Radiography", "FT-1")
    ds.FilterType = "MULTIPLE"
    ds.FilterMaterial = materials
    ds.FilterThicknessMinimum = ["1.0", "0.1"]
    ds.FilterThicknessMaximum = ["1.0", "0.2"]
    report = _parsed(ds)
    assert _filters(report) == [(AL, 1.0, 1.0), (CU, 0.1, 0.2)]


def test_single_filter_min_max_swapped() -> None:
    ds = quirks.kodak_dr7500(random.Random(10))
    ds.FilterType = "FLAT"
    ds.FilterMaterial = "COPPER"
    ds.FilterThicknessMinimum = "0.3"
    ds.FilterThicknessMaximum = "0.1"
    report = _parsed(ds)
    assert "filter_thickness_min_max_swapped" in report.vendor_fixes
    assert _filters(report) == [(CU, 0.1, 0.3)]
    assert _source(report).filters[0].type.value == "113653"  # type: ignore[union-attr]


def test_siemens_multix_values() -> None:
    report = _parsed(quirks.siemens_multix(random.Random(11)))
    assert _filters(report) == [(CU, 0.2, 0.2), (AL, None, None)]


def test_philips_aluminium_spelling_values() -> None:
    report = _parsed(quirks.philips_digital_diagnost(random.Random(12)))
    assert _filters(report) == [(AL, 1.0, 1.0)]
    assert report.warnings == ()


def test_drgem_decimal_integer_strings_kept_exactly() -> None:
    report = _parsed(quirks.drgem(random.Random(13)))
    source = _source(report)
    assert source.exposure_time == 12.5  # ms, not rounded to 12 or 13
    assert source.average_xray_tube_current == 320.4  # mA
    assert source.xray_tube_current == (320.4,)
    assert source.exposure_uAs == (4000.0,)  # 4.0 mAs
    assert "decimal_in_integer_string" in report.vendor_fixes
    assert report.warnings == ()


def test_whole_integer_strings_fire_no_fix() -> None:
    ds = quirks.drgem(random.Random(14))
    quirks.raw(ds, "ExposureTime", "IS", b"12")
    quirks.raw(ds, "XRayTubeCurrent", "IS", b"320")
    report = _parsed(ds)
    assert "decimal_in_integer_string" not in report.vendor_fixes
    assert (_source(report).exposure_time, _source(report).average_xray_tube_current) == (12, 320)


def test_decimal_in_real_header(sample: Callable[[str], Path]) -> None:
    ds = pydicom.dcmread(sample("DX-Im-GE_XR220-1.dcm"))
    for keyword in ("ExposureInuAs", "ExposureInmAs"):
        if keyword in ds:
            delattr(ds, keyword)
    quirks.raw(ds, "ExposureTime", "IS", b"6.3")
    quirks.raw(ds, "Exposure", "IS", b"2.5")
    report = _parsed(ds)
    assert "decimal_in_integer_string" in report.vendor_fixes
    assert _source(report).exposure_time == 6.3
    assert _source(report).exposure_uAs == (2500.0,)


def test_toshiba_protocol_from_image_comments() -> None:
    report = _parsed(quirks.toshiba_tfd(random.Random(15)))
    assert _event(report).acquisition_protocol == "Knee lateral"


def test_toshiba_protocol_name_wins_and_other_software_ignored() -> None:
    ds = quirks.toshiba_tfd(random.Random(16))
    ds.ProtocolName = "Knee 2 views"
    report = _parsed(ds)
    assert _event(report).acquisition_protocol == "Knee 2 views"
    assert "toshiba_protocol_in_image_comments" not in report.vendor_fixes
    ds = quirks.toshiba_tfd(random.Random(17))
    ds.SoftwareVersions = "V4.10"
    report = _parsed(ds)
    assert _event(report).acquisition_protocol == "Series 1"  # Series Description, as for any system
    assert report.vendor_fixes == ()


def test_ge_glandularity_values() -> None:
    report = _parsed(quirks.ge_senographe(random.Random(18)))
    assert _event(report).percent_fibroglandular_tissue == 31.0


def test_canon_cxdi_requested_procedure() -> None:
    report = _parsed(quirks.canon_cxdi(random.Random(19)))
    assert report.study.requested_procedure_code_meaning == "XR Chest 2 views"


# ---- event date and time (PS3.3 C.7.6.1, C.12.1) ----

def _without(ds: Dataset, *keywords: str) -> Dataset:
    for keyword in keywords:
        if keyword in ds:
            delattr(ds, keyword)
    return ds


def _dated(ds: Dataset) -> Dataset:
    ds.AcquisitionDateTime = "20240301101500"
    ds.AcquisitionDate, ds.AcquisitionTime = "20240302", "111600"
    ds.ContentDate, ds.ContentTime = "20240303", "121700"
    return ds


@pytest.mark.parametrize(("removed", "expected"), [
    ((), "2024-03-01 10:15:00"),
    (("AcquisitionDateTime",), "2024-03-02 11:16:00"),
    (("AcquisitionDateTime", "AcquisitionDate"), "2024-03-03 12:17:00"),
    (("AcquisitionDateTime", "AcquisitionDate", "AcquisitionTime"), "2024-03-03 12:17:00"),
    (("AcquisitionDateTime", "AcquisitionDate", "ContentTime"), "2024-03-03 00:00:00"),
    (("AcquisitionDateTime", "AcquisitionDate", "ContentDate"), None),
])
@pytest.mark.parametrize("origin", ["synthetic DX", "synthetic MG", "shared DX"])
def test_event_time_fallbacks(removed: tuple[str, ...], expected: str | None, origin: str,
                              sample: Callable[[str], Path]) -> None:
    if origin == "shared DX":
        ds = pydicom.dcmread(sample("DX-Im-GE_XR220-1.dcm"))
    elif origin == "synthetic MG":
        ds = quirks.ge_senographe(random.Random(20))
    else:
        ds = quirks._dx(random.Random(21), "Synthetic Radiography", "FT-1")
    report = _parsed(_without(_dated(ds), *removed))
    started = _event(report).date_time_started
    assert (str(started) if started is not None else None) == expected


# ---- relative exposure, labelled by manufacturer (PS3.3 C.8.11.7: vendor specific) ----

RELATIVE_EXPOSURE = [
    ("FUJIFILM Corporation", 180, "S ()"),
    ("AGFA", 2, "lgM (Bels)"),
    ("KONICA MINOLTA", 210, "S ()"),
    ("Philips Medical Systems", 320, "EI ()"),
    ("CARESTREAM HEALTH", 1650, "EI (Mbels)"),
    ("Kodak", 1700, "EI (Mbels)"),
    ("Canon Inc.", 450, "REX ()"),
    ("Swissray", 3, "DI ()"),
    ("SIEMENS", 250, "EXI (μGy)"),
    ("DRGEM", 300, None),
]
MAKER_IDS = [m.split()[0].lower() for m, _, _ in RELATIVE_EXPOSURE]


@pytest.mark.parametrize(("maker", "value", "unit"), RELATIVE_EXPOSURE, ids=MAKER_IDS)
def test_relative_exposure_unit_synthetic(maker: str, value: int, unit: str | None) -> None:
    detector = _event(_parsed(quirks.relative_exposure_image(maker, value, random.Random(22)))).detector
    assert detector is not None
    assert (detector.relative_xray_exposure, detector.relative_exposure_unit) == (value, unit)


@pytest.mark.parametrize(("maker", "value", "unit"), RELATIVE_EXPOSURE, ids=MAKER_IDS)
def test_relative_exposure_unit_real_header(maker: str, value: int, unit: str | None,
                                            sample: Callable[[str], Path]) -> None:
    ds = pydicom.dcmread(sample("DX-Im-Carestream_DRX.dcm"))
    ds.Manufacturer = maker
    ds.RelativeXRayExposure = value
    out = io.BytesIO()
    ds.save_as(out)
    result = parse_bytes(out.getvalue())
    assert result.report is not None
    detector = _event(result.report).detector
    assert detector is not None
    assert (detector.relative_xray_exposure, detector.relative_exposure_unit) == (value, unit)


def test_no_relative_exposure_no_unit() -> None:
    ds = quirks.relative_exposure_image("FUJIFILM Corporation", 200, random.Random(23))
    del ds.RelativeXRayExposure
    detector = _event(_parsed(ds)).detector
    assert detector is not None and detector.relative_exposure_unit is None
