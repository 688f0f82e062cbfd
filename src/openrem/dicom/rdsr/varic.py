"""Parser for the Siemens Arcadis Varic radiation summary (Enhanced SR, private 99SMS_RADSUM codes).

The Varic sends no TID 10001 content, only an Enhanced SR (PS3.3 A.35.2) titled C-10
"Radiation Summary Report" with private rows: C-200 total number of exposures, C-202 cumulative
fluoroscopy time, C-204 cumulative dose area product (Gy.cm2). They are mapped onto a single-plane
TID 10002 record (TID 10004 fluoro time, TID 10007 DAP total and frames); the modality is RF.
"""

from __future__ import annotations

from openrem.dicom import codes, header
from openrem.dicom.classify import Kind
from openrem.dicom.parse import ParseContext, ParseFailure, parser
from openrem.dicom.rdsr.proj_values import DAP_GY_M2, TIME_S, count, quantity
from openrem.dicom.records import (
    AccumIntegrated,
    AccumProjection,
    AccumulatedXrayDose,
    Coded,
    DoseReport,
    ProjectionXRayDose,
)
from openrem.dicom.srtree import ContentItem

SINGLE_PLANE = Coded("113622", "DCM", "Single Plane")


def read_varic_accumulated(root: ContentItem, ctx: ParseContext) -> AccumulatedXrayDose:
    """Single-plane accumulated data from the C-200 / C-202 / C-204 rows (DAP converted to Gy.m2)."""
    ctx.fixed("siemens_varic_private_summary")
    frames = count(root, codes.VARIC_TOTAL_EXPOSURES, ctx)
    fluoro_time = quantity(root, codes.VARIC_FLUORO_TIME, TIME_S, ctx)
    dap = quantity(root, codes.VARIC_DOSE_AREA_PRODUCT, DAP_GY_M2, ctx)
    if dap is None:
        ctx.warn("Varic radiation summary without cumulative dose area product (C-204)")
    return AccumulatedXrayDose(
        acquisition_plane=SINGLE_PLANE,
        accum_proj=AccumProjection(total_fluoro_time=fluoro_time),
        accum_integrated=AccumIntegrated(dose_area_product_total=dap, total_number_of_radiographic_frames=frames),
    )


@parser(Kind.VARIC_ESR)
def parse(ctx: ParseContext) -> DoseReport:
    """Parse a Siemens Arcadis Varic radiation summary into a projection :class:`DoseReport` (RF)."""
    if ctx.root is None:
        raise ParseFailure("Varic radiation summary without SR content")
    if not str(ctx.ds.get("StudyInstanceUID", "") or "").strip():
        raise ParseFailure("Varic radiation summary without Study Instance UID")
    dose = ProjectionXRayDose(accumulated=(read_varic_accumulated(ctx.root, ctx),))
    return DoseReport(
        kind=Kind.VARIC_ESR.value,
        modality="RF",
        study=header.read_study(ctx.ds, warn=ctx.warn),
        patient=header.read_patient(ctx.ds, warn=ctx.warn),
        equipment=header.read_equipment(ctx.ds, ctx.root),
        projection_xray_radiation_dose=(dose,),
        warnings=tuple(ctx.warnings),
        vendor_fixes=tuple(ctx.fixes),
    )
