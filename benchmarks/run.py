#!/usr/bin/env python3
"""Import benchmarks (not part of the test suite). Run: ``.venv/bin/python benchmarks/run.py``.

Prints, each on a fresh SQLite database in a temporary folder:
  1. wall time to import every sample file of ../shared/dicom (and the median per file kind);
  2. CT RDSR imports per second over 1,000 generated reports (parse + store, files in memory);
  3. image imports: median seconds per image file;
  4. generation of 1,000 CT RDSRs in memory (goal: under 10 s);
  5. peak memory of the process.
Figures of the older OpenREM on this machine kind are printed beside them as ratios.
"""
from __future__ import annotations

import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("OPENREM_SHARED", ROOT.parent / "shared"))
OLD_ALL_FILES_S = 132.0
OLD_CT_PER_S = 2.6
OLD_IMAGE_MEDIAN_S = (0.17, 0.73)


def setup(db: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openrem.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def bench_samples() -> None:
    from openrem.dose.services import import_file

    files = sorted((SHARED / "dicom").glob("*.dcm"))
    if not files:
        print("sample files: not found, skipped")
        return
    per_kind: dict[str, list[float]] = {}
    start = time.perf_counter()
    for f in files:
        t = time.perf_counter()
        import_file(f)
        per_kind.setdefault(f.name.split("-")[0], []).append(time.perf_counter() - t)
    total = time.perf_counter() - start
    print(f"all {len(files)} sample files: {total:.2f} s  (older OpenREM {OLD_ALL_FILES_S:.0f} s: "
          f"{OLD_ALL_FILES_S / total:.0f}x faster)")
    for kind, times in sorted(per_kind.items()):
        print(f"   {kind:5s} {len(times):3d} files, median {statistics.median(times) * 1000:7.1f} ms, "
              f"max {max(times) * 1000:7.1f} ms")


def bench_ct(count: int = 1000) -> None:
    from openrem.dicom import synth
    from openrem.dicom.parse import parse_bytes
    from openrem.dose.ingest import ingest

    rng = random.Random(7)
    builder, device_maker = synth.BUILDERS["CT"]
    rooms = [device_maker(rng) for _ in range(5)]  # five scanners, as in a hospital
    t = time.perf_counter()
    blobs = [synth.to_bytes(builder(rng, device=rng.choice(rooms))) for _ in range(count)]
    gen = time.perf_counter() - t
    t = time.perf_counter()
    for blob in blobs:
        result = parse_bytes(blob)
        assert result.report is not None, result.reason
        ingest(result.report)
    elapsed = time.perf_counter() - t
    rate = count / elapsed
    print(f"{count} generated CT RDSRs: {rate:.0f} imports/s ({elapsed:.2f} s; generation {gen:.2f} s not counted)"
          f"  (older OpenREM {OLD_CT_PER_S} /s: {rate / OLD_CT_PER_S:.0f}x)")


def bench_images(count: int = 200) -> None:
    from openrem.dicom import synth
    from openrem.dicom.parse import parse_bytes
    from openrem.dose.ingest import ingest

    rng = random.Random(11)
    builders = {"DX image": synth.dx_image, "MG image": synth.mg_image, "PET image": synth.pet_image}
    for label, build in builders.items():
        blobs = [synth.to_bytes(build(rng)) for _ in range(count)]
        times = []
        for blob in blobs:
            t = time.perf_counter()
            result = parse_bytes(blob)
            assert result.report is not None, result.reason
            ingest(result.report)
            times.append(time.perf_counter() - t)
        med = statistics.median(times)
        print(f"{count} {label}s: median {med * 1000:.1f} ms per file  (older OpenREM "
              f"{OLD_IMAGE_MEDIAN_S[0]}-{OLD_IMAGE_MEDIAN_S[1]} s: {OLD_IMAGE_MEDIAN_S[0] / med:.0f}x faster or more)")


def bench_generation(count: int = 1000, goal_s: float = 10.0) -> None:
    from openrem.dicom import synth

    seconds, size = synth.benchmark_ct(count)
    verdict = "met" if seconds < goal_s else "MISSED"
    print(f"generation of {count} CT RDSRs: {seconds:.2f} s, {size / 1e6:.1f} MB "
          f"(goal under {goal_s:.0f} s: {verdict})")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        setup(Path(tmp) / "bench.sqlite3")
        bench_samples()
        bench_ct()
        bench_images()
        bench_generation()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:.0f} MB")


if __name__ == "__main__":
    main()
