"""Task records: one row per background task, shown on the task pages."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class TaskRecord(models.Model):
    """A background task (import, query-retrieve, export...) and how it went."""

    QUEUED = "queued"
    ACTIVE = "active"
    COMPLETE = "complete"
    FAILED = "failed"
    TERMINATING = "terminating"
    TERMINATED = "terminated"
    STATUSES = [(s, s) for s in (QUEUED, ACTIVE, COMPLETE, FAILED, TERMINATING, TERMINATED)]

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    task_type = models.CharField(max_length=32, db_index=True)  # import, query, move, export...
    status = models.CharField(max_length=16, choices=STATUSES, default=QUEUED, db_index=True)
    summary = models.CharField(max_length=255, blank=True, help_text="what the task works on")
    progress = models.TextField(blank=True)
    result = models.TextField(blank=True)
    error = models.TextField(blank=True)
    pid = models.IntegerField(null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # recovery (docs/tasks.md, "Stopping and recovery"): how to run the task again, which worker runs
    # it ("host:pid:start time") and when that worker last said it was alive
    call = models.JSONField(default=dict, blank=True, help_text="task name and arguments, to re-queue it")
    path = models.CharField(max_length=1024, blank=True, db_index=True, help_text="the file a single import reads")
    worker = models.CharField(max_length=128, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="runs started (re-queued after a dead worker)")

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.task_type} {self.uuid} ({self.status})"

    @property
    def terminate_requested(self) -> bool:
        return self.status in (self.TERMINATING, self.TERMINATED)


class TaskHistorySettings(models.Model):
    """How many finished task records are kept (spec: task history size, default 2000)."""

    max_rows = models.PositiveIntegerField(default=2000)

    def save(self, *args: object, **kwargs: object) -> None:
        self.pk = 1
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @classmethod
    def get(cls) -> TaskHistorySettings:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj
