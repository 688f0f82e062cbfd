"""The rank index under concurrent writers (PostgreSQL): imports of every modality from new systems
(new series created at the same time), deletions and merges of the bin rows running together never
fail an import, and end with an index equal to the data."""

from __future__ import annotations

import random
import threading
from typing import Any

import pytest
from django.db import connection, connections

from openrem.charts import rankindex
from openrem.dicom import synth
from openrem.dicom.parse import parse_bytes
from openrem.dose.ingest import ingest
from openrem.dose.models import Study

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: the rank index")]
KINDS = ("CT", "CT", "DX", "MG", "RF", "NM")


def _blobs(seed: int, count: int) -> list[bytes]:
    rng = random.Random(seed)
    out = []
    for i in range(count):
        builder, device = synth.BUILDERS[KINDS[i % len(KINDS)]]
        out.append(synth.to_bytes(builder(rng, device=device(rng))))
    return out


def _run(target: Any, errors: list[str], *args: Any) -> threading.Thread:
    def body() -> None:
        try:
            target(*args)
        except Exception as exc:  # noqa: BLE001  (reported by the test)
            errors.append(repr(exc))
        finally:
            connections.close_all()

    thread = threading.Thread(target=body)
    thread.start()
    return thread


def _import(blobs: list[bytes]) -> None:
    for blob in blobs:
        result = parse_bytes(blob)
        assert result.report is not None, result.reason
        ingest(result.report)


def _delete_some(stop: threading.Event, deleted: list[int]) -> None:
    while not stop.is_set():
        victim = Study.objects.order_by("?").first()
        if victim is not None:
            victim.delete()
            deleted.append(victim.pk or 0)
        stop.wait(0.05)


def _merge(stop: threading.Event) -> None:
    while not stop.is_set():
        rankindex.compact()
        stop.wait(0.02)


def test_concurrent_imports_deletions_and_merges_keep_the_index_exact() -> None:
    rankindex.install()
    errors: list[str] = []
    stop = threading.Event()
    deleted: list[int] = []
    helpers = [_run(_delete_some, errors, stop, deleted), _run(_merge, errors, stop)]
    importers = [_run(_import, errors, _blobs(seed, 24)) for seed in (1, 2, 3)]
    for thread in importers:
        thread.join(timeout=600)
    stop.set()
    for thread in helpers:
        thread.join(timeout=60)
    assert not errors
    assert Study.objects.count() > 0 and deleted
    differences = rankindex.verify()
    assert differences and all(n == 0 for n in differences.values()), differences
    rankindex.compact()
    assert all(n == 0 for n in rankindex.verify().values())
