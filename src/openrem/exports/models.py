"""Export records (spec 1.10 "Exports"): the file, the filters used, who exported and how it went.

The status, progress line, user and times of the export task are in its
:class:`~openrem.jobs.models.TaskRecord`; the export row keeps what must outlive the task history:
the file, the record count, the filters and whether patient identifiers are included.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from openrem.jobs.models import TaskRecord


class ExportFile(models.Model):
    """One export: its task, its file under MEDIA_ROOT/exports/YYYY/MM/DD/ and what it contains."""

    task = models.OneToOneField(TaskRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="export")
    modality = models.CharField(max_length=8)
    export_format = models.CharField(max_length=16)
    pid_variant = models.CharField(max_length=8, blank=True, help_text="name, id, both or empty")
    includes_pid = models.BooleanField(default=False, db_index=True)
    filters = models.JSONField(default=dict, blank=True, help_text="the list filters used (query string)")
    file = models.CharField(max_length=255, blank=True, help_text="path relative to MEDIA_ROOT")
    num_records = models.IntegerField(null=True, blank=True)
    processing_time = models.FloatField(null=True, blank=True, db_comment="unit: s")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.modality} {self.export_format} export {self.pk}"

    @property
    def status(self) -> str:
        return self.task.status if self.task else (TaskRecord.COMPLETE if self.file else TaskRecord.FAILED)

    @property
    def file_name(self) -> str:
        return self.file.rsplit("/", 1)[-1] if self.file else ""
