"""Mammography image-header parser (inventory 6.4) against the reference and on malformed headers."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydicom import dcmread
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset
from pydicom.tag import Tag

from openrem.dicom.classify import Kind
from openrem.dicom.parse import parse_path
from openrem.dicom.plain import to_plain
from openrem.dicom.records import DoseReport
from reference_support import mismatches, only_event, parsed_report, reference_study

MG_FILES = [
    "MG-Im-GE-SenDS-scaled.dcm",
    "MG-Im-GE_Seno_1_ForPresentation.dcm",
    "MG-Im-GE_Seno_1_ForProcessing.dcm",
    "MG-Im-GE_Seno_2_ForPresentation.dcm",
    "MG-Im-Hologic-PropProj.dcm",
]


def _mismatches(name: str, report: DoseReport) -> list[str]:
    study = reference_study(name)
    expected = {k: study[k] for k in ("modality_type", "projection_xray_radiation_dose")}
    got: dict[str, Any] = {"modality_type": report.modality,
                           "projection_xray_radiation_dose": to_plain(report.projection_xray_radiation_dose)}
    return mismatches(name, expected, got)


_report = parsed_report


_event = only_event


@pytest.mark.parametrize("name", MG_FILES)
def test_matches_reference(name: str, sample: Callable[[str], Path]) -> None:
    report = _report(sample(name))
    assert (report.kind, report.modality) == ("mg_image", "MG")
    assert _mismatches(name, report) == []


def test_agd_dgy_to_mgy_and_per_breast(sample: Callable[[str], Path]) -> None:
    path = sample("MG-Im-GE-SenDS-scaled.dcm")
    raw = dcmread(path, stop_before_pixels=True).get_item(Tag(0x00400316)).value
    assert raw.strip() == b"0.01373"  # Organ Dose, dGy
    report = _report(path)
    event = _event(report)
    assert event.source is not None
    assert event.source.average_glandular_dose == pytest.approx(1.373)
    (row,) = report.projection_xray_radiation_dose[0].accumulated[0].accum_mammography
    assert row.laterality is not None and (row.laterality.value, row.laterality.scheme) == ("T-04030", "SRT")
    assert row.accumulated_average_glandular_dose == pytest.approx(1.373)
    assert event.entrance_exposure_at_rp == pytest.approx(5.071)  # (0040,8302) mGy, not (0040,0302) = 0


def test_ge_glandularity_in_dose_comment(sample: Callable[[str], Path]) -> None:
    report = _report(sample("MG-Im-GE-SenDS-scaled.dcm"))
    assert "ge_glandularity_in_dose_comment" in report.vendor_fixes
    assert _event(report).percent_fibroglandular_tissue == 31.0  # '31 %'


def test_hologic_projection_secondary_capture(sample: Callable[[str], Path]) -> None:
    result = parse_path(sample("MG-Im-Hologic-PropProj.dcm"))
    assert result.kind is Kind.MG_IMAGE and result.report is not None
    event = _event(result.report)
    assert event.source is not None and event.source.anode_target_material is not None
    assert event.source.anode_target_material.value == "C-164F9"  # TUNGSTEN
    assert event.source.grids[0].value == "111646"  # no grid
    assert event.laterality is not None and event.laterality.value == "G-A100"  # Laterality R


def test_grid_order_is_canonical(sample: Callable[[str], Path]) -> None:
    source = _event(_report(sample("MG-Im-GE-SenDS-scaled.dcm"))).source
    assert source is not None
    assert [g.value for g in source.grids] == ["111642", "111643"]  # sent RECIPROCATING\FOCUSED


def _modified(path: Path, edit: Callable[[Dataset], None]) -> bytes:
    ds = dcmread(path)
    edit(ds)
    out = io.BytesIO()
    ds.save_as(out)
    return out.getvalue()


def test_malformed_organ_dose_and_missing_laterality(sample: Callable[[str], Path]) -> None:
    def edit(ds: Dataset) -> None:
        tag = Tag("OrganDose")
        ds[tag] = RawDataElement(tag, "DS", 4, b"high", 0, False, True)
        tag = Tag("BodyPartThickness")
        ds[tag] = RawDataElement(tag, "DS", 0, b"", 0, False, True)
        del ds.ImageLaterality
        del ds.AcquisitionDate
        del ds.ContentDate  # the fallback after Acquisition Date

    report = _report(_modified(sample("MG-Im-GE_Seno_2_ForPresentation.dcm"), edit))
    event = _event(report)
    assert event.source is not None and event.mechanical is not None
    assert event.source.average_glandular_dose is None
    assert event.mechanical.compression_thickness is None
    assert event.mechanical.compression_force == 30
    assert event.entrance_exposure_at_rp == pytest.approx(4.931)
    assert event.date_time_started is None
    assert report.projection_xray_radiation_dose[0].accumulated[0].accum_mammography == ()
    joined = " ".join(report.warnings)
    assert "(0040,0316)" in joined and "Laterality" in joined
