"""Parser for CT radiation dose reports: PS3.16 TID 10011 CT Radiation Dose.

Reads the X-Ray Radiation Dose SR (and GE's Enhanced SR with the same template) into a
:class:`~openrem.dicom.records.DoseReport` holding one
:class:`~openrem.dicom.records.CtRadiationDose`: the report-level rows of TID 10011, the CT
Accumulated Dose Data of TID 10012 and the CT Irradiation Event Data of TID 10013 (with
TID 10014 and TID 10015, see :mod:`openrem.dicom.rdsr.ct_event`).
"""

from __future__ import annotations

from openrem.dicom import codes, header
from openrem.dicom.classify import Kind
from openrem.dicom.parse import ParseContext, ParseFailure, parser
from openrem.dicom.rdsr.ct_event import read_event
from openrem.dicom.rdsr.ct_values import count, measure
from openrem.dicom.rdsr.moments import read_datetime
from openrem.dicom.rdsr.nesting import contained
from openrem.dicom.records import CtAccumulated, CtRadiationDose, DoseReport
from openrem.dicom.srtree import ContentItem
from openrem.dicom.values import clean_text


@parser(Kind.CT_RDSR)
def parse(ctx: ParseContext) -> DoseReport:
    """Parse a CT radiation dose report (TID 10011) into a :class:`DoseReport`.

    Raises
    ------
    ParseFailure
        When the object has no Study Instance UID or no SR content.
    """
    ds, root = ctx.ds, ctx.root
    if not clean_text(ds.get("StudyInstanceUID")):
        raise ParseFailure("CT dose report without Study Instance UID")
    if root is None:
        raise ParseFailure("CT dose report without SR content")
    ct = read_ct_radiation_dose(ctx, root)
    return DoseReport(
        kind=Kind.CT_RDSR.value,
        modality="CT",
        study=header.read_study(ds, warn=ctx.warn),
        patient=header.read_patient(ds, warn=ctx.warn),
        equipment=header.read_equipment(ds, root),
        ct_radiation_dose=(ct,),
        warnings=tuple(ctx.warnings),
        vendor_fixes=tuple(ctx.fixes),
    )


def read_ct_radiation_dose(ctx: ParseContext, root: ContentItem) -> CtRadiationDose:
    """TID 10011 CT Radiation Dose: report-level rows, accumulated data and events."""
    procedure = root.find(codes.PROCEDURE_REPORTED)
    if procedure is None:
        ctx.warn("CT dose report without Procedure Reported")
    events = tuple(read_event(ctx, item) for item in contained(ctx, root, codes.CT_ACQUISITION, "TID 10011"))
    accumulated = tuple(read_accumulated(ctx, item)
                        for item in contained(ctx, root, codes.CT_ACCUMULATED_DOSE_DATA, "TID 10011"))
    if not accumulated:
        ctx.warn("CT dose report without CT Accumulated Dose Data (TID 10012)")
    _check_event_count(ctx, accumulated, len(events))
    if not events:
        ctx.warn("NO EVENTS: the CT dose report holds no CT Acquisition (TID 10013); only totals were imported")
    return CtRadiationDose(
        procedure_reported=procedure.as_coded() if procedure is not None else None,
        has_intent=procedure.coded(codes.HAS_INTENT) if procedure is not None else None,
        start_of_xray_irradiation=read_datetime(ctx, root, codes.START_OF_XRAY_IRRADIATION),
        end_of_xray_irradiation=read_datetime(ctx, root, codes.END_OF_XRAY_IRRADIATION),
        scope_of_accumulation=root.coded(codes.SCOPE_OF_ACCUMULATION),
        source_of_dose_information=root.coded(codes.SOURCE_OF_DOSE_INFORMATION),
        comment=root.txt(codes.COMMENT),
        accumulated=accumulated,
        events=events,
    )


def read_accumulated(ctx: ParseContext, item: ContentItem) -> CtAccumulated:
    """TID 10012 CT Accumulated Dose Data (DLP total in mGy.cm, effective dose total in mSv)."""
    return CtAccumulated(
        total_number_of_irradiation_events=count(ctx, item, codes.TOTAL_NUMBER_OF_IRRADIATION_EVENTS),
        ct_dose_length_product_total=measure(ctx, item, codes.CT_DOSE_LENGTH_PRODUCT_TOTAL, "mGy.cm"),
        ct_effective_dose_total=measure(ctx, item, codes.CT_EFFECTIVE_DOSE_TOTAL, "mSv"),
        comment=item.txt(codes.COMMENT),
    )


def _check_event_count(ctx: ParseContext, accumulated: tuple[CtAccumulated, ...], found: int) -> None:
    """Warn when the declared Total Number of Irradiation Events differs from the events present."""
    for acc in accumulated:
        declared = acc.total_number_of_irradiation_events
        if declared is not None and declared != found:
            ctx.warn(f"Total Number of Irradiation Events is {declared} but the report has {found} CT Acquisitions")
