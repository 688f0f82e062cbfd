"""CT dose report parser (PS3.16 TID 10011-10015): vendor fixes and details on real sample files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pydicom
import pytest

from openrem.dicom.classify import Kind
from openrem.dicom.parse import ParseContext, ParseFailure, Status, parse_path, read_dataset
from openrem.dicom.rdsr import ct
from openrem.dicom.records import DoseReport
from openrem.dicom.srtree import ContentItem

Sample = Callable[[str], Path]


def _report(sample: Sample, name: str) -> DoseReport:
    result = parse_path(sample(name))
    assert result.status is Status.PARSED, result.reason
    assert result.report is not None
    return result.report


def _event_comments(path: Path) -> list[tuple[str | None, str | None]]:
    """(X-Ray Modulation Type item, Comment) of each CT Acquisition, read with pydicom."""
    ds = pydicom.dcmread(path)
    out = []
    for item in ds.ContentSequence:
        if item.ConceptNameCodeSequence[0].CodeValue != "113819":
            continue
        found: dict[str, str] = {}
        for child in item.get("ContentSequence", []):
            code = child.ConceptNameCodeSequence[0].CodeValue
            if code in ("113842", "121106"):
                found[code] = str(child.TextValue)
        out.append((found.get("113842"), found.get("121106")))
    return out


@pytest.mark.shared
def test_siemens_flash_modulation_type_from_comment(sample: Sample) -> None:
    path = sample("CT-RDSR-Siemens_Flash-QA-DS.dcm")
    raw = _event_comments(path)
    assert raw and all(mod is None for mod, _ in raw), "the file has no X-Ray Modulation Type item"
    assert "X-ray Modulation Type = OFF" in (raw[0][1] or "")
    report = _report(sample, path.name)
    assert "ct_modulation_type_from_comment" in report.vendor_fixes
    events = report.ct_radiation_dose[0].events
    assert events[0].xray_modulation_type == "OFF"
    assert all(e.xray_modulation_type for e in events if e.comment and "Modulation Type" in e.comment)


@pytest.mark.shared
def test_modulation_item_wins_over_comment(sample: Sample) -> None:
    path = sample("CT-RDSR-Siemens-Multi-3.dcm")
    assert all(mod is not None for mod, _ in _event_comments(path))
    report = _report(sample, path.name)
    assert "ct_modulation_type_from_comment" not in report.vendor_fixes
    assert report.ct_radiation_dose[0].events[0].xray_modulation_type == "NONE"


@pytest.mark.shared
def test_dual_source_has_one_row_per_tube(sample: Sample) -> None:
    report = _report(sample, "CT-RDSR-Siemens_Flash-QA-DS.dcm")
    event = report.ct_radiation_dose[0].events[0]
    assert event.number_of_xray_sources == 2
    assert [(s.identification_of_the_xray_source, s.kvp) for s in event.xray_source_parameters] == [
        ("A", 100.0), ("B", 140.0)]


@pytest.mark.shared
def test_toshiba_dose_check_details(sample: Sample) -> None:
    report = _report(sample, "CT-RDSR-Toshiba_DoseCheck.dcm")
    (check,) = report.ct_radiation_dose[0].events[0].dose_check
    assert check.dlp_alert_value_configured is True
    assert check.dlp_notification_value_configured is False
    assert check.dlp_alert_value == 100.0
    assert check.accumulated_dlp_forward_estimate == 251.2
    assert check.alert_person_name == "Luuk"
    assert check.notification_person_name is None
    # "Identification Number of the X-Ray Source" is the older meaning of code 113832
    assert report.ct_radiation_dose[0].events[0].xray_source_parameters[0].identification_of_the_xray_source == "1"


@pytest.mark.shared
def test_ge_enhanced_sr_dlp_unit_without_dot(sample: Sample) -> None:
    report = _report(sample, "CT-ESR-GE_VCT.dcm")
    ct_dose = report.ct_radiation_dose[0]
    assert ct_dose.accumulated[0].ct_dose_length_product_total == pytest.approx(2002.39)
    assert any("'mGycm'" in w for w in report.warnings)


@pytest.mark.shared
def test_empty_target_region_is_tolerated(sample: Sample) -> None:
    report = _report(sample, "CT-RDSR-GEPixelMed.dcm")
    event = report.ct_radiation_dose[0].events[0]
    assert event.target_region is None
    assert event.irradiation_event_label == "1"
    assert event.scanning_length is not None and event.scanning_length.length_of_reconstructable_volume == 60.0


@pytest.mark.shared
def test_nm_ct_report_is_ct(sample: Sample) -> None:
    report = _report(sample, "NM-CT-RDSR-Siemens.dcm")
    assert report.modality == "CT"
    assert report.ct_radiation_dose[0].procedure_reported is not None
    assert report.ct_radiation_dose[0].procedure_reported.value in ("P5-08000", "77477000")


@pytest.mark.shared
def test_missing_study_uid_fails(sample: Sample) -> None:
    ds, root = read_dataset(sample("CT-RDSR-Toshiba_DoseCheck.dcm").read_bytes())
    del ds.StudyInstanceUID
    with pytest.raises(ParseFailure):
        ct.parse(ParseContext(ds=ds, root=root, kind=Kind.CT_RDSR))


@pytest.mark.shared
def test_empty_report_keeps_going(sample: Sample) -> None:
    ds, root = read_dataset(sample("CT-RDSR-Toshiba_DoseCheck.dcm").read_bytes())
    assert root is not None
    bare = ContentItem(relationship="", value_type="CONTAINER", concept=root.concept, template_id="10011")
    report = ct.parse(ParseContext(ds=ds, root=bare, kind=Kind.CT_RDSR))
    assert report.ct_radiation_dose[0].events == ()
    assert any("Accumulated" in w for w in report.warnings)
