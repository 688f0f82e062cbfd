"""Imports queued as background tasks (huey in immediate mode) and their task records."""

from __future__ import annotations

import pytest
from django.conf import settings

from openrem.dose.models import Study
from openrem.jobs.models import TaskHistorySettings, TaskRecord
from openrem.jobs.service import queue_import, request_termination

pytestmark = pytest.mark.django_db(transaction=True)


def test_tests_run_tasks_in_process() -> None:
    assert settings.HUEY["immediate"] is True


def test_queued_import_runs_and_records_its_outcome(sample) -> None:  # type: ignore[no-untyped-def]
    record = queue_import(str(sample("CT-RDSR-Siemens-Multi-1.dcm")), source="test")
    record.refresh_from_db()
    assert record.status == TaskRecord.COMPLETE, record.error
    assert ": stored" in record.result
    assert Study.objects.count() == 1


def test_failed_import_is_a_failed_task(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.dcm"
    bad.write_bytes(b"garbage" * 40)
    record = queue_import(str(bad))
    record.refresh_from_db()
    assert record.status == TaskRecord.FAILED and "unreadable" in record.error


def test_terminated_before_start_does_not_run(sample) -> None:  # type: ignore[no-untyped-def]
    record = TaskRecord.objects.create(task_type="import", summary="x")
    request_termination(record)
    from openrem.jobs.tasks import import_task

    import_task(record.pk, str(sample("CT-RDSR-Siemens-Multi-1.dcm")))
    record.refresh_from_db()
    assert record.status == TaskRecord.TERMINATED and Study.objects.count() == 0


def test_history_is_trimmed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings_row = TaskHistorySettings.get()
    settings_row.max_rows = 3
    settings_row.save()
    bad = tmp_path / "bad.dcm"
    bad.write_bytes(b"x" * 300)
    for _ in range(6):
        queue_import(str(bad))
    assert TaskRecord.objects.count() == 3


def test_inbox_file_that_fails_is_moved_to_failed_with_its_reason(tmp_path) -> None:  # type: ignore[no-untyped-def]
    inbox = tmp_path / "dicom_in"
    inbox.mkdir()
    bad = inbox / "bad.dcm"
    bad.write_bytes(b"garbage" * 40)
    record = queue_import(str(bad), delete_after=True)
    record.refresh_from_db()
    assert record.status == TaskRecord.FAILED and "moved to" in record.result
    assert not bad.exists()
    assert (inbox / "failed" / "bad.dcm").read_bytes() == b"garbage" * 40
    assert "unreadable" in (inbox / "failed" / "bad.dcm.reason.txt").read_text()


def test_recovery_requeues_dead_workers_tasks_and_orphan_inbox_files(tmp_path, sample) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from openrem.jobs.recovery import recover, worker_id

    inbox = tmp_path / "dicom_in"
    inbox.mkdir()
    dead = inbox / "dead.dcm"
    shutil.copy(sample("CT-RDSR-Siemens-Multi-1.dcm"), dead)
    orphan = inbox / "orphan.dcm"
    shutil.copy(sample("DX-Im-Carestream_DRX.dcm"), orphan)
    host = worker_id().split(":")[0]
    # a task left active by a worker process that no longer exists, and one of a live worker
    TaskRecord.objects.create(task_type="import", status=TaskRecord.ACTIVE, path=str(dead), worker=f"{host}:999999999:1",
                              call={"task": "import", "args": [str(dead), None, True]})
    alive = TaskRecord.objects.create(task_type="import", status=TaskRecord.ACTIVE, worker=worker_id(), summary="x")
    # a query task (cannot be re-run) of the dead worker: marked failed
    query = TaskRecord.objects.create(task_type="query", status=TaskRecord.ACTIVE, worker=f"{host}:999999999:1")
    result = recover(at_start=True, scan=[inbox], min_age=0)
    assert len(result.requeued) == 1 and result.failed == [query.pk] and result.inbox_files == [str(orphan)]
    assert Study.objects.count() == 2  # both files imported (in-process queue)
    assert list(inbox.iterdir()) == []
    assert TaskRecord.objects.get(pk=alive.pk).status == TaskRecord.ACTIVE
    assert "worker running this task stopped" in TaskRecord.objects.get(pk=query.pk).error
    assert not TaskRecord.objects.filter(status=TaskRecord.QUEUED).exists()
