"""Entry point of the parsing layer: bytes or a path in, a :class:`ParseResult` out.

Nothing here touches a database. Every failure becomes a result with a clear reason; parsers
never print. Vendor workarounds are small named functions in the parser modules; each one that
fires is recorded with :meth:`ParseContext.fixed` so it shows in the record and in the tests.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from pydicom.dataset import Dataset
from pydicom.errors import InvalidDicomError

from openrem.dicom import srtree
from openrem.dicom.classify import Kind, classify
from openrem.dicom.rawseq import RawParseError
from openrem.dicom.records import DoseReport
from openrem.dicom.srtree import ContentItem

log = logging.getLogger(__name__)


class Status(StrEnum):
    """How reading one object ended."""

    PARSED = "parsed"
    NOT_DOSE = "not a dose object"
    UNREADABLE = "unreadable"
    ERROR = "error"


@dataclass
class ParseContext:
    """What a parser gets: the dataset, the SR root (None for images) and collectors."""

    ds: Dataset
    root: ContentItem | None
    kind: Kind
    warnings: list[str] = field(default_factory=list)
    fixes: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        """Record a problem with the input (missing mandatory item, odd unit, dropped value)."""
        if message not in self.warnings:
            self.warnings.append(message)

    def fixed(self, name: str) -> None:
        """Record that the vendor workaround ``name`` was applied."""
        if name not in self.fixes:
            self.fixes.append(name)

    @property
    def manufacturer(self) -> str:
        return str(self.ds.get("Manufacturer", "") or "").strip()

    @property
    def model(self) -> str:
        return str(self.ds.get("ManufacturerModelName", "") or "").strip()


@dataclass(frozen=True)
class ParseResult:
    """Outcome of reading one object."""

    status: Status
    kind: Kind | None = None
    report: DoseReport | None = None
    reason: str = ""
    sop_instance_uid: str | None = None
    study_instance_uid: str | None = None


class ParseFailure(Exception):
    """Raised by a parser for input it cannot turn into a record (missing UIDs, broken tree)."""


Parser = Callable[[ParseContext], DoseReport]
PARSERS: dict[Kind, Parser] = {}


def parser(kind: Kind) -> Callable[[Parser], Parser]:
    """Register the parser for ``kind``."""

    def register(func: Parser) -> Parser:
        PARSERS[kind] = func
        return func

    return register


_loaded = False


def _load_parsers() -> None:
    """Import every parser module once, for their @parser registrations."""
    global _loaded
    if _loaded:
        return
    from openrem.dicom.headers import ct_philips, dx, mg, nm  # noqa: F401
    from openrem.dicom.rdsr import ct, projection, radiopharm, varic  # noqa: F401

    _loaded = True  # only now: another thread must not see it before the registrations are done


def read_dataset(data: bytes) -> tuple[Dataset, ContentItem | None]:
    """Read bytes into a header dataset and SR content tree; raises on unreadable input."""
    if len(data) < 132 and not data[:4].isascii():
        raise InvalidDicomError("too short to be a DICOM file")
    ds, root = srtree.read_file(data)
    if "SOPClassUID" not in ds:
        raise InvalidDicomError("no SOP Class UID: not a DICOM object")
    return ds, root


def parse_bytes(data: bytes) -> ParseResult:
    """Classify and parse one DICOM object held in memory."""
    try:
        ds, root = read_dataset(data)
    except (InvalidDicomError, RawParseError, EOFError, ValueError, KeyError, IndexError, OSError) as exc:
        return ParseResult(Status.UNREADABLE, reason=f"unreadable DICOM: {exc}".strip())
    sop_uid = str(ds.get("SOPInstanceUID", "") or "").strip() or None
    study_uid = str(ds.get("StudyInstanceUID", "") or "").strip() or None
    kind, why = classify(ds, root)
    if kind is Kind.NOT_DOSE:
        return ParseResult(Status.NOT_DOSE, kind, reason=why, sop_instance_uid=sop_uid,
                           study_instance_uid=study_uid)
    _load_parsers()
    func = PARSERS.get(kind)
    if func is None:
        return ParseResult(Status.NOT_DOSE, kind, reason=f"{why}: no parser available",
                           sop_instance_uid=sop_uid, study_instance_uid=study_uid)
    ctx = ParseContext(ds=ds, root=root, kind=kind)
    try:
        report = func(ctx)
    except ParseFailure as exc:
        return ParseResult(Status.ERROR, kind, reason=str(exc), sop_instance_uid=sop_uid,
                           study_instance_uid=study_uid)
    except Exception as exc:  # a parser bug or input no rule foresaw: report, never crash the caller
        log.exception("parser %s failed", kind)
        return ParseResult(Status.ERROR, kind, reason=f"{why}: {type(exc).__name__}: {exc}",
                           sop_instance_uid=sop_uid, study_instance_uid=study_uid)
    return ParseResult(Status.PARSED, kind, report=report, reason=why, sop_instance_uid=sop_uid,
                       study_instance_uid=study_uid)


def parse_path(path: str | Path) -> ParseResult:
    """Classify and parse the DICOM file at ``path``."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return ParseResult(Status.UNREADABLE, reason=f"cannot read file: {exc.strerror or exc}")
    return parse_bytes(data)
