"""The huey tasks. Each is a thin wrapper around a service function and its task record."""

from __future__ import annotations

import logging
import os
import traceback

from django.utils import timezone
from huey.contrib.djhuey import db_task

from openrem.jobs.models import TaskHistorySettings, TaskRecord

log = logging.getLogger("openrem.jobs")


def _start(record_id: int) -> TaskRecord | None:
    record = TaskRecord.objects.filter(pk=record_id).first()
    if record is None or record.terminate_requested:
        if record is not None:
            TaskRecord.objects.filter(pk=record_id).update(status=TaskRecord.TERMINATED, finished_at=timezone.now())
        return None
    TaskRecord.objects.filter(pk=record_id).update(status=TaskRecord.ACTIVE, started_at=timezone.now(),
                                                   pid=os.getpid())
    return record


def _finish(record_id: int, status: str, result: str = "", error: str = "") -> None:
    TaskRecord.objects.filter(pk=record_id).update(status=status, result=result[:10000], error=error[:20000],
                                                   finished_at=timezone.now())
    trim_history()


def trim_history() -> None:
    """Keep at most the configured number of finished task records."""
    keep = TaskHistorySettings.get().max_rows
    finished = TaskRecord.objects.exclude(status__in=[TaskRecord.QUEUED, TaskRecord.ACTIVE, TaskRecord.TERMINATING])
    old = list(finished.order_by("-created_at", "-pk").values_list("pk", flat=True)[keep:keep + 10000])
    if old:
        TaskRecord.objects.filter(pk__in=old).delete()


@db_task(context=False)  # type: ignore[untyped-decorator]
def import_task(record_id: int, path: str, source: str | None = None, delete_after: bool = False) -> None:
    """Import one file; the outcome line goes into the task record."""
    from openrem.dose.services import import_file

    if _start(record_id) is None:
        return
    try:
        outcome = import_file(path)
        if delete_after and not outcome.failed and os.path.exists(path):
            os.remove(path)
    except Exception:  # the task record says what happened; the worker keeps running
        log.exception("import task %s failed", record_id)
        _finish(record_id, TaskRecord.FAILED, error=traceback.format_exc())
        return
    _finish(record_id, TaskRecord.FAILED if outcome.failed else TaskRecord.COMPLETE, result=outcome.line(),
            error=outcome.detail if outcome.failed else "")
