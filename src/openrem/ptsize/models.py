"""One uploaded size CSV and the record of its import."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SizeUpload(models.Model):
    """An uploaded CSV, the chosen columns and the outcome of its import (the log is kept here; the CSV
    file is deleted once processed)."""

    ACCESSION = "accession"
    STUDY_UID = "si-uid"
    ID_TYPES = [(ACCESSION, _("Accession number")), (STUDY_UID, _("Study Instance UID"))]
    AUTO, CM, M = "auto", "cm", "m"
    HEIGHT_UNITS = [(AUTO, _("cm or m (values below 3 are metres)")), (CM, _("cm")), (M, _("m"))]
    UPLOADED, QUEUED, PROCESSING, COMPLETE, FAILED, ABORTED = (
        "uploaded", "queued", "processing", "complete", "failed", "aborted")
    STATUSES = [(s, s) for s in (UPLOADED, QUEUED, PROCESSING, COMPLETE, FAILED, ABORTED)]

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    csv_file = models.FileField(upload_to="sizeupload/", null=True, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    id_field = models.CharField(max_length=255, blank=True)
    id_type = models.CharField(max_length=12, choices=ID_TYPES, default=ACCESSION)
    height_field = models.CharField(max_length=255, blank=True)
    height_unit = models.CharField(max_length=4, choices=HEIGHT_UNITS, default=AUTO)
    weight_field = models.CharField(max_length=255, blank=True)
    overwrite = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=STATUSES, default=UPLOADED)
    progress = models.CharField(max_length=255, blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_stored = models.PositiveIntegerField(default=0)
    rows_failed = models.PositiveIntegerField(default=0)
    log = models.TextField(blank=True)
    task = models.ForeignKey("jobs.TaskRecord", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "ptsize"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"size import {self.original_name} ({self.status})"
