"""Synthetic image headers that carry dose information (no RDSR), with a tiny 2x2 image.

* DX / CR: Digital X-Ray Image (PS3.3 A.26, SOP class ...1.1.1) or CR Image (A.2, ...1.1) with
  the DX Image / CR Image attributes: KVP (0018,0060), Exposure Time (0018,1150) ms, X-Ray Tube
  Current (0018,1151) mA, Exposure in uAs (0018,1153), Image and Fluoroscopy Area Dose Product
  (0018,115E) in dGy.cm2, Exposure Index (0018,1411), Target Exposure Index (0018,1412), Deviation
  Index (0018,1413) and Distance Source to Detector (0018,1110);
* MG: Digital Mammography X-Ray Image (A.27, ...1.1.2) with Organ Dose (0040,0316) in dGy, Entrance
  Dose in mGy (0040,8302), Anode Target Material (0018,1191), Filter Material (0018,7050), Body Part
  Thickness (0018,11A0) and Compression Force (0018,11A2);
* NM and PET: NM Image (A.5, ...1.20) and PET Image (A.21, ...1.128) with the Radiopharmaceutical
  Information Sequence (0054,0016) (C.8.4.10 NM Isotope: Radionuclide Total Dose in MBq;
  C.8.9.2 PET Isotope: in Bq), radionuclide and radiopharmaceutical code sequences.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from pydicom.dataset import Dataset

from openrem.dicom.synth.common import (
    CR_IMAGE,
    DX_PRESENTATION,
    MG_PRESENTATION,
    NM_IMAGE,
    PET_IMAGE,
    DeviceSpec,
    PatientSpec,
    StudySpec,
    header,
    new_uid,
    random_patient,
    random_study,
    rng_or_new,
)
from openrem.dicom.synth.encode import Code
from openrem.dicom.synth.radiopharm import TRACERS, Tracer


@dataclass(frozen=True, slots=True)
class XrayImage:
    """A DX, CR or MG image header. DAP in dGy.cm2, organ dose in dGy, entrance dose in mGy."""

    modality: str
    patient: PatientSpec
    study: StudySpec
    device: DeviceSpec
    acquired: dt.datetime
    protocol: str
    body_part: str
    view_position: str
    kvp: float
    exposure_time: int
    tube_current: int
    exposure_uas: int
    source_to_detector: float
    dap: float | None = None
    exposure_index: float | None = None
    target_exposure_index: float | None = None
    deviation_index: float | None = None
    laterality: str | None = None
    organ_dose: float | None = None
    entrance_dose: float | None = None
    anode: str | None = None
    filter_material: str | None = None
    compression_thickness: float | None = None
    compression_force: float | None = None
    compression_pressure: float | None = None  # kPa
    compression_contact_area: float | None = None  # mm2


@dataclass(frozen=True, slots=True)
class NmImage:
    """An NM or PET image header; ``total_dose`` in MBq for NM and Bq for PET (as the standard says)."""

    pet: bool
    patient: PatientSpec
    study: StudySpec
    device: DeviceSpec
    tracer: Tracer
    administration_uid: str
    total_dose: float
    injection: dt.datetime
    series_time: dt.datetime


def _pixels(ds: Dataset, photometric: str = "MONOCHROME2") -> None:
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = photometric
    ds.Rows = ds.Columns = 2
    ds.BitsAllocated = 16
    ds.BitsStored = 12
    ds.HighBit = 11
    ds.PixelRepresentation = 0
    ds.add_new(0x7FE00010, "OW", bytes(8))


def _code_item(code: Code) -> Dataset:
    item = Dataset()
    item.CodeValue = code.value
    item.CodingSchemeDesignator = code.scheme
    item.CodeMeaning = code.meaning
    return item


def xray_image_spec(rng: random.Random | None = None, modality: str = "DX", **overrides: Any) -> XrayImage:
    """A random DX, CR or MG image header spec."""
    rng = rng_or_new(rng)
    mg = modality == "MG"
    study = overrides.pop("study", None) or random_study(rng, "Mammography" if mg else "Chest X-ray")
    ma, ms = (rng.randrange(80, 200), rng.randint(300, 1800)) if mg else (rng.randrange(100, 500), rng.randint(5, 80))
    values: dict[str, Any] = {
        "modality": modality, "study": study,
        "patient": overrides.pop("patient", None) or random_patient(rng, sex="F" if mg else None, today=study.date),
        "device": overrides.pop("device", None) or DeviceSpec(
            "HOLOGIC, Inc." if mg else "KODAK", "Selenia Dimensions" if mg else "DR 7500", f"{modality}ROOM1",
            "Synthetic General Hospital", "Radiology", f"{rng.randrange(10**6):06d}", "1.0", new_uid(rng)),
        "acquired": study.start + dt.timedelta(minutes=2), "protocol": "Screening" if mg else "Chest PA",
        "body_part": "BREAST" if mg else "CHEST", "view_position": rng.choice(("CC", "MLO")) if mg else "PA",
        "kvp": float(rng.randint(25, 34) if mg else rng.randint(60, 125)), "exposure_time": ms,
        "tube_current": ma, "exposure_uas": ma * ms, "source_to_detector": 700.0 if mg else 1800.0,
    }
    if mg:
        agd = round(rng.uniform(0.5, 3.0), 2)
        values.update(laterality=rng.choice("LR"), organ_dose=round(agd / 100, 4), entrance_dose=round(agd * 3, 2),
                      anode="TUNGSTEN", filter_material="RHODIUM", compression_thickness=float(rng.randint(30, 80)),
                      compression_force=float(rng.randint(60, 150)))
        values.update(compression_contact_area=8000.0 + 100.0 * values["compression_thickness"])  # mm2; no draw
        values.update(compression_pressure=round(values["compression_force"] / values["compression_contact_area"] * 1e3,
                                                 3))  # kPa
    else:
        target = 400.0
        values.update(dap=round(rng.uniform(0.1, 5.0), 3), exposure_index=round(rng.uniform(200, 800), 1),
                      target_exposure_index=target, deviation_index=round(rng.uniform(-3, 3), 2))
    values.update(overrides)
    return XrayImage(**values)


def xray_image_dataset(spec: XrayImage) -> Dataset:
    """Encode a DX, CR or MG image header."""
    sop = {"DX": DX_PRESENTATION, "CR": CR_IMAGE, "MG": MG_PRESENTATION}[spec.modality]
    ds = header(sop, spec.modality, spec.patient, spec.study, spec.device, series_description=spec.protocol)
    ds.ImageType = ["ORIGINAL", "PRIMARY"]
    ds.AcquisitionDate = spec.acquired.strftime("%Y%m%d")
    ds.AcquisitionTime = spec.acquired.strftime("%H%M%S")
    ds.AcquisitionDateTime = spec.acquired.strftime("%Y%m%d%H%M%S")
    if spec.modality != "CR":
        ds.PresentationIntentType = "FOR PRESENTATION"
    ds.BodyPartExamined = spec.body_part
    ds.KVP = spec.kvp
    ds.ProtocolName = spec.protocol
    ds.DistanceSourceToDetector = spec.source_to_detector
    ds.ExposureTime = spec.exposure_time
    ds.XRayTubeCurrent = spec.tube_current
    ds.ExposureInuAs = spec.exposure_uas
    ds.ViewPosition = spec.view_position
    for keyword in ("exposure_index", "target_exposure_index", "deviation_index"):
        value = getattr(spec, keyword)
        if value is not None:
            setattr(ds, "".join(p.capitalize() for p in keyword.split("_")), value)
    if spec.dap is not None:
        ds.ImageAndFluoroscopyAreaDoseProduct = spec.dap
    if spec.modality == "MG":
        ds.ImageLaterality = spec.laterality
        ds.AnodeTargetMaterial = spec.anode
        ds.FilterMaterial = spec.filter_material
        ds.BodyPartThickness = spec.compression_thickness
        ds.CompressionForce = spec.compression_force
        if spec.compression_pressure is not None:
            ds.CompressionPressure = spec.compression_pressure
        if spec.compression_contact_area is not None:
            ds.CompressionContactArea = spec.compression_contact_area
        ds.OrganDose = spec.organ_dose
        ds.OrganExposed = "BREAST"
        ds.EntranceDoseInmGy = spec.entrance_dose
    _pixels(ds, "MONOCHROME1" if spec.modality == "CR" else "MONOCHROME2")
    return ds


def nm_image_spec(rng: random.Random | None = None, pet: bool = True, **overrides: Any) -> NmImage:
    """A random NM (pet=False) or PET image header spec."""
    rng = rng_or_new(rng)
    tracer = overrides.pop("tracer", None) or rng.choice([t for t in TRACERS if t.pet == pet])
    study = overrides.pop("study", None) or random_study(rng, tracer.procedure.meaning)
    activity = float(round(rng.uniform(*tracer.activity)))
    values: dict[str, Any] = {
        "pet": pet, "study": study, "tracer": tracer,
        "patient": overrides.pop("patient", None) or random_patient(rng, today=study.date),
        "device": overrides.pop("device", None) or DeviceSpec(
            "SIEMENS", "Biograph Vision 600" if pet else "Symbia Intevo", "PETCT1" if pet else "NM1",
            "Synthetic General Hospital", "Nuclear Medicine", f"{rng.randrange(10**5):05d}", "VG80B", new_uid(rng)),
        "administration_uid": new_uid(rng), "total_dose": activity * 1e6 if pet else activity,
        "injection": study.start - dt.timedelta(minutes=rng.randint(30, 90)),
        "series_time": study.start + dt.timedelta(minutes=5),
    }
    values.update(overrides)
    return NmImage(**values)


def nm_image_dataset(spec: NmImage) -> Dataset:
    """Encode an NM or PET image header with its Radiopharmaceutical Information Sequence."""
    ds = header(PET_IMAGE if spec.pet else NM_IMAGE, "PT" if spec.pet else "NM", spec.patient, spec.study,
                spec.device, series_description="PET WB" if spec.pet else "Whole body")
    ds.ImageType = ["ORIGINAL", "PRIMARY"] if spec.pet else ["ORIGINAL", "PRIMARY", "WHOLE BODY", "EMISSION"]
    ds.SeriesDate = ds.AcquisitionDate = spec.series_time.strftime("%Y%m%d")
    ds.SeriesTime = ds.AcquisitionTime = spec.series_time.strftime("%H%M%S")
    info = Dataset()
    if spec.pet:
        info.RadiopharmaceuticalAdministrationEventUID = spec.administration_uid
    info.Radiopharmaceutical = spec.tracer.name
    info.RadiopharmaceuticalStartTime = spec.injection.strftime("%H%M%S")
    info.RadionuclideTotalDose = spec.total_dose
    info.RadionuclideHalfLife = spec.tracer.half_life
    info.RadiopharmaceuticalStartDateTime = spec.injection.strftime("%Y%m%d%H%M%S")
    info.RadionuclideCodeSequence = [_code_item(spec.tracer.radionuclide)]
    info.RadiopharmaceuticalCodeSequence = [_code_item(spec.tracer.agent)]
    ds.RadiopharmaceuticalInformationSequence = [info]
    if spec.pet:
        ds.SeriesType = ["WHOLE BODY", "IMAGE"]
        ds.Units = "BQML"
        ds.CountsSource = "EMISSION"
        ds.DecayCorrection = "START"
        ds.CorrectedImage = ["ATTN", "DECY", "SCAT"]
        ds.ReconstructionMethod = "OSEM 4i5s"
        ds.NumberOfSlices = 1
        ds.EnergyWindowRangeSequence = [Dataset()]
        ds.EnergyWindowRangeSequence[0].EnergyWindowLowerLimit = 435
        ds.EnergyWindowRangeSequence[0].EnergyWindowUpperLimit = 585
    _pixels(ds)
    return ds


def dx_image(rng: random.Random | None = None, **overrides: Any) -> Dataset:
    """A random DX image header."""
    return xray_image_dataset(xray_image_spec(rng, "DX", **overrides))


def cr_image(rng: random.Random | None = None, **overrides: Any) -> Dataset:
    """A random CR image header."""
    return xray_image_dataset(xray_image_spec(rng, "CR", **overrides))


def mg_image(rng: random.Random | None = None, **overrides: Any) -> Dataset:
    """A random MG image header."""
    return xray_image_dataset(xray_image_spec(rng, "MG", **overrides))


def nm_image(rng: random.Random | None = None, **overrides: Any) -> Dataset:
    """A random NM image header (total dose in MBq)."""
    return nm_image_dataset(nm_image_spec(rng, False, **overrides))


def pet_image(rng: random.Random | None = None, **overrides: Any) -> Dataset:
    """A random PET image header (total dose in Bq)."""
    return nm_image_dataset(nm_image_spec(rng, True, **overrides))

