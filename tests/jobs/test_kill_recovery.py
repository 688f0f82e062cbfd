"""Receiving without loss: a real store SCP (``openrem storescp``) and a real consumer (``openrem run_huey``)
killed at random (seeded) moments while 64 objects arrive over DICOM; after restarts every acknowledged
object is imported exactly once, no task record is left queued or active and the inbox is empty.

Each run uses the Redis queue or the SQLite-file queue, on the test database (SQLite or PostgreSQL).
"""

from __future__ import annotations

import os
import random
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydicom import dcmread

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "netdicom"))

from procs import Procs, children, copies, flush_queue, process_env, running, wait_for  # noqa: E402
from store_net import SCP_AET, free_port, sender  # noqa: E402

from openrem.dose.models import ProcessedObject, Study  # noqa: E402
from openrem.jobs.models import TaskRecord  # noqa: E402
from openrem.netdicom.echo import echo  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)

TOTAL = 64
SAMPLE = "CT-RDSR-Siemens-Multi-1.dcm"
LIVE = (TaskRecord.QUEUED, TaskRecord.ACTIVE, TaskRecord.TERMINATING)


@pytest.fixture(params=["redis", "sqlite"])
def queue(request: Any) -> str:
    """The queue of the run: Redis or the SQLite file."""
    return str(request.param)


@pytest.fixture
def procs(queue: str, tmp_path: Path) -> Iterator[Procs]:
    env = process_env(tmp_path / "data", queue)
    env["HUEY_SHUTDOWN_TIMEOUT"] = "10"
    running_procs = Procs(env, tmp_path / "logs")
    yield running_procs
    running_procs.stop_all()
    flush_queue(env)
    sys.stdout.write(running_procs.tail())  # shown by pytest when the test failed


def _start_scp(procs: Procs, port: int) -> Any:
    proc = procs.start("storescp", "storescp", "--aet", SCP_AET, "--port", str(port), "--host", "127.0.0.1")
    wait_for(lambda: proc.poll() is not None or echo("127.0.0.1", port, SCP_AET, timeout=1).alive, 60,
             "the store SCP to answer")
    assert proc.poll() is None, procs.tail()
    return proc


class Sender(threading.Thread):
    """Sends files over associations of ``batch`` objects; an object not acknowledged (association
    broken by a killed SCP) is sent again on a new association, as a modality would."""

    def __init__(self, port: int, paths: list[Path], batch: int = 8) -> None:
        super().__init__(daemon=True)
        self.port, self.todo, self.batch = port, list(paths), batch
        self.acknowledged: list[str] = []
        self.attempts = 0
        self.failures: list[str] = []

    def run(self) -> None:
        while self.todo and self.attempts < 400:
            self.attempts += 1
            ae = sender()
            ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = 3
            assoc = ae.associate("127.0.0.1", self.port, ae_title=SCP_AET)
            if not assoc.is_established:
                threading.Event().wait(0.2)
                continue
            try:
                for path in list(self.todo[:self.batch]):
                    ds = dcmread(path)
                    status = assoc.send_c_store(ds)
                    if getattr(status, "Status", None) != 0x0000:
                        self.failures.append(str(status))
                        break
                    self.acknowledged.append(str(ds.SOPInstanceUID))
                    self.todo.remove(path)
            finally:
                if assoc.is_established:
                    assoc.release()


def _kill_consumer(proc: Any, sig: int) -> None:
    """Send ``sig`` to the consumer process only (not its group); its workers must not outlive it."""
    workers = wait_for(lambda: children(proc.pid), 30, "the consumer's worker processes")
    os.kill(proc.pid, sig)
    proc.wait(timeout=30)  # SIGTERM: bounded by the shutdown timeout (10 s here)
    wait_for(lambda: not any(running(pid) for pid in workers), 10, f"worker processes {workers} to end")


def _all_done(inbox: Path) -> bool:
    files = [p for p in inbox.iterdir() if p.is_file()] if inbox.exists() else []
    return not files and not TaskRecord.objects.filter(status__in=LIVE).exists()


def _check_exactly_once(acknowledged: list[str], inbox: Path) -> None:
    assert len(acknowledged) == TOTAL and len(set(acknowledged)) == TOTAL
    assert not TaskRecord.objects.filter(status__in=LIVE).exists()
    failed = list(TaskRecord.objects.filter(status=TaskRecord.FAILED).values_list("pk", "result", "error"))
    assert not failed, failed
    for uid in acknowledged:  # every acknowledged object is stored once
        assert ProcessedObject.objects.filter(sop_instance_uid=uid).count() == 1, uid
    assert Study.objects.count() == TOTAL
    assert not [p for p in inbox.rglob("*") if p.is_file()]  # nothing left, nothing moved to failed


def test_consumer_killed_with_sigterm_then_sigkill(procs: Procs, tmp_path: Path, sample: Any) -> None:
    """SIGTERM at a random moment (graceful: finishes the running import within the shutdown timeout),
    restart; SIGKILL of the consumer process alone at another random moment (its workers die with it),
    restart; meanwhile the 64 objects keep arriving."""
    rng = random.Random(16)
    paths = copies(sample(SAMPLE), tmp_path / "send", TOTAL)
    port = free_port()
    _start_scp(procs, port)
    consumer = procs.consumer()
    send = Sender(port, paths)
    send.start()
    for sig in (signal.SIGTERM, signal.SIGKILL):
        target = min(Study.objects.count() + rng.randint(2, 12), TOTAL - 4)
        wait_for(lambda t=target: Study.objects.count() >= t, 60, "some imports")
        threading.Event().wait(rng.uniform(0.0, 0.3))
        _kill_consumer(consumer, sig)
        consumer = procs.consumer()
    send.join(timeout=120)
    assert not send.is_alive() and not send.todo, procs.tail()
    inbox = Path(procs.env["OPENREM_DATA"]) / "dicom_in"
    wait_for(lambda: _all_done(inbox), 90, "every task to finish and the inbox to be empty")
    _check_exactly_once(send.acknowledged, inbox)


@pytest.mark.parametrize("queue", ["redis"])
def test_scp_killed_during_transfers(procs: Procs, tmp_path: Path, sample: Any) -> None:
    """SIGKILL of the store SCP twice during transfers, restarted each time: every acknowledged
    object is imported and the inbox ends empty."""
    rng = random.Random(1616)
    paths = copies(sample(SAMPLE), tmp_path / "send", TOTAL)
    port = free_port()
    scp = _start_scp(procs, port)
    procs.consumer()
    send = Sender(port, paths, batch=TOTAL)
    send.start()
    for target in sorted(rng.sample(range(4, TOTAL - 8), 2)):
        wait_for(lambda t=target: len(send.acknowledged) >= t, 60,
                 f"some objects sent ({len(send.acknowledged)}, {send.attempts} associations, {send.failures})",
                 interval=0.005)
        scp.kill()
        scp.wait(timeout=10)
        scp = _start_scp(procs, port)
    send.join(timeout=120)
    assert not send.is_alive() and not send.todo, procs.tail()
    inbox = Path(procs.env["OPENREM_DATA"]) / "dicom_in"
    wait_for(lambda: _all_done(inbox), 90, "every task to finish and the inbox to be empty")
    _check_exactly_once(send.acknowledged, inbox)
