"""Queueing work and terminating it (used by views, commands and the DICOM receivers)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from openrem.jobs.models import TaskRecord

log = logging.getLogger("openrem.jobs")


def queue_import(path: str, source: str | None = None, *, delete_after: bool = False, user: Any = None) -> TaskRecord:
    """Queue the import of one file as a background task; returns its task record.

    ``delete_after``: the file is in an inbox that only the import reads: remove it after its import
    committed, move it to the inbox's ``failed`` folder (with the reason) when it cannot be imported.
    When this returns, the task record is committed (outside an atomic block): the hand-off is durable
    even if the queue message is lost (:mod:`openrem.jobs.recovery`).
    """
    from openrem.jobs.tasks import import_task

    call = {"task": "import", "args": [str(path), source, delete_after]}
    record = TaskRecord.objects.create(task_type="import", summary=str(path)[-255:], call=call, path=str(path)[:1024],
                                       user=user if getattr(user, "is_authenticated", False) else None)
    transaction.on_commit(lambda: _send(import_task, record.pk, str(path), source, delete_after))
    return record


def _send(task: Any, record_id: int, *args: Any) -> None:
    """Send the huey message of a committed task record. The record is the durable hand-off: when the
    queue cannot be reached the record stays queued and the worker's recovery sends it again later."""
    try:
        task(record_id, *args)
    except Exception:
        if getattr(task.huey, "immediate", False):
            raise
        log.exception("task %s saved but its queue message could not be sent; the worker will send it", record_id)


def request_termination(record: TaskRecord) -> None:
    """Ask a queued or running task to stop: a queued one will not start; a running one stops at its
    next check point (each imported object is atomic, so nothing is left half-written)."""
    TaskRecord.objects.filter(pk=record.pk, status__in=[TaskRecord.QUEUED, TaskRecord.ACTIVE]).update(
        status=TaskRecord.TERMINATING)


def should_stop(record_id: int) -> bool:
    """For long tasks: True when termination was requested (or the task was marked terminated)."""
    return TaskRecord.objects.filter(pk=record_id, status__in=[TaskRecord.TERMINATING,
                                                               TaskRecord.TERMINATED]).exists()


def queue_folder_import(folder: str, *, kind: str | None = None, delete_after: bool = False,
                        user: Any = None) -> TaskRecord:
    """Queue the import of every file below ``folder`` (or of a file or glob pattern) as one task that
    reports "n of N files" and can be terminated between files; returns its task record."""
    from openrem.jobs.tasks import import_folder_task

    call = {"task": "import_folder", "args": [str(folder), kind, delete_after]}
    record = TaskRecord.objects.create(task_type="import_folder", summary=str(folder)[-255:], call=call,
                                       user=user if getattr(user, "is_authenticated", False) else None)
    transaction.on_commit(lambda: _send(import_folder_task, record.pk, str(folder), kind, delete_after))
    return record
