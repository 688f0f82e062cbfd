"""Legacy CT importer (``openrem cttoshiba``): CT irradiation events derived from a study's image headers.

The older OpenREM read the dose screen of Toshiba scanners with an OCR program and completed the
result from image headers. This importer reads no dose screen: it builds a TID 10011 record
(PS3.16) from the CT images of one study alone, one TID 10013 event per acquisition:

* images are grouped by series; series whose images all carry one Irradiation Event UID
  (0008,3010) shared with another series (reconstructions of one acquisition) are one event;
* acquisition type (CID 10013): Acquisition Type (0018,9302) when sent, else Constant Angle for
  LOCALIZER images (Image Type 0008,0008), Spiral when a pitch factor is present, else Sequenced;
* CTDIvol, kVp, tube current: mean over the images (modulated scans vary per image);
* imaged length (see :func:`imaged_length`): the z extent of the image positions plus one
  reconstruction interval;
* DLP: the scanner's own value (``TOSHIBA_MEC_CT3`` 7005,xx40) when an image carries it, else the
  estimate CTDIvol x imaged length (cm), marked as derived in the event comment;
* total DLP: the sum of the event DLPs.

Nothing here touches a database; :mod:`openrem.dose.legacy_ct` stores the record.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from pydicom.uid import generate_uid

from openrem.dicom.classify import CT_IMAGE, SECONDARY_CAPTURE, Kind
from openrem.dicom.header import read_equipment, read_patient, read_study
from openrem.dicom.headers import xraycodes as xc
from openrem.dicom.headers.ct_slices import CtSlice, read_ct_slice
from openrem.dicom.parse import ParseFailure, describe_exception, read_dataset
from openrem.dicom.records import (
    CtAccumulated,
    CtEvent,
    CtRadiationDose,
    CtXraySource,
    DoseReport,
    ScanningLength,
)

IMPORTER = Kind.CT_TOSHIBA.value
DERIVED = "derived from CT image headers by the legacy CT importer (ct_toshiba), no dose report read"
MM_PER_CM = 10.0


@dataclass(frozen=True, slots=True)
class ImagedLength:
    """The length along z an event covered, and the rule that gave it (for the event comment)."""

    length_mm: float | None
    rule: str


def read_image(path: str | Path) -> CtSlice | str:
    """Read one file: a :class:`CtSlice`, or the reason it is not used (one line)."""
    try:
        ds, _root = read_dataset(Path(path).read_bytes())
    except OSError as exc:
        return f"cannot read file: {exc.strerror or exc}"
    except Exception as exc:  # noqa: BLE001 - unreadable bytes of any kind: a reason, never a crash
        return f"unreadable DICOM: {describe_exception(exc)}"
    sop_class = str(ds.get("SOPClassUID", "") or "").strip()
    if sop_class == SECONDARY_CAPTURE:
        return "secondary capture (dose screen): not read, the dose screen is not OCR'd"
    if sop_class != CT_IMAGE:
        return f"not a CT image (SOP class {sop_class or 'missing'})"
    try:
        found = read_ct_slice(ds)
    except Exception as exc:  # noqa: BLE001 - an element that cannot be decoded
        return f"unreadable element: {describe_exception(exc)}"
    if not (found.study_instance_uid and found.series_instance_uid and found.sop_instance_uid):
        return "CT image without Study, Series or SOP Instance UID"
    return found


def group_by_study(slices: Iterable[CtSlice]) -> dict[str, list[CtSlice]]:
    """Images by Study Instance UID (first seen first); a repeated SOP Instance UID is kept once."""
    studies: dict[str, list[CtSlice]] = {}
    seen: set[str] = set()
    for item in slices:
        if item.sop_instance_uid in seen:
            continue
        seen.add(item.sop_instance_uid)
        studies.setdefault(item.study_instance_uid, []).append(item)
    return studies


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.fmean(present) if present else None


def _max(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def imaged_length(slices: Sequence[CtSlice], localizer: bool, sequenced: bool) -> ImagedLength:
    """The imaged length of one series along z, in mm.

    * two or more distinct table positions z (Image Position (Patient) z, else Slice Location):
      ``(z_max - z_min) + interval``, the interval being the median spacing of the sorted positions
      (the reconstruction interval): n contiguous images of interval d cover n x d;
    * a localiser: the z extent of the projection image (rows and columns x pixel spacing along z);
    * one position of a sequenced (axial) scan: one rotation, the nominal total collimation;
    * otherwise unknown (None), e.g. a spiral series sent as one image.
    """
    if localizer:
        extent = _max(s.image_z_extent_mm for s in slices)
        return ImagedLength(extent, "imaged length = z extent of the localiser image")
    positions = sorted({round(s.z_mm, 3) for s in slices if s.z_mm is not None})
    if len(positions) >= 2:
        interval = statistics.median(b - a for a, b in zip(positions, positions[1:], strict=False))
        extent = positions[-1] - positions[0]
        return ImagedLength(extent + interval, f"imaged length = z extent {extent:g} mm of {len(positions)} "
                                               f"table positions + reconstruction interval {interval:g} mm")
    total = _max(s.total_collimation_mm for s in slices)
    if len(positions) == 1 and sequenced and total is not None:
        return ImagedLength(total, "imaged length = nominal total collimation (one table position)")
    return ImagedLength(None, "imaged length unknown (fewer than two table positions)")


def _acquisition_type(first: CtSlice, localizer: bool, pitch: float | None) -> str:
    if first.acquisition_type in xc.CT_ACQUISITION_TYPES:
        return first.acquisition_type
    if localizer:
        return "CONSTANT_ANGLE"
    return "SPIRAL" if pitch is not None else "SEQUENCED"


def _order(item: CtSlice) -> tuple[dt.datetime, int, str]:
    return (item.acquired or dt.datetime.max, item.series_number or 0, item.sop_instance_uid)


def event_groups(slices: Sequence[CtSlice]) -> list[tuple[str, list[list[CtSlice]]]]:
    """(key, series) per event: a shared Irradiation Event UID joins series, else one per series."""
    series: dict[str, list[CtSlice]] = {}
    for item in slices:
        series.setdefault(item.series_instance_uid, []).append(item)
    groups: dict[str, list[list[CtSlice]]] = {}
    for uid, members in series.items():
        event_uids = {m.irradiation_event_uid for m in members}
        key = event_uids.pop() if len(event_uids) == 1 and None not in event_uids else uid
        groups.setdefault(key or uid, []).append(members)
    ordered = sorted(groups.items(), key=lambda kv: min(_order(s) for g in kv[1] for s in g))
    return ordered


def _event_uid(key: str, series: list[list[CtSlice]]) -> str:
    if series[0][0].irradiation_event_uid == key:
        return key
    return str(generate_uid(entropy_srcs=[IMPORTER, "event", key]))


def _dlp(slices: list[CtSlice], ctdivol: float | None, length: ImagedLength) -> tuple[float | None, str]:
    """The event DLP in mGy.cm and how it was obtained."""
    scanner = _max(s.dlp_private_mgycm for s in slices)
    if scanner is not None:
        return scanner, "DLP from the scanner's private DLP (7005,xx40)"
    if ctdivol is not None and length.length_mm is not None:
        return ctdivol * length.length_mm / MM_PER_CM, "DLP derived = CTDIvol x imaged length (cm)"
    return None, "DLP unknown (no CTDIvol or no imaged length)"


def _sources_note(slices: list[CtSlice]) -> str:
    used = [name for name, flag in (("CTDIvol (7005,xx63)", any(s.ctdivol_private for s in slices)),
                                    ("pitch (7005,xx23)", any(s.pitch_private for s in slices)),
                                    ("collimation (7005,xx08/xx09)", any(s.collimation_private for s in slices)))
            if flag]
    return f"Toshiba private {', '.join(used)}" if used else ""


def build_event(key: str, series: list[list[CtSlice]]) -> tuple[CtEvent, list[str]]:
    """One TID 10013 event from the images of one acquisition, and warnings about it."""
    slices = sorted((s for g in series for s in g), key=_order)
    first = slices[0]
    localizer = any(s.localizer for s in slices)
    pitch = _mean(s.pitch_factor for s in slices)
    kind = _acquisition_type(first, localizer, pitch)
    lengths = [imaged_length(g, localizer, kind == "SEQUENCED") for g in series]
    length = max(lengths, key=lambda x: x.length_mm if x.length_mm is not None else -1.0)
    ctdivol = _mean(s.ctdivol_mgy for s in slices)
    dlp, dlp_rule = _dlp(slices, ctdivol, length)
    name = first.series_description or first.protocol_name or f"series {first.series_number}"
    warnings = [] if dlp is not None else [f"{name}: {dlp_rule}"]
    mas = _mean(s.exposure_mas for s in slices)
    notes = [f"Event {DERIVED}: {len(slices)} image(s) of {len(series)} series", length.rule, dlp_rule,
             _sources_note(slices), f"mean exposure per image {mas:.4g} mAs" if mas is not None else ""]
    rotation = _mean(s.revolution_time_s for s in slices)
    if rotation is None:
        rotation = _mean(s.exposure_time_ms for s in slices)
        rotation = rotation / 1000.0 if rotation is not None else None
    event = CtEvent(
        irradiation_event_uid=_event_uid(key, series),
        acquisition_protocol=first.protocol_name or first.series_description,
        ct_acquisition_type=xc.CT_ACQUISITION_TYPES[kind],
        date_time_started=first.acquired,
        series_description=first.series_description,
        mean_ctdivol=ctdivol,
        dlp=dlp,
        pitch_factor=pitch,
        nominal_single_collimation_width=_mean(s.single_collimation_mm for s in slices),
        nominal_total_collimation_width=_mean(s.total_collimation_mm for s in slices),
        number_of_xray_sources=1,
        xray_modulation_type=first.exposure_modulation_type,
        comment="; ".join(n for n in notes if n),
        scanning_length=ScanningLength(scanning_length=length.length_mm,
                                       frame_of_reference_uid=first.frame_of_reference_uid),
        xray_source_parameters=(CtXraySource(
            identification_of_the_xray_source="A",
            kvp=_mean(s.kvp for s in slices),
            maximum_xray_tube_current=_max(s.tube_current_ma for s in slices),
            xray_tube_current=_mean(s.tube_current_ma for s in slices),
            exposure_time_per_rotation=rotation,
        ),),
    )
    return event, warnings


def report_uid(slices: Sequence[CtSlice]) -> str:
    """The SOP Instance UID of the derived report: a hash of the study's image SOP Instance UIDs
    (PS3.5 9.1), so the same images give the same UID and a re-run is recognised."""
    uids = sorted(s.sop_instance_uid for s in slices)
    return str(generate_uid(entropy_srcs=[IMPORTER, slices[0].study_instance_uid, *uids]))


def total_dlp(events: Sequence[CtEvent]) -> tuple[float | None, list[str]]:
    """Sum of the event DLPs (mGy.cm), with a warning naming events left out for lack of a DLP."""
    known = [e.dlp for e in events if e.dlp is not None]
    missing = len(events) - len(known)
    warnings = [f"total DLP leaves out {missing} event(s) without a DLP"] if missing and known else []
    return (sum(known) if known else None), warnings


def build_report(slices: Sequence[CtSlice], *, uid: str | None = None) -> DoseReport:
    """The CT dose report derived from the CT images of one study.

    Parameters
    ----------
    slices : sequence of CtSlice
        The images of one study (any order, several series).
    uid : str, optional
        SOP Instance UID of the derived report; default :func:`report_uid`.

    Returns
    -------
    DoseReport
        Kind ``ct_toshiba``, modality CT, one event per acquisition, source of dose information
        "Copied From Image Attributes" (DCM 113866) and the derivation in the comments.
    """
    if not slices:
        raise ParseFailure("no CT images")
    if len({s.study_instance_uid for s in slices}) != 1:
        raise ParseFailure("CT images of more than one study")
    built = [build_event(key, series) for key, series in event_groups(slices)]
    events = tuple(e for e, _w in built)
    dlp_total, total_warnings = total_dlp(events)
    times = [e.date_time_started for e in events if e.date_time_started is not None]
    dose = CtRadiationDose(
        procedure_reported=xc.COMPUTED_TOMOGRAPHY, scope_of_accumulation=xc.SCOPE_STUDY,
        source_of_dose_information=xc.COPIED_FROM_IMAGE, comment=f"Dose {DERIVED}",
        start_of_xray_irradiation=min(times) if times else None, end_of_xray_irradiation=max(times) if times else None,
        accumulated=(CtAccumulated(total_number_of_irradiation_events=len(events), ct_dose_length_product_total=dlp_total,
                                   comment="total DLP = sum of the event DLPs"),),
        events=events,
    )
    header = min(slices, key=_order)
    warnings: list[str] = []
    for w in [*(w for s in slices for w in s.warnings), *(w for _e, ws in built for w in ws), *total_warnings]:
        if w not in warnings:
            warnings.append(w)
    study = read_study(header.dataset, warn=warnings.append, sop_instance_uid=uid or report_uid(slices),
                       sop_class_uid=CT_IMAGE, modality="CT", series_instance_uid=None, series_time=None,
                       comment=f"Dose {DERIVED}: {len(slices)} image(s), {len(events)} event(s)")
    return DoseReport(
        kind=IMPORTER, modality="CT", study=study, patient=read_patient(header.dataset, warn=warnings.append),
        equipment=read_equipment(header.dataset, use_observer_uid=False), ct_radiation_dose=(dose,),
        warnings=tuple(dict.fromkeys(warnings)),
    )


def with_stored_events(report: DoseReport, stored: Sequence[CtEvent]) -> DoseReport:
    """``report`` with the events of an earlier import of the same study added (same UID: the new
    one wins) and the totals recomputed, so images arriving in several batches make one study."""
    if not report.ct_radiation_dose or not stored:
        return report
    dose = report.ct_radiation_dose[0]
    mine = {e.irradiation_event_uid for e in dose.events}
    merged = [*(e for e in stored if e.irradiation_event_uid not in mine), *dose.events]
    merged.sort(key=lambda e: e.date_time_started or dt.datetime.max)
    dlp_total, _w = total_dlp(merged)
    accumulated = replace(dose.accumulated[0], total_number_of_irradiation_events=len(merged),
                          ct_dose_length_product_total=dlp_total) if dose.accumulated else None
    times = [e.date_time_started for e in merged if e.date_time_started is not None]
    new_dose = replace(dose, events=tuple(merged), accumulated=(accumulated,) if accumulated else (),
                       start_of_xray_irradiation=min(times) if times else None,
                       end_of_xray_irradiation=max(times) if times else None)
    return replace(report, ct_radiation_dose=(new_dose,))
