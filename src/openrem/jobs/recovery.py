"""Recovery of work left behind by a worker or a receiver that died (docs/tasks.md, "Stopping and recovery").

The task record (database) is the durable hand-off; the huey message only wakes a worker. So:

* a record *queued* but without a message (the worker took the message and died before starting
  it) is queued again when the worker starts, or when the queue is empty and the record is older
  than a few seconds; a task queued twice runs once (``_start`` changes queued→active atomically);
* a record *active* whose worker is dead — a process of this host that no longer exists (pid and
  start time, so a re-used pid does not count), or whose heartbeat is older than the lease — is
  queued again (imports are idempotent: an object already stored is recognised) or, for tasks that
  cannot simply run again, marked failed with a note; after :data:`MAX_ATTEMPTS` runs it is failed;
* an inbox file without a live task record (the receiver died between writing it and queueing it,
  or a worker died after committing and before deleting it) gets an import task.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from openrem.jobs.models import TaskRecord

log = logging.getLogger("openrem.jobs")

#: runs of one task before a dead worker makes it fail (a file that crashes the worker every time)
MAX_ATTEMPTS = 3
LIVE = (TaskRecord.QUEUED, TaskRecord.ACTIVE, TaskRecord.TERMINATING)
_identity: tuple[int, str] | None = None


def _start_ticks(pid: int) -> str | None:
    """The start time of process ``pid`` (clock ticks since boot, Linux ``/proc``); None when it does
    not exist or is a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()
    return None if fields[0] in ("Z", "X") else fields[19]


def worker_id() -> str:
    """This process as ``host:pid:start time`` (what a task record's ``worker`` holds)."""
    global _identity
    pid = os.getpid()
    if _identity is None or _identity[0] != pid:
        _identity = (pid, f"{socket.gethostname()}:{pid}:{_start_ticks(pid) or '?'}")
    return _identity[1]


def worker_alive(worker: str) -> bool | None:
    """True/False for a worker process of this host; None for another host (only its heartbeat tells)."""
    host, _, rest = worker.partition(":")
    pid_text, _, ticks = rest.partition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return None
    current = _start_ticks(int(pid_text))
    return current is not None and (ticks == "?" or current == ticks)


@dataclass
class Recovered:
    """What one recovery pass did (task record ids)."""

    requeued: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    inbox_files: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.requeued or self.failed or self.inbox_files)

    def line(self) -> str:
        return (f"{len(self.requeued)} task(s) queued again, {len(self.failed)} marked failed, "
                f"{len(self.inbox_files)} inbox file(s) queued")


def lease_seconds() -> float:
    """Seconds without a heartbeat after which an active task counts as dead (``TASK_LEASE_SECONDS``)."""
    return float(getattr(settings, "TASK_LEASE_SECONDS", 120))


def dead_active(lease: float | None = None) -> list[TaskRecord]:
    """Active or terminating records whose worker is dead (see the module docstring)."""
    stale = timezone.now() - timedelta(seconds=lease_seconds() if lease is None else lease)
    dead = []
    for record in TaskRecord.objects.filter(status__in=[TaskRecord.ACTIVE, TaskRecord.TERMINATING]):
        alive = worker_alive(record.worker) if record.worker else None
        beat = record.heartbeat_at or record.started_at
        if alive is False or (alive is None and (beat is None or beat < stale)):
            dead.append(record)
    return dead


#: tasks that may run again after a dead worker (imports are idempotent); others are only re-sent
#: while still queued (never started)
RERUNNABLE = ("import", "import_folder")


def enqueue(record: TaskRecord) -> None:
    """Send a huey message for ``record`` (its ``call``); the caller made it queued."""
    from openrem.jobs.tasks import import_folder_task, import_task
    from openrem.netdicom.qr_tasks import move_task, query_task

    tasks: dict[str, Any] = {"import": import_task, "import_folder": import_folder_task, "query": query_task,
                             "move": move_task}
    tasks[record.call["task"]](record.pk, *record.call.get("args", []))


def _reclaim(record: TaskRecord, result: Recovered) -> None:
    """Queue a dead worker's task again, or fail it (no way to re-run, too many attempts, terminating)."""
    was = {"pk": record.pk, "status": record.status, "worker": record.worker}
    note = f"the worker running this task stopped ({record.worker or 'unknown'})"
    if record.status == TaskRecord.TERMINATING:
        if TaskRecord.objects.filter(**was).update(status=TaskRecord.TERMINATED, finished_at=timezone.now(),
                                                   error=f"{record.error}\n{note}".strip()):
            result.failed.append(record.pk)
        return
    rerunnable = record.call.get("task") in RERUNNABLE
    if rerunnable and record.attempts < MAX_ATTEMPTS:
        if TaskRecord.objects.filter(**was).update(status=TaskRecord.QUEUED, worker="",
                                                   progress=f"{note}; queued again"):
            record.refresh_from_db()
            enqueue(record)
            result.requeued.append(record.pk)
        return
    error = f"{note} after {record.attempts} run(s); run it again" if rerunnable else f"{note}; run it again"
    if TaskRecord.objects.filter(**was).update(status=TaskRecord.FAILED, finished_at=timezone.now(),
                                               error=f"{record.error}\n{error}".strip()):
        if rerunnable and record.path and record.call.get("args", [None, None, False])[2] and \
                os.path.exists(record.path):
            from openrem.jobs.tasks import move_to_failed

            move_to_failed(record.path, error)
        result.failed.append(record.pk)


def requeue_queued(older_than: float = 0.0, skip: list[int] | None = None) -> list[int]:
    """Send a new message for every queued record with a ``call`` created more than ``older_than``
    seconds ago (a task queued twice runs once). Records without a ``call`` are left alone: their
    message may still be in the queue (they show as stuck on the task page after 10 minutes)."""
    cutoff = timezone.now() - timedelta(seconds=older_than)
    waiting = TaskRecord.objects.filter(status=TaskRecord.QUEUED, created_at__lte=cutoff).exclude(pk__in=skip or [])
    sent = []
    for record in waiting.order_by("pk"):
        if record.call.get("task"):
            enqueue(record)
            sent.append(record.pk)
    return sent


def inboxes() -> list[Path]:
    """The inbox folders of this installation: the store SCP's and the HTTP import's."""
    return [Path(settings.DATA_DIR) / "dicom_in", Path(settings.HTTP_IMPORT_INBOX)]


def inbox_files(inbox: Path) -> list[Path]:
    """Files waiting in ``inbox`` (not temporary ``.part`` files, not the ``failed`` folder)."""
    if not inbox.is_dir():
        return []
    return sorted(p for p in inbox.iterdir() if p.is_file() and not p.name.startswith("."))


def queue_orphans(inbox: Path, min_age: float = 0.0, source: str = "recovered") -> list[str]:
    """Queue the import of every file of ``inbox`` that has no live task record.

    A file with no task record at all may be one a receiver is queueing right now: it is taken only
    when older than ``min_age`` seconds (0 when no receiver writes to the inbox, e.g. at its start)."""
    from openrem.jobs.service import queue_import

    files = inbox_files(inbox)
    names = [str(p) for p in files]
    records = TaskRecord.objects.filter(path__in=names).values_list("path", "status")
    live = {path for path, status in records if status in LIVE}
    known = {path for path, _ in records}
    now = time.time()
    queued = []
    for path in files:
        name = str(path)
        try:
            young = now - path.stat().st_mtime < min_age
        except FileNotFoundError:
            continue
        if name in live or (name not in known and young):
            continue
        record = queue_import(name, source=source, delete_after=True)
        log.warning("inbox file %s had no live task: import task %s queued", path, record.pk)
        queued.append(name)
    return queued


def recover(*, at_start: bool, lease: float | None = None, scan: list[Path] | None = None,
            min_age: float = 30.0, requeue_all: bool = False) -> Recovered:
    """One recovery pass (the worker runs it at start and every few seconds; the store SCP at start).

    ``at_start``: no worker of this installation runs (every queued record is sent again);
    otherwise queued records are sent again only when the queue is empty and they are older than 10 s
    (``requeue_all``: whatever the queue holds, as the task page's "Re-queue" does)."""
    from huey.contrib.djhuey import HUEY

    result = Recovered()
    for record in dead_active(lease):
        _reclaim(record, result)
    if at_start or requeue_all:
        result.requeued += requeue_queued(skip=result.requeued)
    elif HUEY.pending_count() == 0:
        result.requeued += requeue_queued(older_than=10, skip=result.requeued)
    for inbox in inboxes() if scan is None else scan:
        result.inbox_files += queue_orphans(inbox, min_age)
    if result:
        log.warning("recovery: %s", result.line())
    return result


def stuck(lease: float | None = None) -> Q:
    """Records that look stuck: active with a dead worker, or queued for more than 10 minutes."""
    pks = [r.pk for r in dead_active(lease)]
    old = timezone.now() - timedelta(minutes=10)
    return Q(pk__in=pks) | Q(status=TaskRecord.QUEUED, created_at__lt=old)
