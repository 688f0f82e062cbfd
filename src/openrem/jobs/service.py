"""Queueing work and terminating it (used by views, commands and the DICOM receivers)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from openrem.jobs.models import TaskRecord


def queue_import(path: str, source: str | None = None, *, delete_after: bool = False, user: Any = None) -> TaskRecord:
    """Queue the import of one file as a background task; returns its task record.

    ``delete_after``: remove the file after a successful import (files received over the network
    are written to an inbox that only the import reads).
    """
    from openrem.jobs.tasks import import_task

    record = TaskRecord.objects.create(task_type="import", summary=str(path)[-255:],
                                       user=user if getattr(user, "is_authenticated", False) else None)
    transaction.on_commit(lambda: import_task(record.pk, str(path), source, delete_after))
    return record


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

    record = TaskRecord.objects.create(task_type="import_folder", summary=str(folder)[-255:],
                                       user=user if getattr(user, "is_authenticated", False) else None)
    transaction.on_commit(lambda: import_folder_task(record.pk, str(folder), kind, delete_after))
    return record
