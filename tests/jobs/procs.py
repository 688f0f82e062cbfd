"""Helpers of the tests that run real ``openrem`` processes (store SCP, ``run_huey`` consumer) against the
test database, on the Redis queue or the SQLite-file queue (no Django imports at module level)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pydicom
import pytest

REDIS_HOST = os.environ.get("REDIS_HOST") or "127.0.0.1"
REDIS_PORT = int(os.environ.get("REDIS_PORT") or 6379)
OPENREM = Path(sys.executable).with_name("openrem")


def require_redis() -> None:
    """Skip (fail with OPENREM_REQUIRE_ALL=1) without a Redis server."""
    try:
        import redis

        redis.Redis(host=REDIS_HOST, port=REDIS_PORT, socket_connect_timeout=2).ping()
    except Exception as exc:  # not installed, refused, timeout...
        message = f"Redis not reachable at {REDIS_HOST}:{REDIS_PORT}: {exc}"
        if os.environ.get("OPENREM_REQUIRE_ALL") == "1":
            pytest.fail(message)
        pytest.skip(message)


def database_url() -> str:
    """The URL of the test database, for the subprocesses."""
    from django.db import connection

    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def process_env(data: Path, queue: str) -> dict[str, str]:
    """Environment of the subprocesses: the test database, ``data`` as OPENREM_DATA (inbox, SQLite
    queue), a queue of their own (``queue``: "redis" or "sqlite")."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION", "REDIS_HOST", "HUEY_NAME")}
    env.update(DATABASE_URL=database_url(), OPENREM_DATA=str(data), HUEY_IMMEDIATE="0", PYTHONUNBUFFERED="1",
               HUEY_NAME=f"openrem-test-{uuid.uuid4().hex[:12]}")
    if queue == "redis":
        require_redis()
        env.update(REDIS_HOST=REDIS_HOST, REDIS_PORT=str(REDIS_PORT))
    return env


def flush_queue(env: dict[str, str]) -> None:
    """Remove the Redis queue of a test run (the SQLite queue is a file of the run's folder)."""
    if env.get("REDIS_HOST"):
        from huey import RedisHuey

        RedisHuey(env["HUEY_NAME"], host=REDIS_HOST, port=REDIS_PORT).storage.flush_all()


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Graceful stop (SIGINT), then SIGKILL of the process group (the process and its workers)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=20)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)  # leftover worker processes of the group
    proc.wait(timeout=10)


class Procs:
    """Subprocesses started by a test (each in its own session); stopped at the end."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env, self.logs, self.started = env, logs, []  # type: list[subprocess.Popen[bytes]]
        logs.mkdir(parents=True, exist_ok=True)

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        with (self.logs / f"{name}.log").open("ab") as out:
            proc = subprocess.Popen([str(OPENREM), *args], env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        self.started.append(proc)
        return proc

    def consumer(self, workers: int = 2) -> subprocess.Popen[bytes]:
        return self.start("consumer", "run_huey", "-w", str(workers), "-k", "process")

    def stop_all(self) -> None:
        for proc in self.started:
            stop(proc)

    def tail(self) -> str:
        return "".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in sorted(self.logs.glob("*.log")))


def children(pid: int) -> list[int]:
    """Direct child processes of ``pid`` (Linux /proc)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def running(pid: int) -> bool:
    """Whether ``pid`` exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] not in "ZX"


def wait_for(condition: Callable[[], Any], timeout: float, what: str, interval: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def copies(source: Path, folder: Path, count: int) -> list[Path]:
    """``count`` copies of ``source`` with new Study, Series and SOP Instance UIDs (each its own study)."""
    folder.mkdir(parents=True, exist_ok=True)
    run = uuid.uuid4().int % 10**12
    paths = []
    for i in range(count):
        ds = pydicom.dcmread(source)
        ds.StudyInstanceUID = f"1.2.826.0.1.3680043.10.1616.{run}.1.{i}"
        ds.SeriesInstanceUID = f"1.2.826.0.1.3680043.10.1616.{run}.2.{i}"
        ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = f"1.2.826.0.1.3680043.10.1616.{run}.3.{i}"
        paths.append(folder / f"obj{i:03d}.dcm")
        ds.save_as(paths[-1])
    return paths
