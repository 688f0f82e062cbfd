"""The folder import task (huey in immediate mode): progress, outcome, termination between files,
and ``openrem import --background``."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from openrem.dicom import synth
from openrem.dose.models import CtEvent, CtRadiationDose, ProcessedObject, Study
from openrem.jobs.models import TaskRecord
from openrem.jobs.service import queue_folder_import, request_termination

pytestmark = pytest.mark.django_db(transaction=True)


def _ct_folder(folder: Path, count: int, seed: int = 3) -> list[Path]:
    return synth.generate("CT", count, seed=seed, out_dir=folder)


def _assert_whole_studies() -> None:
    """Every stored study has its processed object, its events and its summary columns."""
    for study in Study.objects.all():
        events = CtEvent.objects.filter(parent__parent=study).count()
        assert events > 0 and study.number_of_events == events, study
        assert study.total_dlp is not None, study
        assert ProcessedObject.objects.filter(study=study).exists(), study
        assert CtRadiationDose.objects.filter(parent=study).count() == 1, study


def test_folder_import_reports_progress_and_outcome(tmp_path: Path) -> None:
    _ct_folder(tmp_path / "in", 5)
    record = queue_folder_import(str(tmp_path / "in"))
    record.refresh_from_db()
    assert record.task_type == "import_folder"
    assert record.status == TaskRecord.COMPLETE, record.error
    assert record.progress == "5 of 5 files"
    assert record.result == "5 of 5 files: 5 stored"
    assert record.started_at and record.finished_at and not record.error
    assert Study.objects.count() == 5
    _assert_whole_studies()


def test_failed_files_are_listed_and_the_others_imported(tmp_path: Path, sample: Any) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(sample("CT-RDSR-Siemens-Multi-1.dcm"), folder / "a.dcm")
    (folder / "b.dcm").write_bytes(b"garbage" * 40)
    record = queue_folder_import(str(folder))
    record.refresh_from_db()
    assert record.status == TaskRecord.FAILED
    assert "b.dcm: error" in record.error and "a.dcm" not in record.error
    assert "1 stored" in record.result and "1 error" in record.result
    assert Study.objects.count() == 1


def test_empty_folder_is_a_failed_task(tmp_path: Path) -> None:
    record = queue_folder_import(str(tmp_path))
    record.refresh_from_db()
    assert record.status == TaskRecord.FAILED and "no files found" in record.error


def test_termination_stops_between_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A termination requested while the third file is imported stops the task before the fourth."""
    from openrem.dose import services

    _ct_folder(tmp_path / "in", 8)
    real = services.import_file
    calls: list[str] = []

    def import_and_press_terminate(path: Any, kinds: Any = None) -> Any:
        outcome = real(path, kinds)
        calls.append(str(path))
        if len(calls) == 3:
            request_termination(TaskRecord.objects.get(task_type="import_folder"))
        return outcome

    monkeypatch.setattr(services, "import_file", import_and_press_terminate)
    record = queue_folder_import(str(tmp_path / "in"))
    record.refresh_from_db()
    assert record.status == TaskRecord.TERMINATED
    assert record.progress == "3 of 8 files"
    assert record.result.startswith("terminated after 3 of 8 files")
    assert record.finished_at is not None
    assert Study.objects.count() == 3
    _assert_whole_studies()


def test_terminated_before_start_does_not_run(tmp_path: Path) -> None:
    from openrem.jobs.tasks import import_folder_task

    _ct_folder(tmp_path / "in", 2)
    record = TaskRecord.objects.create(task_type="import_folder", summary="x")
    request_termination(record)
    import_folder_task(record.pk, str(tmp_path / "in"))
    record.refresh_from_db()
    assert record.status == TaskRecord.TERMINATED and record.started_at is None
    assert Study.objects.count() == 0


def test_finished_task_is_not_restarted(tmp_path: Path) -> None:
    """A queue message delivered twice does not run a finished task again."""
    from openrem.jobs.tasks import import_folder_task

    _ct_folder(tmp_path / "in", 1)
    record = TaskRecord.objects.create(task_type="import_folder", summary="x", status=TaskRecord.COMPLETE)
    import_folder_task(record.pk, str(tmp_path / "in"))
    record.refresh_from_db()
    assert record.status == TaskRecord.COMPLETE and Study.objects.count() == 0


def test_kind_and_delete_after(tmp_path: Path, sample: Any) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(sample("CT-RDSR-Siemens-Multi-1.dcm"), folder / "ct.dcm")
    shutil.copy(sample("DX-Im-Carestream_DRX.dcm"), folder / "dx.dcm")
    record = queue_folder_import(str(folder), kind="dx", delete_after=True)
    record.refresh_from_db()
    assert record.status == TaskRecord.COMPLETE, record.error
    assert "1 skipped" in record.result and "1 stored" in record.result
    assert not (folder / "dx.dcm").exists() and (folder / "ct.dcm").exists()


def test_import_command_background_option(tmp_path: Path, sample: Any, capsys: pytest.CaptureFixture[str]) -> None:
    """``openrem import --background PATH...`` queues one task per PATH (run at once under pytest)."""
    _ct_folder(tmp_path / "in", 3)
    single = sample("CT-RDSR-Siemens-Multi-1.dcm")
    call_command("import_dicom", "--background", str(tmp_path / "in"), str(single))
    out = capsys.readouterr().out
    assert out.count("queued task ") == 2
    records = list(TaskRecord.objects.order_by("pk"))
    assert [r.summary for r in records] == [str(tmp_path / "in"), str(single)]
    assert all(r.status == TaskRecord.COMPLETE for r in records), [r.error for r in records]
    assert Study.objects.count() == 4


def test_import_command_background_refuses_missing_paths(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no files found"):
        call_command("import_dicom", "--background", str(tmp_path / "nothing-here"))
    assert TaskRecord.objects.count() == 0
