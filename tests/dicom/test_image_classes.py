"""Image objects under every SOP class that carries their dose modules, read by the right parser.

* Digital Intra-Oral X-Ray images (PS3.3 A.28) have the DX modules: read as DX images.
* A mammogram under the CR or DX Image class (a CR reader, a DX system) is read by the MG parser,
  whose dose is the mean glandular dose of Organ Dose (0040,0316).
* Legacy Converted Enhanced PET images (A.70) have the PET Isotope Module: read as PET.
* Radionuclide Total Dose (0018,1074) is in Bq in the PET Isotope Module (C.8.9.2) and in MBq in
  the NM Isotope Module (C.8.4.10): the SOP class decides, not the Modality; a value that cannot
  be in that unit is read in the other one (fix ``activity_unit_by_magnitude``).
"""

from __future__ import annotations

import random

import pytest
from pydicom.dataset import Dataset

from openrem.dicom import classify as sop
from openrem.dicom.parse import parse_bytes
from openrem.dicom.records import DoseReport
from openrem.dicom.synth import images
from openrem.dicom.synth.common import to_bytes


def _parse(ds: Dataset, sop_class: str | None = None) -> DoseReport:
    if sop_class:
        ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = sop_class
    result = parse_bytes(to_bytes(ds))
    assert result.report is not None, result.reason
    return result.report


@pytest.mark.parametrize("sop_class", [sop.INTRAORAL_PRESENTATION, sop.INTRAORAL_PROCESSING])
def test_intra_oral_images_are_read_as_dx(sop_class: str) -> None:
    ds = images.dx_image(random.Random(1))
    reference = _parse(images.dx_image(random.Random(1)))
    report = _parse(ds, sop_class)
    assert report.kind == "dx_image"
    assert report.projection_xray_radiation_dose == reference.projection_xray_radiation_dose
    assert report.projection_xray_radiation_dose[0].events[0].dose_area_product is not None


@pytest.mark.parametrize("sop_class", [sop.CR_IMAGE, sop.DX_PRESENTATION, sop.DX_PROCESSING])
def test_mammograms_under_cr_or_dx_classes_keep_their_glandular_dose(sop_class: str) -> None:
    reference = _parse(images.mg_image(random.Random(2)))
    report = _parse(images.mg_image(random.Random(2)), sop_class)
    assert report.kind == "mg_image" and report.modality == "MG"
    assert report.projection_xray_radiation_dose == reference.projection_xray_radiation_dose
    source = report.projection_xray_radiation_dose[0].events[0].source
    assert source is not None and source.average_glandular_dose is not None


def _activity(report: DoseReport) -> float | None:
    return report.radiopharmaceutical_radiation_dose[0].administrations[0].administered_activity


def test_legacy_converted_enhanced_pet_is_read_in_bq() -> None:
    ds = images.pet_image(random.Random(3))
    report = _parse(ds, sop.LEGACY_ENHANCED_PET_IMAGE)
    assert report.kind == "nm_image"
    assert _activity(report) == pytest.approx(float(ds.RadiopharmaceuticalInformationSequence[0].RadionuclideTotalDose) / 1e6)
    assert report.radiopharmaceutical_radiation_dose[0].pet_series


@pytest.mark.parametrize(("sop_class", "sent", "mbq", "fixed"), [
    (sop.NM_IMAGE, "764", 764.0, False),          # NM Isotope Module: MBq
    (sop.PET_IMAGE, "764000000", 764.0, False),   # PET Isotope Module: Bq
    (sop.NM_IMAGE, "764000000", 764.0, True),     # Bq under the NM class: cannot be 764 TBq
    (sop.PET_IMAGE, "394", 394.0, True),          # MBq under the PET class: cannot be 394 Bq
    (sop.NM_IMAGE, "11100", 11100.0, False),      # an I-131 therapy stays MBq
    (sop.PET_IMAGE, "0", 0.0, False),
])
def test_activity_unit_follows_the_isotope_module(sop_class: str, sent: str, mbq: float, fixed: bool) -> None:
    ds = images.nm_image(random.Random(4))
    ds.Modality = "PT"  # the Modality does not decide the unit
    ds.RadiopharmaceuticalInformationSequence[0].RadionuclideTotalDose = sent
    report = _parse(ds, sop_class)
    assert _activity(report) == pytest.approx(mbq)
    assert ("activity_unit_by_magnitude" in report.vendor_fixes) is fixed
    assert any("Radionuclide Total Dose" in w for w in report.warnings) is fixed


@pytest.mark.parametrize("builder", [images.dx_image, images.mg_image])
def test_exact_microampere_and_microsecond_elements_win_over_rounded_ones(builder) -> None:  # type: ignore[no-untyped-def]
    """X-Ray Tube Current (IS, mA) and Exposure Time (IS, ms) are whole numbers: a 0.45 mA, 0.4 ms
    exposure sends 0 in them and its value in the uA and us elements (DS, PS3.3 C.8.7.8)."""
    ds = builder(random.Random(6))
    ds.XRayTubeCurrent, ds.XRayTubeCurrentInuA = 0, "450"
    ds.ExposureTime, ds.ExposureTimeInuS = 0, "400"
    source = _parse(ds).projection_xray_radiation_dose[0].events[0].source
    assert source is not None
    assert source.exposure_time == pytest.approx(0.4)
    assert source.average_xray_tube_current == pytest.approx(0.45)


def _start(ds: Dataset) -> object:
    return _parse(ds).radiopharmaceutical_radiation_dose[0].administrations[0].radiopharmaceutical_start_datetime


def test_start_time_without_date_is_on_the_series_date_or_the_day_before() -> None:
    """Radiopharmaceutical Start Time uses the time base of Series Time (PS3.3 C.8.4.10): it is
    taken on the Series Date, or on the day before when it is later in the day than the series."""
    import datetime as dt

    ds = images.nm_image(random.Random(7))
    info = ds.RadiopharmaceuticalInformationSequence[0]
    del info.RadiopharmaceuticalStartDateTime
    ds.StudyDate, ds.SeriesDate, ds.SeriesTime = "20220224", "20220225", "001500"
    info.RadiopharmaceuticalStartTime = "231500"
    assert _start(ds) == dt.datetime(2022, 2, 24, 23, 15)
    info.RadiopharmaceuticalStartTime = "000500"
    assert _start(ds) == dt.datetime(2022, 2, 25, 0, 5)
    del ds.SeriesDate, ds.AcquisitionDate  # no series or acquisition date: the study's
    ds.StudyTime = "090000"
    assert _start(ds) == dt.datetime(2022, 2, 24, 0, 5)
    del ds.StudyDate  # no date at all: no moment
    assert _start(ds) is None
