"""PS3.16 TID 10013 CT Irradiation Event Data, with TID 10014 Scanning Length.

One CT Acquisition container (113819) becomes one :class:`~openrem.dicom.records.CtEvent`:
the event's identification, its CT Acquisition Parameters (113822) with the scanning length
rows of TID 10014 and one CT X-Ray Source Parameters row (113831) per X-ray source, its CT Dose
container (113829) and the CT Dose Check Details of TID 10015.
"""

from __future__ import annotations

import re

from openrem.dicom import codes
from openrem.dicom.header import repair_utf8_text
from openrem.dicom.parse import ParseContext
from openrem.dicom.rdsr.ct_dosecheck import read_dose_check
from openrem.dicom.rdsr.ct_values import count, measure
from openrem.dicom.rdsr.moments import read_datetime
from openrem.dicom.rdsr.nesting import contained_one
from openrem.dicom.rdsr.proj_events import target_region_laterality
from openrem.dicom.records import CtEvent, CtXraySource, ScanningLength
from openrem.dicom.srtree import ContentItem

_MODULATION_IN_COMMENT = re.compile(r"X-ray\s+Modulation\s+Type\s*=\s*([^,;\n]+)", re.IGNORECASE)


def read_event(ctx: ParseContext, event: ContentItem) -> CtEvent:
    """Read one CT Acquisition container (TID 10013).

    A missing Irradiation Event UID (mandatory) is recorded as a warning and the event is kept
    with an empty UID, so that its dose is not lost.
    """
    uid = event.txt(codes.IRRADIATION_EVENT_UID)
    if not uid:
        ctx.warn("CT Acquisition without Irradiation Event UID")
    params = contained_one(ctx, event, codes.CT_ACQUISITION_PARAMETERS, "TID 10013")
    ct_dose = contained_one(ctx, event, codes.CT_DOSE, "TID 10013")
    comment = event.txt(codes.COMMENT)
    modulation = event.txt(codes.XRAY_MODULATION_TYPE)
    if not modulation and comment:
        modulation = _fix_modulation_type_from_comment(ctx, comment)
    return CtEvent(
        irradiation_event_uid=uid or "",
        acquisition_protocol=repair_utf8_text(ctx, event.txt(codes.ACQUISITION_PROTOCOL)),
        ct_acquisition_type=event.coded(codes.CT_ACQUISITION_TYPE),
        target_region=event.coded(codes.TARGET_REGION),
        target_region_laterality=target_region_laterality(event),
        procedure_context=event.coded(codes.PROCEDURE_CONTEXT),
        irradiation_event_label=event.txt(codes.IRRADIATION_EVENT_LABEL),
        date_time_started=read_datetime(ctx, event, codes.DATETIME_STARTED),
        mean_ctdivol=measure(ctx, ct_dose, codes.MEAN_CTDIVOL, "mGy"),
        dlp=measure(ctx, ct_dose, codes.DLP, "mGy.cm"),
        ctdiw_phantom_type=ct_dose.coded(codes.CTDIW_PHANTOM_TYPE) if ct_dose is not None else None,
        ctdifreeair_calculation_factor=measure(ctx, ct_dose, codes.CTDIFREEAIR_CALCULATION_FACTOR, None),
        mean_ctdifreeair=measure(ctx, ct_dose, codes.MEAN_CTDIFREEAIR, "mGy"),
        effective_dose=measure(ctx, ct_dose, codes.EFFECTIVE_DOSE, "mSv"),
        effective_dose_conversion_factor=_conversion_factor(ctx, ct_dose),
        water_equivalent_diameter=_water_equivalent_diameter(ctx, ct_dose),
        exposure_time=measure(ctx, params, codes.EXPOSURE_TIME, "s"),
        pitch_factor=measure(ctx, params, codes.PITCH_FACTOR, None),
        nominal_single_collimation_width=measure(ctx, params, codes.NOMINAL_SINGLE_COLLIMATION_WIDTH, "mm"),
        nominal_total_collimation_width=measure(ctx, params, codes.NOMINAL_TOTAL_COLLIMATION_WIDTH, "mm"),
        number_of_xray_sources=count(ctx, params, codes.NUMBER_OF_XRAY_SOURCES),
        xray_modulation_type=modulation,
        comment=comment,
        scanning_length=read_scanning_length(ctx, params) if params is not None else None,
        xray_source_parameters=read_sources(ctx, params) if params is not None else (),
        dose_check=read_dose_check(ctx, event, ct_dose),
    )


def _conversion_factor(ctx: ParseContext, ct_dose: ContentItem | None) -> float | None:
    """Effective Dose Conversion Factor: a child of Effective Dose (TID 10013), or of CT Dose."""
    if ct_dose is None:
        return None
    effective = ct_dose.find(codes.EFFECTIVE_DOSE)
    found = measure(ctx, effective, codes.EFFECTIVE_DOSE_CONVERSION_FACTOR, "mSv/(mGy.cm)")
    if found is None:
        found = measure(ctx, ct_dose, codes.EFFECTIVE_DOSE_CONVERSION_FACTOR, "mSv/(mGy.cm)")
    return found


def _water_equivalent_diameter(ctx: ParseContext, ct_dose: ContentItem | None) -> float | None:
    """Water Equivalent Diameter (113980, DCM; AAPM Report 220) in mm, from the CT Dose container.

    CP-1525 added it to TID 10013 with the Size Specific Dose Estimation rows; it is looked for at
    any depth below CT Dose (directly or under the item it qualifies), first occurrence wins.
    """
    if ct_dose is None:
        return None
    for parent in ct_dose.walk():
        if parent.find(codes.WATER_EQUIVALENT_DIAMETER) is not None:
            return measure(ctx, parent, codes.WATER_EQUIVALENT_DIAMETER, "mm")
    return None


def read_scanning_length(ctx: ParseContext, params: ContentItem) -> ScanningLength:
    """TID 10014 Scanning Length rows of a CT Acquisition Parameters container (lengths in mm)."""
    return ScanningLength(
        scanning_length=measure(ctx, params, codes.SCANNING_LENGTH, "mm"),
        length_of_reconstructable_volume=measure(ctx, params, codes.LENGTH_OF_RECONSTRUCTABLE_VOLUME, "mm"),
        exposed_range=measure(ctx, params, codes.EXPOSED_RANGE, "mm"),
        top_z_location_of_reconstructable_volume=measure(ctx, params, codes.TOP_Z_OF_RECONSTRUCTABLE_VOLUME, "mm"),
        bottom_z_location_of_reconstructable_volume=measure(
            ctx, params, codes.BOTTOM_Z_OF_RECONSTRUCTABLE_VOLUME, "mm"),
        top_z_location_of_scanning_length=measure(ctx, params, codes.TOP_Z_OF_SCANNING_LENGTH, "mm"),
        bottom_z_location_of_scanning_length=measure(ctx, params, codes.BOTTOM_Z_OF_SCANNING_LENGTH, "mm"),
        frame_of_reference_uid=params.txt(codes.FRAME_OF_REFERENCE_UID),
    )


def read_sources(ctx: ParseContext, params: ContentItem) -> tuple[CtXraySource, ...]:
    """CT X-Ray Source Parameters (TID 10013), one row per X-ray source (two for dual source CT)."""
    rows = []
    for src in params.find_all(codes.CT_XRAY_SOURCE_PARAMETERS):
        ident = src.find(codes.IDENTIFICATION_OF_XRAY_SOURCE)
        rows.append(CtXraySource(
            # TEXT in the template; the number is used where a system sends it as NUM.
            identification_of_the_xray_source=(ident.as_text() or ident.number) if ident is not None else None,
            kvp=measure(ctx, src, codes.KVP, "kV"),
            maximum_xray_tube_current=measure(ctx, src, codes.MAXIMUM_XRAY_TUBE_CURRENT, "mA"),
            xray_tube_current=measure(ctx, src, codes.XRAY_TUBE_CURRENT, "mA"),
            exposure_time_per_rotation=measure(ctx, src, codes.EXPOSURE_TIME_PER_ROTATION, "s"),
            xray_filter_aluminum_equivalent=measure(ctx, src, codes.XRAY_FILTER_ALUMINUM_EQUIVALENT, "mm[Al]"),
        ))
    return tuple(rows)


def _fix_modulation_type_from_comment(ctx: ParseContext, comment: str) -> str | None:
    """Siemens CT puts the X-Ray Modulation Type (113842) only in the event Comment.

    The comment reads "Internal technical scan parameters: ..., X-ray Modulation Type = OFF, ...";
    the value after the equals sign is used when the event has no X-Ray Modulation Type item.
    """
    match = _MODULATION_IN_COMMENT.search(comment)
    if match is None:
        return None
    value = match.group(1).strip()
    if not value:
        return None
    ctx.fixed("ct_modulation_type_from_comment")
    return value
