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

from openrem.dicom import (  # charsets on import: registers ISO_IR 203, corrects ISO 2022 IR 58
    charsets,
    srtree,
)
from openrem.dicom.classify import Kind, classify
from openrem.dicom.rawseq import RawParseError
from openrem.dicom.records import DoseReport
from openrem.dicom.srtree import ContentItem

log = logging.getLogger(__name__)
trace = logging.getLogger("openrem.tracebacks")
"""Unexpected exceptions of one object, with their traceback: the log file only (see settings)."""


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


SR_KINDS = frozenset({Kind.CT_RDSR, Kind.PROJECTION_RDSR, Kind.RRDSR, Kind.VARIC_ESR})
"""Kinds read from an SR content tree: a report of these kinds with no content items is an error,
never an empty study (the tree is read completely or the read fails, see :mod:`openrem.dicom.rawseq`)."""

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


MAX_SR_DEPTH = 50
"""Deepest SR content nesting read (levels below the root). The dose templates of PS3.16 nest
fewer than 10 levels; deeper documents are refused with a clear reason, never read recursively
without a bound."""

TOO_DEEP = f"SR content nested deeper than {MAX_SR_DEPTH} levels (the most this reader accepts)"
REASON_MAX = 300


def sr_depth(root: ContentItem) -> int:
    """Nesting depth of ``root``'s content (0 for no children), computed without recursion."""
    deepest = 0
    stack = [(child, 1) for child in root.children]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth <= MAX_SR_DEPTH:
            stack.extend((child, depth + 1) for child in item.children)
    return deepest


def read_dataset(data: bytes) -> tuple[Dataset, ContentItem | None]:
    """Read bytes into a header dataset and SR content tree; raises on unreadable input.

    Content nested deeper than :data:`MAX_SR_DEPTH` raises :class:`RawParseError`, whether the
    reader got that far or ran out of stack on the way (``RecursionError``)."""
    if len(data) < 132 and not data[:4].isascii():
        raise InvalidDicomError("too short to be a DICOM file")
    try:
        ds, root = srtree.read_file(data)
    except RecursionError:
        raise RawParseError(TOO_DEEP) from None
    if "SOPClassUID" not in ds:
        # PS3.10 7.1: the file meta's Media Storage SOP Class UID names the same class
        meta_class = getattr(ds, "file_meta", Dataset()).get("MediaStorageSOPClassUID")
        if not meta_class:
            raise InvalidDicomError("no SOP Class UID: not a DICOM object")
        ds.SOPClassUID = str(meta_class)
    if root is not None and sr_depth(root) > MAX_SR_DEPTH:
        raise RawParseError(TOO_DEEP)
    return ds, root


def describe_exception(exc: BaseException) -> str:
    """One line naming an unexpected exception, for a result line (the traceback goes to the log)."""
    text = " ".join(str(exc).split())
    text = text if len(text) <= REASON_MAX else text[:REASON_MAX] + "..."
    name = type(exc).__name__
    if name == "error":  # struct.error, zlib.error...: name the module
        name = f"{type(exc).__module__}.error"
    return f"{name}: {text}" if text else name


def parse_bytes(data: bytes) -> ParseResult:
    """Classify and parse one DICOM object held in memory; never raises for bad input.

    Whatever goes wrong while reading, classifying or parsing this object becomes a result with a
    one-line reason; unexpected exceptions are logged with their traceback (log file only)."""
    try:
        ds, root = read_dataset(data)
    except (InvalidDicomError, RawParseError, EOFError, ValueError, KeyError, IndexError, OSError) as exc:
        return ParseResult(Status.UNREADABLE, reason=f"unreadable DICOM: {exc}".strip()[:REASON_MAX])
    except Exception as exc:  # struct.error, pydicom's BytesLengthException, NotImplementedError...
        trace.warning("reading a DICOM object failed: %s", describe_exception(exc), exc_info=True)
        return ParseResult(Status.UNREADABLE, reason=f"unreadable DICOM: {describe_exception(exc)}")
    try:
        return _classify_and_parse(ds, root)
    except RecursionError:
        return ParseResult(Status.UNREADABLE, reason=f"unreadable DICOM: {TOO_DEEP}")
    except Exception as exc:  # an element whose value cannot be decoded (wrong VR, wrong length)
        trace.warning("classifying a DICOM object failed: %s", describe_exception(exc), exc_info=True)
        return ParseResult(Status.ERROR, reason=f"unreadable element: {describe_exception(exc)}")


def _record_charset_fix(ctx: ParseContext) -> None:
    """The character set fix :func:`openrem.dicom.charsets.settle` applied while reading, if any."""
    applied = getattr(ctx.ds, charsets.FIX_ATTRIBUTE, None)
    if applied == charsets.UNDECLARED_UTF8:
        ctx.fixed("utf8_text_undeclared_charset")
    elif applied == charsets.LATIN1_IN_UTF8:
        ctx.fixed("latin1_text_in_utf8_object")


def _classify_and_parse(ds: Dataset, root: ContentItem | None) -> ParseResult:
    sop_uid = str(ds.get("SOPInstanceUID", "") or "").strip() or None
    study_uid = str(ds.get("StudyInstanceUID", "") or "").strip() or None
    kind, why = classify(ds, root)
    if kind is Kind.NOT_DOSE:
        return ParseResult(Status.NOT_DOSE, kind, reason=why, sop_instance_uid=sop_uid,
                           study_instance_uid=study_uid)
    if kind in SR_KINDS and (root is None or not root.children):
        return ParseResult(Status.ERROR, kind, reason=f"{why}: the SR content tree is empty, nothing to import",
                           sop_instance_uid=sop_uid, study_instance_uid=study_uid)
    _load_parsers()
    func = PARSERS.get(kind)
    if func is None:
        return ParseResult(Status.NOT_DOSE, kind, reason=f"{why}: no parser available",
                           sop_instance_uid=sop_uid, study_instance_uid=study_uid)
    ctx = ParseContext(ds=ds, root=root, kind=kind)
    _record_charset_fix(ctx)
    try:
        report = func(ctx)
    except ParseFailure as exc:
        return ParseResult(Status.ERROR, kind, reason=str(exc), sop_instance_uid=sop_uid,
                           study_instance_uid=study_uid)
    except Exception as exc:  # a parser bug or input no rule foresaw: report, never crash the caller
        trace.warning("parser %s failed: %s", kind, describe_exception(exc), exc_info=True)
        return ParseResult(Status.ERROR, kind, reason=f"{why}: {describe_exception(exc)}",
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
