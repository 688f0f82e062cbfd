"""Query-retrieve records (spec: "DICOM query summary"): what was asked, what each remote study,
series and object was, whether it was kept for the move and, if not, why."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Query(models.Model):
    """One query-retrieve run against a remote node."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    started = models.DateTimeField(auto_now_add=True, db_index=True)
    finished = models.DateTimeField(null=True, blank=True)
    node = models.ForeignKey("netdicom.RemoteNode", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="queries")
    store = models.ForeignKey("netdicom.StoreNode", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="queries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    parameters = models.JSONField(default=dict, blank=True)
    stage = models.TextField(blank=True, help_text="progress text, updated while the query runs")
    summary = models.TextField(blank=True)
    errors = models.TextField(blank=True)
    query_done = models.BooleanField(default=False)
    move_requested = models.BooleanField(default=False)
    move_done = models.BooleanField(default=False)
    failed = models.BooleanField(default=False)
    move_completed = models.PositiveIntegerField(default=0)
    move_failed = models.PositiveIntegerField(default=0)
    move_warning = models.PositiveIntegerField(default=0)
    query_task = models.ForeignKey("jobs.TaskRecord", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    move_task = models.ForeignKey("jobs.TaskRecord", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    class Meta:
        app_label = "netdicom"
        ordering = ["-started", "-pk"]

    def __str__(self) -> str:
        return f"query {self.pk} ({self.uuid})"

    @property
    def running(self) -> bool:
        """Still querying or moving."""
        return not self.finished


class QueryStudy(models.Model):
    """A study-level response."""

    query = models.ForeignKey(Query, on_delete=models.CASCADE, related_name="studies")
    study_instance_uid = models.CharField(max_length=64, db_index=True)
    modalities_in_study = models.CharField(max_length=64, blank=True)
    modality_group = models.CharField(max_length=8, blank=True)
    study_description = models.CharField(max_length=255, blank=True)
    station_name = models.CharField(max_length=64, blank=True)
    study_date = models.CharField(max_length=8, blank=True)
    study_time = models.CharField(max_length=16, blank=True)
    accession_number = models.CharField(max_length=64, blank=True)
    kept = models.BooleanField(default=True)
    reason = models.TextField(blank=True)
    import_tasks = models.ManyToManyField("jobs.TaskRecord", blank=True, related_name="+")

    class Meta:
        app_label = "netdicom"
        ordering = ["pk"]


class QuerySeries(models.Model):
    """A series-level response."""

    study = models.ForeignKey(QueryStudy, on_delete=models.CASCADE, related_name="series")
    series_instance_uid = models.CharField(max_length=64)
    modality = models.CharField(max_length=16, blank=True)
    series_description = models.CharField(max_length=255, blank=True)
    series_number = models.IntegerField(null=True, blank=True)
    station_name = models.CharField(max_length=64, blank=True)
    number_of_instances = models.IntegerField(null=True, blank=True)
    image_level_move = models.BooleanField(default=False)
    kept = models.BooleanField(default=True)
    reason = models.TextField(blank=True)
    # C-MOVE sub-operations of this series (PS3.4 C.4.2.1.4: completed, failed, warning) and the SOP
    # instances the remote reported as failed (Failed SOP Instance UID List)
    moved = models.BooleanField(default=False)
    move_completed = models.PositiveIntegerField(default=0)
    move_failed = models.PositiveIntegerField(default=0)
    move_warning = models.PositiveIntegerField(default=0)
    move_failed_sops = models.TextField(blank=True, help_text="failed SOP instance UIDs, one a line")
    move_error = models.TextField(blank=True)

    class Meta:
        app_label = "netdicom"
        ordering = ["pk"]


class QueryImage(models.Model):
    """An image-level response (an object, whatever its type)."""

    series = models.ForeignKey(QuerySeries, on_delete=models.CASCADE, related_name="images")
    sop_instance_uid = models.CharField(max_length=64, db_index=True)
    sop_class_uid = models.CharField(max_length=64, blank=True)
    instance_number = models.IntegerField(null=True, blank=True)
    kept = models.BooleanField(default=True)
    reason = models.TextField(blank=True)

    class Meta:
        app_label = "netdicom"
        ordering = ["pk"]
