"""Import from the browser: uploaded DICOM files (or zip archives of them) become import tasks.

Each accepted object is written to the upload inbox (``WEB_UPLOAD_INBOX``) and queued with
:func:`openrem.jobs.service.queue_import` (``delete_after=True``), which runs
:func:`openrem.dose.services.import_file`: the same ingest path as the ``openrem import`` command. A
file that is refused (not DICOM, too large, a bad archive member) gets a failed task record with the
reason, so every uploaded file has one task and one result line.

Limits: the request as a whole (``WEB_UPLOAD_MAX_BYTES``, default 1 GiB, checked from Content-Length
before the body is read), the number of objects per upload (``WEB_UPLOAD_MAX_FILES``, default 1000),
and the uncompressed size of a zip archive (the same byte limit; members are read in chunks).
"""

from __future__ import annotations

import os
import shutil
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openrem.jobs.models import TaskRecord
from openrem.jobs.service import queue_import
from openrem.modalities.units import format_number

DEFAULT_MAX_BYTES = 1024**3
DEFAULT_MAX_FILES = 1000
CHUNK = 1024 * 1024
SOURCE = "web upload"
TASK_SUMMARY_PREFIX = "upload "


def max_bytes() -> int:
    return int(getattr(settings, "WEB_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_files() -> int:
    return int(getattr(settings, "WEB_UPLOAD_MAX_FILES", DEFAULT_MAX_FILES))


def inbox() -> Path:
    """The folder uploaded objects wait in until their import task has run."""
    folder = Path(getattr(settings, "WEB_UPLOAD_INBOX", None) or Path(settings.DATA_DIR) / "inbox" / "web")
    folder.mkdir(parents=True, exist_ok=True, mode=0o750)
    return folder


def size_error(content_length: str | None) -> str | None:
    """The error for a request whose declared body is above the limit (before anything is read)."""
    try:
        length = int(content_length or 0)
    except ValueError:
        return _("The upload has an invalid length.")
    if length > max_bytes():
        return _("The upload is %(size)s MB; at most %(limit)s MB can be sent at once. Send fewer files "
                 "at a time, or import large folders with the openrem import command.") % {
            "size": format_number(round(length / 1024**2)), "limit": format_number(max_bytes() // 1024**2)}
    return None


def is_dicom_head(head: bytes) -> bool:
    """A DICOM Part-10 file: 128-byte preamble then ``DICM`` (PS3.10 §7.1); or an explicit-little-endian
    data set without preamble starting at group 0002 or 0008 (some archives store those)."""
    if len(head) >= 132 and head[128:132] == b"DICM":
        return True
    return len(head) >= 8 and head[:2] in (b"\x02\x00", b"\x08\x00") and head[4:6].isalpha()


@dataclass
class Line:
    """One uploaded object: its name and its task record."""

    name: str
    task: TaskRecord


def _failed(batch: str, name: str, reason: str, user: Any) -> TaskRecord:
    now = timezone.now()
    return TaskRecord.objects.create(task_type="import", status=TaskRecord.FAILED, summary=f"{batch} {name}"[-255:],
                                     error=reason, result=f"{_('not imported')} ({reason})",
                                     user=user, started_at=now, finished_at=now)


def _store(stream: IO[bytes] | Iterable[bytes], folder: Path, name: str, budget: int) -> tuple[Path | None, int]:
    """Copy ``stream`` to ``folder/name`` in chunks; (None, bytes read) when above ``budget``."""
    path = folder / name
    written = 0
    with open(path, "wb") as out:
        chunks: Iterator[bytes] = iter(lambda: stream.read(CHUNK), b"") if hasattr(stream, "read") else iter(stream)
        for chunk in chunks:
            written += len(chunk)
            if written > budget:
                break
            out.write(chunk)
    if written > budget:
        path.unlink(missing_ok=True)
        return None, written
    return path, written


def _safe_name(index: int, name: str) -> str:
    base = os.path.basename(name.replace("\\", "/")) or "object"
    return f"{index:05d}-{''.join(c if c.isalnum() or c in '._-' else '_' for c in base)[:80]}"


class Batch:
    """The objects of one upload; :meth:`add` queues or refuses each one."""

    def __init__(self, user: Any) -> None:
        self.user = user if getattr(user, "is_authenticated", False) else None
        self.id = uuid.uuid4().hex[:12]
        self.folder = inbox() / self.id
        self.folder.mkdir(mode=0o750)
        self.lines: list[Line] = []
        self.budget = max_bytes()

    @property
    def label(self) -> str:
        return f"{TASK_SUMMARY_PREFIX}{self.id}"

    def refuse(self, name: str, reason: str) -> None:
        self.lines.append(Line(name, _failed(self.label, name, reason, self.user)))

    def accept(self, name: str, stream: IO[bytes]) -> None:
        """Check and queue one object read from ``stream``."""
        if len(self.lines) >= max_files():
            self.refuse(name, _("more than %(n)s files in one upload") % {"n": max_files()})
            return
        path, size = _store(stream, self.folder, _safe_name(len(self.lines), name), self.budget)
        if path is None:
            self.refuse(name, _("above the upload size limit"))
            return
        self.budget -= size
        with open(path, "rb") as f:
            head = f.read(132)
        if not is_dicom_head(head):
            path.unlink(missing_ok=True)
            self.refuse(name, _("not a DICOM file (no DICM marker)") if head else _("empty file"))
            return
        task = queue_import(str(path), SOURCE, delete_after=True, user=self.user)
        TaskRecord.objects.filter(pk=task.pk).update(summary=f"{self.label} {name}"[-255:])
        self.lines.append(Line(name, task))

    def add(self, upload: UploadedFile[Any]) -> None:
        """One uploaded file: a zip archive is opened and each member added; anything else as one object."""
        name = upload.name or "upload"
        upload.seek(0)
        if zipfile.is_zipfile(upload):
            upload.seek(0)
            self._add_zip(name, upload)
            return
        upload.seek(0)
        self.accept(name, upload)

    def _add_zip(self, name: str, upload: UploadedFile[Any]) -> None:
        try:
            with zipfile.ZipFile(upload) as archive:
                members = [m for m in archive.infolist() if not m.is_dir()]
                if not members:
                    self.refuse(name, _("the zip archive holds no file"))
                for member in members:
                    label = f"{name}/{member.filename}"
                    if member.flag_bits & 0x1:
                        self.refuse(label, _("encrypted archive member"))
                        continue
                    with archive.open(member) as stream:
                        self.accept(label, stream)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
            self.refuse(name, _("the zip archive cannot be read: %(error)s") % {"error": exc})

    def finish(self) -> None:
        """Remove the batch folder when nothing in it waits for import."""
        transaction.on_commit(lambda: _cleanup(self.folder))


def _cleanup(folder: Path) -> None:
    try:
        if folder.exists() and not any(folder.iterdir()):
            shutil.rmtree(folder, ignore_errors=True)
    except OSError:
        pass


STATUS_LABELS = {TaskRecord.QUEUED: gettext_lazy("waiting"), TaskRecord.ACTIVE: gettext_lazy("importing"),
                 TaskRecord.COMPLETE: gettext_lazy("done"), TaskRecord.FAILED: gettext_lazy("failed"),
                 TaskRecord.TERMINATING: gettext_lazy("stopping"), TaskRecord.TERMINATED: gettext_lazy("stopped")}
OUTCOME_LABELS = {"stored": gettext_lazy("stored"), "merged": gettext_lazy("merged into a stored study"),
                  "replaced": gettext_lazy("replaced the stored copy"), "already stored": gettext_lazy("already stored"),
                  "not a dose object": gettext_lazy("not a dose object"), "skipped": gettext_lazy("skipped"),
                  "error": gettext_lazy("error")}


def result_text(task: TaskRecord) -> str:
    """The result of an upload task without the inbox path: "stored (...)" in the page's language."""
    text = task.result or task.error
    if task.summary.startswith(TASK_SUMMARY_PREFIX) and ": " in text and text.startswith(str(inbox())):
        text = text.split(": ", 1)[1]
    outcome, _sep, rest = text.partition(" (")
    label = OUTCOME_LABELS.get(outcome)
    return f"{label} ({rest}" if label is not None and rest else (str(label) if label is not None else text)


def batch_lines(batch_id: str, user: Any, see_all: bool) -> list[dict[str, Any]]:
    """The objects of one upload (the user's own unless ``see_all``), in upload order, with their result."""
    tasks = TaskRecord.objects.filter(summary__startswith=f"{TASK_SUMMARY_PREFIX}{batch_id} ")
    if not see_all:
        tasks = tasks.filter(user_id=getattr(user, "pk", 0) or 0)
    prefix = len(TASK_SUMMARY_PREFIX) + len(batch_id) + 1
    return [{"name": t.summary[prefix:], "status": t.status, "status_label": STATUS_LABELS.get(t.status, t.status),
             "result": result_text(t) if t.result or t.error else ""} for t in tasks.order_by("pk")]
