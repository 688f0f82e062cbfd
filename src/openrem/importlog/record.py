"""Writing and trimming the failed-import list."""

from __future__ import annotations

import logging

from django.db import DatabaseError, transaction

from openrem.importlog.models import FailedImport

log = logging.getLogger("openrem.import")

MAX_ENTRIES = 10000
"""The list keeps the newest entries only."""


def printable_path(path: str) -> str:
    """``path`` as text every database, log and terminal takes: bytes of a file name that are not
    UTF-8 (kept by Python as surrogate escapes, PEP 383) are written as ``\\xNN``."""
    try:
        raw = path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that is no escaped byte
        return path.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace").replace("\x00", "\\x00")


def record_failure(path: str, reason: str) -> None:
    """Add an entry for ``path``; a database that cannot take it is logged, never raised."""
    path, reason = printable_path(path), printable_path(reason)
    try:
        with transaction.atomic():
            FailedImport.objects.create(path=path[:4000], reason=reason.replace("\x00", "")[:4000])
            if FailedImport.objects.count() > MAX_ENTRIES:
                old = FailedImport.objects.order_by("-created_at", "-pk").values_list("pk", flat=True)[MAX_ENTRIES:]
                FailedImport.objects.filter(pk__in=list(old[:1000])).delete()
    except DatabaseError as exc:
        log.warning("could not record the failed import of %s: %s", path, exc)
