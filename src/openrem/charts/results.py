"""Stored chart results: the aggregated numbers of a chart request, reused until the data changes.

Exact statistics over a million studies take seconds (every value is read; see
``docs/performance.md``), so the numbers of each request are stored with the fingerprint of the
versions of the scopes its row query reads (:mod:`openrem.charts.versioning`) and served again
while the fingerprint is unchanged. Any change to what a chart reads raises a version in the same
transaction, so a result served as *current* is never older than the data.

Correctness of a stored row, i.e. that its numbers are those of the data its fingerprint names:

* **PostgreSQL**: the versions and every statement of the aggregation are read in one
  ``REPEATABLE READ`` read-only transaction, i.e. one snapshot of the database. The versions are
  raised in the transaction of the change, so the snapshot holds the data of exactly those
  versions, however many imports commit meanwhile. One computation per request runs at a time
  (an advisory lock on the key): a second identical request waits and is then served the stored
  numbers instead of computing them again.
* **SQLite** (where a read transaction would hold the write lock of the embedded database): the
  fingerprint is read before the aggregation and again after it; the result is stored only when
  both readings agree, which means that no change of what the chart reads committed meanwhile.

Inside an open transaction (which may hold its own uncommitted changes) nothing is reused or
stored. A stored row is only ever replaced by the numbers of newer data (the sum of the versions
grows with every change), so a slow computation of older data cannot overwrite a newer one.

Each answer says when its data was read (``computed_at``) and whether the data has changed since
(``current``). Only a caller that asks for it (``allow_stale``: the chart panel of a list page,
which asks again at once for the current numbers and replaces the chart) is given the stored numbers
of an earlier data version; otherwise a stale result is computed again.

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
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
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


@dataclass(frozen=True)
class Answer:
    """The numbers of a chart request, when their data was read and whether it is unchanged since."""

    data: dict[str, Any]
    computed_at: datetime
    current: bool


@dataclass(frozen=True)
class Stored:
    """What is stored for a key: its data version and when that data was read."""

    data_version: str
    data_seq: int
    computed_at: datetime


def result_key(parts: list[Any]) -> str:
    """The stored result key of a request described by ``parts`` (JSON-serialisable, or ``str``-able)."""
    text = json.dumps([PRODUCT_VERSION, *parts], sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _row(key: str, using: str) -> tuple[Stored, str] | None:
    from openrem.charts.models import StoredChart

    found = (StoredChart.objects.using(using).filter(key=key)
             .values_list("data_version", "data_seq", "computed_at", "created_at", "payload").first())
    if found is None:
        return None
    version, seq, computed_at, written_at, payload = found
    return Stored(version, seq, computed_at or written_at), payload


def stored(parts: list[Any], using: str) -> Stored | None:
    """What is stored for the request ``parts`` (of whichever data version)."""
    found = _row(result_key(parts), using)
    return found[0] if found else None


def _store(key: str, version: versioning.DataVersion, computed_at: datetime, payload: str, compute_ms: int,
           using: str) -> None:
    """Store unless the row of ``key`` holds newer data already."""
    from openrem.charts.models import StoredChart

    try:
        with transaction.atomic(using=using):
            rows = StoredChart.objects.using(using)
            newer = rows.select_for_update().filter(key=key, data_seq__gt=version.seq).exists()
            if not newer:
                rows.update_or_create(key=key, defaults={
                    "data_version": version.fingerprint, "data_seq": version.seq, "computed_at": computed_at,
                    "payload": payload, "compute_ms": compute_ms})
            rows.filter(created_at__lt=timezone.now() - timedelta(days=KEEP_DAYS)).delete()
    except DatabaseError:  # a concurrent request stored the same key first: theirs is as good
        log.debug("stored chart %s not written", key, exc_info=True)


def _answer(payload: str, computed_at: datetime, current: bool) -> Answer:
    return Answer(dict(json.loads(payload)), computed_at, current)


def _timed(compute: Callable[[], dict[str, Any]]) -> tuple[str, int]:
    start = time.perf_counter()
    payload = json.dumps(compute())  # a computed answer is the round trip of its JSON, like a stored one
    return payload, round((time.perf_counter() - start) * 1000)


def stored_or_computed(parts: list[Any], compute: Callable[[], dict[str, Any]], using: str,
                       scopes: Sequence[str], *, allow_stale: bool = False) -> Answer:
    """The stored numbers of the request ``parts`` at the current versions of ``scopes`` (what its
    rows read), else ``compute()`` (then stored). With ``allow_stale``, stored numbers of an older
    version are answered (``current`` false) instead of computing. A stored and a computed answer
    are identical: both are the round trip of the same JSON."""
    if connections[using].in_atomic_block:
        return _answer(json.dumps(compute()), timezone.now(), True)
    key = result_key(parts)
    version = versioning.read(scopes, using)
    if version is None:  # no triggers: nothing is stored or reused
        return _answer(json.dumps(compute()), timezone.now(), True)
    found = _row(key, using)
    if found is not None and (found[0].data_version == version.fingerprint or allow_stale):
        return _answer(found[1], found[0].computed_at, found[0].data_version == version.fingerprint)
    if connections[using].vendor == "postgresql":
        return _snapshot_computed(key, compute, using, scopes)
    return _checked_computed(key, version, compute, using, scopes)


def _checked_computed(key: str, before: versioning.DataVersion, compute: Callable[[], dict[str, Any]],
                      using: str, scopes: Sequence[str]) -> Answer:
    """Compute; store when the versions read after the aggregation are those read before (else the
    numbers are of data that changed while they were read: not current, dated from the start)."""
    started_at = timezone.now()
    payload, compute_ms = _timed(compute)
    after = versioning.read(scopes, using)
    if after is None or after.fingerprint != before.fingerprint:
        return _answer(payload, started_at, False)
    read_at = timezone.now()
    _store(key, after, read_at, payload, compute_ms, using)
    return _answer(payload, read_at, True)


@contextmanager
def _computing(key: str, using: str) -> Iterator[None]:
    """One computation of ``key`` at a time (a PostgreSQL session advisory lock, released at the end;
    for a killed process, once the statement its server process was running ends: PostgreSQL then
    notices the closed connection)."""
    lock_id = int(key[:15], 16)  # 60 bits of the key: a bigint
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [lock_id])
    try:
        yield
    finally:
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_id])


def _snapshot_computed(key: str, compute: Callable[[], dict[str, Any]], using: str,
                       scopes: Sequence[str]) -> Answer:
    """Compute in one snapshot of the database, with the versions of that snapshot; store."""
    with _computing(key, using):
        with transaction.atomic(using=using), connections[using].cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT statement_timestamp()")  # the snapshot is taken with this statement
            read_at: datetime = cursor.fetchone()[0]
            version = versioning.read(scopes, using)
            found = _row(key, using)
            if version is not None and found is not None and found[0].data_version == version.fingerprint:
                return _answer(found[1], found[0].computed_at, True)  # computed while this one waited
            payload, compute_ms = _timed(compute)
        if version is not None:
            _store(key, version, read_at, payload, compute_ms, using)
    current = versioning.read(scopes, using)
    return _answer(payload, read_at, current is not None and version is not None
                   and current.fingerprint == version.fingerprint)
