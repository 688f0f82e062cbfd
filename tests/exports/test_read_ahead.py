"""Exports outside a transaction read each chunk's events on a second connection while the previous chunk
is written; the rows must be exactly those of the one-connection path (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from django.db import transaction
from export_support import read_csv

from factories import ct_report
from openrem.dose.ingest import ingest
from openrem.dose.models import Study
from openrem.exports.run import CommandUser, run_export
from openrem.exports.source import iter_studies
from openrem.modalities.export_columns import EXPORT_SPECS

pytestmark = pytest.mark.django_db(transaction=True)


def _rows(chunk: int) -> list[tuple[int, list[int]]]:
    qs = Study.objects.order_by("pk")
    return [(row.values["id"], [e["id"] for e in row.events]) for row in iter_studies(EXPORT_SPECS["ct"], qs, chunk)]


def test_read_ahead_gives_the_rows_of_the_single_connection_path(tmp_path: Path) -> None:
    for n in range(7):
        ingest(ct_report(f"9.{n}", f"9.{n}.1", [f"9.{n}.1.1", f"9.{n}.1.2"]))
    threads_before = {t.name for t in threading.enumerate()}
    ahead = _rows(chunk=2)  # outside a transaction: 4 chunks, read ahead on a worker thread
    assert not {t.name for t in threading.enumerate()} - threads_before  # the worker is gone
    with transaction.atomic():
        one_connection = _rows(chunk=2)
    assert ahead == one_connection
    assert [pk for pk, _events in ahead] == sorted(Study.objects.values_list("pk", flat=True))
    assert all(events for _pk, events in ahead)
    path = tmp_path / "ct.csv"
    run_export("ct", "csv", {}, CommandUser(), str(path))
    assert len(read_csv(path)) == 7
