"""A real huey consumer (``openrem run_huey``) on Redis against the test database.

The producer is ``openrem import --background`` in a subprocess (HUEY_IMMEDIATE=0, the Redis queue
named by HUEY_NAME), so the test process itself keeps its in-process huey. Each test uses a queue
name of its own, so parallel runs sharing the Redis server do not collide. Without Redis the tests
are skipped, or fail with OPENREM_REQUIRE_ALL=1.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pydicom
import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

sys.path.insert(0, str(Path(__file__).resolve().parent))

from procs import OPENREM, REDIS_HOST, REDIS_PORT, database_url, require_redis, stop  # noqa: E402

from openrem.dose.models import ProcessedObject, ProjectionEvent, Study  # noqa: E402
from openrem.jobs.models import TaskRecord  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)

FINISHED = (TaskRecord.COMPLETE, TaskRecord.FAILED, TaskRecord.TERMINATED)


def _require_redis() -> None:
    require_redis()
    if not OPENREM.exists():
        pytest.fail(f"{OPENREM} not found: install the package in the virtualenv (pip install -e .)")


@pytest.fixture
def worker_env() -> Iterator[dict[str, str]]:
    """Environment of the producer and consumer subprocesses; the Redis queue is flushed afterwards."""
    _require_redis()
    name = f"openrem-test-{uuid.uuid4().hex[:12]}"
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_VERSION"}
    env.update(DATABASE_URL=database_url(), REDIS_HOST=REDIS_HOST, REDIS_PORT=str(REDIS_PORT), HUEY_NAME=name,
               HUEY_IMMEDIATE="0", PYTHONUNBUFFERED="1")
    yield env
    from huey import RedisHuey

    RedisHuey(name, host=REDIS_HOST, port=REDIS_PORT).storage.flush_all()


@pytest.fixture
def consumer(worker_env: dict[str, str], tmp_path: Path) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    """Start ``openrem run_huey -w 1 -k process``; stopped (its whole process group) at teardown."""
    started: list[subprocess.Popen[bytes]] = []
    log = tmp_path / "consumer.log"

    def start() -> subprocess.Popen[bytes]:
        with log.open("ab") as out:
            proc = subprocess.Popen([str(OPENREM), "run_huey", "-w", "1", "-k", "process"], env=worker_env,
                                    stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        started.append(proc)
        return proc

    yield start
    for proc in started:
        stop(proc)
    if log.exists():
        sys.stdout.write(log.read_text(errors="replace")[-4000:])  # shown by pytest when a test failed


def _queue(env: dict[str, str], *paths: Path) -> list[int]:
    """``openrem import --background PATH...`` in a subprocess; the pks of the queued task records."""
    proc = subprocess.run([str(OPENREM), "import", "--background", *map(str, paths)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    pks = [int(line.split()[2]) for line in proc.stdout.splitlines() if line.startswith("queued task ")]
    assert len(pks) == len(paths), proc.stdout
    return pks


def _wait(condition: Callable[[], Any], timeout: float, what: str, proc: subprocess.Popen[bytes] | None = None,
          interval: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"the consumer exited with {proc.returncode} while waiting for {what}")
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}: "
                         f"{list(TaskRecord.objects.values_list('pk', 'status', 'progress', 'error'))}")


BIG = "RF-Pat-Orientation-Modifier-Missing.dcm"  # 316 events: a few tenths of a second per import


def _copies(source: Path, folder: Path, count: int) -> list[Path]:
    """``count`` copies of ``source`` with new Study and SOP Instance UIDs (same length, so the bytes
    can be replaced without re-encoding the large SR)."""
    header = pydicom.dcmread(source, specific_tags=["StudyInstanceUID", "SOPInstanceUID"])
    study_uid, sop_uid = str(header.StudyInstanceUID), str(header.SOPInstanceUID)
    assert len(study_uid.rsplit(".", 1)[1]) > 5 and len(sop_uid.rsplit(".", 1)[1]) > 5
    data = source.read_bytes()
    folder.mkdir(parents=True)
    paths = []
    for i in range(count):
        copy = data.replace(study_uid.encode(), f"{study_uid[:-4]}9{i:03d}".encode())
        copy = copy.replace(sop_uid.encode(), f"{sop_uid[:-4]}9{i:03d}".encode())
        paths.append(folder / f"rf{i:03d}.dcm")
        paths[-1].write_bytes(copy)
    return paths


def _whole_studies(events_per_study: int) -> None:
    """Every stored study has its processed object, all its events and its summary columns."""
    for study in Study.objects.all():
        events = ProjectionEvent.objects.filter(parent__parent=study).count()
        assert events == events_per_study and study.number_of_events == events, study
        assert study.total_dap is not None, study
        assert ProcessedObject.objects.filter(study=study).count() == 1, study


def test_consumer_imports_queued_files(worker_env: dict[str, str], consumer: Any, sample: Any) -> None:
    files = [sample("CT-RDSR-Siemens-Multi-1.dcm"), sample("CT-RDSR-GEPixelMed.dcm"),
             sample("DX-Im-Carestream_DRX.dcm")]
    pks = _queue(worker_env, *files)
    assert set(TaskRecord.objects.filter(pk__in=pks).values_list("status", flat=True)) == {TaskRecord.QUEUED}
    assert Study.objects.count() == 0  # nothing runs in the producer
    proc = consumer()

    def all_finished() -> bool:
        return TaskRecord.objects.filter(pk__in=pks, status__in=FINISHED).count() == len(pks)

    _wait(all_finished, 90, "the three imports", proc)
    for record in TaskRecord.objects.filter(pk__in=pks):
        assert record.status == TaskRecord.COMPLETE, (record.summary, record.error)
        assert record.progress == "1 of 1 files" and record.result == "1 of 1 files: 1 stored"
        assert record.pid and record.pid != proc.pid  # run by the worker process, not the consumer
        assert record.started_at and record.finished_at
    assert Study.objects.count() == 3
    assert Study.objects.filter(modality_type="CT").count() == 2


def test_folder_task_terminated_from_the_task_page(worker_env: dict[str, str], consumer: Any,
                                                   tmp_path: Path, sample: Any) -> None:
    total = 40
    folder = tmp_path / "in"
    _copies(sample(BIG), folder, total)
    (pk,) = _queue(worker_env, folder)
    proc = consumer()

    def running() -> bool:
        record = TaskRecord.objects.get(pk=pk)
        assert record.status not in FINISHED, f"finished before it could be terminated: {record.result}"
        return record.status == TaskRecord.ACTIVE and record.progress.startswith(("1 of", "2 of", "3 of"))

    _wait(running, 90, "the folder import to start", proc, interval=0.02)
    assert Study.objects.count() < total
    admin = User.objects.create(username="task-admin")
    admin.groups.add(Group.objects.get_or_create(name="admingroup")[0])
    client = Client()
    client.force_login(admin)
    assert client.post(reverse("tasks_terminate", args=[pk])).status_code == 302

    def finished() -> TaskRecord | None:
        return TaskRecord.objects.filter(pk=pk, status__in=FINISHED).first()

    record = _wait(finished, 60, "the termination", proc)
    assert record.status == TaskRecord.TERMINATED, (record.status, record.result, record.error)
    done = int(record.progress.split()[0])
    assert 0 < done < total and record.progress == f"{done} of {total} files"
    assert record.result.startswith(f"terminated after {done} of {total} files")
    assert Study.objects.count() == done  # every file is one study, each complete
    _whole_studies(316)
    # the task page lists it as terminated
    data = client.get(reverse("tasks_json")).json()
    assert f'data-task="{pk}" data-status="terminated"' in data["sections"]["recent"]
    assert proc.poll() is None  # the worker is still serving the queue
