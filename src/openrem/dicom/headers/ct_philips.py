"""Parser for the Philips CT "Dose Info" secondary capture.

Philips CT scanners (Brilliance, Gemini, BigBore) store the dose of an examination in a secondary
capture image: one item of the Exposure Dose Sequence (0040,030E, PS3.3 C.4.16 Radiation Dose
module) per acquisition, with the CT Acquisition Type (0018,9302), Scan Length (0018,1302), single and
total collimation (0018,9306/9307), Spiral Pitch Factor (0018,9311), CTDIvol (0018,9345), KVP,
X-Ray Tube Current in uA (0018,8151), Exposure Time in ms (0018,1150) and the private ELSCINT1 DLP
(00E1,xx21) and CTDI phantom (01E1,xx26). The result is a TID 10011 tree with one event per item.
"""

from __future__ import annotations

import datetime as dt

from pydicom.dataset import Dataset
from pydicom.uid import generate_uid

from openrem.dicom.classify import Kind
from openrem.dicom.header import read_equipment, read_patient, read_study
from openrem.dicom.headers import xraycodes as xc
from openrem.dicom.headers.elements import number, private_tag, raw_value, text
from openrem.dicom.parse import ParseContext, ParseFailure, parser
from openrem.dicom.records import (
    Coded,
    CtAccumulated,
    CtEvent,
    CtRadiationDose,
    CtXraySource,
    DoseReport,
    ScanningLength,
)
from openrem.dicom.values import parse_dt

MS_TO_S = 1e-3
UA_TO_MA = 1e-3
CREATOR = "ELSCINT1"
PHANTOMS = {"16 CM": xc.HEAD_PHANTOM, "32 CM": xc.BODY_PHANTOM}


def event_uid(sop_instance_uid: str, index: int) -> str:
    """A deterministic UID for exposure ``index``: a hash of the SOP Instance UID and the index (PS3.5 9.1)."""
    return str(generate_uid(entropy_srcs=[sop_instance_uid, "exposure", str(index)]))


def private_number(ctx: ParseContext, item: Dataset, group: int, offset: int) -> float | None:
    """A numeric ELSCINT1 private element of ``item`` (None when absent or invalid)."""
    tag = private_tag(item, group, CREATOR, offset)
    return number(ctx, tag, item) if tag is not None else None


def acquisition_type(ctx: ParseContext, item: Dataset) -> Coded | None:
    """CID 10013 code for the Acquisition Type (0018,9302) defined term."""
    term = (text(item, "AcquisitionType") or "").upper()
    found = xc.CT_ACQUISITION_TYPES.get(term)
    if term and found is None:
        ctx.warn(f"Acquisition Type (0018,9302) {term!r} is not a defined term")
    return found


def phantom(item: Dataset) -> Coded | None:
    """ELSCINT1 private CTDI phantom (01E1,xx26): '16 CM' head, '32 CM' body."""
    tag = private_tag(item, 0x01E1, CREATOR, 0x26)
    value = text(item, tag) if tag is not None else None
    return PHANTOMS.get((value or "").upper())


def _scaled(value: float | None, factor: float) -> float | None:
    return value * factor if value is not None else None


def exposure_event(ctx: ParseContext, item: Dataset, uid: str) -> CtEvent:
    """One TID 10013 event from one Exposure Dose Sequence item."""
    return CtEvent(
        irradiation_event_uid=uid,
        acquisition_protocol=text(item, "SeriesDescription"),
        ct_acquisition_type=acquisition_type(ctx, item),
        date_time_started=parse_dt(raw_value(item, "AcquisitionDateTime")),
        mean_ctdivol=number(ctx, "CTDIvol", item),
        dlp=private_number(ctx, item, 0x00E1, 0x21),
        ctdiw_phantom_type=phantom(item),
        exposure_time=_scaled(number(ctx, "ExposureTime", item), MS_TO_S),
        pitch_factor=number(ctx, "SpiralPitchFactor", item),
        nominal_single_collimation_width=number(ctx, "SingleCollimationWidth", item),
        nominal_total_collimation_width=number(ctx, "TotalCollimationWidth", item),
        number_of_xray_sources=1,
        scanning_length=ScanningLength(scanning_length=number(ctx, "ScanLength", item)),
        xray_source_parameters=(CtXraySource(
            identification_of_the_xray_source="A",
            kvp=number(ctx, "KVP", item),
            xray_tube_current=_scaled(number(ctx, "XRayTubeCurrentInuA", item), UA_TO_MA),
        ),),
    )


def study_comment(ctx: ParseContext) -> str | None:
    """The real Study Description, Comments on Radiation Dose (0040,0310) and the protocol file name."""
    tag = private_tag(ctx.ds, 0x00E1, CREATOR, 0x61)
    parts = [
        ("Study description", text(ctx.ds, "StudyDescription")),
        ("Comments on radiation dose", text(ctx.ds, "CommentsOnRadiationDose")),
        ("Protocol file", text(ctx.ds, tag) if tag is not None else None),
    ]
    return "\n".join(f"{label}: {value}" for label, value in parts if value) or None


def _bounds(events: tuple[CtEvent, ...]) -> tuple[dt.datetime | None, dt.datetime | None]:
    times = [e.date_time_started for e in events if e.date_time_started is not None]
    return (min(times), max(times)) if times else (None, None)


@parser(Kind.CT_PHILIPS)
def parse(ctx: ParseContext) -> DoseReport:
    """Read a Philips CT Dose Info secondary capture into a CT dose report.

    Parameters
    ----------
    ctx : ParseContext
        The secondary capture dataset (PS3.3 A.8) with its Exposure Dose Sequence.

    Returns
    -------
    DoseReport
        Modality "CT"; study description from Protocol Name (0018,1030); one event per exposure.
    """
    ds = ctx.ds
    sop_uid = text(ds, "SOPInstanceUID")
    items = ds.get("ExposureDoseSequence") if "ExposureDoseSequence" in ds else None
    if not sop_uid or not items:
        raise ParseFailure("Philips dose info without SOP Instance UID or Exposure Dose Sequence (0040,030E)")
    events = tuple(exposure_event(ctx, item, event_uid(sop_uid, i)) for i, item in enumerate(items))
    count = number(ctx, "TotalNumberOfExposures")
    start, end = _bounds(events)
    dose = CtRadiationDose(
        procedure_reported=xc.COMPUTED_TOMOGRAPHY,
        start_of_xray_irradiation=start,
        end_of_xray_irradiation=end,
        scope_of_accumulation=xc.SCOPE_STUDY,
        source_of_dose_information=xc.COPIED_FROM_IMAGE,
        accumulated=(CtAccumulated(
            total_number_of_irradiation_events=int(count) if count is not None else len(events),
            ct_dose_length_product_total=private_number(ctx, ds, 0x00E1, 0x21),
        ),),
        events=events,
    )
    study = read_study(ds, warn=ctx.warn, study_description=text(ds, "ProtocolName"), comment=study_comment(ctx))
    return DoseReport(
        kind=ctx.kind.value, modality="CT", study=study, patient=read_patient(ds, warn=ctx.warn),
        equipment=read_equipment(ds, use_observer_uid=False), ct_radiation_dose=(dose,),
        warnings=tuple(ctx.warnings), vendor_fixes=tuple(ctx.fixes),
    )
