"""The DICOM store SCP (``openrem storescp``): receives dose objects and images from modalities and PACS.

The C-STORE handler does as little as possible, so that senders are answered quickly:

* it reads the few attributes the receive filters need (:mod:`openrem.netdicom.filters`);
* an ignored object is acknowledged (success) but not written;
* every other object is written as received (file meta + encoded dataset) atomically: a temporary
  name in the target folder, ``fsync``, ``os.replace``; nothing half-written is ever visible;
* an object for the import goes to the inbox and an import task is queued
  (:func:`openrem.jobs.service.queue_import`, which deletes the file after a successful import);
  physics and Toshiba objects are kept in their folders (:mod:`openrem.netdicom.physics`);
* a write failure returns 0xA700 (out of resources) so the sender can retry later.

pynetdicom runs each association in its own thread; the handler closes that thread's database
connections after each object. Everything goes to the ``openrem.netdicom.store`` logger
(``openrem_store.log``).
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from django.db import connections
from pynetdicom import AE, ALL_TRANSFER_SYNTAXES, evt
from pynetdicom.sop_class import Verification  # type: ignore[attr-defined]

from openrem.dicom import classify as sop
from openrem.netdicom.filters import ATTRIBUTES, Action, Decision, FilterConfig, decide, safe_name, text_of
from openrem.netdicom.physics import data_dir, physics_folder, toshiba_folder

log = logging.getLogger("openrem.netdicom.store")

CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2"
ENHANCED_CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2.1"

#: The storage SOP classes accepted: dose reports, the images dose data is read from, CT images
#: (Philips dose info, Toshiba extractor) and secondary captures.
STORAGE_CLASSES: tuple[str, ...] = (
    sop.XRAY_DOSE_SR, sop.RADIOPHARMACEUTICAL_DOSE_SR, sop.ENHANCED_SR, sop.COMPREHENSIVE_SR,
    sop.COMPREHENSIVE_3D_SR, sop.EXTENSIBLE_SR,
    sop.CR_IMAGE, sop.DX_PRESENTATION, sop.DX_PROCESSING, sop.INTRAORAL_PRESENTATION, sop.INTRAORAL_PROCESSING,
    sop.MG_PRESENTATION, sop.MG_PROCESSING,
    sop.PET_IMAGE, sop.ENHANCED_PET_IMAGE, sop.LEGACY_ENHANCED_PET_IMAGE, sop.NM_IMAGE, CT_IMAGE, ENHANCED_CT_IMAGE, sop.SECONDARY_CAPTURE,
)

SUCCESS = 0x0000
OUT_OF_RESOURCES = 0xA700
CANNOT_UNDERSTAND = 0xC210


def build_ae(aet: str, max_associations: int = 50) -> AE:
    """An application entity accepting the storage classes above (all transfer syntaxes) and Verification."""
    ae = AE(ae_title=aet)
    ae.maximum_associations = max_associations
    for uid in STORAGE_CLASSES:
        ae.add_supported_context(uid, ALL_TRANSFER_SYNTAXES)
    ae.add_supported_context(Verification, ALL_TRANSFER_SYNTAXES)
    ae.maximum_pdu_size = 0  # no limit on what we receive
    ae.network_timeout = 60
    ae.dimse_timeout = 60
    ae.acse_timeout = 30
    return ae


def write_atomic(folder: Path, name: str, data: bytes) -> Path:
    """Write ``data`` to ``folder/name`` so that the file appears complete or not at all."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    temp = folder / f".{name}.{uuid.uuid4().hex[:8]}.part"
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
        _fsync_folder(folder)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return target


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable (POSIX: the directory entry is written by fsync of the folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class StoreSCP:
    """One store SCP: its AE, its folders, the filter settings and the event handlers.

    ``config_ttl``: seconds the receive filter settings are cached (0: read for every object).
    """

    def __init__(self, aet: str, port: int, host: str = "0.0.0.0", *, root: Path | None = None,
                 config_ttl: float = 10.0, config: FilterConfig | None = None,
                 other_aets: list[str] | tuple[str, ...] = ()) -> None:
        self.aet, self.host, self.port = aet, host, port
        self.called_aets = {aet.strip(), *(t.strip() for t in other_aets if t.strip())}
        root = Path(root) if root is not None else data_dir()
        self.inbox = root / "dicom_in"
        self.physics_root = root / "physics"
        self.toshiba_root = root / "toshiba"
        self.config_ttl = config_ttl
        self._fixed_config = config
        self._config: FilterConfig | None = None
        self._config_read = 0.0
        self._lock = threading.Lock()
        self.ae = build_ae(aet)
        self.server: Any = None

    @property
    def handlers(self) -> list[Any]:
        """The pynetdicom event handlers."""
        return [(evt.EVT_C_STORE, self.handle_store), (evt.EVT_C_ECHO, self.handle_echo),
                (evt.EVT_REQUESTED, self._on_requested), (evt.EVT_ACCEPTED, self._on_accepted),
                (evt.EVT_ABORTED, self._on_aborted)]

    def start(self, block: bool = False) -> Any:
        """Listen on (host, port). Non-blocking: returns the server (stop it with :meth:`stop`)."""
        self.inbox.mkdir(parents=True, exist_ok=True)
        for stale in self.inbox.glob(".*.part"):  # left by a crash during a write
            stale.unlink(missing_ok=True)
        self.recover()
        log.info("Starting store SCP: AET %s, %s:%s, inbox %s", " / ".join(sorted(self.called_aets)), self.host,
                 self.port, self.inbox)
        self.server = self.ae.start_server((self.host, self.port), block=block, evt_handlers=self.handlers)
        return self.server

    def recover(self) -> None:
        """Before listening: queue every inbox file without a live import task (a crash between writing
        and queueing, or a worker that died after the import), and re-queue tasks of dead workers."""
        from openrem.jobs.recovery import recover

        try:
            result = recover(at_start=False, scan=[self.inbox], min_age=0)
            if result:
                log.warning("Recovery at start: %s", result.line())
        except Exception:  # the database or queue may be down: the worker's recovery does it later
            log.exception("recovery at start failed")
        finally:
            connections.close_all()

    def stop(self) -> None:
        """Stop listening and end the open associations."""
        if self.server is not None:
            self.server.shutdown()
            self.server = None
        log.info("Store SCP %s on port %s stopped", self.aet, self.port)

    def filter_config(self) -> FilterConfig:
        """The receive filter settings (cached for ``config_ttl`` seconds)."""
        if self._fixed_config is not None:
            return self._fixed_config
        with self._lock:
            now = time.monotonic()
            if self._config is None or now - self._config_read >= self.config_ttl:
                from openrem.netdicom.models import ReceiveFilterSettings

                self._config = FilterConfig.from_settings(ReceiveFilterSettings.get())
                self._config_read = now
            return self._config

    def _on_requested(self, event: Any) -> None:
        """A-ASSOCIATE-RQ: reject a called AE title that is not ours (PS3.8 9.3.4: rejected-permanent,
        service-user, "called-AE-title-not-recognized"), so a misconfigured sender sees its mistake."""
        called = str(event.assoc.requestor.primitive.called_ae_title).strip()
        if called not in self.called_aets:
            log.warning("Association from %s (%s) rejected: called AE title %r is not %s", _calling_rq(event),
                        event.assoc.requestor.address, called, " or ".join(sorted(self.called_aets)))
            event.assoc.acse.send_reject(0x01, 0x01, 0x07)
            event.assoc.kill()

    def _on_accepted(self, event: Any) -> None:
        log.info("Association accepted from %s (%s)", _calling(event), event.assoc.requestor.address)

    def _on_aborted(self, event: Any) -> None:
        log.warning("Association from %s aborted", _calling(event))

    def handle_echo(self, event: Any) -> int:
        """C-ECHO: always success."""
        log.info("Echo received from %s", _calling(event))
        return SUCCESS

    def handle_store(self, event: Any) -> int:
        """C-STORE: filter, write atomically, queue the import; never raises."""
        try:
            return self._store(event)
        except Exception:  # the sender gets a failure status, the server keeps running
            log.exception("C-STORE from %s failed", _calling(event))
            return OUT_OF_RESOURCES
        finally:
            connections.close_all()  # this association thread's connections

    def _store(self, event: Any) -> int:
        calling = _calling(event)
        try:
            ds = event.dataset
            attrs = {key: ds.get(key) for key in ATTRIBUTES}
            uid = text_of(ds.get("SOPInstanceUID")) or uuid.uuid4().hex
            attrs["StudyDate"] = ds.get("StudyDate")
        except Exception as exc:  # undecodable dataset
            log.error("C-STORE from %s: cannot decode the dataset: %s", calling, exc)
            return CANNOT_UNDERSTAND
        decision = decide(attrs, self.filter_config())
        log.info("C-STORE from %s: %s %s (%s, %s %s, station %s) → %s: %s", calling, text_of(attrs["Modality"]),
                 uid, text_of(attrs["SOPClassUID"]), text_of(attrs["Manufacturer"]),
                 text_of(attrs["ManufacturerModelName"]), text_of(attrs["StationName"]), decision.action,
                 decision.reason)
        if decision.action is Action.IGNORE:
            return SUCCESS
        folder = self._folder(decision, attrs)
        name = f"{safe_name(uid)}-{uuid.uuid4().hex[:8]}.dcm"
        try:
            path = write_atomic(folder, name, event.encoded_dataset(include_meta=True))
        except OSError as exc:
            log.error("C-STORE from %s: could not write %s in %s: %s", calling, uid, folder, exc)
            return OUT_OF_RESOURCES
        if decision.action is Action.IMPORT:
            return self._queue(path, calling)
        log.info("File %s written", path)
        return SUCCESS

    def _folder(self, decision: Decision, attrs: dict[str, Any]) -> Path:
        study_uid = text_of(attrs.get("StudyInstanceUID"))
        if decision.action is Action.PHYSICS:
            patient = text_of(attrs.get("PatientID")) or text_of(attrs.get("PatientName"))
            return physics_folder(self.physics_root, text_of(attrs.get("StudyDate")), patient, study_uid)
        if decision.action is Action.TOSHIBA:
            return toshiba_folder(self.toshiba_root, study_uid)
        return self.inbox

    def _queue(self, path: Path, calling: str) -> int:
        from openrem.jobs.service import queue_import

        try:
            record = queue_import(str(path), source=calling, delete_after=True)
        except Exception:
            log.exception("could not queue the import of %s; file removed, sender told to retry", path)
            path.unlink(missing_ok=True)
            return OUT_OF_RESOURCES
        log.info("File %s written, import task %s queued", path, record.pk)
        return SUCCESS


def _calling_rq(event: Any) -> str:
    """The calling AE title of an association request."""
    try:
        return str(event.assoc.requestor.primitive.calling_ae_title).strip() or "unknown"
    except AttributeError:
        return "unknown"


def _calling(event: Any) -> str:
    """The calling AE title of the association of ``event``."""
    try:
        return str(event.assoc.requestor.ae_title).strip() or "unknown"
    except AttributeError:
        return "unknown"
