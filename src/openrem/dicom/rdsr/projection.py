"""Parser for projection X-ray radiation dose reports: PS3.16 TID 10001 Projection X-Ray Radiation Dose.

Covers fluoroscopy / interventional, radiography and mammography reports (X-Ray Radiation Dose SR,
PS3.4 B.5; or Enhanced SR with the same content). Accumulated data (TID 10002 and its
sub-templates) is read by :mod:`.proj_accumulated`, events (TID 10003) by :mod:`.proj_events`,
vendor workarounds live in :mod:`.proj_vendor`.
"""

from __future__ import annotations

from openrem.dicom import codes, header
from openrem.dicom.classify import Kind
from openrem.dicom.parse import ParseContext, ParseFailure, parser
from openrem.dicom.rdsr.nesting import contained
from openrem.dicom.rdsr.proj_accumulated import read_accumulated
from openrem.dicom.rdsr.proj_events import read_event
from openrem.dicom.rdsr.proj_vendor import (
    apply_event_fixes,
    fix_has_intent_outside_procedure,
    fix_philips_azurion_device_type,
    siemens_patient_position,
)
from openrem.dicom.records import (
    AccumulatedXrayDose,
    Coded,
    DoseReport,
    ProjectionEvent,
    ProjectionXRayDose,
)
from openrem.dicom.srtree import ContentItem


def _is(code: Coded | None, concept: codes.Concept) -> bool:
    return code is not None and concept.matches(code.value, code.scheme)


def modality_type(
    procedure: Coded | None, device_type: Coded | None, accumulated: tuple[AccumulatedXrayDose, ...],
    ctx: ParseContext,
) -> str:
    """Modality implied by the report (OpenREM's rules, feature inventory 6.2).

    Mammography procedure -> MG; Acquisition Device Type (CID 10032) fluoroscopy-guided -> RF,
    integrated or cassette-based -> DX (a Philips Azurion is RF whatever it declares); otherwise RF
    when any plane has non-zero fluoroscopy DAP or time, else DX.
    """
    if _is(procedure, codes.MAMMOGRAPHY):
        return "MG"
    if fix_philips_azurion_device_type(ctx.model, ctx):
        return "RF"
    if _is(device_type, codes.FLUOROSCOPY_GUIDED):
        return "RF"
    if _is(device_type, codes.INTEGRATED_PROJECTION) or _is(device_type, codes.CASSETTE_BASED):
        return "DX"
    if device_type is not None:
        ctx.warn(f"unknown Acquisition Device Type {device_type.value} ({device_type.scheme})")
    for plane in accumulated:
        proj = plane.accum_proj
        if proj is not None and (proj.fluoro_dose_area_product_total or proj.total_fluoro_time):
            return "RF"
    return "DX"


def _has_intent(root: ContentItem, ctx: ParseContext) -> Coded | None:
    procedure = root.find(codes.PROCEDURE_REPORTED)
    intent = procedure.coded(codes.HAS_INTENT) if procedure is not None else None
    if intent is None:
        intent = fix_has_intent_outside_procedure(root, ctx)
    if intent is None:
        ctx.warn("Procedure Reported has no Has Intent modifier")
    return intent


def _events(root: ContentItem, ctx: ParseContext) -> tuple[ProjectionEvent, ...]:
    position = siemens_patient_position(root.txt(codes.COMMENT))
    events = []
    for item in contained(ctx, root, codes.IRRADIATION_EVENT_XRAY_DATA, "TID 10001"):
        event = read_event(item, ctx)
        if event is not None:
            events.append(apply_event_fixes(item, event, position, ctx))
    return tuple(events)


def read_projection_dose(root: ContentItem, ctx: ParseContext) -> tuple[ProjectionXRayDose, str]:
    """TID 10001 content of ``root`` and the modality type it implies."""
    procedure = root.coded(codes.PROCEDURE_REPORTED)
    if procedure is None:
        ctx.warn("no Procedure Reported")
    device_type = root.coded(codes.ACQUISITION_DEVICE_TYPE)
    accumulated = tuple(read_accumulated(c, device_type, ctx)
                        for c in contained(ctx, root, codes.ACCUMULATED_XRAY_DOSE_DATA, "TID 10001"))
    if not accumulated:
        ctx.warn("no Accumulated X-Ray Dose Data")
    dose = ProjectionXRayDose(
        procedure_reported=procedure,
        has_intent=_has_intent(root, ctx),
        acquisition_device_type=device_type,
        scope_of_accumulation=root.coded(codes.SCOPE_OF_ACCUMULATION),
        source_of_dose_information=root.coded(codes.SOURCE_OF_DOSE_INFORMATION),
        comment=root.txt(codes.COMMENT),
        accumulated=accumulated,
        events=_events(root, ctx),
    )
    if not dose.events:
        ctx.warn("NO EVENTS: the report holds no Irradiation Event X-Ray Data (TID 10003); only totals were imported")
    return dose, modality_type(procedure, device_type, accumulated, ctx)


@parser(Kind.PROJECTION_RDSR)
def parse(ctx: ParseContext) -> DoseReport:
    """Parse a projection X-ray radiation dose report (TID 10001) into a :class:`DoseReport`."""
    if ctx.root is None:
        raise ParseFailure("projection X-ray dose report without SR content")
    if not str(ctx.ds.get("StudyInstanceUID", "") or "").strip():
        raise ParseFailure("projection X-ray dose report without Study Instance UID")
    dose, modality = read_projection_dose(ctx.root, ctx)
    return DoseReport(
        kind=Kind.PROJECTION_RDSR.value,
        modality=modality,
        study=header.read_study(ctx.ds, warn=ctx.warn),
        patient=header.read_patient(ctx.ds, warn=ctx.warn),
        equipment=header.read_equipment(ctx.ds, ctx.root),
        projection_xray_radiation_dose=(dose,),
        warnings=tuple(ctx.warnings),
        vendor_fixes=tuple(ctx.fixes),
    )
