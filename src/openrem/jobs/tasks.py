"""The huey tasks. Each is a thin wrapper around a service function and its task record."""

from __future__ import annotations

import logging
import os
import traceback
from collections import Counter
from dataclasses import replace
from pathlib import Path

from django.db.models import F
from django.utils import timezone
from huey.contrib.djhuey import db_task

from openrem.jobs.models import TaskHistorySettings, TaskRecord

log = logging.getLogger("openrem.jobs")


def _start(record_id: int) -> TaskRecord | None:
    """Mark a queued record active; ``None`` (and the record terminated) when it must not run.

    The status change is one conditional update, so a termination requested at the same moment is
    either seen here (the task does not start) or seen later by :func:`should_stop`; a task queued
    twice (re-queued after a dead worker) runs once. The record names this worker process and gets a
    heartbeat, so that a worker that dies is noticed (:mod:`openrem.jobs.recovery`)."""
    from openrem.jobs.recovery import worker_id

    now = timezone.now()
    started = TaskRecord.objects.filter(pk=record_id, status=TaskRecord.QUEUED).update(
        status=TaskRecord.ACTIVE, started_at=now, heartbeat_at=now, pid=os.getpid(), worker=worker_id(),
        attempts=F("attempts") + 1)
    if not started:
        TaskRecord.objects.filter(pk=record_id, status=TaskRecord.TERMINATING).update(
            status=TaskRecord.TERMINATED, finished_at=timezone.now())
        return None
    return TaskRecord.objects.filter(pk=record_id).first()


def _requeue_interrupted(record_id: int) -> None:
    """The worker was interrupted (stop timeout) before the task finished: back to queued, so that the
    next start of the worker runs it again (each file is one transaction: nothing half-written)."""
    from openrem.jobs.recovery import worker_id

    try:
        TaskRecord.objects.filter(pk=record_id, status=TaskRecord.ACTIVE, worker=worker_id()).update(
            status=TaskRecord.QUEUED, worker="", progress="interrupted by a worker stop; queued again")
    except Exception:  # the database may be gone too; start-up recovery handles the record then
        log.exception("could not re-queue interrupted task %s", record_id)


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
    """Import one file; the outcome line goes into the task record.

    ``delete_after`` (files of an inbox): the file is removed after its import committed and its
    record was marked complete; a file that fails is moved to the inbox's ``failed`` folder with its
    reason beside it, never deleted. A worker killed between these steps leaves either the file (the
    inbox scan queues it again; the import then finds it "already stored") or a record whose file is
    gone (:func:`_gone`)."""
    from openrem.dose.services import import_file

    if _start(record_id) is None:
        return
    try:
        if delete_after and not os.path.exists(path):
            status, result = _gone(record_id, path)
            _finish(record_id, status, result=result, error=result if status == TaskRecord.FAILED else "")
            return
        outcome = import_file(path)
        if delete_after and outcome.failed and os.path.exists(path):
            outcome = replace(outcome, detail=f"{outcome.detail}; moved to {move_to_failed(path, outcome.line())}")
        _finish(record_id, TaskRecord.FAILED if outcome.failed else TaskRecord.COMPLETE, result=outcome.line(),
                error=outcome.detail if outcome.failed else "")
        if delete_after and not outcome.failed and os.path.exists(path):
            os.remove(path)
    except KeyboardInterrupt:  # the worker is being stopped and its stop timeout ran out
        _requeue_interrupted(record_id)
        raise
    except Exception:  # the task record says what happened; the worker keeps running
        log.exception("import task %s failed", record_id)
        _finish(record_id, TaskRecord.FAILED, error=traceback.format_exc())


def _gone(record_id: int, path: str) -> tuple[str, str]:
    """Status and result of a task whose inbox file is no longer there: imported by another task
    (queued twice), moved to the failed folder by an earlier run, or really missing."""
    failed = Path(path).parent / "failed" / Path(path).name
    if failed.exists():
        return TaskRecord.FAILED, f"{path}: moved to {failed} earlier (see the reason file beside it)"
    if TaskRecord.objects.filter(path=path, status=TaskRecord.COMPLETE).exclude(pk=record_id).exists():
        return TaskRecord.COMPLETE, f"{path}: already imported by another task"
    return TaskRecord.FAILED, f"{path}: no such file"


def move_to_failed(path: str, reason: str) -> Path:
    """Move an inbox file that could not be imported to ``<inbox>/failed/`` and write its reason to
    ``<name>.reason.txt`` beside it; returns the new path."""
    source = Path(path)
    folder = source.parent / "failed"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / source.name
    (folder / f"{source.name}.reason.txt").write_text(f"{timezone.now().isoformat()} {reason}\n", encoding="utf-8")
    os.replace(source, target)
    log.warning("%s could not be imported, moved to %s: %s", path, target, reason)
    return target


def _progress(record_id: int, text: str) -> None:
    """Write the progress line of a running task (its status is left alone)."""
    TaskRecord.objects.filter(pk=record_id).update(progress=text[:1000])


@db_task(context=False)  # type: ignore[untyped-decorator]
def import_folder_task(record_id: int, folder: str, kind: str | None = None, delete_after: bool = False) -> None:
    """Import every file of ``folder`` (searched recursively; a single file or a glob pattern also works).

    Progress reads "n of N files". Termination is checked before each file: a terminated task stops
    there and is marked terminated. Each file is stored in its own transaction, so every file imported
    before the stop is complete and none is half-written. ``kind``: a key of ``KIND_GROUPS`` (only
    import objects of that kind); ``delete_after``: remove each file that was imported (or is not a
    dose object); failed files and files skipped by ``kind`` stay.
    """
    from openrem.dose.services import KIND_GROUPS, expand_paths, import_file
    from openrem.jobs.service import should_stop

    if _start(record_id) is None:
        return
    counts: Counter[str] = Counter()
    errors: list[str] = []
    done = total = 0

    def summary() -> str:
        return f"{done} of {total} files: " + (", ".join(f"{n} {what}" for what, n in sorted(counts.items()))
                                              or "nothing imported")

    try:
        kinds = KIND_GROUPS[kind] if kind else None
        files = [str(p) for p in expand_paths([folder])]
        total = len(files)
        _progress(record_id, f"0 of {total} files")
        for path in files:
            if should_stop(record_id):
                _finish(record_id, TaskRecord.TERMINATED, result=f"terminated after {summary()}",
                        error="\n".join(errors))
                return
            outcome = import_file(path, kinds)
            if delete_after and outcome.outcome not in ("error", "skipped") and os.path.exists(path):
                os.remove(path)
            done += 1
            counts[outcome.outcome] += 1
            if outcome.failed:
                errors.append(outcome.line())
            _progress(record_id, f"{done} of {total} files")
    except KeyboardInterrupt:  # the worker is being stopped and its stop timeout ran out
        _requeue_interrupted(record_id)
        raise
    except Exception:  # the task record says what happened; the worker keeps running
        log.exception("folder import task %s failed", record_id)
        _finish(record_id, TaskRecord.FAILED, result=summary(), error="\n".join([*errors, traceback.format_exc()]))
        return
    if total == 0:
        _finish(record_id, TaskRecord.FAILED, error=f"no files found in {folder}")
        return
    _finish(record_id, TaskRecord.FAILED if errors else TaskRecord.COMPLETE, result=summary(),
            error="\n".join(errors))
