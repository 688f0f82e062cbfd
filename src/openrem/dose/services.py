"""Import services used by the command line, the tasks and the network receivers."""

from __future__ import annotations

import glob
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from django.db import DatabaseError

from openrem.dicom.parse import ParseResult, Status, parse_path
from openrem.dose.ingest import IngestResult, ingest
from openrem.dose.models import DicomDeleteSettings

log = logging.getLogger("openrem.import")

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
        return f"{self.path}: {self.outcome}" + (f" ({self.detail})" if self.detail else "")


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
    """Parse and store one file; never raises for bad input (the outcome says what went wrong)."""
    name = str(path)
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
        result: IngestResult = ingest(parsed.report, source_name=os.path.basename(name))
    except (DatabaseError, ValueError) as exc:
        log.exception("storing %s failed", name)
        return FileOutcome(name, "error", f"not stored: {type(exc).__name__}: {exc}")
    warnings = parsed.report.warnings
    detail = result.detail + (f"; {len(warnings)} warning(s): {'; '.join(warnings[:3])}" if warnings else "")
    return _maybe_delete(FileOutcome(name, str(result.action), detail, result.study_pk), parsed.report.kind)


def _maybe_delete(outcome: FileOutcome, kind: str | None) -> FileOutcome:
    """Delete the source file after a successful import when the DICOM delete settings say so."""
    if outcome.failed or not DicomDeleteSettings.get().applies_to(kind):
        return outcome
    try:
        os.remove(outcome.path)
    except OSError as exc:
        log.warning("could not delete %s after import: %s", outcome.path, exc)
        return outcome
    return replace(outcome, detail=f"{outcome.detail}; file deleted" if outcome.detail else "file deleted")
