"""Import services used by the command line, the tasks and the network receivers."""

from __future__ import annotations

import glob
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from openrem.dicom.parse import ParseResult, Status, describe_exception, parse_path
from openrem.dose.ingest import IngestResult, ingest
from openrem.dose.models import DicomDeleteSettings
from openrem.importlog.record import printable_path, record_failure

log = logging.getLogger("openrem.import")
trace = logging.getLogger("openrem.tracebacks")  # the log file only: the result line says what failed

KIND_GROUPS = {
    "sr": {"ct_rdsr", "projection_rdsr", "rrdsr", "varic_esr"},
    "dx": {"dx_image"},
    "mg": {"mg_image"},
    "nm": {"nm_image", "rrdsr"},
    "ctphilips": {"ct_philips"},
}


@dataclass(frozen=True)
class FileOutcome:
    """The result line of one file."""

    path: str
    outcome: str  # stored | merged | replaced | already stored | not a dose object | skipped | error
    detail: str
    study_pk: int | None = None

    @property
    def failed(self) -> bool:
        return self.outcome == "error"

    def line(self) -> str:
        return f"{printable_path(self.path)}: {self.outcome}" + (f" ({self.detail})" if self.detail else "")


def expand_paths(items: Iterable[str]) -> Iterator[Path]:
    """Files named directly, all files below folders, and glob patterns (sorted, each once)."""
    seen: set[Path] = set()
    for item in items:
        matches = sorted(glob.glob(item, recursive=True)) if glob.has_magic(item) else [item]
        for match in matches:
            p = Path(match)
            files = sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p]
            for f in files:
                if f not in seen:
                    seen.add(f)
                    yield f


def import_file(path: str | Path, kinds: set[str] | None = None) -> FileOutcome:
    """Parse and store one file; never raises for bad input (the outcome says what went wrong).

    Whatever goes wrong inside this file's read, parse or store becomes its "error" outcome with a
    one-line reason and a failed-import entry; the traceback goes to the log file only, so a batch
    or a background task goes on with the next file."""
    name = str(path)
    try:
        outcome = _import_file(name, kinds)
    except Exception as exc:  # noqa: BLE001 - one file never stops the others
        trace.warning("importing %s failed: %s", printable_path(name), short_reason(exc), exc_info=True)
        outcome = FileOutcome(name, "error", short_reason(exc))
    if outcome.failed:
        record_failure(outcome.path, outcome.detail)
    return outcome


def short_reason(exc: BaseException) -> str:
    """``"ExceptionName: message"`` on one line (shortened), for a result line."""
    return describe_exception(exc)


def _import_file(name: str, kinds: set[str] | None) -> FileOutcome:
    if not os.path.isfile(name):
        return FileOutcome(name, "error", "no such file")
    parsed: ParseResult = parse_path(name)
    if parsed.status is Status.UNREADABLE:
        return FileOutcome(name, "error", parsed.reason)
    if parsed.status is Status.NOT_DOSE:
        return _maybe_delete(FileOutcome(name, "not a dose object", parsed.reason), None)
    if parsed.status is Status.ERROR or parsed.report is None:
        return FileOutcome(name, "error", parsed.reason)
    if kinds is not None and parsed.report.kind not in kinds:
        return FileOutcome(name, "skipped", f"{parsed.reason}: not handled by this importer")
    try:
        result: IngestResult = ingest(parsed.report, source_name=printable_path(os.path.basename(name)))
    except Exception as exc:  # noqa: BLE001 - DatabaseError, OverflowError, ...: nothing is stored
        trace.warning("storing %s failed: %s", printable_path(name), short_reason(exc), exc_info=True)
        return FileOutcome(name, "error", f"not stored: {short_reason(exc)}")
    warnings = result.warnings
    detail = result.detail + (f"; {len(warnings)} warning(s): {'; '.join(warnings[:3])}" if warnings else "")
    return _maybe_delete(FileOutcome(name, str(result.action), detail, result.study_pk), parsed.report.kind)


def _maybe_delete(outcome: FileOutcome, kind: str | None) -> FileOutcome:
    """Delete the source file after a successful import when the DICOM delete settings say so."""
    if outcome.failed or not DicomDeleteSettings.get().applies_to(kind):
        return outcome
    try:
        os.remove(outcome.path)
    except OSError as exc:
        log.warning("could not delete %s after import: %s", printable_path(outcome.path), exc)
        return outcome
    return replace(outcome, detail=f"{outcome.detail}; file deleted" if outcome.detail else "file deleted")
