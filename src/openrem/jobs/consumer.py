"""The task consumer of ``openrem run_huey``: huey's consumer with a graceful stop on SIGTERM and SIGINT,
worker processes that die with their parent, heartbeats and recovery (docs/tasks.md).

* **Stop**: SIGTERM (what systemd sends) and SIGINT (Ctrl-C) both stop gracefully: no new task is
  taken, the running ones finish within ``shutdown_timeout`` seconds (``HUEY_SHUTDOWN_TIMEOUT``,
  default 30); then the workers are interrupted and their unfinished tasks are put back to *queued*
  (they run at the next start). A second signal interrupts at once. The worker processes ignore
  SIGTERM/SIGINT themselves (systemd signals the whole control group); the parent interrupts them
  with SIGUSR1.
* **No orphans**: every worker process asks Linux to SIGKILL it when its parent dies
  (``prctl(PR_SET_PDEATHSIG)``), so a consumer killed with SIGKILL (out-of-memory killer) leaves no
  worker behind and a restart never runs beside old workers.
* **Heartbeat**: each worker process writes ``heartbeat_at`` of its running task every few seconds.
* **Recovery** (:func:`openrem.jobs.recovery.recover`) at start, before the workers start, and at
  every health check (``-c``, default 10 s).
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import threading
from typing import Any

from django.db import connections
from django.utils import timezone
from huey.consumer import Consumer, ProcessEnvironment, Worker

log = logging.getLogger("openrem.jobs")

PR_SET_PDEATHSIG = 1
HEARTBEAT_SECONDS = 5.0
INTERRUPT = signal.SIGUSR1


def die_with_parent(parent_pid: int) -> None:
    """Linux: SIGKILL this process when its parent dies; exit now if the parent is already gone."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            log.warning("prctl(PR_SET_PDEATHSIG) failed: errno %s", ctypes.get_errno())
    except (OSError, AttributeError):  # not Linux: the parent-watch thread below still works
        pass
    if os.getppid() != parent_pid:
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent_pid,), name="parent-watch", daemon=True).start()


def _watch_parent(parent_pid: int) -> None:
    """Fallback where prctl is missing: exit when re-parented."""
    while os.getppid() == parent_pid:
        threading.Event().wait(1.0)
    os._exit(1)


def _beat(stop: threading.Event) -> None:
    """Every few seconds: this process's running task records are alive."""
    from openrem.jobs.models import TaskRecord
    from openrem.jobs.recovery import worker_id

    while not stop.wait(HEARTBEAT_SECONDS):
        try:
            TaskRecord.objects.filter(worker=worker_id(), status__in=[TaskRecord.ACTIVE, TaskRecord.TERMINATING]
                                      ).update(heartbeat_at=timezone.now())
        except Exception:  # the database may be restarting; the next beat tries again
            log.exception("task heartbeat failed")
        finally:
            connections.close_all()


def start_heartbeat() -> threading.Event:
    """Start the heartbeat thread of this process; set the returned event to stop it."""
    stop = threading.Event()
    threading.Thread(target=_beat, args=(stop,), name="task-heartbeat", daemon=True).start()
    return stop


class WorkerEnvironment(ProcessEnvironment):  # type: ignore[misc]
    """Worker processes: both stop signals ignored (the parent stops them through the stop flag, then
    SIGUSR1), die with the parent, heartbeat."""

    def __init__(self, *args: Any) -> None:
        super().__init__(signal.SIGTERM, INTERRUPT)
        self.parent_pid = os.getpid()

    def init_child(self, process: Any) -> None:
        super().init_child(process)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        die_with_parent(self.parent_pid)
        if isinstance(process, Worker):
            start_heartbeat()


class OpenREMConsumer(Consumer):  # type: ignore[misc]
    """huey's consumer, with the stop signals, environment and recovery described in the module docstring."""

    def __init__(self, huey: Any, **options: Any) -> None:
        options["graceful_signal"] = "TERM"
        super().__init__(huey, **options)
        actions = {signal.SIGTERM: (False, True), signal.SIGINT: (False, True)}
        if hasattr(signal, "SIGHUP"):
            actions[signal.SIGHUP] = (True, True)
        self._signal_actions = actions

    def get_environment(self, worker_type: str) -> Any:
        if worker_type == "process":
            return WorkerEnvironment()
        return super().get_environment(worker_type)

    def start(self) -> None:
        self.recover(at_start=True)
        if not self.environment.forks:
            start_heartbeat()
        super().start()

    def check_worker_health(self) -> bool:
        healthy = bool(super().check_worker_health())
        self.recover(at_start=False)
        return healthy

    def recover(self, *, at_start: bool) -> None:
        """One recovery pass in this (parent) process; its connections are closed again so that worker
        processes forked later do not share them."""
        from openrem.jobs.recovery import recover

        try:
            result = recover(at_start=at_start)
            if result:
                self._logger.warning("Recovery: %s", result.line())
        except Exception:
            self._logger.exception("task recovery failed")
        finally:
            connections.close_all()
            if self.environment.forks:
                self.huey.storage.close()
