#!/usr/bin/env python3
"""Fuzz the importer: mutate the shared sample files, import them into a scratch database, check.

    .venv/bin/python tools/fuzz.py --count 500 --seed 1       # part of `make test`
    .venv/bin/python tools/fuzz.py --count 10000 --seed 1     # the documented run (docs/robustness.md)

Each file is one sample (``$OPENREM_SHARED/dicom``, files up to 1.5 MB) with fresh UIDs and one
mutation of :mod:`openrem.dicom.synth.mutate`, chosen from the seed (same seed, same files). Files
are imported one by one in a worker process with ``import_file`` (the path of ``openrem import``);
a file whose import takes more than ``--timeout`` seconds (default 10) of the worker's CPU time
(wall time where /proc is missing; 300 s of wall time in any case) is a hang: the worker is killed
and a new one takes the next file. CPU time, not wall time, so a busy machine does not turn a slow
file into a hang; the slowest file is printed. Checks, each counted and printed:

* no exception escapes ``import_file`` and nothing with "Traceback" reaches the console;
* no hang;
* no partial study: a study created by a file holds exactly the events of its parsed record, and
  every study has its processed object;
* no NaN/inf in any numeric column, no negative dose, time or length without a warning;
* afterwards the unmutated samples still import without error into the same database.

Exit status 0 when every check holds. ``--keep DIR`` keeps the files that failed a check.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import math
import multiprocessing as mp
import os
import random
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("OPENREM_SHARED", ROOT.parent / "shared"))
MAX_SAMPLE_BYTES = 1_500_000
WALL_LIMIT = 300.0
"""A file still running after this many seconds of wall time is a hang whatever its CPU time."""
NON_NEGATIVE_UNITS = {"mGy", "mGy.cm", "Gy.m2", "Gy", "mSv", "s", "ms", "mm", "kV", "mA", "uA.s", "MBq"}


def setup(database_url: str | None, scratch: Path) -> None:
    if database_url is None:
        database_url = f"sqlite:///{scratch / 'fuzz.sqlite3'}"
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openrem.settings")
    os.environ.setdefault("LOG_ROOT", str(scratch / "logs"))
    os.environ.setdefault("OPENREM_DATA", str(scratch / "data"))
    sys.path.insert(0, str(ROOT / "src"))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


BASES: dict[str, bytes] = {}
"""Sample bytes by name, read before the workers fork (shared with them)."""


def make_file(index: int, seed: int, out: Path) -> tuple[Path, str]:
    """Write mutated file number ``index`` (its own generator: the same whatever the scheduling)."""
    from openrem.dicom.synth import mutate

    rng = random.Random(f"{seed}-{index}")
    sample = rng.choice(sorted(BASES))
    name, data = mutate.mutate(mutate.fresh_uids(BASES[sample], index), rng)
    path = out / f"{index:05d}-{name}-{Path(sample).stem}.dcm"
    path.write_bytes(data)
    return path, name


# ----------------------------------------------------------------------------- worker process


def _console_buffer() -> io.StringIO:
    """Send every console stream handler and sys.stderr/stdout to one buffer (checked per file)."""
    buffer = io.StringIO()
    for logger in [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]:
        for handler in getattr(logger, "handlers", []):
            if type(handler) is logging.StreamHandler:
                handler.setStream(buffer)
    sys.stderr = sys.stdout = buffer
    return buffer


def import_one(path: str) -> dict[str, Any]:
    """Import one file; the result says what happened and whether the study is whole."""
    from openrem.dose.services import import_file

    try:
        outcome = import_file(path)
    except BaseException:  # noqa: BLE001 - exactly what the fuzz run looks for
        return {"outcome": "UNCAUGHT", "detail": traceback.format_exc()[-2000:]}
    result: dict[str, Any] = {"outcome": outcome.outcome, "detail": outcome.detail[:300]}
    if outcome.outcome == "stored" and outcome.study_pk is not None:
        result["partial"] = partial_study(path, outcome.study_pk)
    return result


def partial_study(path: str, study_pk: int) -> str:
    """"" when the study stored from ``path`` holds every event of its parsed record, else why not."""
    from openrem.dicom.parse import parse_path
    from openrem.dose.models import Administration, CtEvent, ProcessedObject, ProjectionEvent, Study

    study = Study.objects.filter(pk=study_pk).first()
    if study is None:
        return "study missing"
    if not ProcessedObject.objects.filter(study=study).exists():
        return "no processed object"
    report = parse_path(path).report
    if report is None:
        return ""
    expected = (sum(len(ct.events) for ct in report.ct_radiation_dose),
                sum(len(p.events) for p in report.projection_xray_radiation_dose),
                sum(len(nm.administrations) for nm in report.radiopharmaceutical_radiation_dose))
    stored = (CtEvent.objects.filter(parent__parent=study).count(),
              ProjectionEvent.objects.filter(parent__parent=study).count(),
              Administration.objects.filter(parent__parent=study).count())
    if stored != expected:
        return f"events stored (CT, projection, administrations) {stored}, in the file {expected}"
    return ""


def _cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) of process ``pid`` from /proc (Linux), None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def worker(conn: Connection, seed: int, out: Path, parent: int) -> None:
    buffer = _console_buffer()
    while True:
        if not conn.poll(1.0):
            if os.getppid() != parent:  # the run was stopped: do not stay behind
                return
            continue
        index = conn.recv()
        if index is None:
            return
        path, mutation = make_file(index, seed, out)
        conn.send((str(path), mutation))  # the file exists: a hang from here on is the import's
        buffer.seek(0)
        buffer.truncate()
        result = import_one(str(path))
        result["console_traceback"] = "Traceback" in buffer.getvalue()
        if result["outcome"] != "UNCAUGHT" and not result["console_traceback"] and not result.get("partial"):
            path.unlink()  # only files that failed a check are kept (disk space of long runs)
        conn.send(result)


class Runner:
    """Make and import files in a worker process, killing and replacing it when an import hangs."""

    def __init__(self, timeout: float, seed: int, out: Path) -> None:
        self.timeout, self.seed, self.out = timeout, seed, out
        self.ctx = mp.get_context("fork")
        self.proc: Any = None
        self.conn: Connection | None = None
        self.path = Path()
        self.mutation = ""
        self.started = 0.0
        self.cpu_start: float | None = None

    def _start(self) -> None:
        from django.db import connections

        connections.close_all()
        parent, child = self.ctx.Pipe()
        self.proc = self.ctx.Process(target=worker, args=(child, self.seed, self.out, os.getpid()), daemon=True)
        self.proc.start()
        self.conn = parent

    def submit(self, index: int) -> None:
        if self.proc is None or not self.proc.is_alive():
            self._start()
        assert self.conn is not None
        self.conn.send(index)
        path, self.mutation = self.conn.recv()
        self.path, self.started = Path(path), time.perf_counter()
        self.cpu_start = _cpu_seconds(self.proc.pid)

    def spent(self) -> float:
        """Seconds spent on the current file: the worker's CPU time where the system tells it (a busy
        machine does not make a file hang), else wall time."""
        now = _cpu_seconds(self.proc.pid) if self.cpu_start is not None else None
        if now is None or self.cpu_start is None:
            return time.perf_counter() - self.started
        return now - self.cpu_start

    def collect(self, wait: float) -> tuple[dict[str, Any], float] | None:
        """The result of the submitted file, None while it runs (a hang once over the timeout)."""
        assert self.conn is not None
        if self.conn.poll(max(0.0, min(wait, self.timeout - self.spent()))):
            try:
                result = self.conn.recv()
            except EOFError:
                self.proc = None
                return {"outcome": "CRASHED", "detail": "worker process died"}, time.perf_counter() - self.started
            return result, self.spent()
        wall = time.perf_counter() - self.started
        if self.spent() < self.timeout and wall < WALL_LIMIT:
            return None
        self.proc.kill()
        self.proc.join()
        self.proc = None
        return {"outcome": "HANG", "detail": f"over {self.timeout:g} s CPU or {WALL_LIMIT:g} s wall"}, wall

    def close(self) -> None:
        if self.proc is not None and self.conn is not None:
            self.conn.send(None)
            self.proc.join(5)


# ----------------------------------------------------------------------------- database checks


def stored_value_problems() -> tuple[int, int, int]:
    """(non-finite values, negative dose/time/length values, of which without a warning)."""
    from django.apps import apps
    from django.db import models

    from openrem.dose.models import Study
    from openrem.dose.models.generated import TREE, columns

    nonfinite = negative = unflagged = 0

    tables: list[tuple[Any, list[tuple[str, str | None]]]] = [
        (Study, [(f.name, (f.db_comment or "").removeprefix("unit: ") or None)
                 for f in Study._meta.get_fields() if isinstance(f, models.FloatField)])]
    for node in TREE:
        model = apps.get_model("dose", node.model_name)
        tables.append((model, [(c.name, c.unit) for c in columns(node.record) if c.kind == "scalar" and c.base is float]))
    warned: dict[int, str] = {}
    for model, cols in tables:
        names = [n for n, _ in cols]
        study_path = "pk" if model is Study else _study_path(model)
        for row in model.objects.values_list(study_path, *names).iterator():
            study_pk, values = row[0], row[1:]
            for (name, unit), value in zip(cols, values, strict=True):
                if value is None:
                    continue
                if not math.isfinite(value):
                    nonfinite += 1
                elif value < 0 and unit in NON_NEGATIVE_UNITS and "position" not in name and "_z_" not in name:
                    negative += 1
                    if study_pk not in warned:
                        warned[study_pk] = " ".join(Study.objects.get(pk=study_pk).warnings)
                    unflagged += name not in warned[study_pk]
    return nonfinite, negative, unflagged


def _study_path(model: Any) -> str:
    """The ORM path from a tree table to its study's pk (parent__parent...__id)."""
    from openrem.dose.models import Study

    path, current = [], model
    while current is not Study:
        path.append("parent")
        current = current._meta.get_field("parent").related_model
    return "__".join(path) + "_id" if len(path) == 1 else "__".join(path) + "__id"


def reimport_samples(samples: list[Path]) -> list[str]:
    from openrem.dose.services import import_file

    return [outcome.line() for outcome in map(import_file, samples) if outcome.failed]


# ----------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per file before it counts as a hang")
    parser.add_argument("--database-url", help="scratch database (default: a new SQLite file)")
    parser.add_argument("--keep", type=Path, help="copy the files that failed a check here")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (use PostgreSQL for more than one)")
    args = parser.parse_args(argv)
    samples = sorted(p for p in (SHARED / "dicom").glob("*.dcm") if p.stat().st_size <= MAX_SAMPLE_BYTES)
    if not samples:
        print(f"fuzz: no sample files under {SHARED / 'dicom'}")
        return 1 if os.environ.get("OPENREM_REQUIRE_ALL") == "1" else 0
    with tempfile.TemporaryDirectory(prefix="openrem-fuzz-") as tmp:
        scratch = Path(tmp)
        started = time.perf_counter()
        setup(args.database_url, scratch)
        (scratch / "files").mkdir()
        BASES.update((p.name, p.read_bytes()) for p in samples)
        return run(args, scratch / "files", samples, started)


def results(count: int, args: argparse.Namespace, out: Path) -> Any:
    """Yield (path, mutation, result, seconds) for every file, ``args.jobs`` worker processes at a time."""
    runners = [Runner(args.timeout, args.seed, out) for _ in range(args.jobs)]
    pending = list(reversed(range(count)))
    busy: set[int] = set()
    while pending or busy:
        for i, runner in enumerate(runners):
            if i not in busy and pending:
                runner.submit(pending.pop())
                busy.add(i)
        for i in list(busy):
            done = runners[i].collect(0.05 if args.jobs > 1 else args.timeout)
            if done is not None:
                busy.discard(i)
                yield runners[i].path, runners[i].mutation, done[0], done[1]
    for runner in runners:
        runner.close()


SLOWEST: list[tuple[float, str]] = []


def check_all(args: argparse.Namespace, out: Path, started: float, outcomes: Counter[str], mutations: Counter[str],
              failures: list[str], bad: Counter[str]) -> None:
    """Import every file and count outcomes and failed checks (in place; the slowest in SLOWEST)."""
    slowest = (0.0, "")
    for path, mutation, result, seconds in results(args.count, args, out):
        mutations[mutation] += 1
        outcomes[result["outcome"]] += 1
        done = sum(outcomes.values())
        if args.count >= 2000 and done % 250 == 0:
            print(f"  {done} files, {time.perf_counter() - started:.0f} s: {dict(sorted(outcomes.items()))}, "
                  f"failed checks {dict(bad)}", flush=True)
        slowest = max(slowest, (seconds, path.name))
        SLOWEST[:] = [slowest]
        problem = {"UNCAUGHT": "uncaught exception", "HANG": "hang", "CRASHED": "worker crash"}.get(result["outcome"])
        problem = problem or ("traceback on the console" if result.get("console_traceback") else None)
        problem = problem or (f"partial study: {result['partial']}" if result.get("partial") else None)
        if problem:
            bad[problem.split(":")[0]] += 1
            failures.append(f"{path.name}: {problem}: {result['detail'][:500]}")
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, args.keep / path.name)


def run(args: argparse.Namespace, out: Path, samples: list[Path], started: float) -> int:
    outcomes: Counter[str] = Counter()
    mutations: Counter[str] = Counter()
    failures: list[str] = []
    bad = Counter[str]()
    interrupted = False
    try:
        check_all(args, out, started, outcomes, mutations, failures, bad)
    except KeyboardInterrupt:  # stopped (SIGINT): report the files done so far
        interrupted = True
        print(f"fuzz: interrupted after {sum(outcomes.values())} of {args.count} files", flush=True)
    slowest = SLOWEST[0] if SLOWEST else (0.0, "")
    nonfinite, negative, unflagged = stored_value_problems()
    not_reimported = reimport_samples(samples)
    total = time.perf_counter() - started
    print(f"fuzz: {sum(outcomes.values())} files, seed {args.seed}, {total:.0f} s "
          f"(slowest file {slowest[0]:.2f} s CPU: {slowest[1]})")
    print("  mutations: " + ", ".join(f"{k} {v}" for k, v in sorted(mutations.items())))
    print("  outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    for label, key in (("uncaught exceptions", "uncaught exception"), ("console tracebacks", "traceback on the console"),
                       ("hangs", "hang"), ("worker crashes", "worker crash"), ("partial studies", "partial study")):
        print(f"  {label}: {bad[key]}")
    print(f"  non-finite values stored: {nonfinite}")
    print(f"  negative dose/time/length values stored: {negative} (without a warning: {unflagged})")
    print(f"  samples imported afterwards: {len(samples) - len(not_reimported)} of {len(samples)} without error")
    for line in failures[:20] + not_reimported[:10]:
        print("  FAIL " + line)
    ok = not (interrupted or failures or nonfinite or unflagged or not_reimported)
    return 0 if ok else 1


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
