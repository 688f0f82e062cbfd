#!/usr/bin/env python3
"""Store SCP throughput (not part of the test suite). Run: ``.venv/bin/python benchmarks/storescp.py``.

For each mode, in a fresh process with a fresh SQLite database in a temporary folder, COUNT unique CT
RDSRs (a sample file with new study/series/instance UIDs) are sent by 4 concurrent associations on
127.0.0.1 to an ``openrem`` store SCP running in that process, and it prints:

* receipt rate: objects per second acknowledged by the SCP (C-STORE → written + queued);
* end-to-end rate: objects per second from the first C-STORE to the last study stored.

Modes: ``inprocess`` (HUEY_IMMEDIATE: the import runs inside the C-STORE handler thread),
``huey1`` / ``huey2`` (a real ``openrem run_huey`` consumer with 1 / 2 worker processes, Redis at
127.0.0.1:6379 under a private queue name).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("OPENREM_SHARED", ROOT.parent / "shared"))
SAMPLE = SHARED / "dicom" / "CT-RDSR-Siemens_Flash-TAP-SS.dcm"
AET = "BENCHSCP"


def _settings_module(folder: Path, queue: str) -> None:
    (folder / "bench_settings.py").write_text(
        "from openrem.settings import *  # noqa\n"
        f"HUEY = {{**HUEY, 'name': {queue!r}}}\n")


def _env(folder: Path, mode: str) -> dict[str, str]:
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}", OPENREM_DATA=str(folder),
               DJANGO_SETTINGS_MODULE="bench_settings", LOG_LEVEL="WARNING",
               PYTHONPATH=os.pathsep.join([str(folder), str(ROOT / "src")]))
    env.pop("PYTEST_VERSION", None)
    if mode == "inprocess":
        env["HUEY_IMMEDIATE"] = "1"
    else:
        env.update(HUEY_IMMEDIATE="0", REDIS_HOST="127.0.0.1", REDIS_PORT="6379")
    return env


def _new_uidrefs(items: Any, generate: Any) -> None:
    """New values for the UIDREF content items (irradiation event UIDs identify duplicates)."""
    for item in items:
        if getattr(item, "ValueType", "") == "UIDREF":
            item.UID = generate()
        if "ContentSequence" in item:
            _new_uidrefs(item.ContentSequence, generate)


def _datasets(count: int) -> list[Any]:
    from pydicom import dcmread
    from pydicom.uid import generate_uid

    template = dcmread(SAMPLE)
    out = []
    for _ in range(count):
        ds = copy.deepcopy(template)
        ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
        ds.SOPInstanceUID = generate_uid()
        ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        _new_uidrefs(ds.ContentSequence, generate_uid)
        out.append(ds)
    return out


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _send(port: int, datasets: list[Any]) -> int:
    from pynetdicom import AE

    ae = AE(ae_title="BENCHSCU")
    ae.add_requested_context("1.2.840.10008.5.1.4.1.1.88.67", ["1.2.840.10008.1.2.1"])
    assoc = ae.associate("127.0.0.1", port, ae_title=AET)
    ok = sum(1 for ds in datasets if getattr(assoc.send_c_store(ds), "Status", -1) == 0)
    assoc.release()
    return ok


def child(mode: str, count: int, workers: int) -> dict[str, Any]:
    """One measurement (runs in its own process, environment prepared by :func:`parent`)."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from openrem.dose.models import Study
    from openrem.netdicom.storescp import StoreSCP

    consumer = None
    if mode != "inprocess":
        consumer = subprocess.Popen([sys.executable, "-m", "django", "run_huey", "--workers", str(workers)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(2.0)
    scp = StoreSCP(AET, free_port(), "127.0.0.1", root=Path(os.environ["OPENREM_DATA"]))
    scp.start()
    datasets = _datasets(count)
    batches = [datasets[i::4] for i in range(4)]
    start = time.perf_counter()
    with ThreadPoolExecutor(4) as pool:
        sent = sum(pool.map(lambda b: _send(scp.port, b), batches))
    received = time.perf_counter() - start
    deadline = time.time() + 300
    while Study.objects.count() < count and time.time() < deadline:
        time.sleep(0.05)
    stored = time.perf_counter() - start
    scp.stop()
    if consumer is not None:
        consumer.terminate()
        consumer.wait(timeout=30)
    return {"mode": mode, "count": count, "acknowledged": sent, "studies": Study.objects.count(),
            "receipt_per_s": round(count / received, 1), "end_to_end_per_s": round(count / stored, 1)}


def parent(count: int, modes: list[str]) -> None:
    """Run each mode in a fresh process and print the results."""
    for mode in modes:
        with tempfile.TemporaryDirectory(prefix="scpbench-") as tmp:
            folder = Path(tmp)
            _settings_module(folder, f"openrem-bench-{uuid.uuid4().hex[:8]}")
            workers = {"huey1": 1, "huey2": 2}.get(mode, 0)
            proc = subprocess.run([sys.executable, __file__, "--child", mode, "--count", str(count),
                                   "--workers", str(workers)], env=_env(folder, mode), cwd=folder,
                                  capture_output=True, text=True, timeout=900)
            lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
            print(lines[-1] if lines else f"{mode}: failed\n{proc.stderr[-3000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--modes", default="inprocess,huey1,huey2")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.count, args.workers)))
    else:
        parent(args.count, args.modes.split(","))


if __name__ == "__main__":
    main()
