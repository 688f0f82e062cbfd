"""An import killed mid-transaction leaves nothing; two workers end with the serial state."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from django.db import connection, connections

from openrem.dose.models import ProcessedObject, ProjectionEvent, Study, UniqueEquipment
from openrem.dose.reference import dump_reference
from openrem.dose.services import import_file

pytestmark = pytest.mark.django_db(transaction=True)
BIG = "RF-Pat-Orientation-Modifier-Missing.dcm"  # 316 events: many inserts inside one transaction


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


KILLER = textwrap.dedent("""
    import os, signal, sys
    import django
    os.environ["DJANGO_SETTINGS_MODULE"] = "openrem.settings"
    django.setup()
    from openrem.dose import treeio
    from openrem.dose.services import import_file
    real = treeio.write_level
    calls = []
    def dying(record_type, pairs):
        real(record_type, pairs)
        calls.append(record_type)
        if len(calls) == 3:  # study row, dose, accumulated and events written: die before commit
            os.kill(os.getpid(), signal.SIGKILL)
    treeio.write_level = dying
    import_file(sys.argv[1])
""")


def test_import_killed_mid_transaction_leaves_no_partial_study(sample) -> None:  # type: ignore[no-untyped-def]
    path = sample(BIG)
    env = dict(os.environ, DATABASE_URL=_database_url())
    proc = subprocess.run([sys.executable, "-c", KILLER, str(path)], env=env, capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]
    connections.close_all()
    assert Study.objects.count() == 0
    assert ProjectionEvent.objects.count() == 0
    assert ProcessedObject.objects.count() == 0
    outcome = import_file(path)
    assert outcome.outcome == "stored", outcome.line()
    assert Study.objects.get().number_of_events == 316


def _normalised() -> list[dict]:
    studies = dump_reference()["studies"]
    for s in studies:
        s.pop("pk")
        s["sop_instance_uids_processed"] = sorted(s["sop_instance_uids_processed"])
    return sorted(studies, key=lambda s: (s["study_instance_uid"], s["sop_instance_uids_processed"]))


FILES = ["CT-RDSR-Siemens-Multi-1.dcm", "CT-RDSR-Siemens-Multi-2.dcm", "CT-RDSR-Siemens-Multi-3.dcm",
         "CT-RDSR-Siemens-Continued-1.dcm", "CT-RDSR-Siemens-Continued-2.dcm", "RF-RDSR-Siemens-Zee.dcm",
         "CT-RDSR-GEPixelMed.dcm"]


def test_two_workers_end_with_the_serial_state(sample) -> None:  # type: ignore[no-untyped-def]
    paths = [sample(name) for name in FILES]
    for p in paths:
        import_file(p)
    serial = _normalised()
    Study.objects.all().delete()
    UniqueEquipment.objects.all().delete()
    errors: list[str] = []

    def worker(order: list[Path]) -> None:
        try:
            for p in order:
                outcome = import_file(p)
                if outcome.failed:
                    errors.append(outcome.line())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(paths,)),
               threading.Thread(target=worker, args=(list(reversed(paths)),))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors
    concurrent = _normalised()
    assert [s["study_instance_uid"] for s in concurrent] == [s["study_instance_uid"] for s in serial]
    for got, want in zip(concurrent, serial, strict=True):
        diff = {k: (got.get(k), want.get(k)) for k in want if got.get(k) != want.get(k)}
        assert not diff, diff
