"""Synthetic CT image series (no dose report) for the legacy CT importer, tiny 8x8 pixel images.

Each image is a CT Image Storage object (PS3.3 A.3) with the CT Image module (C.8.2.1): KVP
(0018,0060), X-Ray Tube Current (0018,1151), Exposure (0018,1152), Exposure Time (0018,1150),
Image Type (0008,0008, LOCALIZER for scouts), Image Position / Orientation (Patient), Slice
Location, and optionally CTDIvol (0018,9345), Spiral Pitch Factor (0018,9311), Single / Total
Collimation Width (0018,9306/9307) and the Toshiba private block ``TOSHIBA_MEC_CT3`` (group 7005):
Detector Slice Thickness (xx08), detector rows (xx09), Pitch Factor (xx23), DLP (xx40, FD) and CTDIvol
(xx63, FD, or VR UN holding a packed little endian double).
"""

from __future__ import annotations

import datetime as dt
import random
import struct
from dataclasses import dataclass, replace

from pydicom.dataset import Dataset

from openrem.dicom.synth.common import (
    DeviceSpec,
    PatientSpec,
    StudySpec,
    header,
    new_uid,
    random_patient,
    random_study,
)

CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2"
TOSHIBA_CREATOR = "TOSHIBA_MEC_CT3"
AXIAL = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0)
CORONAL = (1.0, 0.0, 0.0, 0.0, 0.0, -1.0)


@dataclass(frozen=True, slots=True)
class ToshibaPrivate:
    """Values of the ``TOSHIBA_MEC_CT3`` block (None: element not written)."""

    single_collimation_mm: float | None = None
    detector_rows: str | None = None  # e.g. "0000111111110000"
    pitch: float | None = None
    dlp_mgycm: float | None = None
    ctdivol_mgy: float | None = None
    ctdivol_as_un: bool = False  # CTDIvol written with VR UN (packed double), as some archives send it


@dataclass(frozen=True, slots=True)
class CtSeries:
    """One series: its table positions (mm, one image each) and acquisition values."""

    series_number: int
    description: str
    positions_mm: tuple[float, ...]
    start: dt.datetime
    protocol: str | None = None
    kvp: float = 120.0
    tube_current_ma: tuple[float, ...] = (200.0,)  # per image, cycled
    exposure_mas: float = 100.0
    exposure_time_ms: float = 500.0
    ctdivol_mgy: tuple[float, ...] | None = (10.0,)  # per image, cycled; None: not written
    pitch: float | None = None
    single_collimation_mm: float | None = None
    total_collimation_mm: float | None = None
    localizer: bool = False
    slice_thickness_mm: float = 5.0
    irradiation_event_uid: str | None = None
    toshiba: ToshibaPrivate | None = None


def _pixels(ds: Dataset, size: int = 8) -> None:
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows = ds.Columns = size
    ds.BitsAllocated = 16
    ds.BitsStored = 12
    ds.HighBit = 11
    ds.PixelRepresentation = 0
    ds.RescaleIntercept = "-1024"
    ds.RescaleSlope = "1"
    ds.add_new(0x7FE00010, "OW", bytes(2 * size * size))


def _private(ds: Dataset, values: ToshibaPrivate) -> None:
    block = ds.private_block(0x7005, TOSHIBA_CREATOR, create=True)
    if values.single_collimation_mm is not None:
        block.add_new(0x08, "DS", f"{values.single_collimation_mm:g}")
    if values.detector_rows is not None:
        block.add_new(0x09, "LO", values.detector_rows)
    if values.pitch is not None:
        block.add_new(0x23, "DS", f"{values.pitch:g}")
    if values.dlp_mgycm is not None:
        block.add_new(0x40, "FD", values.dlp_mgycm)
    if values.ctdivol_mgy is not None:
        if values.ctdivol_as_un:
            block.add_new(0x63, "UN", struct.pack("<d", values.ctdivol_mgy))
        else:
            block.add_new(0x63, "FD", values.ctdivol_mgy)


def _acquisition(ds: Dataset, series: CtSeries, index: int) -> None:
    acquired = series.start + dt.timedelta(seconds=0.5 * index)
    ds.AcquisitionDate = acquired.strftime("%Y%m%d")
    ds.AcquisitionTime = acquired.strftime("%H%M%S.%f")
    ds.KVP = f"{series.kvp:g}"
    ds.XRayTubeCurrent = f"{series.tube_current_ma[index % len(series.tube_current_ma)]:g}"
    ds.Exposure = f"{series.exposure_mas:g}"
    ds.ExposureTime = f"{series.exposure_time_ms:g}"
    if series.ctdivol_mgy is not None:
        ds.CTDIvol = series.ctdivol_mgy[index % len(series.ctdivol_mgy)]
    if series.pitch is not None:
        ds.SpiralPitchFactor = series.pitch
    if series.single_collimation_mm is not None:
        ds.SingleCollimationWidth = series.single_collimation_mm
    if series.total_collimation_mm is not None:
        ds.TotalCollimationWidth = series.total_collimation_mm
    if series.irradiation_event_uid:
        ds.IrradiationEventUID = series.irradiation_event_uid


def ct_image(patient: PatientSpec, study: StudySpec, device: DeviceSpec, series: CtSeries, index: int,
             frame_of_reference: str) -> Dataset:
    """Image ``index`` of ``series`` (its own SOP Instance UID in ``study``)."""
    ds = header(CT_IMAGE, "CT", patient, study, device, series_description=series.description)
    ds.SeriesNumber = str(series.series_number)
    ds.InstanceNumber = str(index + 1)
    ds.SeriesTime = series.start.strftime("%H%M%S")
    ds.ProtocolName = series.protocol or series.description
    ds.ImageType = ["ORIGINAL", "PRIMARY", "LOCALIZER" if series.localizer else "AXIAL"]
    ds.FrameOfReferenceUID = frame_of_reference
    z = series.positions_mm[index]
    ds.ImagePositionPatient = [-100.0, -100.0, z] if not series.localizer else [-250.0, 0.0, z]
    ds.ImageOrientationPatient = list(CORONAL if series.localizer else AXIAL)
    ds.PixelSpacing = [62.5, 62.5] if series.localizer else [25.0, 25.0]  # 8 px: 500 mm / 200 mm field
    ds.SliceLocation = f"{z:g}"
    ds.SliceThickness = f"{series.slice_thickness_mm:g}"
    _acquisition(ds, series, index)
    if series.toshiba is not None:
        _private(ds, series.toshiba)
    _pixels(ds)
    return ds


def ct_image_study(series: list[CtSeries], *, seed: int = 0, manufacturer: str = "TOSHIBA",
                   model: str = "Aquilion", study_uid: str | None = None) -> list[Dataset]:
    """Every image of ``series`` for one patient and study (seeded UIDs, repeatable)."""
    rng = random.Random(seed)
    start = min(s.start for s in series)
    patient = random_patient(rng, today=start.date())
    study = random_study(rng, "CT CHEST ABDOMEN", when=start)
    if study_uid:
        study = replace(study, study_uid=study_uid)
    device = DeviceSpec(manufacturer, model, "CT1", "General Hospital", "Radiology", "CT-1234", "V4.40ER011",
                        new_uid(rng))
    frame = new_uid(rng)
    images = []
    for item in series:
        series_uid = new_uid(rng)
        for index in range(len(item.positions_mm)):
            spec = replace(study, series_uid=series_uid, sop_uid=new_uid(rng))
            images.append(ct_image(patient, spec, device, item, index, frame))
    return images
