"""The background size import: progress "n of N rows", abort, log kept on the upload, CSV deleted."""

from __future__ import annotations

import logging
import os
import traceback
from typing import Any

from django.db import transaction
from django.utils import timezone
from huey.contrib.djhuey import db_task

from openrem.jobs.models import TaskRecord
from openrem.jobs.tasks import _finish, _progress, _start
from openrem.ptsize.models import SizeUpload

log = logging.getLogger("openrem.ptsize")


def queue_size_import(upload: SizeUpload, user: Any = None) -> TaskRecord:
    """Queue the import of an uploaded CSV whose columns are chosen."""
    record = TaskRecord.objects.create(task_type="import_size", summary=upload.original_name[:255],
                                       user=user if getattr(user, "is_authenticated", False) else None)
    SizeUpload.objects.filter(pk=upload.pk).update(task=record, status=SizeUpload.QUEUED, progress="")
    transaction.on_commit(lambda: size_import_task(record.pk, upload.pk))
    return record


def _delete_csv(upload: SizeUpload) -> None:
    if upload.csv_file:
        path = upload.csv_file.path
        upload.csv_file = None
        if os.path.exists(path):
            os.remove(path)


def _set(upload: SizeUpload, **fields: Any) -> None:
    SizeUpload.objects.filter(pk=upload.pk).update(**fields)


@db_task(context=False)  # type: ignore[untyped-decorator]
def size_import_task(record_id: int, upload_pk: int) -> None:
    """Import the CSV of upload ``upload_pk``; the CSV file is deleted afterwards, whatever happened."""
    from openrem.jobs.service import should_stop
    from openrem.ptsize.csvimport import import_sizes

    upload = SizeUpload.objects.filter(pk=upload_pk).first()
    if upload is None or _start(record_id) is None:
        if upload is not None:
            _set(upload, status=SizeUpload.ABORTED, finished_at=timezone.now(), log="aborted before it started")
            _delete_csv(upload)
            _set(upload, csv_file=None)
        return
    _set(upload, status=SizeUpload.PROCESSING)

    def progress(done: int, total: int) -> bool:
        text = f"{done} of {total} rows"
        _progress(record_id, text)
        _set(upload, progress=text)
        return not should_stop(record_id)

    try:
        with upload.csv_file.open("rb") as handle:
            data = handle.read()
        result = import_sizes(data, upload.id_field, upload.height_field, upload.weight_field,
                              by_uid=upload.id_type == SizeUpload.STUDY_UID, unit=upload.height_unit,
                              overwrite=upload.overwrite, progress=progress)
    except Exception as exc:
        log.exception("size import %s failed", upload_pk)
        _set(upload, status=SizeUpload.FAILED, log=f"import failed: {exc}", finished_at=timezone.now())
        _finish(record_id, TaskRecord.FAILED, error=traceback.format_exc())
        return
    finally:
        _delete_csv(upload)
        _set(upload, csv_file=None)
    status = SizeUpload.ABORTED if result.aborted else SizeUpload.COMPLETE
    _set(upload, status=status, log="\n".join(result.lines), rows_total=result.total, rows_stored=result.stored,
         rows_failed=result.failed, progress=result.summary(), finished_at=timezone.now())
    _finish(record_id, TaskRecord.TERMINATED if result.aborted else TaskRecord.COMPLETE, result=result.summary())
