"""Projection X-ray data shared by the DX/CR/PX and mammography image-header parsers.

Reads the X-Ray Acquisition (PS3.3 C.8.7.2), X-Ray Filtration (C.8.7.10), X-Ray Grid (C.8.7.11),
X-Ray Acquisition Dose (C.8.7.8), DX Detector (C.8.11.4) and DX Positioning (C.8.11.5) modules into
the TID 10003 records (event, source, mechanical and detector data). Values are read tolerantly
(:mod:`openrem.dicom.headers.elements`) and converted to the units of :mod:`openrem.dicom.units`.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TypedDict

from openrem.dicom.classify import Kind
from openrem.dicom.header import read_equipment, read_image_study, read_patient
from openrem.dicom.headers import xraycodes as xc
from openrem.dicom.headers.elements import acquisition_datetime, code, number, numbers, private_tag, text
from openrem.dicom.headers.filters import filters, grids
from openrem.dicom.parse import ParseContext, ParseFailure
from openrem.dicom.records import (
    AccumulatedXrayDose,
    Coded,
    Detector,
    Distances,
    DoseReport,
    ProjectionEvent,
    ProjectionXRayDose,
    XraySource,
)

MAS_TO_UAS = 1000.0
UA_TO_MA = 1e-3
US_TO_MS = 1e-3
MM2_TO_M2 = 1e-6
TOSHIBA_TFD_SOFTWARE = "TM_TFD_1.0"

#: Relative X-ray exposure (0018,1405) is vendor specific; label it by manufacturer (PS3.3 C.8.11.7).
RELATIVE_EXPOSURE_UNITS: tuple[tuple[str, str], ...] = (
    ("fuji", "S ()"),
    ("carestream", "EI (Mbels)"),
    ("kodak", "EI (Mbels)"),
    ("agfa", "lgM (Bels)"),
    ("konica", "S ()"),
    ("canon", "REX ()"),
    ("swissray", "DI ()"),
    ("philips", "EI ()"),
    ("siemens", "EXI (μGy)"),
)


def event_uid(ctx: ParseContext) -> str:
    """The irradiation event UID of an image: its SOP Instance UID (0008,0018), as OpenREM has always used."""
    uid = text(ctx.ds, "SOPInstanceUID")
    if not uid:
        raise ParseFailure("image without SOP Instance UID (0008,0018)")
    return uid


def toshiba_protocol_in_image_comments(ctx: ParseContext) -> str | None:
    """Toshiba radiography systems with software 'TM_TFD_1.0' name the protocol in Image Comments (0020,4000)."""
    if TOSHIBA_TFD_SOFTWARE not in (text(ctx.ds, "SoftwareVersions") or "").upper():
        return None
    found = text(ctx.ds, "ImageComments")
    if found:
        ctx.fixed("toshiba_protocol_in_image_comments")
    return found


def protocol(ctx: ParseContext) -> str | None:
    """Protocol Name (0018,1030), else the Toshiba Image Comments, else Series Description (0008,103E),
    else the Performed Protocol Code Sequence (0040,0260) meaning."""
    ds = ctx.ds
    found = text(ds, "ProtocolName") or toshiba_protocol_in_image_comments(ctx) or text(ds, "SeriesDescription")
    if found:
        return found
    seq = ds.get("PerformedProtocolCodeSequence") if "PerformedProtocolCodeSequence" in ds else None
    return text(seq[0], "CodeMeaning") if seq else None


def view(ctx: ParseContext) -> Coded | None:
    """View Code Sequence (0054,0220) as sent, else View Position (0018,5101) mapped to CID 4010 / 4014."""
    coded = code(ctx.ds, "ViewCodeSequence")
    if coded is not None:
        return coded
    position = (text(ctx.ds, "ViewPosition") or "").upper()
    return xc.VIEWS.get(position)


class ImageEventFields(TypedDict):
    """The TID 10003 fields that the CR/DX/PX and mammography image events fill the same way."""

    irradiation_event_uid: str
    acquisition_plane: Coded
    irradiation_event_type: Coded
    acquisition_protocol: str | None
    date_time_started: dt.datetime | None
    anatomical_structure: Coded | None
    target_region: Coded | None
    laterality: Coded | None
    image_view: Coded | None


def image_event_fields(ctx: ParseContext, side: str | None) -> ImageEventFields:
    """Identity, protocol, time, anatomy, laterality and view of the one event of an image.

    A single-plane stationary acquisition whose UID is the SOP Instance UID; Anatomic Region Sequence
    (0008,2218) gives both the anatomical structure and the target region; ``side`` is the
    :func:`laterality_term`. Pass the result as ``ProjectionEvent(**fields, ...)``.
    """
    anatomy = code(ctx.ds, "AnatomicRegionSequence")
    return ImageEventFields(
        irradiation_event_uid=event_uid(ctx),
        acquisition_plane=xc.SINGLE_PLANE,
        irradiation_event_type=xc.STATIONARY_ACQUISITION,
        acquisition_protocol=protocol(ctx),
        date_time_started=acquisition_datetime(ctx.ds),
        anatomical_structure=anatomy,
        target_region=anatomy,
        laterality=xc.LATERALITY[side] if side else None,
        image_view=view(ctx),
    )


def laterality_term(ctx: ParseContext) -> str | None:
    """Image Laterality (0020,0062), else Laterality (0020,0060): R, L or B (U, unpaired, is None)."""
    for keyword in ("ImageLaterality", "Laterality"):
        term = (text(ctx.ds, keyword) or "").upper()
        if term in xc.LATERALITY:
            return term
    return None


def decimal_in_integer_string(ctx: ParseContext, keyword: str) -> float | None:
    """An IS attribute (PS3.5 6.2: integer string) read whole even when sent with decimals.

    Some systems (DRGEM) send Exposure Time, X-Ray Tube Current or Exposure as '12.5'. The older
    OpenREM rounded such values and kept the exact one in the us/uA/uAs attribute; the stored fields
    here hold decimals, so the exact value is kept as sent and the fix is recorded.
    """
    found = number(ctx, keyword)
    if found is not None and not found.is_integer() and _vr_is(ctx, keyword, "IS"):
        ctx.fixed("decimal_in_integer_string")
    return found


def _vr_is(ctx: ParseContext, keyword: str, vr: str) -> bool:
    element = ctx.ds.get_item(keyword)
    return element is not None and str(getattr(element, "VR", "") or vr) == vr


def tube_current(ctx: ParseContext) -> float | None:
    """X-Ray Tube Current in mA, the most precise element first: (0018,8151) uA (DS), else (0018,9330)
    mA (FD), else (0018,1151) mA (IS: whole milliamperes, 0 for a current under 0.5 mA)."""
    micro = number(ctx, "XRayTubeCurrentInuA")
    if micro is not None:
        return micro * UA_TO_MA
    found = number(ctx, "XRayTubeCurrentInmA")
    return found if found is not None else decimal_in_integer_string(ctx, "XRayTubeCurrent")


def exposure_time(ctx: ParseContext) -> float | None:
    """Exposure Time in ms, the most precise element first: (0018,8150) us (DS), else (0018,9328) ms
    (FD), else (0018,1150) ms (IS: whole milliseconds, 0 for an exposure under 0.5 ms)."""
    micro = number(ctx, "ExposureTimeInuS")
    if micro is not None:
        return micro * US_TO_MS
    found = number(ctx, "ExposureTimeInms")
    return found if found is not None else decimal_in_integer_string(ctx, "ExposureTime")


def exposure_uas(ctx: ParseContext) -> float | None:
    """Exposure in uAs: Exposure in uAs (0018,1153), else (0018,9332) mAs, else Exposure (0018,1152) mAs."""
    found = number(ctx, "ExposureInuAs")
    if found is not None:
        return found
    milli = number(ctx, "ExposureInmAs")
    if milli is None:
        milli = decimal_in_integer_string(ctx, "Exposure")
    return milli * MAS_TO_UAS if milli is not None else None


def field_of_view(ctx: ParseContext) -> tuple[float | None, float | None, float | None]:
    """Collimated area (m2), height and width (mm) from Field of View Shape/Dimensions (0018,1147/1149)."""
    dims = numbers(ctx, "FieldOfViewDimensions")
    shape = (text(ctx.ds, "FieldOfViewShape") or "").upper()
    if shape == "ROUND" and len(dims) == 1:
        return math.pi * (dims[0] / 2) ** 2 * MM2_TO_M2, None, None
    if len(dims) >= 2:
        return dims[0] * dims[1] * MM2_TO_M2, dims[0], dims[1]
    return None, None, None


def source(ctx: ParseContext, *, canonical_grids: bool = False) -> XraySource:
    """TID 10003b source data from the image header (kVp, mA, ms, uAs, focal spot, field, filters, grid)."""
    kvp = number(ctx, "KVP")
    current = tube_current(ctx)
    uas = exposure_uas(ctx)
    area, height, width = field_of_view(ctx)
    return XraySource(
        average_xray_tube_current=current,
        exposure_time=exposure_time(ctx),
        focal_spot_size=number(ctx, "FocalSpots"),
        collimated_field_area=area,
        collimated_field_height=height,
        collimated_field_width=width,
        exposure_control_mode=text(ctx.ds, "ExposureControlMode"),
        kvp=(kvp,) if kvp is not None else (),
        xray_tube_current=(current,) if current is not None else (),
        exposure_uAs=(uas,) if uas is not None else (),
        filters=filters(ctx),
        grids=grids(ctx, canonical_order=canonical_grids),
    )


def kodak_dr7500_sid_in_dm(ctx: ParseContext, sid: float | None) -> float | None:
    """Kodak/Carestream DR 7500 send Distance Source to Detector (0018,1110) in dm instead of mm."""
    maker = ctx.manufacturer.lower()
    if sid is None or "7500" not in ctx.model or not ("kodak" in maker or "carestream" in maker):
        return sid
    if sid < 100:  # no radiographic source-image distance is shorter than 10 cm
        ctx.fixed("kodak_dr7500_sid_in_dm")
        return sid * 100
    return sid


def radiological_thickness(ctx: ParseContext) -> float | None:
    """GE private Radiological Thickness (0045,xx49, GEMS_ creator) in mm."""
    tag = private_tag(ctx.ds, 0x0045, "GEMS_", 0x49)
    return number(ctx, tag) if tag is not None else None


def distances(ctx: ParseContext, *, source_to_patient_is_isocentre: bool = True) -> Distances:
    """CID 10008 distances: SID (0018,1110), source-isocentre (0018,9402, else 0018,1111 when asked),
    source-entrance (0040,0306), table height (0018,1130) and the GE radiological thickness."""
    isocentre = number(ctx, "DistanceSourceToIsocenter")
    if isocentre is None and source_to_patient_is_isocentre:
        isocentre = number(ctx, "DistanceSourceToPatient")
    return Distances(
        distance_source_to_detector=kodak_dr7500_sid_in_dm(ctx, number(ctx, "DistanceSourceToDetector")),
        distance_source_to_isocenter=isocentre,
        distance_source_to_entrance_surface=number(ctx, "DistanceSourceToEntrance"),
        table_height_position=number(ctx, "TableHeight"),
        radiological_thickness=radiological_thickness(ctx),
    )


def relative_exposure_unit(ctx: ParseContext) -> str | None:
    """The label of the vendor-specific Relative X-Ray Exposure (0018,1405) for this manufacturer."""
    maker = ctx.manufacturer.lower()
    return next((label for key, label in RELATIVE_EXPOSURE_UNITS if key in maker), None)


def detector(ctx: ParseContext) -> Detector:
    """TID 10003a: Exposure Index, Target EI, Deviation Index (0018,1411..1413), relative exposure, sensitivity."""
    relative = number(ctx, "RelativeXRayExposure")
    return Detector(
        exposure_index=number(ctx, "ExposureIndex"),
        target_exposure_index=number(ctx, "TargetExposureIndex"),
        deviation_index=number(ctx, "DeviationIndex"),
        relative_xray_exposure=relative,
        relative_exposure_unit=relative_exposure_unit(ctx) if relative is not None else None,
        sensitivity=number(ctx, "Sensitivity"),
    )


def entrance_dose(ctx: ParseContext) -> float | None:
    """Entrance dose in mGy: Entrance Dose in mGy (0040,8302), else Entrance Dose (0040,0302) in dGy."""
    found = number(ctx, "EntranceDoseInmGy")
    if found is None:
        decigray = number(ctx, "EntranceDose")
        found = decigray * 100 if decigray else None
    return found


def report(ctx: ParseContext, modality: str | None, procedure: Coded, event: ProjectionEvent,
           accumulated: AccumulatedXrayDose) -> DoseReport:
    """A DoseReport holding one TID 10001 tree with one plane and one event (one image)."""
    ds = ctx.ds
    dose = ProjectionXRayDose(
        procedure_reported=procedure,
        scope_of_accumulation=xc.SCOPE_STUDY,
        source_of_dose_information=xc.COPIED_FROM_IMAGE,
        accumulated=(accumulated,),
        events=(event,),
    )
    return DoseReport(
        kind=ctx.kind.value,
        modality=modality,
        study=read_image_study(ctx, performed_protocol=ctx.kind is not Kind.MG_IMAGE),
        patient=read_patient(ds, warn=ctx.warn),
        equipment=read_equipment(ds, use_observer_uid=False),
        projection_xray_radiation_dose=(dose,),
        warnings=tuple(ctx.warnings),
        vendor_fixes=tuple(ctx.fixes),
    )

