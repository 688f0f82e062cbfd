"""Synthetic Radiopharmaceutical Radiation Dose SR (PS3.16 TID 10021, 10022, 10023).

SOP class 1.2.840.10008.5.1.4.1.1.88.68 (PS3.4 B.5). The root container 113500 holds the
associated procedure with its intent, one Radiopharmaceutical Administration container
(TID 10022: agent with radionuclide and half-life, administration event UID, start and stop
datetimes, administered activity in MBq, organ doses per TID 10023, route of administration) and
the patient characteristics container (age, sex, height, weight), laid out as the sampled
PET/CT vendor sends it.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from pydicom.dataset import Dataset

from openrem.dicom.synth import encode as e
from openrem.dicom.synth import sr
from openrem.dicom.synth import vocab as v
from openrem.dicom.synth.common import (
    RADIOPHARMACEUTICAL_DOSE_SR,
    DeviceSpec,
    PatientSpec,
    StudySpec,
    fmt_dt,
    header,
    new_uid,
    random_patient,
    random_study,
    rng_or_new,
)
from openrem.dicom.synth.encode import Code


@dataclass(frozen=True, slots=True)
class Tracer:
    """A radiopharmaceutical with its radionuclide, half-life (s) and typical activity range (MBq)."""

    agent: Code
    name: str
    radionuclide: Code
    half_life: float
    activity: tuple[float, float]
    procedure: Code
    pet: bool


TRACERS = (
    Tracer(v.srt("C-B1031", "Fluorodeoxyglucose F^18^"), "Fluorodeoxyglucose", v.srt("C-111A1", "^18^Fluorine"),
           6586.2, (180.0, 420.0), v.srt("P5-0A00A", "PET study for localization of tumor"), True),
    Tracer(v.srt("C-B1043", "Technetium Tc-99m medronate"), "MDP", v.srt("C-163A8", "^99m^Technetium"),
           21624.12, (500.0, 800.0), v.srt("P5-20100", "Bone scan"), False),
    Tracer(v.srt("C-B1091", "Technetium Tc-99m tetrofosmin"), "Tetrofosmin", v.srt("C-163A8", "^99m^Technetium"),
           21624.12, (300.0, 900.0), v.srt("P5-20300", "Myocardial perfusion imaging"), False),
)
ORGANS = (v.srt("T-A0100", "Brain"), v.srt("T-32000", "Heart"), v.srt("T-62002", "Liver"),
          v.srt("T-28000", "Lung"), v.srt("T-71000", "Kidney"), v.srt("T-74000", "Urinary bladder"))


@dataclass(frozen=True, slots=True)
class OrganDoseSpec:
    """TID 10023 organ dose: finding site and dose (mGy) with its reference authority."""

    organ: Code
    dose: float
    authority: str = "ICRP Publication 128"


@dataclass(frozen=True, slots=True)
class RadiopharmStudy:
    """Everything one generated RRDSR holds; activity in MBq, half-life in s."""

    patient: PatientSpec
    study: StudySpec
    device: DeviceSpec
    tracer: Tracer
    administration_uid: str
    activity: float
    start: dt.datetime
    stop: dt.datetime
    organ_doses: tuple[OrganDoseSpec, ...]


def random_nm_device(rng: random.Random, pet: bool) -> DeviceSpec:
    """A PET/CT or SPECT system."""
    manufacturer, model, station = (("SIEMENS", "Biograph Vision 600", "PETCT1") if pet
                                    else ("SIEMENS NM", "Symbia Intevo", "NM1"))
    return DeviceSpec(manufacturer, model, station, "Synthetic General Hospital", "Nuclear Medicine",
                      f"{rng.randrange(10**5):05d}", "VG80B", new_uid(rng))


def rrdsr_spec(rng: random.Random | None = None, **overrides: Any) -> RadiopharmStudy:
    """A random administration; keyword arguments replace fields of :class:`RadiopharmStudy`."""
    rng = rng_or_new(rng)
    tracer = overrides.pop("tracer", None) or rng.choice(TRACERS)
    study = overrides.pop("study", None) or random_study(rng, tracer.procedure.meaning)
    start = study.start - dt.timedelta(minutes=rng.randint(30, 90))
    activity = float(round(rng.uniform(*tracer.activity)))
    organs = tuple(OrganDoseSpec(o, round(activity * rng.uniform(0.005, 0.07), 2)) for o in ORGANS)
    values: dict[str, Any] = {
        "patient": overrides.pop("patient", None) or random_patient(rng, today=study.date),
        "study": study, "device": overrides.pop("device", None) or random_nm_device(rng, tracer.pet),
        "tracer": tracer, "administration_uid": new_uid(rng), "activity": activity, "start": start,
        "stop": start + dt.timedelta(seconds=rng.randint(10, 60)), "organ_doses": organs,
    }
    values.update(overrides)
    return RadiopharmStudy(**values)


def _administration(spec: RadiopharmStudy) -> bytes:
    t = spec.tracer
    items = [
        e.code("CONTAINS", v.RADIOPHARMACEUTICAL_AGENT, t.agent, [
            e.code("HAS PROPERTIES", v.RADIONUCLIDE, t.radionuclide),
            e.num("HAS PROPERTIES", v.RADIONUCLIDE_HALF_LIFE, t.half_life, v.U_S),
        ]),
        e.uidref("CONTAINS", v.ADMINISTRATION_EVENT_UID, spec.administration_uid),
        e.datetime("CONTAINS", v.RADIOPHARMACEUTICAL_START, fmt_dt(spec.start)),
        e.datetime("CONTAINS", v.RADIOPHARMACEUTICAL_STOP, fmt_dt(spec.stop)),
        e.num("CONTAINS", v.ADMINISTERED_ACTIVITY, spec.activity, v.U_MBQ),
    ]
    for od in spec.organ_doses:
        items.append(e.container("CONTAINS", v.ORGAN_DOSE_INFORMATION, [
            e.code("HAS CONCEPT MOD", v.FINDING_SITE, od.organ),
            e.num("CONTAINS", v.ORGAN_DOSE, od.dose, v.U_MGY,
                  [e.text("HAS PROPERTIES", v.REFERENCE_AUTHORITY, od.authority)]),
        ]))
    items.append(e.code("CONTAINS", v.ROUTE_OF_ADMINISTRATION, v.INTRAVENOUS_ROUTE))
    return e.container("CONTAINS", v.RADIOPHARMACEUTICAL_ADMINISTRATION, items)


def rrdsr_dataset(spec: RadiopharmStudy) -> Dataset:
    """Encode ``spec`` as a Radiopharmaceutical Radiation Dose SR following TID 10021."""
    ds = header(RADIOPHARMACEUTICAL_DOSE_SR, "SR", spec.patient, spec.study, spec.device,
                series_description="Radiopharmaceutical Dose Report")
    p = spec.patient
    children = [
        e.code("HAS CONCEPT MOD", v.ASSOCIATED_PROCEDURE, spec.tracer.procedure,
               [e.code("HAS CONCEPT MOD", v.HAS_INTENT, v.DIAGNOSTIC_INTENT)]),
        _administration(spec),
        e.container("CONTAINS", v.PATIENT_CHARACTERISTICS, [
            e.num("CONTAINS", v.SUBJECT_AGE, p.age_at(spec.study.date), v.U_YEAR),
            e.code("CONTAINS", v.SUBJECT_SEX, v.FEMALE if p.sex == "F" else v.MALE),
            e.num("CONTAINS", v.PATIENT_HEIGHT, p.size, v.U_M),
            e.num("CONTAINS", v.PATIENT_WEIGHT, p.weight, v.U_KG),
        ]),
    ]
    return sr.sr_document(ds, v.RADIOPHARMACEUTICAL_DOSE_REPORT, "10021", children, spec.study.start)


def rrdsr(rng: random.Random | None = None, **overrides: Any) -> Dataset:
    """A random RRDSR dataset; ``overrides`` replace fields of :class:`RadiopharmStudy`."""
    return rrdsr_dataset(rrdsr_spec(rng, **overrides))
