"""Parser for MG_IMAGE objects (to be completed)."""

from __future__ import annotations

from openrem.dicom.classify import Kind
from openrem.dicom.parse import ParseContext, ParseFailure, parser
from openrem.dicom.records import DoseReport


@parser(Kind.MG_IMAGE)
def parse(ctx: ParseContext) -> DoseReport:
    """Not implemented yet."""
    raise ParseFailure("MG_IMAGE parsing is not implemented yet")
