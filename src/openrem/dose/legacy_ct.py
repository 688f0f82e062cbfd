"""The legacy CT import (``openrem cttoshiba`` / ``openrem_cttoshiba.py``): studies from CT image folders.

Reads every file below the given folders, keeps the CT images, groups them by study, derives the
CT dose record of each study with :mod:`openrem.dicom.headers.ct_toshiba` and stores it through
the one write path (:func:`openrem.dose.ingest.ingest`). Rules:

* only studies from a make/model pair listed in the Toshiba extractor systems setting
  (``ReceiveFilterSettings.toshiba_extractor_systems``, the spec's ``TOSHIBA_EXTRACTOR_SYSTEMS``)
  are imported, unless ``any_system`` is given;
* a study already stored from the scanner's own dose report (RDSR, Philips dose info) is skipped;
* a study already derived from images: the same images are "already stored"; more images (another
  batch) are added to it (the stored events are kept, the study is replaced by the union);
* a bad file is listed with its reason (and on the Failed imports page); a bad study never stops
  the others.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from openrem.dicom.headers import ct_toshiba
from openrem.dicom.headers.ct_slices import CtSlice
from openrem.dicom.parse import ParseFailure, describe_exception
from openrem.dose import treeio
from openrem.dose.ingest import FAMILY, ingest
from openrem.dose.models import Study
from openrem.dose.services import FileOutcome, expand_paths
from openrem.importlog.record import record_failure

trace = logging.getLogger("openrem.tracebacks")
IMPORTER = ct_toshiba.IMPORTER


@dataclass(frozen=True)
class StudyOutcome:
    """The result line of one study."""

    study_instance_uid: str
    outcome: str  # stored | replaced | already stored | skipped | error
    detail: str
    study_pk: int | None = None

    @property
    def failed(self) -> bool:
        return self.outcome == "error"

    def line(self) -> str:
        return f"study {self.study_instance_uid}: {self.outcome}" + (f" ({self.detail})" if self.detail else "")


def allowed_systems() -> tuple[tuple[str, str], ...]:
    """The (make, model) pairs of the Toshiba extractor systems setting, lower case."""
    from openrem.netdicom.filters import split_systems
    from openrem.netdicom.models import ReceiveFilterSettings

    return split_systems(ReceiveFilterSettings.get().toshiba_extractor_systems)


def is_allowed(image: CtSlice, systems: tuple[tuple[str, str], ...]) -> bool:
    """Whether the image's Manufacturer and Model Name contain a listed pair (case-insensitive)."""
    make, model = image.manufacturer.lower(), image.model.lower()
    return any(mk in make and md in model for mk, md in systems if mk)


def read_folders(paths: Iterable[str]) -> tuple[dict[str, list[CtSlice]], list[FileOutcome]]:
    """CT images by study, and a result line for every file that is not used."""
    images: list[CtSlice] = []
    lines: list[FileOutcome] = []
    for path in expand_paths(paths):
        found = ct_toshiba.read_image(path)
        if isinstance(found, CtSlice):
            images.append(found)
            continue
        unreadable = found.startswith(("unreadable", "cannot read", "CT image without"))
        lines.append(FileOutcome(str(path), "error" if unreadable else "skipped", found))
    return ct_toshiba.group_by_study(images), lines


def _describe(study_pk: int, report_events: int, total: float | None) -> str:
    dlp = f"{total:.4g} mGy.cm" if total is not None else "unknown"
    return f"study {study_pk}; {report_events} event(s), total DLP {dlp}, derived from image headers"


def import_study(uid: str, images: list[CtSlice], systems: tuple[tuple[str, str], ...] | None) -> StudyOutcome:
    """Derive and store one study; never raises (the outcome says what went wrong)."""
    first = images[0]
    if systems is not None and not is_allowed(first, systems):
        return StudyOutcome(uid, "skipped", f"{first.manufacturer} {first.model} is not in the Toshiba extractor "
                                            "systems list (use --any-system to import it anyway)")
    stored = list(Study.objects.filter(study_instance_uid=uid).order_by("pk"))
    from_report = [s for s in stored if FAMILY.get(s.source_kind) == "ct" and s.source_kind != IMPORTER]
    if from_report:
        return StudyOutcome(uid, "skipped", f"already imported from the scanner's dose report as study "
                                            f"{from_report[0].pk}")
    try:
        report = ct_toshiba.build_report(images)
        earlier = [s for s in stored if s.source_kind == IMPORTER]
        if earlier and not earlier[0].processed_objects.filter(
                sop_instance_uid=report.study.sop_instance_uid).exists():
            trees = treeio.study_trees_records(earlier[0])["ct_radiation_dose"]
            report = ct_toshiba.with_stored_events(report, [e for tree in trees for e in tree.events])
        result = ingest(report, source_name=f"{len(images)} CT image(s)")
    except ParseFailure as exc:
        return StudyOutcome(uid, "error", str(exc))
    except Exception as exc:  # noqa: BLE001 - DatabaseError, a value no rule foresaw: nothing is stored
        trace.warning("legacy CT import of study %s failed: %s", uid, describe_exception(exc), exc_info=True)
        return StudyOutcome(uid, "error", f"not stored: {describe_exception(exc)}")
    dose = report.ct_radiation_dose[0]
    total = dose.accumulated[0].ct_dose_length_product_total if dose.accumulated else None
    detail = result.detail if result.action == "already stored" else _describe(result.study_pk, len(dose.events), total)
    if result.warnings and result.action != "already stored":
        detail += f"; {len(result.warnings)} warning(s): {'; '.join(result.warnings[:3])}"
    return StudyOutcome(uid, str(result.action), detail, result.study_pk)


def import_folders(paths: Iterable[str], *, any_system: bool = False) -> Iterator[FileOutcome | StudyOutcome]:
    """Result lines: first the files not used, then one per study found in ``paths``."""
    studies, lines = read_folders(paths)
    for line in lines:
        if line.failed:
            record_failure(line.path, line.detail)
        yield line
    systems = None if any_system else allowed_systems()
    for uid, images in studies.items():
        outcome = import_study(uid, images, systems)
        if outcome.failed:
            record_failure(f"{IMPORTER} study {uid}", outcome.detail)
        yield outcome
