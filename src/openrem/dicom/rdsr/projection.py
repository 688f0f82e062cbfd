"""Parser for PROJECTION_RDSR objects (to be completed)."""

from __future__ import annotations

from openrem.dicom.classify import Kind
from openrem.dicom.parse import ParseContext, ParseFailure, parser
from openrem.dicom.records import DoseReport


@parser(Kind.PROJECTION_RDSR)
def parse(ctx: ParseContext) -> DoseReport:
    """Not implemented yet."""
    raise ParseFailure("PROJECTION_RDSR parsing is not implemented yet")
