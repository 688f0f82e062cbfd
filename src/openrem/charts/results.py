"""Stored chart results: the aggregated numbers of a chart request, reused until the data changes.

Exact statistics over a million studies take seconds (every value is read; see
``docs/performance.md``), so the numbers of each request are stored with the fingerprint of the
versions of the scopes its row query reads (:mod:`openrem.charts.versioning`) and served again
while the fingerprint is unchanged. A stored result is therefore never older than the data: any
change to what a chart reads raises a version in the same transaction, and the next request
computes afresh.

Correctness of a stored row: the fingerprint is read before the aggregation and again after it; the
result is stored only when both readings agree, which means that no transaction changing what the
chart reads committed while the aggregation ran (versions only grow), so every statement of the
aggregation saw exactly the data of that fingerprint. Inside an open transaction (which may hold
its own uncommitted changes) nothing is reused or stored.

The key is a SHA-256 of the product version, the modality, the chart, the SQL and parameters of the
chart's row query (which holds every list filter and every option that shapes the rows: acquisition
types, grouping by system or physician, case and whitespace folding) and the options that shape the
aggregation (histograms, bins, time period).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from importlib import metadata
from typing import Any

from django.db import DatabaseError, connections, transaction
from django.utils import timezone

from openrem.charts import versioning

log = logging.getLogger("openrem.charts")
KEEP_DAYS = 7  # stored results not written for longer are deleted (a later request computes again)


def _product_version() -> str:
    try:
        return metadata.version("openrem")
    except metadata.PackageNotFoundError:  # running from a source tree without installing
        return "source"


PRODUCT_VERSION = _product_version()


def result_key(parts: list[Any]) -> str:
    """The stored result key of a request described by ``parts`` (JSON-serialisable, or ``str``-able)."""
    text = json.dumps([PRODUCT_VERSION, *parts], sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _lookup(key: str, version: str, using: str) -> dict[str, Any] | None:
    from openrem.charts.models import StoredChart

    payload = (StoredChart.objects.using(using).filter(key=key, data_version=version)
               .values_list("payload", flat=True).first())
    return dict(json.loads(payload)) if payload is not None else None


def _store(key: str, version: str, payload: str, compute_ms: int, using: str) -> None:
    from openrem.charts.models import StoredChart

    try:
        with transaction.atomic(using=using):
            StoredChart.objects.using(using).update_or_create(
                key=key, defaults={"data_version": version, "payload": payload, "compute_ms": compute_ms})
            old = timezone.now() - timedelta(days=KEEP_DAYS)
            StoredChart.objects.using(using).filter(created_at__lt=old).delete()
    except DatabaseError:  # a concurrent request stored the same key first: theirs is as good
        log.debug("stored chart %s not written", key, exc_info=True)


def _round_trip(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` as it comes back from its stored JSON text."""
    return dict(json.loads(json.dumps(data)))


def stored_or_computed(parts: list[Any], compute: Callable[[], dict[str, Any]], using: str,
                       scopes: Sequence[str]) -> dict[str, Any]:
    """The stored result of the request ``parts`` at the current versions of ``scopes`` (what its
    rows read), else ``compute()`` (stored when those did not change meanwhile). Both paths return
    the JSON form of the result, so a stored and a computed answer are identical."""
    if connections[using].in_atomic_block:
        return _round_trip(compute())
    before = versioning.fingerprint(scopes, using)
    if before is None:
        return _round_trip(compute())
    key = result_key(parts)
    found = _lookup(key, before, using)
    if found is not None:
        return found
    start = time.perf_counter()
    payload = json.dumps(compute())
    compute_ms = round((time.perf_counter() - start) * 1000)
    if versioning.fingerprint(scopes, using) == before:
        _store(key, before, payload, compute_ms, using)
    return dict(json.loads(payload))
