"""Parser for DX_IMAGE objects (to be completed)."""

from __future__ import annotations

from openrem.dicom.classify import Kind
from openrem.dicom.parse import ParseContext, ParseFailure, parser
from openrem.dicom.records import DoseReport


@parser(Kind.DX_IMAGE)
def parse(ctx: ParseContext) -> DoseReport:
    """Not implemented yet."""
    raise ParseFailure("DX_IMAGE parsing is not implemented yet")
