"""Parser for mammography image headers (one image, one irradiation event).

Reads Digital Mammography X-Ray images for presentation / processing (PS3.3 A.27) and the Hologic
tomosynthesis projection secondary captures (Modality MG, ORIGINAL image type): X-Ray Acquisition
Dose (C.8.7.8) with Organ Dose (0040,0316) in dGy (the average glandular dose), Entrance Dose in mGy
(0040,8302), Anode Target Material (0018,1191), Filter Material (0018,7050), Body Part Thickness
(0018,11A0), Compression Force (0018,11A2) and the DX Positioning module (C.8.11.5). The result is a
TID 10001 tree with one event and the accumulated AGD of the breast imaged (TID 10005).
"""

from __future__ import annotations

import dataclasses
import re

from openrem.dicom.classify import Kind
from openrem.dicom.headers import xray
from openrem.dicom.headers import xraycodes as xc
from openrem.dicom.headers.elements import number, text
from openrem.dicom.headers.filters import material
from openrem.dicom.parse import ParseContext, parser
from openrem.dicom.records import (
    AccumMammography,
    AccumulatedXrayDose,
    DoseReport,
    Mechanical,
    ProjectionEvent,
)

DGY_TO_MGY = 100.0
_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")


def average_glandular_dose(ctx: ParseContext) -> float | None:
    """Organ Dose (0040,0316), dGy: for mammography the average glandular dose; returned in mGy."""
    dose = number(ctx, "OrganDose")
    return dose * DGY_TO_MGY if dose is not None else None


def ge_glandularity_in_dose_comment(ctx: ParseContext) -> float | None:
    """GE Senographe put the breast glandularity ('31 %') in Comments on Radiation Dose (0040,0310)."""
    if "GE" not in ctx.manufacturer.upper().split():
        return None
    match = _PERCENT.match(text(ctx.ds, "CommentsOnRadiationDose") or "")
    if match is None:
        return None
    ctx.fixed("ge_glandularity_in_dose_comment")
    return float(match.group(1))


def mechanical(ctx: ParseContext) -> Mechanical:
    """TID 10003c: column angulation (Positioner Primary Angle), compression thickness, force (N),
    pressure (kPa, 0018,11A3) and contact area (mm2, 0018,11A5),
    magnification (0018,1114) and distances (SID, source-entrance, GE radiological thickness)."""
    return Mechanical(
        column_angulation=number(ctx, "PositionerPrimaryAngle"),
        compression_thickness=number(ctx, "BodyPartThickness"),
        compression_force=number(ctx, "CompressionForce"),
        compression_pressure=number(ctx, "CompressionPressure"),
        compression_contact_area=number(ctx, "CompressionContactArea"),
        magnification_factor=number(ctx, "EstimatedRadiographicMagnificationFactor"),
        distances=xray.distances(ctx, source_to_patient_is_isocentre=False),
    )


def event(ctx: ParseContext, agd: float | None, side: str | None) -> ProjectionEvent:
    """The one irradiation event of the image (TID 10003 with mammography content)."""
    target = text(ctx.ds, "AnodeTargetMaterial")
    source = dataclasses.replace(
        xray.source(ctx, canonical_grids=True),
        average_glandular_dose=agd,
        anode_target_material=material(ctx, target) if target else None,
    )
    return ProjectionEvent(
        **xray.image_event_fields(ctx, side),
        entrance_exposure_at_rp=xray.entrance_dose(ctx),
        half_value_layer=number(ctx, "HalfValueLayer"),
        percent_fibroglandular_tissue=ge_glandularity_in_dose_comment(ctx),
        comment=text(ctx.ds, "ExposureControlModeDescription"),
        source=source,
        mechanical=mechanical(ctx),
        detector=xray.detector(ctx),
    )


@parser(Kind.MG_IMAGE)
def parse(ctx: ParseContext) -> DoseReport:
    """Read one mammography image into a DoseReport with one event and the AGD per breast.

    Parameters
    ----------
    ctx : ParseContext
        The image dataset (PS3.3 A.27 Digital Mammography X-Ray Image IOD, or a Hologic MG
        secondary capture) and collectors.

    Returns
    -------
    DoseReport
        Modality "MG"; the accumulated plane holds one TID 10005 row for the breast imaged.
    """
    agd = average_glandular_dose(ctx)
    side = xray.laterality_term(ctx)
    if side is None:
        ctx.warn("no Image Laterality (0020,0062) or Laterality (0020,0060): AGD not attributed to a breast")
    rows = (AccumMammography(laterality=xc.BREASTS[side], accumulated_average_glandular_dose=agd),) if side else ()
    accumulated = AccumulatedXrayDose(acquisition_plane=xc.SINGLE_PLANE, accum_mammography=rows)
    return xray.report(ctx, "MG", xc.MAMMOGRAPHY, event(ctx, agd, side), accumulated)
