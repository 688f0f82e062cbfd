"""Irradiation events of a projection RDSR as arrays for the skin dose calculation.

Reads TID 10003 (Irradiation Event X-Ray Data) with TID 10003b (source: dose at the reference
point, kVp, filters, pulses) and TID 10003c (mechanical: positioner angles, CID 10008 distances and
table positions) from :class:`openrem.dicom.records.DoseReport`. Lengths become centimetres here.
Events without the geometry the calculation needs are skipped and counted with their reason.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from openrem.dicom.records import Coded, DoseReport, ProjectionEvent

FloatArray = npt.NDArray[np.float64]

#: Irradiation event type "Rotational Acquisition" (CID 10002).
ROTATIONAL = ("113613", "DCM")
#: Patient table relationship (CID 21) and orientation modifier (CID 20), SNOMED as SRT and SCT.
HEAD_FIRST = {("F-10470", "SRT"), ("102540008", "SCT")}
FEET_FIRST = {("F-10480", "SRT"), ("102541007", "SCT")}
SUPINE = {("F-10340", "SRT"), ("40199007", "SCT")}
PRONE = {("F-10310", "SRT"), ("1240000", "SCT")}
COPPER = {("C-127F9", "SRT"), ("C-127F9", "SCT"), ("12215", "SCT"), ("C-127F9", "DCM")}
#: Upper limit of the number of frames one rotational event is divided into.
MAX_FRAMES = 720
#: Finest angular step (degrees) a rotational run is sampled at: consecutive frames closer than
#: this are merged (their dose added), which leaves the map unchanged at 1 cm cells.
MIN_STEP_DEG = 2.0


@dataclass(frozen=True, slots=True)
class Orientation:
    """Patient position on the table (PS3.3 C.7.3.1.1.2 style code: HFS, HFP, FFS, FFP) and its source."""

    code: str = "HFS"
    source: str = "assumed"


@dataclass(slots=True)
class Events:
    """One row per irradiation (rotational events expanded into frames); lengths in cm, angles in degrees."""

    primary_deg: FloatArray
    secondary_deg: FloatArray
    table_long_cm: FloatArray
    table_lat_cm: FloatArray
    table_height_cm: FloatArray
    source_iso_cm: FloatArray
    dap_gym2: FloatArray
    k_ref_gy: FloatArray
    kvp: FloatArray
    cu_mm: FloatArray
    used: int = 0
    skipped: Counter[str] = field(default_factory=Counter)

    def __len__(self) -> int:
        return int(self.k_ref_gy.shape[0])


def _code(coded: Coded | None) -> tuple[str, str] | None:
    return (coded.value, coded.scheme) if coded is not None else None


def orientation(report: DoseReport) -> Orientation:
    """HF/FF and supine/prone from the first event that states them; head-first supine otherwise."""
    for proj in report.projection_xray_radiation_dose:
        for event in proj.events:
            rel = _code(event.patient_table_relationship_cid)
            mod = _code(event.patient_orientation_modifier_cid)
            if rel is None and mod is None:
                continue
            first = "FF" if rel in FEET_FIRST else "HF"
            lying = "P" if mod in PRONE else "S"
            known = (rel in HEAD_FIRST | FEET_FIRST) and (mod in SUPINE | PRONE)
            return Orientation(first + lying, "extracted" if known else "assumed")
    return Orientation()


def _copper_mm(event: ProjectionEvent) -> float:
    """Copper filter thickness (mm); other filter materials are not used by the lookup tables."""
    if event.source is None:
        return 0.0
    total = 0.0
    for flt in event.source.filters:
        code = _code(flt.material)
        meaning = (flt.material.meaning if flt.material else "").lower()
        if code in COPPER or "copper" in meaning:
            values = [v for v in (flt.thickness_min, flt.thickness_max) if v is not None]
            total += sum(values) / len(values) if values else 0.0
    return total


def _mean_kvp(event: ProjectionEvent) -> float | None:
    values = [v for v in (event.source.kvp if event.source else ()) if v and v > 0]
    return sum(values) / len(values) if values else None


def frame_count(event: ProjectionEvent) -> int:
    """Frames of a rotational acquisition: number of pulses, or exposure time / pulse width."""
    src = event.source
    if src is None:
        return 1
    if src.number_of_pulses and src.number_of_pulses >= 1:
        return int(min(MAX_FRAMES, round(src.number_of_pulses)))
    widths = [w for w in src.pulse_width if w and w > 0]
    if src.exposure_time and widths:
        return int(min(MAX_FRAMES, max(1, round(src.exposure_time / (sum(widths) / len(widths))))))
    return 1


def skip_reason(event: ProjectionEvent) -> str | None:  # noqa: C901 - one check per required input
    """Why this event cannot be placed on the phantom, or None when it can."""
    mech = event.mechanical
    dist = mech.distances if mech else None
    src = event.source
    if mech is None or mech.positioner_primary_angle is None or mech.positioner_secondary_angle is None:
        return "no positioner angles"
    if not (-360.0 <= mech.positioner_primary_angle <= 360.0 and -90.0 <= mech.positioner_secondary_angle <= 90.0):
        return "positioner angles out of range"
    if dist is None or None in (dist.table_longitudinal_position, dist.table_lateral_position,
                                dist.table_height_position):
        return "no table positions"
    if not dist.distance_source_to_isocenter or dist.distance_source_to_isocenter <= 150.0:
        return "no source to isocentre distance"
    if not event.dose_area_product or event.dose_area_product <= 0:
        return "no dose area product"
    if src is None or not src.dose_rp or src.dose_rp <= 0:
        return "no dose at the reference point"
    return None


def _end_angle(start: float, end: float | None, rotational: bool) -> float:
    return end if rotational and end is not None else start


def collect(report: DoseReport) -> Events:  # noqa: C901 - straight extraction of one row per frame
    """Every usable event of every projection report, rotational events expanded into their frames."""
    rows: list[tuple[float, ...]] = []
    skipped: Counter[str] = Counter()
    used = 0
    for proj in report.projection_xray_radiation_dose:
        for event in proj.events:
            reason = skip_reason(event)
            if reason is not None:
                skipped[reason] += 1
                continue
            mech = event.mechanical
            assert mech is not None and mech.distances is not None and event.source is not None
            dist = mech.distances
            rotational = _code(event.irradiation_event_type) == ROTATIONAL
            a0 = float(mech.positioner_primary_angle or 0.0)
            b0 = float(mech.positioner_secondary_angle or 0.0)
            a1 = _end_angle(a0, mech.positioner_primary_end_angle, rotational)
            b1 = _end_angle(b0, mech.positioner_secondary_end_angle, rotational)
            frames = frame_count(event) if rotational else 1
            arc = max(abs(a1 - a0), abs(b1 - b0))
            frames = max(1, min(frames, int(np.ceil(arc / MIN_STEP_DEG))))
            kvp = _mean_kvp(event) or 80.0
            cu = _copper_mm(event)
            dap = float(event.dose_area_product or 0.0) / frames
            kref = float(event.source.dose_rp or 0.0) / frames
            steps = (np.arange(frames) + 0.5) / frames if frames > 1 else np.zeros(1)
            for step in steps:
                rows.append((a0 + (a1 - a0) * step, b0 + (b1 - b0) * step,
                             float(dist.table_longitudinal_position or 0.0) / 10.0,
                             float(dist.table_lateral_position or 0.0) / 10.0,
                             float(dist.table_height_position or 0.0) / 10.0,
                             float(dist.distance_source_to_isocenter or 0.0) / 10.0,
                             dap, kref, kvp, cu))
            used += 1
    table = np.array(rows, dtype=np.float64).reshape(-1, 10)
    col = [np.ascontiguousarray(table[:, i]) for i in range(10)]
    return Events(primary_deg=col[0], secondary_deg=col[1], table_long_cm=col[2], table_lat_cm=col[3],
                  table_height_cm=col[4], source_iso_cm=col[5], dap_gym2=col[6], k_ref_gy=col[7],
                  kvp=col[8], cu_mm=col[9], used=used, skipped=skipped)
