"""Synthetic CT Radiation Dose SR (PS3.16 TID 10011 with TIDs 10012, 10013, 10014 and 10015).

The document is an X-Ray Radiation Dose SR (PS3.4 B.5, SOP class 1.2.840.10008.5.1.4.1.1.88.67)
laid out as CT scanners send it: procedure reported with intent, device observer context
(TID 1002/1004), start and end of irradiation, scope of accumulation, CT Accumulated Dose Data
(TID 10012: total number of irradiation events, CT Dose Length Product Total), one CT Acquisition
container per irradiation event (TID 10013: protocol, target region, CT acquisition type,
irradiation event UID, CT Acquisition Parameters with CT X-Ray Source Parameters, CT Dose with
TID 10015 Dose Check details) and the source of dose information.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, replace
from typing import Any

from pydicom.dataset import Dataset

from openrem.dicom.synth import encode as e
from openrem.dicom.synth import sr
from openrem.dicom.synth import vocab as v
from openrem.dicom.synth.common import (
    XRAY_DOSE_SR,
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

ACQUISITION_TYPES: dict[str, Code] = {
    "spiral": v.SPIRAL, "sequenced": v.SEQUENCED, "localizer": v.CONSTANT_ANGLE, "stationary": v.STATIONARY,
}


@dataclass(frozen=True, slots=True)
class CtSource:
    """CT X-Ray Source Parameters (TID 10013): kV, mA and rotation time of one tube."""

    identification: str
    kvp: float
    maximum_tube_current: float
    tube_current: float
    exposure_time_per_rotation: float


@dataclass(frozen=True, slots=True)
class CtDoseCheck:
    """TID 10015 CT Dose Check Details; a value of None means "not configured"."""

    dlp_alert_value: float | None = None
    ctdivol_alert_value: float | None = None
    accumulated_dlp_forward_estimate: float | None = None
    accumulated_ctdivol_forward_estimate: float | None = None
    alert_reason: str | None = None
    alert_person: str | None = None
    dlp_notification_value: float | None = None
    ctdivol_notification_value: float | None = None
    dlp_forward_estimate: float | None = None
    ctdivol_forward_estimate: float | None = None
    notification_reason: str | None = None
    notification_person: str | None = None


@dataclass(frozen=True, slots=True)
class CtEvent:
    """One CT irradiation event (TID 10013); CTDIvol in mGy, DLP in mGy.cm, lengths in mm."""

    uid: str
    protocol: str
    acquisition_type: str
    target_region: Code
    exposure_time: float
    scanning_length: float
    single_collimation: float
    total_collimation: float
    pitch: float | None
    sources: tuple[CtSource, ...]
    ctdivol: float
    dlp: float
    phantom: Code
    dose_check: CtDoseCheck | None = None
    water_equivalent_diameter_cm: float | None = None  # AAPM Report 220 Dw, written in cm


@dataclass(frozen=True, slots=True)
class CtStudy:
    """Everything one generated CT RDSR holds."""

    patient: PatientSpec
    study: StudySpec
    device: DeviceSpec
    events: tuple[CtEvent, ...]
    start: dt.datetime
    end: dt.datetime

    @property
    def dlp_total(self) -> float:
        """CT Dose Length Product Total (mGy.cm): the sum of the event DLPs, to 2 decimals."""
        return round(sum(ev.dlp for ev in self.events), 2)


# (protocol, region, head phantom, CTDIvol range, scan length range mm, kVp choices)
_PROTOCOLS: tuple[tuple[str, Code, bool, tuple[float, float], tuple[int, int], tuple[int, ...]], ...] = (
    ("Head Routine", v.HEAD, True, (25.0, 40.0), (140, 200), (120,)),
    ("Chest Routine", v.CHEST, False, (3.0, 12.0), (280, 380), (100, 120)),
    ("Low Dose Chest", v.CHEST, False, (1.0, 3.0), (280, 360), (100, 120)),
    ("Abdomen Pelvis", v.ABDOMEN, False, (6.0, 18.0), (380, 520), (100, 120)),
    ("Chest Abdomen Pelvis", v.CHEST_ABDOMEN_PELVIS, False, (6.0, 15.0), (600, 800), (100, 120)),
    ("Neck", v.NECK, False, (8.0, 20.0), (200, 260), (120,)),
    ("Cardiac CTA", v.HEART, False, (5.0, 30.0), (120, 160), (80, 100, 120)),
)


def _event_times(rng: random.Random, n: int, start: dt.datetime) -> list[dt.datetime]:
    times, t = [], start
    for _ in range(n):
        times.append(t)
        t += dt.timedelta(seconds=rng.randint(20, 240))
    return times


def _source(rng: random.Random, kvp: float, rotation: float, ident: str = "A") -> CtSource:
    max_ma = float(rng.randrange(100, 700, 5))
    return CtSource(ident, kvp, max_ma, float(round(max_ma * rng.uniform(0.4, 1.0))), rotation)


def random_event(rng: random.Random, protocol: str, region: Code, kind: str, *, head: bool,
                 ctdi_range: tuple[float, float], length_range: tuple[int, int], kvps: tuple[int, ...]) -> CtEvent:
    """One plausible CT event; DLP is CTDIvol times the scanning length."""
    phantom = v.IEC_HEAD_PHANTOM if head else v.IEC_BODY_PHANTOM
    if kind == "localizer":
        length, ctdivol, coll, single, pitch = rng.randint(250, 600), round(rng.uniform(0.05, 0.4), 2), 0.6, 0.6, None
        exposure = round(length / 100.0, 2)
        rotation = 0.5
    elif kind == "stationary":
        length, ctdivol, coll, single, pitch = 10, round(rng.uniform(1.0, 4.0), 2), 10.0, 5.0, None
        rotation = 0.5
        exposure = round(rotation * rng.randint(3, 15), 2)
    else:
        length = rng.randint(*length_range)
        ctdivol = round(rng.uniform(*ctdi_range), 2)
        single = rng.choice((0.5, 0.6, 0.625))
        coll = round(single * rng.choice((32, 64, 128)), 3)
        rotation = rng.choice((0.28, 0.33, 0.5, 0.75, 1.0))
        pitch = round(rng.uniform(0.6, 1.4), 3) if kind == "spiral" else None
        exposure = round(length / (coll * (pitch or 1.0)) * rotation, 2)
    kvp = float(rng.choice(kvps))
    return CtEvent(
        uid=new_uid(rng), protocol=protocol, acquisition_type=kind, target_region=region,
        exposure_time=exposure, scanning_length=float(length), single_collimation=single,
        total_collimation=coll, pitch=pitch, sources=(_source(rng, kvp, rotation),), ctdivol=ctdivol,
        dlp=round(ctdivol * length / 10.0, 2), phantom=phantom,
    )


def random_dose_check(rng: random.Random, event: CtEvent, accumulated_dlp: float) -> CtDoseCheck:
    """TID 10015 details: notification values configured, alert values with forward estimates."""
    return CtDoseCheck(
        dlp_alert_value=1000.0, ctdivol_alert_value=80.0 if event.phantom == v.IEC_HEAD_PHANTOM else 50.0,
        accumulated_dlp_forward_estimate=round(accumulated_dlp + event.dlp, 2),
        accumulated_ctdivol_forward_estimate=event.ctdivol,
        dlp_notification_value=float(rng.choice((500, 800, 1000))),
        ctdivol_notification_value=float(rng.choice((25, 40, 60))),
        dlp_forward_estimate=event.dlp, ctdivol_forward_estimate=event.ctdivol,
    )


def ct_spec(rng: random.Random | None = None, **overrides: Any) -> CtStudy:
    """A random but plausible CT study; keyword arguments replace fields of :class:`CtStudy`."""
    rng = rng_or_new(rng)
    name, region, head, ctdi, lengths, kvps = rng.choice(_PROTOCOLS)
    study = overrides.pop("study", None) or random_study(rng, f"CT {name}")
    kinds = ["localizer"] * rng.choice((1, 1, 2))
    if name == "Cardiac CTA":
        kinds += ["stationary"] + ["sequenced"] * rng.randint(1, 2)
    else:
        kinds += ["spiral"] * rng.choice((1, 1, 1, 2, 3))
    events: list[CtEvent] = []
    accumulated = 0.0
    for kind in kinds:
        label = "Topogram" if kind == "localizer" else ("Bolus tracking" if kind == "stationary" else name)
        ev = random_event(rng, label, region, kind, head=head, ctdi_range=ctdi, length_range=lengths, kvps=kvps)
        if kind in ("spiral", "sequenced") and rng.random() < 0.3:
            ev = replace(ev, dose_check=random_dose_check(rng, ev, accumulated))
        accumulated += ev.dlp
        events.append(ev)
    times = _event_times(rng, len(events) + 1, study.start + dt.timedelta(minutes=rng.randint(1, 5)))
    values: dict[str, Any] = {
        "patient": overrides.pop("patient", None) or random_patient(rng, today=study.date),
        "study": study, "device": overrides.pop("device", None) or random_ct_device(rng),
        "events": tuple(events), "start": times[0], "end": times[-1],
    }
    values.update(overrides)
    return CtStudy(**values)


def random_ct_device(rng: random.Random) -> DeviceSpec:
    """One of a few plausible CT scanners."""
    manufacturer, model, software = rng.choice((
        ("SIEMENS", "SOMATOM Definition Edge", "syngo CT VB20A"),
        ("GE MEDICAL SYSTEMS", "Revolution CT", "revo_ct_22.1"),
        ("TOSHIBA", "Aquilion ONE", "V8.3"),
    ))
    n = rng.randint(1, 3)
    return DeviceSpec(manufacturer, model, f"CT{n:02d}", "Synthetic General Hospital", "Radiology",
                      f"{rng.randrange(10**5):05d}", software, new_uid(rng))


# --------------------------------------------------------------------------- encoding


def _dose_check(dc: CtDoseCheck) -> list[bytes]:
    yes_no = {True: v.YES, False: v.NO}
    alert: list[bytes] = [
        e.code("CONTAINS", v.DLP_ALERT_CONFIGURED, yes_no[dc.dlp_alert_value is not None]),
        e.code("CONTAINS", v.CTDIVOL_ALERT_CONFIGURED, yes_no[dc.ctdivol_alert_value is not None]),
    ]
    for concept, value, unit in (
        (v.DLP_ALERT_VALUE, dc.dlp_alert_value, v.U_MGYCM), (v.CTDIVOL_ALERT_VALUE, dc.ctdivol_alert_value, v.U_MGY),
        (v.ACCUMULATED_DLP_FORWARD, dc.accumulated_dlp_forward_estimate, v.U_MGYCM),
        (v.ACCUMULATED_CTDIVOL_FORWARD, dc.accumulated_ctdivol_forward_estimate, v.U_MGY),
    ):
        if value is not None:
            alert.append(e.num("CONTAINS", concept, value, unit))
    if dc.alert_reason:
        alert.append(e.text("CONTAINS", v.REASON_FOR_PROCEEDING, dc.alert_reason))
    if dc.alert_person:
        alert.append(e.pname("CONTAINS", v.PERSON_NAME, dc.alert_person,
                             [e.code("HAS PROPERTIES", v.PERSON_ROLE, v.IRRADIATION_AUTHORIZING)]))
    notif: list[bytes] = [
        e.code("CONTAINS", v.DLP_NOTIFICATION_CONFIGURED, yes_no[dc.dlp_notification_value is not None]),
        e.code("CONTAINS", v.CTDIVOL_NOTIFICATION_CONFIGURED, yes_no[dc.ctdivol_notification_value is not None]),
    ]
    for concept, value, unit in (
        (v.DLP_NOTIFICATION_VALUE, dc.dlp_notification_value, v.U_MGYCM),
        (v.CTDIVOL_NOTIFICATION_VALUE, dc.ctdivol_notification_value, v.U_MGY),
        (v.DLP_FORWARD, dc.dlp_forward_estimate, v.U_MGYCM), (v.CTDIVOL_FORWARD, dc.ctdivol_forward_estimate, v.U_MGY),
    ):
        if value is not None:
            notif.append(e.num("CONTAINS", concept, value, unit))
    if dc.notification_reason:
        notif.append(e.text("CONTAINS", v.REASON_FOR_PROCEEDING, dc.notification_reason))
    if dc.notification_person:
        notif.append(e.pname("CONTAINS", v.PERSON_NAME, dc.notification_person,
                             [e.code("HAS PROPERTIES", v.PERSON_ROLE, v.IRRADIATION_AUTHORIZING)]))
    return [e.container("CONTAINS", v.DOSE_CHECK_ALERT_DETAILS, alert),
            e.container("CONTAINS", v.DOSE_CHECK_NOTIFICATION_DETAILS, notif)]


def _event(ev: CtEvent) -> bytes:
    params = [
        e.num("CONTAINS", v.EXPOSURE_TIME, ev.exposure_time, v.U_S),
        e.num("CONTAINS", v.SCANNING_LENGTH, ev.scanning_length, v.U_MM),
        e.num("CONTAINS", v.SINGLE_COLLIMATION, ev.single_collimation, v.U_MM),
        e.num("CONTAINS", v.TOTAL_COLLIMATION, ev.total_collimation, v.U_MM),
    ]
    if ev.pitch is not None:
        params.append(e.num("CONTAINS", v.PITCH_FACTOR, ev.pitch, v.U_RATIO))
    params.append(e.num("CONTAINS", v.NUMBER_OF_XRAY_SOURCES, len(ev.sources), v.U_SOURCES))
    for src in ev.sources:
        params.append(e.container("CONTAINS", v.CT_XRAY_SOURCE_PARAMETERS, [
            e.text("CONTAINS", v.SOURCE_ID, src.identification),
            e.num("CONTAINS", v.KVP, src.kvp, v.U_KV),
            e.num("CONTAINS", v.MAXIMUM_TUBE_CURRENT, src.maximum_tube_current, v.U_MA),
            e.num("CONTAINS", v.XRAY_TUBE_CURRENT, src.tube_current, v.U_MA),
            e.num("CONTAINS", v.EXPOSURE_TIME_PER_ROTATION, src.exposure_time_per_rotation, v.U_S),
        ]))
    dose = [
        e.num("CONTAINS", v.MEAN_CTDIVOL, ev.ctdivol, v.U_MGY),
        e.code("CONTAINS", v.CTDIW_PHANTOM_TYPE, ev.phantom),
        e.num("CONTAINS", v.DLP, ev.dlp, v.U_MGYCM),
    ]
    if ev.water_equivalent_diameter_cm is not None:
        dose.append(e.num("CONTAINS", v.WATER_EQUIVALENT_DIAMETER, ev.water_equivalent_diameter_cm, v.U_CM))
    if ev.dose_check is not None:
        dose += _dose_check(ev.dose_check)
    return e.container("CONTAINS", v.CT_ACQUISITION, [
        e.text("CONTAINS", v.ACQUISITION_PROTOCOL, ev.protocol),
        e.code("CONTAINS", v.TARGET_REGION, ev.target_region),
        e.code("CONTAINS", v.CT_ACQUISITION_TYPE, ACQUISITION_TYPES[ev.acquisition_type]),
        e.uidref("CONTAINS", v.IRRADIATION_EVENT_UID, ev.uid),
        e.container("CONTAINS", v.CT_ACQUISITION_PARAMETERS, params),
        e.container("CONTAINS", v.CT_DOSE, dose),
    ])


def ct_dataset(spec: CtStudy) -> Dataset:
    """Encode ``spec`` as an X-Ray Radiation Dose SR following TID 10011."""
    ds = header(XRAY_DOSE_SR, "SR", spec.patient, spec.study, spec.device,
                series_description="Radiation Dose Information")
    children = [
        sr.has_intent_procedure(v.COMPUTED_TOMOGRAPHY),
        *sr.device_observer(spec.device),
        *sr.irradiation_span(spec.start, spec.end),
        sr.study_scope(spec.study.study_uid),
        e.container("CONTAINS", v.CT_ACCUMULATED_DOSE_DATA, [
            e.num("CONTAINS", v.TOTAL_NUMBER_OF_IRRADIATION_EVENTS, len(spec.events), v.U_EVENTS),
            e.num("CONTAINS", v.CT_DLP_TOTAL, spec.dlp_total, v.U_MGYCM),
        ]),
        *(_event(ev) for ev in spec.events),
        sr.source_of_dose_information(),
    ]
    return sr.sr_document(ds, v.XRAY_DOSE_REPORT, "10011", children, spec.end)


def ct_rdsr(rng: random.Random | None = None, **overrides: Any) -> Dataset:
    """A random CT RDSR dataset; ``overrides`` replace fields of :class:`CtStudy`."""
    return ct_dataset(ct_spec(rng, **overrides))
