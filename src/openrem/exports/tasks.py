"""The export task (huey) and queueing it from the web interface."""

from __future__ import annotations

import logging
import os
import time
import traceback
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from huey.contrib.djhuey import db_task

from openrem.exports.models import ExportFile
from openrem.exports.run import Aborted, ExportError, clean_filters, export_path, run_export
from openrem.jobs.models import TaskRecord
from openrem.jobs.service import should_stop
from openrem.jobs.tasks import _finish, _progress, _start

log = logging.getLogger("openrem.exports")


def queue_export(modality: str, fmt: str, filters: Mapping[str, Any], user: Any, *, pid: str = "",
                 bom: bool = False) -> ExportFile:
    """Record an export and queue its task (after the current transaction commits)."""
    record = TaskRecord.objects.create(task_type="export", summary=f"{modality.upper()} {fmt} export",
                                       user=user if getattr(user, "is_authenticated", False) else None)
    export = ExportFile.objects.create(task=record, modality=modality, export_format=fmt, pid_variant=pid,
                                       includes_pid=bool(pid), filters=clean_filters(filters),
                                       user=record.user)
    transaction.on_commit(lambda: export_task(record.pk, export.pk, bom))
    return export


@db_task(context=False)  # type: ignore[untyped-decorator]
def export_task(record_id: int, export_id: int, bom: bool = False) -> None:
    """Write the export file; progress "n of N studies"; abort checked every chunk of studies."""
    if _start(record_id) is None:
        return
    export = ExportFile.objects.select_related("user").get(pk=export_id)
    absolute, relative = export_path(export.modality, export.export_format, export.pk, export.pid_variant)
    started = time.monotonic()

    def progress(done: int, total: int) -> None:
        _progress(record_id, f"{done} of {total} studies")
        if should_stop(record_id):
            raise Aborted

    try:
        _progress(record_id, "0 studies")
        count = run_export(export.modality, export.export_format, export.filters, export.user, absolute,
                           pid=export.pid_variant, bom=bom, progress=progress)
    except Aborted:
        _remove(absolute)
        _finish(record_id, TaskRecord.TERMINATED, result="export aborted")
        return
    except ExportError as exc:
        _remove(absolute)
        _finish(record_id, TaskRecord.FAILED, result=str(exc), error=str(exc))
        return
    except Exception:  # the task record says what happened; the worker keeps running
        log.exception("export %s failed", export_id)
        _remove(absolute)
        _finish(record_id, TaskRecord.FAILED, error=traceback.format_exc())
        return
    ExportFile.objects.filter(pk=export_id).update(file=relative, num_records=count,
                                                   processing_time=time.monotonic() - started)
    _progress(record_id, f"{count} of {count} studies")
    _finish(record_id, TaskRecord.COMPLETE, result=f"{count} studies exported")


def _remove(path: str) -> None:
    if os.path.exists(path):
        os.remove(path)
