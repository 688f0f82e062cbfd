"""One row per object that could not be imported (unreadable, refused, or not stored)."""

from __future__ import annotations

from django.db import models


class FailedImport(models.Model):
    """A file whose import ended in an error: where it was, why, and when (newest first)."""

    path = models.TextField(help_text="file path or sender of the object")
    reason = models.TextField(help_text="the reason given in the import's result line")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        app_label = "importlog"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"
