"""Parser for CR, DX and PX image headers (one image, one irradiation event).

Reads CR Image (PS3.3 C.8.1.2), DX Image / DX Anatomy Imaged / DX Positioning (C.8.11), X-Ray
Acquisition Dose (C.8.7.8: Image and Fluoroscopy Area Dose Product (0018,115E) in dGy.cm2) and the
exposure modules into a TID 10001 Projection X-Ray tree with one accumulated plane (TID 10007) and one
event (TID 10003). Merging the images of a study happens at ingest.
"""

from __future__ import annotations

from openrem.dicom.classify import Kind
from openrem.dicom.headers import xray
from openrem.dicom.headers import xraycodes as xc
from openrem.dicom.headers.elements import code, number, text
from openrem.dicom.parse import ParseContext, parser
from openrem.dicom.records import (
    AccumIntegrated,
    AccumulatedXrayDose,
    Coded,
    DoseReport,
    Mechanical,
    ProjectionEvent,
)

DGYCM2_TO_GYM2 = 1e-5
MODALITIES = frozenset({"CR", "DX", "PX"})


def dose_area_product(ctx: ParseContext) -> float | None:
    """Image and Fluoroscopy Area Dose Product (0018,115E), dGy.cm2, as Gy.m2."""
    dap = number(ctx, "ImageAndFluoroscopyAreaDoseProduct")
    return dap * DGYCM2_TO_GYM2 if dap is not None else None


def modality(ctx: ParseContext) -> str:
    """Modality (0008,0060) when it is CR, DX or PX; otherwise DX with a warning."""
    found = (text(ctx.ds, "Modality") or "").upper()
    if found in MODALITIES:
        return found
    ctx.warn(f"Modality {found or 'missing'!r} in a CR/DX image; recorded as DX")
    return "DX"


def comment(ctx: ParseContext) -> str | None:
    """Series Description (0008,103E) and Exposure Control Mode Description (0018,7062)."""
    parts = [text(ctx.ds, "SeriesDescription"), text(ctx.ds, "ExposureControlModeDescription")]
    return " ".join(p for p in parts if p) or None


def mechanical(ctx: ParseContext) -> Mechanical:
    """TID 10003c from DX Positioning (C.8.11.5): positioner angles, column angulation, magnification."""
    return Mechanical(
        positioner_primary_angle=number(ctx, "PositionerPrimaryAngle"),
        positioner_secondary_angle=number(ctx, "PositionerSecondaryAngle"),
        column_angulation=number(ctx, "ColumnAngulation"),
        magnification_factor=number(ctx, "EstimatedRadiographicMagnificationFactor"),
        distances=xray.distances(ctx),
    )


def event(ctx: ParseContext) -> ProjectionEvent:
    """The one irradiation event of the image (TID 10003)."""
    return ProjectionEvent(
        **xray.image_event_fields(ctx, xray.laterality_term(ctx)),
        image_view_modifiers=_view_modifiers(ctx),
        dose_area_product=dose_area_product(ctx),
        entrance_exposure_at_rp=xray.entrance_dose(ctx),
        half_value_layer=number(ctx, "HalfValueLayer"),
        comment=comment(ctx),
        source=xray.source(ctx),
        mechanical=mechanical(ctx),
        detector=xray.detector(ctx),
    )


def _view_modifiers(ctx: ParseContext) -> tuple[Coded | None, ...]:
    views = ctx.ds.get("ViewCodeSequence") if "ViewCodeSequence" in ctx.ds else None
    if not views:
        return ()
    found = code(views[0], "ViewModifierCodeSequence")
    return (found,) if found is not None else ()


@parser(Kind.DX_IMAGE)
def parse(ctx: ParseContext) -> DoseReport:
    """Read one CR/DX/PX image into a DoseReport with one projection X-ray event.

    Parameters
    ----------
    ctx : ParseContext
        The image dataset (PS3.3 A.2 CR Image, A.26 Digital X-Ray Image IODs) and collectors.

    Returns
    -------
    DoseReport
        Modality from (0008,0060); the accumulated plane holds the DAP and one frame.
    """
    single = event(ctx)
    accumulated = AccumulatedXrayDose(
        acquisition_plane=xc.SINGLE_PLANE,
        accum_integrated=AccumIntegrated(
            dose_area_product_total=single.dose_area_product,
            total_number_of_radiographic_frames=1,
        ),
    )
    return xray.report(ctx, modality(ctx), xc.PROJECTION_XRAY, single, accumulated)
