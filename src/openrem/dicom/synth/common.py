"""Patient, study and equipment specs shared by every generated object, and Part 10 output.

The header modules written are PS3.3 C.7.1.1 Patient, C.7.2.1 General Study, C.7.2.2 Patient
Study, C.7.3.1 General Series (or C.17.1 SR Document Series), C.7.5.1 General Equipment and
C.12.1 SOP Common. Files are written as DICOM Part 10 (PS3.10 section 7) with a File Meta
Information group and the Explicit VR Little Endian transfer syntax (PS3.5 A.2).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from pydicom import dcmwrite
from pydicom.charset import convert_encodings
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import PYDICOM_IMPLEMENTATION_UID, UID, ExplicitVRLittleEndian, generate_uid

from openrem.dicom.synth.encode import CHARSET

XRAY_DOSE_SR = "1.2.840.10008.5.1.4.1.1.88.67"
RADIOPHARMACEUTICAL_DOSE_SR = "1.2.840.10008.5.1.4.1.1.88.68"
CR_IMAGE = "1.2.840.10008.5.1.4.1.1.1"
DX_PRESENTATION = "1.2.840.10008.5.1.4.1.1.1.1"
MG_PRESENTATION = "1.2.840.10008.5.1.4.1.1.1.2"
NM_IMAGE = "1.2.840.10008.5.1.4.1.1.20"
PET_IMAGE = "1.2.840.10008.5.1.4.1.1.128"

_FAMILY = ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel",
           "Wright", "Evans", "Thomas", "Roberts", "Walker", "Green", "Hall", "Wood", "Clarke")
_GIVEN_F = ("Olivia", "Amelia", "Isla", "Ava", "Emily", "Sophia", "Grace", "Mia", "Ruth", "Anne")
_GIVEN_M = ("Oliver", "George", "Harry", "Jack", "Jacob", "Noah", "Charlie", "Thomas", "Peter", "John")


def new_uid(rng: random.Random) -> str:
    """A UID under pydicom's root, derived from ``rng`` so a seeded generator repeats itself."""
    return str(generate_uid(entropy_srcs=[f"{rng.getrandbits(128):032x}"]))


def rng_or_new(rng: random.Random | None) -> random.Random:
    """``rng`` or a fresh, unseeded generator (fresh UIDs each call)."""
    return rng if rng is not None else random.Random()


def fmt_dt(value: dt.datetime) -> str:
    """A DT value (PS3.5 Table 6.2-1) without fractional seconds or offset."""
    return value.strftime("%Y%m%d%H%M%S")


def rnd(value: float, digits: int) -> float:
    """``value`` rounded to ``digits`` significant digits (what the generated DS values hold)."""
    return float(f"{value:.{digits}g}")


@dataclass(frozen=True, slots=True)
class PatientSpec:
    """Patient (C.7.1.1) and Patient Study (C.7.2.2) attributes; size in m, weight in kg."""

    name: str
    patient_id: str
    birth_date: dt.date
    sex: str
    size: float
    weight: float

    def age_at(self, date: dt.date) -> int:
        """Age in whole years on ``date``."""
        years = date.year - self.birth_date.year
        return years - ((date.month, date.day) < (self.birth_date.month, self.birth_date.day))


@dataclass(frozen=True, slots=True)
class StudySpec:
    """General Study (C.7.2.1) plus the series and instance UIDs of the object."""

    study_uid: str
    series_uid: str
    sop_uid: str
    date: dt.date
    time: dt.time
    description: str
    accession: str
    study_id: str
    referring_physician: str = ""
    operator: str = ""

    @property
    def start(self) -> dt.datetime:
        """Study date and time as one datetime."""
        return dt.datetime.combine(self.date, self.time)


@dataclass(frozen=True, slots=True)
class DeviceSpec:
    """General Equipment (C.7.5.1) and the Device Observer UID of the reports (TID 1004)."""

    manufacturer: str
    model: str
    station: str
    institution: str
    department: str
    serial: str
    software: str
    observer_uid: str


def random_patient(rng: random.Random, *, sex: str | None = None, today: dt.date | None = None) -> PatientSpec:
    """An adult patient with plausible height and weight."""
    sex = sex or rng.choice("FM")
    given = rng.choice(_GIVEN_F if sex == "F" else _GIVEN_M)
    today = today or dt.date.today()
    birth = today - dt.timedelta(days=rng.randint(18 * 365, 90 * 365))
    size = round(rng.gauss(1.64 if sex == "F" else 1.77, 0.07), 2)
    weight = float(round(rng.gauss(70 if sex == "F" else 84, 13)))
    return PatientSpec(
        name=f"{rng.choice(_FAMILY)}^{given}", patient_id=f"P{rng.randrange(10**7):07d}",
        birth_date=birth, sex=sex, size=size, weight=max(weight, 40.0),
    )


def random_study(rng: random.Random, description: str, *, when: dt.datetime | None = None) -> StudySpec:
    """A study during working hours within the last two years (or at ``when``)."""
    if when is None:
        day = dt.date.today() - dt.timedelta(days=rng.randrange(730))
        when = dt.datetime.combine(day, dt.time(rng.randint(7, 19), rng.randrange(60), rng.randrange(60)))
    return StudySpec(
        study_uid=new_uid(rng), series_uid=new_uid(rng), sop_uid=new_uid(rng), date=when.date(),
        time=when.time().replace(microsecond=0), description=description,
        accession=f"ACC{rng.randrange(10**8):08d}", study_id=str(rng.randrange(1, 99999)),
        referring_physician=f"Dr^{rng.choice(_FAMILY)}", operator=f"{rng.choice(_FAMILY)}^{rng.choice(_GIVEN_F)}",
    )


def header(sop_class: str, modality: str, patient: PatientSpec, study: StudySpec,
           device: DeviceSpec, *, series_description: str = "") -> Dataset:
    """Dataset with file meta, SOP Common, Patient, Study, Series and Equipment attributes."""
    ds = Dataset()
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = UID(sop_class)
    meta.MediaStorageSOPInstanceUID = UID(study.sop_uid)
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    meta.ImplementationClassUID = PYDICOM_IMPLEMENTATION_UID
    meta.ImplementationVersionName = "OPENREM_SYNTH"
    ds.file_meta = meta
    ds.SpecificCharacterSet = CHARSET
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = study.sop_uid
    date = study.date.strftime("%Y%m%d")
    time = study.time.strftime("%H%M%S")
    ds.StudyDate = ds.SeriesDate = ds.ContentDate = date
    ds.StudyTime = ds.SeriesTime = ds.ContentTime = time
    ds.AccessionNumber = study.accession
    ds.Modality = modality
    ds.Manufacturer = device.manufacturer
    ds.InstitutionName = device.institution
    ds.ReferringPhysicianName = study.referring_physician
    ds.StationName = device.station
    ds.StudyDescription = study.description
    ds.SeriesDescription = series_description
    ds.InstitutionalDepartmentName = device.department
    ds.OperatorsName = study.operator
    ds.ManufacturerModelName = device.model
    ds.PatientName = patient.name
    ds.PatientID = patient.patient_id
    ds.PatientBirthDate = patient.birth_date.strftime("%Y%m%d")
    ds.PatientSex = patient.sex
    ds.PatientAge = f"{patient.age_at(study.date):03d}Y"
    ds.PatientSize = f"{patient.size:.2f}"
    ds.PatientWeight = f"{patient.weight:g}"
    ds.DeviceSerialNumber = device.serial
    ds.SoftwareVersions = device.software
    ds.StudyInstanceUID = study.study_uid
    ds.SeriesInstanceUID = study.series_uid
    ds.StudyID = study.study_id
    ds.SeriesNumber = "900" if modality == "SR" else "1"
    ds.InstanceNumber = "1"
    ds.set_original_encoding(False, True, convert_encodings(CHARSET))
    return ds


def to_bytes(ds: Dataset) -> bytes:
    """Encode ``ds`` as a DICOM Part 10 file (preamble, DICM prefix, file meta, dataset)."""
    buf = BytesIO()
    dcmwrite(buf, ds, enforce_file_format=True)
    return buf.getvalue()


def write(ds: Dataset, path: str | Path) -> Path:
    """Write ``ds`` as a DICOM Part 10 file at ``path``; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(to_bytes(ds))
    return path
