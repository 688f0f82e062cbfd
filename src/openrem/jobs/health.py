"""Inbox and task health for the task page (docs/tasks.md, "Inbox and task health")."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from openrem.jobs.models import TaskRecord
from openrem.jobs.recovery import inbox_files, inboxes, stuck


@dataclass(frozen=True)
class InboxHealth:
    """One inbox: files waiting for their import, the age of the oldest, files moved to ``failed/``."""

    path: str
    waiting: int
    oldest_age_s: float | None
    failed: int


def inbox_health(folders: list[Path] | None = None) -> list[InboxHealth]:
    """The health of every inbox of this installation (or of ``folders``)."""
    now = time.time()
    result = []
    for folder in inboxes() if folders is None else folders:
        ages = []
        for path in inbox_files(folder):
            try:
                ages.append(now - path.stat().st_mtime)
            except FileNotFoundError:  # imported meanwhile
                continue
        failed_folder = folder / "failed"
        failed = sum(1 for p in failed_folder.iterdir() if p.is_file() and not p.name.endswith(".reason.txt")) \
            if failed_folder.is_dir() else 0
        result.append(InboxHealth(str(folder), len(ages), max(ages) if ages else None, failed))
    return result


def stuck_tasks(limit: int = 50) -> list[TaskRecord]:
    """Tasks that look stuck: active on a dead worker, or queued for more than 10 minutes."""
    return list(TaskRecord.objects.filter(stuck()).order_by("created_at", "pk")[:limit])
