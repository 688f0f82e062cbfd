"""Synthetic Projection X-Ray Radiation Dose SR (PS3.16 TID 10001 and its sub-templates).

Three variants of the X-Ray Radiation Dose SR (SOP class 1.2.840.10008.5.1.4.1.1.88.67):

* ``RF``: Acquisition Device Type Fluoroscopy-Guided Projection Radiography System, TID 10002
  with TID 10004 (accumulated fluoroscopy and acquisition totals), fluoroscopy and stationary
  acquisition events (TID 10003 with 10003b source data and 10003c mechanical data);
* ``DX``: Integrated Projection Radiography System, TID 10007 totals, stationary acquisitions with
  exposure index, target exposure index and deviation index (TID 10003a);
* ``MG``: procedure reported Mammography, TID 10005 accumulated average glandular dose per breast,
  events with average glandular dose, entrance exposure, compression thickness, laterality, view,
  anode target material and filters.

The random specs live in :mod:`openrem.dicom.synth.projection_random`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from pydicom.dataset import Dataset

from openrem.dicom.synth import encode as e
from openrem.dicom.synth import sr
from openrem.dicom.synth import vocab as v
from openrem.dicom.synth.common import XRAY_DOSE_SR, DeviceSpec, PatientSpec, StudySpec, fmt_dt, header, rnd
from openrem.dicom.synth.encode import Code


@dataclass(frozen=True, slots=True)
class XrayFilter:
    """X-Ray Filters container (TID 10003b): type, material, thickness range in mm."""

    type: Code
    material: Code
    thickness_min: float
    thickness_max: float


@dataclass(frozen=True, slots=True)
class ProjectionEvent:
    """One TID 10003 irradiation event. DAP in Gy.m2, dose (RP) in Gy, AGD and ESD in mGy,
    exposure time and pulse width in ms, irradiation duration in s, exposure in uA.s, lengths in mm."""

    uid: str
    event_type: Code
    protocol: str
    started: dt.datetime
    target_region: Code
    dap: float
    kvp: float | tuple[float, ...]
    tube_current: float | tuple[float, ...]
    exposure_time: float
    exposure: float | None = None
    dose_rp: float | None = None
    pulse_rate: float | None = None
    number_of_pulses: float | None = None
    pulse_width: float | tuple[float, ...] | None = None
    irradiation_duration: float | None = None
    primary_angle: float | None = None
    secondary_angle: float | None = None
    source_to_detector: float | None = None
    source_to_isocenter: float | None = None
    focal_spot: float | None = None
    filters: tuple[XrayFilter, ...] = ()
    exposure_index: float | None = None
    target_exposure_index: float | None = None
    deviation_index: float | None = None
    laterality: Code | None = None
    view: Code | None = None
    agd: float | None = None
    entrance_exposure: float | None = None
    half_value_layer: float | None = None
    compression_thickness: float | None = None
    compression_force: float | None = None  # N
    compression_pressure: float | None = None  # kPa
    compression_contact_area: float | None = None  # mm2
    anode: Code | None = None
    target_region_laterality: Code | None = None

    @property
    def is_fluoro(self) -> bool:
        """True for a fluoroscopy event."""
        return self.event_type == v.FLUOROSCOPY


@dataclass(frozen=True, slots=True)
class ProjectionStudy:
    """Everything one generated projection RDSR holds; ``variant`` is RF, DX or MG."""

    variant: str
    patient: PatientSpec
    study: StudySpec
    device: DeviceSpec
    events: tuple[ProjectionEvent, ...]

    def _sum(self, attr: str, fluoro: bool | None = None) -> float:
        vals = [getattr(ev, attr) or 0.0 for ev in self.events if fluoro is None or ev.is_fluoro == fluoro]
        return rnd(sum(vals), 6)

    @property
    def dap_total(self) -> float:
        """Dose Area Product Total (Gy.m2)."""
        return self._sum("dap")

    @property
    def dose_rp_total(self) -> float:
        """Dose (RP) Total (Gy)."""
        return self._sum("dose_rp")

    @property
    def fluoro_dap_total(self) -> float:
        """Fluoro Dose Area Product Total (Gy.m2)."""
        return self._sum("dap", True)

    @property
    def fluoro_dose_rp_total(self) -> float:
        """Fluoro Dose (RP) Total (Gy)."""
        return self._sum("dose_rp", True)

    @property
    def acquisition_dap_total(self) -> float:
        """Acquisition Dose Area Product Total (Gy.m2)."""
        return self._sum("dap", False)

    @property
    def acquisition_dose_rp_total(self) -> float:
        """Acquisition Dose (RP) Total (Gy)."""
        return self._sum("dose_rp", False)

    @property
    def total_fluoro_time(self) -> float:
        """Total Fluoro Time (s): sum of the fluoroscopy irradiation durations."""
        return self._sum("irradiation_duration", True)

    @property
    def total_acquisition_time(self) -> float:
        """Total Acquisition Time (s): sum of the acquisition irradiation durations."""
        return self._sum("irradiation_duration", False)

    @property
    def total_frames(self) -> int:
        """Total Number of Radiographic Frames: acquisition pulses (one per DX/MG exposure)."""
        return int(sum(ev.number_of_pulses or 1 for ev in self.events if not ev.is_fluoro))

    def accumulated_agd(self, laterality: Code) -> float:
        """Accumulated Average Glandular Dose (mGy) of one breast (``v.LEFT`` or ``v.RIGHT``)."""
        return round(sum(ev.agd or 0.0 for ev in self.events if ev.laterality == laterality), 2)


# --------------------------------------------------------------------------- encoding


def _opt(concept: Code, value: float | tuple[float, ...] | None, unit: Code) -> Iterator[bytes]:
    if value is not None:
        yield e.num("CONTAINS", concept, value, unit)


def _accumulated(spec: ProjectionStudy) -> bytes:
    plane = e.code("HAS CONCEPT MOD", v.ACQUISITION_PLANE, v.SINGLE_PLANE)
    items = [plane]
    if spec.variant == "MG":
        for lat, breast in ((v.LEFT, v.LEFT_BREAST), (v.RIGHT, v.RIGHT_BREAST)):
            if any(ev.laterality == lat for ev in spec.events):
                items.append(e.num("CONTAINS", v.ACCUMULATED_AGD, spec.accumulated_agd(lat), v.U_MGY,
                                   [e.code("HAS CONCEPT MOD", v.LATERALITY, breast)]))
        return e.container("CONTAINS", v.ACCUMULATED_XRAY_DOSE_DATA, items)
    if spec.variant == "RF":
        items += [
            e.num("CONTAINS", v.FLUORO_DAP_TOTAL, spec.fluoro_dap_total, v.U_GYM2),
            e.num("CONTAINS", v.FLUORO_DOSE_RP_TOTAL, spec.fluoro_dose_rp_total, v.U_GY),
            e.num("CONTAINS", v.TOTAL_FLUORO_TIME, spec.total_fluoro_time, v.U_S),
            e.num("CONTAINS", v.ACQUISITION_DAP_TOTAL, spec.acquisition_dap_total, v.U_GYM2),
            e.num("CONTAINS", v.ACQUISITION_DOSE_RP_TOTAL, spec.acquisition_dose_rp_total, v.U_GY),
            e.num("CONTAINS", v.TOTAL_ACQUISITION_TIME, spec.total_acquisition_time, v.U_S),
        ]
    items += [
        e.num("CONTAINS", v.DAP_TOTAL, spec.dap_total, v.U_GYM2),
        e.num("CONTAINS", v.DOSE_RP_TOTAL, spec.dose_rp_total, v.U_GY),
        e.num("CONTAINS", v.TOTAL_RADIOGRAPHIC_FRAMES, spec.total_frames, v.U_NONE),
        e.code("CONTAINS", v.REFERENCE_POINT_DEFINITION, _reference_point(spec.variant)),
    ]
    return e.container("CONTAINS", v.ACCUMULATED_XRAY_DOSE_DATA, items)


def _reference_point(variant: str) -> Code:
    return v.RP_15CM_FROM_ISOCENTER if variant == "RF" else v.RP_IN_DETECTOR_PLANE


def _source(ev: ProjectionEvent) -> list[bytes]:
    """TID 10003b Irradiation Event X-Ray Source Data."""
    items = [*_opt(v.DOSE_RP, ev.dose_rp, v.U_GY), *_opt(v.AVERAGE_GLANDULAR_DOSE, ev.agd, v.U_MGY)]
    if ev.is_fluoro:
        items.append(e.code("CONTAINS", v.FLUORO_MODE, v.PULSED))
    items += [
        *_opt(v.PULSE_RATE, ev.pulse_rate, v.U_PULSE_RATE),
        *_opt(v.NUMBER_OF_PULSES, ev.number_of_pulses, v.U_NONE),
        *_opt(v.IRRADIATION_DURATION, ev.irradiation_duration, v.U_S),
        e.num("CONTAINS", v.KVP, ev.kvp, v.U_KV),
        e.num("CONTAINS", v.XRAY_TUBE_CURRENT, ev.tube_current, v.U_MA),
        e.num("CONTAINS", v.EXPOSURE_TIME, ev.exposure_time, v.U_MS),
        *_opt(v.PULSE_WIDTH, ev.pulse_width, v.U_MS),
        *_opt(v.EXPOSURE, ev.exposure, v.U_UAS),
        *_opt(v.FOCAL_SPOT_SIZE, ev.focal_spot, v.U_MM),
    ]
    if ev.anode is not None:
        items.append(e.code("CONTAINS", v.ANODE_TARGET_MATERIAL, ev.anode))
    for f in ev.filters:
        items.append(e.container("CONTAINS", v.XRAY_FILTERS, [
            e.code("CONTAINS", v.XRAY_FILTER_TYPE, f.type),
            e.code("CONTAINS", v.XRAY_FILTER_MATERIAL, f.material),
            e.num("CONTAINS", v.XRAY_FILTER_THICKNESS_MIN, f.thickness_min, v.U_MM),
            e.num("CONTAINS", v.XRAY_FILTER_THICKNESS_MAX, f.thickness_max, v.U_MM),
        ]))
    return items


def _event(ev: ProjectionEvent, variant: str) -> bytes:
    items = [
        e.code("HAS CONCEPT MOD", v.ACQUISITION_PLANE, v.SINGLE_PLANE),
        e.uidref("CONTAINS", v.IRRADIATION_EVENT_UID, ev.uid),
        e.datetime("CONTAINS", v.DATETIME_STARTED, fmt_dt(ev.started)),
        e.code("CONTAINS", v.IRRADIATION_EVENT_TYPE, ev.event_type),
        e.text("CONTAINS", v.ACQUISITION_PROTOCOL, ev.protocol),
    ]
    if ev.laterality is not None:
        items.append(e.code("CONTAINS", v.ANATOMICAL_STRUCTURE, v.BREAST,
                            [e.code("HAS CONCEPT MOD", v.LATERALITY, ev.laterality)]))
    if ev.view is not None:
        items.append(e.code("CONTAINS", v.IMAGE_VIEW, ev.view))
    items += [
        e.code("CONTAINS", v.TARGET_REGION, ev.target_region,
               [e.code("HAS CONCEPT MOD", v.LATERALITY, ev.target_region_laterality)]
               if ev.target_region_laterality is not None else None),
        e.num("CONTAINS", v.DAP, ev.dap, v.U_GYM2),
        *_opt(v.HALF_VALUE_LAYER, ev.half_value_layer, v.U_MM),
        *_opt(v.ENTRANCE_EXPOSURE_AT_RP, ev.entrance_exposure, v.U_MGY),
    ]
    if variant != "MG":
        items.append(e.code("CONTAINS", v.REFERENCE_POINT_DEFINITION, _reference_point(variant)))
    items += [
        *_opt(v.EXPOSURE_INDEX, ev.exposure_index, v.U_NONE),
        *_opt(v.TARGET_EXPOSURE_INDEX, ev.target_exposure_index, v.U_NONE),
        *_opt(v.DEVIATION_INDEX, ev.deviation_index, v.U_NONE),
        *_source(ev),
        *_opt(v.POSITIONER_PRIMARY_ANGLE, ev.primary_angle, v.U_DEG),
        *_opt(v.POSITIONER_SECONDARY_ANGLE, ev.secondary_angle, v.U_DEG),
        *_opt(v.COMPRESSION_THICKNESS, ev.compression_thickness, v.U_MM),
        *_opt(v.COMPRESSION_FORCE, ev.compression_force, v.U_N),
        *_opt(v.COMPRESSION_PRESSURE, ev.compression_pressure, v.U_KPA),
        *_opt(v.COMPRESSION_CONTACT_AREA, ev.compression_contact_area, v.U_MM2),
        *_opt(v.DISTANCE_SOURCE_TO_DETECTOR, ev.source_to_detector, v.U_MM),
        *_opt(v.DISTANCE_SOURCE_TO_ISOCENTER, ev.source_to_isocenter, v.U_MM),
    ]
    return e.container("CONTAINS", v.IRRADIATION_EVENT_XRAY_DATA, items)


def projection_dataset(spec: ProjectionStudy) -> Dataset:
    """Encode ``spec`` as an X-Ray Radiation Dose SR following TID 10001."""
    ds = header(XRAY_DOSE_SR, "SR", spec.patient, spec.study, spec.device,
                series_description="Radiation Dose Information")
    children = [sr.has_intent_procedure(v.MAMMOGRAPHY if spec.variant == "MG" else v.PROJECTION_XRAY)]
    if spec.variant != "MG":
        device_type = v.FLUOROSCOPY_GUIDED if spec.variant == "RF" else v.INTEGRATED
        children.append(e.code("CONTAINS", v.ACQUISITION_DEVICE_TYPE, device_type))
    children += [
        *sr.device_observer(spec.device),
        sr.study_scope(spec.study.study_uid),
        _accumulated(spec),
        *(_event(ev, spec.variant) for ev in spec.events),
        sr.source_of_dose_information(),
    ]
    end = max((ev.started for ev in spec.events), default=spec.study.start)
    return sr.sr_document(ds, v.XRAY_DOSE_REPORT, "10001", children, end)
