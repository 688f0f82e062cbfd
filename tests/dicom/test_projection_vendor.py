"""Named vendor workarounds of the projection X-ray parser, each on the real sample that needs it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from openrem.dicom import codes
from openrem.dicom.parse import Status, parse_path
from openrem.dicom.records import DoseReport, ProjectionEvent
from openrem.dicom.srtree import read_file

Sample = Callable[[str], Path]


def _report(path: Path) -> DoseReport:
    result = parse_path(path)
    assert result.status is Status.PARSED, result.reason
    assert result.report is not None
    return result.report


def _event(report: DoseReport, uid_suffix: str) -> ProjectionEvent:
    events = [e for e in report.projection_xray_radiation_dose[0].events
              if e.irradiation_event_uid.endswith(uid_suffix)]
    assert len(events) == 1
    return events[0]


def test_philips_allura_shutters(sample: Sample) -> None:
    report = _report(sample("RF-RDSR-Philips_Allura.dcm"))
    assert "philips_allura_shutters" in report.vendor_fixes
    source = _event(report, "1484156582494.8.0").source
    assert source is not None
    # shutters L/R 164.5 mm, T/B 131 mm at 1 m; SID 1194 mm
    assert source.collimated_field_height == pytest.approx(329 * 1.194)
    assert source.collimated_field_width == pytest.approx(262 * 1.194)
    assert source.collimated_field_area == pytest.approx(329 * 1.194 * 262 * 1.194 / 1e6)


def test_philips_table_height(sample: Sample) -> None:
    report = _report(sample("RF-RDSR-Philips_Allura.dcm"))
    assert "philips_table_height" in report.vendor_fixes
    mech = _event(report, "1484156582494.8.0").mechanical
    assert mech is not None and mech.distances is not None
    assert mech.distances.table_height_position == 905


def test_philips_xper_frames(sample: Sample) -> None:
    report = _report(sample("RF-Pat-Orientation-Modifier-Missing.dcm"))
    assert "philips_xper_frames" in report.vendor_fixes
    source = _event(report, "162715141281217178820483699914").source
    assert source is not None
    assert source.number_of_pulses == 69


def test_philips_azurion_device_type(sample: Sample) -> None:
    report = _report(sample("RF-RDSR-Philips_Azurion.dcm"))
    assert "philips_azurion_device_type" in report.vendor_fixes
    dose = report.projection_xray_radiation_dose[0]
    assert dose.acquisition_device_type is not None
    assert codes.INTEGRATED_PROJECTION.matches(dose.acquisition_device_type.value, dose.acquisition_device_type.scheme)
    assert report.modality == "RF"


def test_azurion_area_with_a_zero_shutter(sample: Sample) -> None:
    """The reference's area 0 is wrong: one shutter is at 0 mm, but height and width are not zero."""
    path = sample("RF-RDSR-Philips_Azurion.dcm")
    _, root = read_file(path.read_bytes())
    assert root is not None
    item = next(e for e in root.find_all(codes.IRRADIATION_EVENT_XRAY_DATA)
                if (e.txt(codes.IRRADIATION_EVENT_UID) or "").endswith("7288244.54.0"))
    shutters = item.find(codes.PHILIPS_WEDGES_AND_SHUTTERS)
    assert shutters is not None
    assert shutters.num(codes.PHILIPS_LEFT_SHUTTER) == 0
    assert shutters.num(codes.PHILIPS_RIGHT_SHUTTER) == pytest.approx(3.34833)
    assert item.num(codes.COLLIMATED_FIELD_AREA) == 0  # the meaningless standard value
    source = _event(_report(path), "7288244.54.0").source
    assert source is not None and source.collimated_field_height and source.collimated_field_width
    assert source.collimated_field_area == pytest.approx(
        source.collimated_field_height * source.collimated_field_width / 1e6)
    assert source.collimated_field_area > 0


@pytest.mark.parametrize("name", ["RF-RDSR-Siemens-Zee.dcm", "RF-RDSR-Siemens-Zee_adjusted.dcm"])
def test_siemens_artis_xml_comment(name: str, sample: Sample) -> None:
    report = _report(sample(name))
    assert "siemens_artis_ii_field_size" in report.vendor_fixes
    assert "siemens_artis_patient_position" in report.vendor_fixes
    event = _event(report, "1480717444565.4.0")
    assert event.source is not None and event.source.ii_field_size == 220
    assert event.patient_table_relationship_cid is not None
    assert event.patient_table_relationship_cid.value == "F-10470"  # headfirst (HFS)
    assert event.patient_orientation_modifier_cid is not None
    assert event.patient_orientation_modifier_cid.value == "F-10340"  # supine


def test_canon_has_intent_outside_procedure(sample: Sample) -> None:
    report = _report(sample("RF-RDSR-Canon-Alphenix-rotational.dcm"))
    assert "has_intent_outside_procedure_reported" in report.vendor_fixes
    intent = report.projection_xray_radiation_dose[0].has_intent
    assert intent is not None and intent.value == "R-002E9"


def test_ge_empty_numbers_are_dropped_with_warning(sample: Sample) -> None:
    report = _report(sample("RF-RDSR-GE.dcm"))
    mech = report.projection_xray_radiation_dose[0].events[0].mechanical
    assert mech is not None and mech.positioner_primary_angle is None
    assert any("Positioner Primary Angle" in w for w in report.warnings)


def test_canon_cxdi_empty_dose_rp_tolerated(sample: Sample) -> None:
    report = _report(sample("DX-RDSR-Canon_CXDI.dcm"))
    accum = report.projection_xray_radiation_dose[0].accumulated[0]
    assert accum.accum_integrated is not None
    assert accum.accum_integrated.dose_rp_total is None
    assert accum.accum_integrated.dose_area_product_total == pytest.approx(1.07e-05)
    assert report.modality == "DX"
