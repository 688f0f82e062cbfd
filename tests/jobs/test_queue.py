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
