"""The DICOM side of query-retrieve: Study Root C-FIND (study, series, image level) and C-MOVE with
pynetdicom, one association per session, re-associated and retried once when it fails or aborts.

Response datasets are turned into :mod:`openrem.netdicom.prune_types` objects here; the orchestration
(pruning, records, progress) is :mod:`openrem.netdicom.qrscu_run`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydicom.dataset import Dataset
from pynetdicom import AE
from pynetdicom.sop_class import (  # type: ignore[attr-defined]
    StudyRootQueryRetrieveInformationModelFind,
    StudyRootQueryRetrieveInformationModelMove,
)

from openrem.netdicom.association import ABORTED, AssociationError, Watch, associate, dimse_failure
from openrem.netdicom.prune_types import Image, Series, Study

log = logging.getLogger("openrem.netdicom.qr")

PENDING = (0xFF00, 0xFF01)
#: default timeouts (seconds) of a remote node: association, each C-FIND response, each C-MOVE response
ASSOCIATION_TIMEOUT, FIND_TIMEOUT, MOVE_TIMEOUT = 30.0, 60.0, 600.0
#: C-MOVE statuses (PS3.4 C.4.2.1.5) named in messages
MOVE_STATUSES = {0xA701: "out of resources: unable to calculate number of matches",
                 0xA702: "out of resources: unable to perform sub-operations",
                 0xA801: "move destination unknown", 0xA900: "identifier does not match SOP class",
                 0xC000: "unable to process", 0xFE00: "cancelled", 0xB000: "warning: sub-operations failed"}


class QRError(Exception):
    """The remote could not be reached, refused, timed out or aborted (``kind``, see
    :mod:`openrem.netdicom.association`)."""

    def __init__(self, message: str, kind: str = "") -> None:
        super().__init__(message)
        self.kind = kind


@dataclass
class MoveResult:
    """Sub-operation counters of one C-MOVE (PS3.4 C.4.2.1.4), the SOP instances the remote reported as
    failed (Failed SOP Instance UID List) and the failure text, if any."""

    completed: int = 0
    failed: int = 0
    warning: int = 0
    error: str = ""
    status: int | None = None
    failed_sops: list[str] = field(default_factory=list)


@dataclass
class Session:
    """An association with a remote QR SCP, opened on first use."""

    host: str
    port: int
    remote_aet: str
    our_aet: str = "OPENREMDEFAULT"
    timeout: float = ASSOCIATION_TIMEOUT
    find_timeout: float = FIND_TIMEOUT
    move_timeout: float = MOVE_TIMEOUT
    errors: list[str] = field(default_factory=list)
    _assoc: Any = None
    _watch: Watch | None = None

    def _open(self) -> Any:
        ae = AE(ae_title=self.our_aet)
        ae.add_requested_context(StudyRootQueryRetrieveInformationModelFind)
        ae.add_requested_context(StudyRootQueryRetrieveInformationModelMove)
        ae.network_timeout = max(self.find_timeout, self.move_timeout)
        try:
            assoc, self._watch = associate(ae, self.host, self.port, self.remote_aet, self.timeout)
        except AssociationError as exc:
            raise QRError(str(exc), exc.kind) from exc
        return assoc

    def _run(self, what: str, operation: Callable[[Any], Any], timeout: float) -> Any:
        """Run ``operation(assoc)`` with the DIMSE ``timeout``; when the remote aborts, re-associate and
        try once more (a timeout, a refusal or a rejection is not retried: it would only double the wait)."""
        for attempt in (1, 2):
            try:
                if self._assoc is None or not self._assoc.is_established:
                    self._assoc = self._open()
                self._assoc.dimse_timeout = timeout
                started = time.monotonic()
                result = operation(self._assoc)
                if result is None or self._assoc.is_aborted:
                    assert self._watch is not None
                    failure = dimse_failure(what, self._assoc, self._watch, started, timeout)
                    raise QRError(str(failure), failure.kind)
                return result
            except QRError as exc:
                self._assoc = None
                log.warning("%s failed (attempt %d): %s", what, attempt, exc)
                if attempt == 2 or exc.kind != ABORTED:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        """Release the association."""
        if self._assoc is not None and self._assoc.is_established:
            self._assoc.release()
        self._assoc = None

    def find(self, identifier: Dataset) -> list[Dataset]:
        """C-FIND (Study Root); the pending responses' identifiers."""
        def operation(assoc: Any) -> list[Dataset] | None:
            results: list[Dataset] = []
            for status, ds in assoc.send_c_find(identifier, StudyRootQueryRetrieveInformationModelFind):
                if not status:
                    return None  # no response: _run tells timeout from abort
                code = int(status.Status)
                if code in PENDING and ds is not None:
                    results.append(ds)
                elif code not in PENDING and code != 0:
                    self.errors.append(f"C-FIND {identifier.QueryRetrieveLevel}: status 0x{code:04X}")
            return results
        found: list[Dataset] = self._run(f"C-FIND {identifier.QueryRetrieveLevel}", operation, self.find_timeout)
        return found

    def move(self, identifier: Dataset, destination: str) -> MoveResult:
        """C-MOVE (Study Root) to ``destination``; the final sub-operation counters."""
        def operation(assoc: Any) -> MoveResult | None:
            result = MoveResult()
            for status, ds in assoc.send_c_move(identifier, destination, StudyRootQueryRetrieveInformationModelMove):
                if not status:
                    return None  # no response: _run tells timeout from abort
                code = int(status.Status)
                if code in PENDING:
                    continue
                result.status = code
                result.completed = int(status.get("NumberOfCompletedSuboperations", 0) or 0)
                result.failed = int(status.get("NumberOfFailedSuboperations", 0) or 0)
                result.warning = int(status.get("NumberOfWarningSuboperations", 0) or 0)
                result.failed_sops = _failed_sops(ds)
                if code != 0x0000:
                    result.error = f"C-MOVE status 0x{code:04X} ({MOVE_STATUSES.get(code, 'failed')})"
            return result
        moved: MoveResult = self._run("C-MOVE", operation, self.move_timeout)
        return moved


def _failed_sops(ds: Dataset | None) -> list[str]:
    """The Failed SOP Instance UID List (0008,0058) of a final C-MOVE response identifier."""
    if ds is None or "FailedSOPInstanceUIDList" not in ds:
        return []
    value = ds.FailedSOPInstanceUIDList
    values = value if isinstance(value, list | tuple) or type(value).__name__ == "MultiValue" else [value]
    return [str(v) for v in values if str(v)]


def _text(ds: Dataset, keyword: str) -> str | None:
    """A returned attribute as text; None when the remote did not return it."""
    if keyword not in ds:
        return None
    value = ds[keyword].value
    if value is None:
        return ""
    if isinstance(value, list | tuple) or type(value).__name__ == "MultiValue":
        return "\\".join(str(v) for v in value)
    return str(value).strip()


def _int(ds: Dataset, keyword: str) -> int | None:
    text = _text(ds, keyword)
    try:
        return int(text) if text else None
    except ValueError:
        return None


def identifier(level: str, **attrs: Any) -> Dataset:
    """A query identifier: ``level`` and attributes (``''`` asks for the value back)."""
    ds = Dataset()
    ds.QueryRetrieveLevel = level
    for keyword, value in attrs.items():
        setattr(ds, keyword, value)
    return ds


def find_studies(session: Session, modality: str, dates: str, times: str, *,
                 modality_tag: bool = False, station: bool = False) -> list[Study]:
    """Study-level C-FIND for one modality (ModalitiesInStudy, plus Modality for PACS that need it)."""
    attrs: dict[str, Any] = {"StudyInstanceUID": "", "StudyDate": dates, "StudyTime": times,
                             "ModalitiesInStudy": modality, "StudyDescription": "", "AccessionNumber": "",
                             "NumberOfStudyRelatedSeries": ""}
    if modality_tag:
        attrs["Modality"] = modality
    if station:
        attrs["StationName"] = ""
    studies = []
    for ds in session.find(identifier("STUDY", **attrs)):
        mods = _text(ds, "ModalitiesInStudy")
        studies.append(Study(
            str(ds.get("StudyInstanceUID", "")), modalities_in_study=[m for m in (mods or "").split("\\") if m],
            modalities_returned=bool(mods), description=_text(ds, "StudyDescription"),
            station_name=_text(ds, "StationName") if station else None, study_date=_text(ds, "StudyDate") or "",
            study_time=_text(ds, "StudyTime") or "", accession_number=_text(ds, "AccessionNumber") or ""))
    return [s for s in studies if s.study_instance_uid]


def find_series(session: Session, study: Study) -> list[Series]:
    """Series-level C-FIND of one study."""
    query = identifier("SERIES", StudyInstanceUID=study.study_instance_uid, SeriesInstanceUID="", Modality="",
                       SeriesDescription="", SeriesNumber="", NumberOfSeriesRelatedInstances="", StationName="",
                       SeriesTime="")
    return [Series(str(ds.SeriesInstanceUID), modality=_text(ds, "Modality") or "",
                   description=_text(ds, "SeriesDescription"), number=_int(ds, "SeriesNumber"),
                   station_name=_text(ds, "StationName"),
                   number_of_instances=_int(ds, "NumberOfSeriesRelatedInstances"))
            for ds in session.find(query) if ds.get("SeriesInstanceUID")]


def find_images(session: Session, study_uid: str, series: Series, *, first_only: bool = False) -> None:
    """Image-level C-FIND of one series into ``series.images``; ``first_only`` asks for instance
    number 1, then 0 for systems numbering from 0."""
    numbers = ["1", "0"] if first_only else [""]
    images: list[Image] = []
    for number in numbers:
        query = identifier("IMAGE", StudyInstanceUID=study_uid, SeriesInstanceUID=series.series_instance_uid,
                           SOPInstanceUID="", SOPClassUID="", InstanceNumber=number)
        images = [Image(str(ds.SOPInstanceUID), sop_class_uid=_text(ds, "SOPClassUID") or "",
                        instance_number=_int(ds, "InstanceNumber"))
                  for ds in session.find(query) if ds.get("SOPInstanceUID")]
        if images:
            break
    series.images, series.images_queried = images, True
    if series.modality == "SR" and not images:
        log.info("SR series %s returned nothing at image level. Try '-emptysr' option?",
                 series.series_instance_uid)


def move_series(session: Session, destination: str, study_uid: str, series_uid: str) -> MoveResult:
    """C-MOVE one whole series."""
    query = identifier("SERIES", StudyInstanceUID=study_uid, SeriesInstanceUID=series_uid)
    return session.move(query, destination)


def move_image(session: Session, destination: str, study_uid: str, series_uid: str, sop_uid: str) -> MoveResult:
    """C-MOVE one object."""
    query = identifier("IMAGE", StudyInstanceUID=study_uid, SeriesInstanceUID=series_uid, SOPInstanceUID=sop_uid)
    return session.move(query, destination)
