"""NM and PET image headers (PS3.3 C.8.4.10, C.8.9.1, C.8.9.2; inventory 6.7)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydicom import dcmread
from pydicom.dataset import Dataset

from openrem.dicom import parse as parse_module
from openrem.dicom.classify import NM_IMAGE, Kind
from openrem.dicom.headers import nm
from openrem.dicom.parse import ParseContext, Status, parse_path
from openrem.dicom.plain import to_plain
from reference_support import conformance, reference_study

# Importing a parser module registers it; load them all so parse_path() elsewhere finds every parser.
parse_module._load_parsers()

FILES = [
    "NM-NmIm-Siemens-s1-1.dcm",
    "NM-NmIm-Siemens-s1-2.dcm",
    "NM-NmIm-Siemens.dcm",
    "NM-PetIm-Siemens-2.dcm",
    "NM-PetIm-Siemens-3-sameseries.dcm",
    "NM-PetIm-Siemens-3.dcm",
    "NM-PetIm-Siemens.dcm",
]


def _parse(path: Path) -> Any:
    result = parse_path(path)
    assert result.status is Status.PARSED, result.reason
    assert result.report is not None
    return result.report


@pytest.mark.parametrize("name", FILES)
def test_nm_image_matches_reference(name: str, sample: Callable[[str], Path]) -> None:
    report = _parse(sample(name))
    expected = reference_study(name)
    assert report.kind == "nm_image"
    assert report.modality == expected["modality_type"] == "NM"
    tool = conformance()
    result = tool.Result()
    tool.compare(
        expected["radiopharmaceutical_radiation_dose"], to_plain(report.radiopharmaceutical_radiation_dose),
        "radiopharmaceutical_radiation_dose", result, lambda _p: False,
    )
    assert result.compared >= 8
    assert result.failed == []
    admin = report.radiopharmaceutical_radiation_dose[0].administrations[0]
    assert admin.radiopharmaceutical_administration_event_uid is None  # an RRDSR may replace it
    assert report.event_uids() == frozenset()


def test_pet_total_dose_bq_to_mbq(sample: Callable[[str], Path]) -> None:
    path = sample("NM-PetIm-Siemens.dcm")
    info = dcmread(path, stop_before_pixels=True).RadiopharmaceuticalInformationSequence[0]
    assert float(info.RadionuclideTotalDose) == 394_000_000  # Bq in the PET object
    report = _parse(path)
    dose = report.radiopharmaceutical_radiation_dose[0]
    assert dose.administrations[0].administered_activity == pytest.approx(394.0)
    series = dose.pet_series[0]
    assert series.series_uid == report.study.series_instance_uid
    assert (series.energy_window_lower_limit, series.energy_window_upper_limit) == (435, 585)
    assert series.number_of_slices == 476


def test_nm_total_dose_already_mbq(sample: Callable[[str], Path]) -> None:
    path = sample("NM-NmIm-Siemens.dcm")
    info = dcmread(path, stop_before_pixels=True).RadiopharmaceuticalInformationSequence[0]
    assert float(info.RadionuclideTotalDose) == 764
    report = _parse(path)
    dose = report.radiopharmaceutical_radiation_dose[0]
    assert dose.administrations[0].administered_activity == 764
    assert dose.pet_series == ()


def _nm_ctx(info: Dataset | None) -> ParseContext:
    ds = Dataset()
    ds.SOPClassUID = NM_IMAGE
    ds.StudyInstanceUID = "1.2.3"
    ds.StudyDate = "20220224"
    ds.Modality = "NM"
    if info is not None:
        ds.RadiopharmaceuticalInformationSequence = [info]
    return ParseContext(ds=ds, root=None, kind=Kind.NM_IMAGE)


def test_start_time_with_study_date_fallback() -> None:
    info = Dataset()
    info.RadiopharmaceuticalStartTime = "093000"
    info.RadionuclideTotalDose = "500"
    report = nm.parse(_nm_ctx(info))
    admin = report.radiopharmaceutical_radiation_dose[0].administrations[0]
    assert admin.radiopharmaceutical_start_datetime is not None
    assert admin.radiopharmaceutical_start_datetime.isoformat() == "2022-02-24T09:30:00"
    assert admin.radiopharmaceutical_stop_datetime is None
    assert admin.administered_activity == 500


def test_missing_radiopharmaceutical_information_warns() -> None:
    report = nm.parse(_nm_ctx(None))
    assert report.radiopharmaceutical_radiation_dose[0].administrations == ()
    assert any("0054,0016" in w for w in report.warnings)
