"""Writing and trimming the failed-import list."""

from __future__ import annotations

import logging

from django.db import DatabaseError, transaction

from openrem.importlog.models import FailedImport

log = logging.getLogger("openrem.import")

MAX_ENTRIES = 10000
"""The list keeps the newest entries only."""


def record_failure(path: str, reason: str) -> None:
    """Add an entry for ``path``; a database that cannot take it is logged, never raised."""
    try:
        with transaction.atomic():
            FailedImport.objects.create(path=path[:4000], reason=reason.replace("\x00", "")[:4000])
            if FailedImport.objects.count() > MAX_ENTRIES:
                old = FailedImport.objects.order_by("-created_at", "-pk").values_list("pk", flat=True)[MAX_ENTRIES:]
                FailedImport.objects.filter(pk__in=list(old[:1000])).delete()
    except DatabaseError as exc:
        log.warning("could not record the failed import of %s: %s", path, exc)
