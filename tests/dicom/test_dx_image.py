"""CR / DX / PX image-header parser (inventory 6.3) against the reference and on malformed headers.

The reference comparison uses the conformance tool's own leaf comparison on the projection X-ray
tree and the modality type; study-level attributes are covered by the header tests.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from pydicom import dcmread
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset
from pydicom.tag import Tag

from openrem.dicom.plain import to_plain
from openrem.dicom.records import DoseReport
from reference_support import mismatches, only_event, parsed_report, reference_study

DX_FILES = [
    "DX-Im-Carestream_DR7500-1.dcm",
    "DX-Im-Carestream_DR7500-2.dcm",
    "DX-Im-Carestream_DRX.dcm",
    "DX-Im-Date-Missing.dcm",
    "DX-Im-GE_XR220-1.dcm",
    "DX-Im-GE_XR220-2.dcm",
    "DX-Im-GE_XR220-3.dcm",
    "PX-Im-NewTom_Go.dcm",
]


def _mismatches(name: str, report: DoseReport) -> list[str]:
    study = reference_study(name)
    expected = {k: study[k] for k in ("modality_type", "projection_xray_radiation_dose")}
    got = {"modality_type": report.modality,
           "projection_xray_radiation_dose": to_plain(report.projection_xray_radiation_dose)}
    return mismatches(name, expected, got)


_report = parsed_report


_event = only_event


@pytest.mark.parametrize("name", DX_FILES)
def test_matches_reference(name: str, sample: Callable[[str], Path]) -> None:
    report = _report(sample(name))
    assert report.kind == "dx_image"
    assert _mismatches(name, report) == []


def test_event_uid_is_sop_instance_uid(sample: Callable[[str], Path]) -> None:
    path = sample("DX-Im-Carestream_DRX.dcm")
    ds = dcmread(path, stop_before_pixels=True)
    event = _event(_report(path))
    # the image also has an Irradiation Event UID (0008,3010); the reference keys events by SOP UID
    assert event.irradiation_event_uid == ds.SOPInstanceUID != ds.IrradiationEventUID


def test_dap_dgycm2_to_gym2(sample: Callable[[str], Path]) -> None:
    path = sample("DX-Im-Carestream_DRX.dcm")
    raw = dcmread(path, stop_before_pixels=True).get_item(Tag(0x0018115E)).value
    assert raw.strip() == b"0.633"  # dGy.cm2
    report = _report(path)
    event = _event(report)
    assert event.dose_area_product == pytest.approx(0.633e-5)
    accum = report.projection_xray_radiation_dose[0].accumulated[0].accum_integrated
    assert accum is not None
    assert accum.dose_area_product_total == pytest.approx(0.633e-5)
    assert accum.total_number_of_radiographic_frames == 1


def test_kodak_dr7500_fixes(sample: Callable[[str], Path]) -> None:
    report = _report(sample("DX-Im-Carestream_DR7500-1.dcm"))
    event = _event(report)
    assert {"kodak_dr7500_sid_in_dm", "filter_thickness_min_max_swapped", "grid_term_abbreviated"} <= set(
        report.vendor_fixes)
    assert event.mechanical is not None and event.mechanical.distances is not None
    assert event.mechanical.distances.distance_source_to_detector == pytest.approx(1150)  # sent as 11.5 dm
    assert event.source is not None
    (flt,) = event.source.filters
    assert (flt.thickness_min, flt.thickness_max) == (0.94, 1.06)  # sent min 1.06, max 0.94
    assert [(g.value, g.scheme) for g in event.source.grids] == [("111643", "DCM"), ("111642", "DCM")]


def test_kodak_dr7500_comma_separated_filters(sample: Callable[[str], Path]) -> None:
    path = sample("DX-Im-Carestream_DR7500-2.dcm")
    raw = dcmread(path, stop_before_pixels=True).get_item(Tag(0x00187052)).value
    assert raw.strip() == b"1.06,0.206"
    report = _report(path)
    assert "comma_separated_filter_thickness" in report.vendor_fixes
    source = _event(report).source
    assert source is not None
    got = [(f.material.value if f.material else None, f.thickness_min, f.thickness_max) for f in source.filters]
    assert got == [("C-120F9", 0.94, 1.06), ("C-127F9", 0.194, 0.206)]


def test_relative_exposure_unit_by_manufacturer(sample: Callable[[str], Path]) -> None:
    detector = _event(_report(sample("DX-Im-Carestream_DRX.dcm"))).detector
    assert detector is not None
    assert (detector.relative_xray_exposure, detector.relative_exposure_unit) == (256, "EI (Mbels)")


def test_px_has_no_exposure_attribute(sample: Callable[[str], Path]) -> None:
    """Proof for the deviation: the reference stores one empty (null) exposure row for this file."""
    path = sample("PX-Im-NewTom_Go.dcm")
    ds = dcmread(path, stop_before_pixels=True)
    for keyword in ("Exposure", "ExposureInuAs", "ExposureInmAs"):
        assert keyword not in ds
    report = _report(path)
    assert report.modality == "PX"
    source = _event(report).source
    assert source is not None and source.exposure_uAs == ()


def _modified(path: Path, edit: Callable[[Dataset], None]) -> bytes:
    ds = dcmread(path)
    edit(ds)
    out = io.BytesIO()
    ds.save_as(out)
    return out.getvalue()


def _raw(ds: Dataset, keyword: str, vr: str, value: bytes) -> None:
    tag = Tag(keyword)
    ds[tag] = RawDataElement(tag, vr, len(value), value, 0, False, True)


def test_malformed_numbers_keep_valid_values(sample: Callable[[str], Path]) -> None:
    def edit(ds: Dataset) -> None:
        _raw(ds, "KVP", "DS", b"abc ")
        _raw(ds, "ImageAndFluoroscopyAreaDoseProduct", "DS", b"n/a ")
        _raw(ds, "ExposureIndex", "DS", b"")
        _raw(ds, "FieldOfViewDimensions", "IS", b"421\\xx")
        del ds.AcquisitionDate
        del ds.ContentDate  # the fallback after Acquisition Date

    report = _report(_modified(sample("DX-Im-Carestream_DRX.dcm"), edit))
    event = _event(report)
    assert event.dose_area_product is None  # text: dropped, never guessed
    assert event.date_time_started is None
    assert event.source is not None and event.detector is not None
    assert event.source.kvp == ()
    assert event.source.collimated_field_area is None
    assert event.source.exposure_uAs == (1000,)
    assert event.source.average_xray_tube_current == 250
    assert event.detector.exposure_index is None
    assert event.detector.target_exposure_index == pytest.approx(226.22)
    joined = " ".join(report.warnings)
    assert "(0018,0060)" in joined and "(0018,115E)" in joined and "(0018,1149)" in joined
    assert "(0018,1411)" not in joined  # empty is not an error


def test_siemens_multix_copper_filter_type(sample: Callable[[str], Path]) -> None:
    def edit(ds: Dataset) -> None:
        ds.FilterType = "CU_0.2_MM"
        for keyword in ("FilterMaterial", "FilterThicknessMinimum", "FilterThicknessMaximum"):
            if keyword in ds:
                delattr(ds, keyword)

    report = _report(_modified(sample("DX-Im-GE_XR220-1.dcm"), edit))
    assert "siemens_multix_copper_filter_type" in report.vendor_fixes
    source = _event(report).source
    assert source is not None
    (flt,) = source.filters
    assert flt.material is not None and (flt.material.value, flt.material.scheme) == ("C-127F9", "SRT")
    assert (flt.thickness_min, flt.thickness_max) == (0.2, 0.2)


def test_aluminium_spelling(sample: Callable[[str], Path]) -> None:
    def edit(ds: Dataset) -> None:
        ds.FilterMaterial = "ALUMINIUM"

    report = _report(_modified(sample("DX-Im-Carestream_DR7500-1.dcm"), edit))
    assert "aluminium_spelling" in report.vendor_fixes
    source = _event(report).source
    assert source is not None and source.filters[0].material is not None
    assert source.filters[0].material.value == "C-120F9"


def test_view_from_view_position(sample: Callable[[str], Path]) -> None:
    event = _event(_report(sample("DX-Im-Carestream_DRX.dcm")))
    assert event.image_view is not None
    assert (event.image_view.value, event.image_view.scheme) == ("R-10206", "SRT")
