"""Parser for CT_PHILIPS objects (to be completed)."""

from __future__ import annotations

from openrem.dicom.classify import Kind
from openrem.dicom.parse import ParseContext, ParseFailure, parser
from openrem.dicom.records import DoseReport


@parser(Kind.CT_PHILIPS)
def parse(ctx: ParseContext) -> DoseReport:
    """Not implemented yet."""
    raise ParseFailure("CT_PHILIPS parsing is not implemented yet")
